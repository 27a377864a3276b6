//! The voter register in the database (issue 7): bulk import, precinct lists, eligibility
//! counts, absentee certificates, voting-day marks, turnout and the operators' audit trail.
//!
//! The rules are `ashyq_core::register`'s; this module reads what they need, asks them, and
//! writes what they decide. No IIN reaches this module in clear: only keyed digests
//! ([`IinDigest`]) and masked forms.

use std::collections::{HashMap, HashSet};

use ashyq_core::iin::IinDigest;
use ashyq_core::register::absentee::{self, AbsenteeRefusal, CertificateStatus, Serial};
use ashyq_core::register::eligibility::{EligibilityCounts, IneligibleReason, adult_on};
use ashyq_core::register::marks::{MarkContext, MarkDecision, MarkRefusal, decide_mark};
use ashyq_core::register::{StoredVoter, VoterStatus, eligibility};
use ashyq_core::territory::{PrecinctId, Territory};
use chrono::{NaiveDate, NaiveDateTime};
use sqlx::{Executor, QueryBuilder};

use crate::{Pool, Store, StoreError};

mod sqlite_marks;

/// Key rows written per turn on the connection's handle ([`direct`]).
const KEY_ROWS_PER_TURN: usize = 50_000;

/// The index of `voter_lists`, dropped during a bulk load into an empty register.
const DROP_LIST_INDEX: &str = "DROP INDEX IF EXISTS voter_lists_by_precinct";
const CREATE_LIST_INDEX: &str = "CREATE INDEX voter_lists_by_precinct ON voter_lists (precinct)";

/// A person's line of a published precinct list, ready for the database (`voter_lists`):
/// every column already a string or an integer, so that the conversion runs in the caller's
/// worker threads and not in the one writing.
#[derive(Debug, Clone)]
pub struct ListRow {
    id: i64,
    precinct: i64,
    masked: String,
    name_kk: String,
    name_ru: String,
    birth_year: i64,
    sex: &'static str,
}

/// What the register's rules read of a person (`voters`), 56 bytes: a bulk import holds one
/// per person in memory and sorts them by digest, so that the table is written in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// The raw HMAC-SHA-256 of the IIN.
    pub digest: [u8; 32],
    /// The line of the input the person came from (for messages; not stored).
    pub line: u64,
    /// The number of the person's line in `voter_lists`.
    pub list_id: u32,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Home precinct.
    pub precinct: u32,
    /// Citizenship, two ASCII capital letters (ISO 3166-1 alpha-2).
    citizenship: [u8; 2],
    /// Has legal capacity.
    pub legal_capacity: bool,
    /// In custody by sentence.
    pub in_custody: bool,
}

/// Splits a stored voter into its list line, numbered `list_id`, and its key row; `digest` is
/// the raw form of `v.digest` (the import has it from computing the digest), `line` where the
/// person came from.
pub fn split_voter(
    v: StoredVoter,
    digest: [u8; 32],
    line: u64,
    list_id: u32,
) -> Result<(ListRow, KeyRow), StoreError> {
    let citizenship: [u8; 2] = v
        .citizenship
        .as_bytes()
        .try_into()
        .ok()
        .filter(|c: &[u8; 2]| c.iter().all(u8::is_ascii_uppercase))
        .ok_or_else(|| {
            StoreError::BadImport(format!(
                "line {line} has the citizenship {:?}; write it as two capital letters, e.g. KZ",
                v.citizenship
            ))
        })?;
    let list = ListRow {
        id: i64::from(list_id),
        precinct: i64::from(v.precinct.0),
        masked: v.masked,
        name_kk: v.name_kk,
        name_ru: v.name_ru,
        birth_year: i64::from(chrono::Datelike::year(&v.birth_date)),
        sex: match v.sex {
            ashyq_core::iin::Sex::Female => "f",
            ashyq_core::iin::Sex::Male => "m",
        },
    };
    let key = KeyRow {
        digest,
        line,
        list_id,
        birth_date: v.birth_date,
        precinct: v.precinct.0,
        citizenship,
        legal_capacity: v.legal_capacity,
        in_custody: v.in_custody,
    };
    Ok((list, key))
}

impl KeyRow {
    /// The citizenship as text.
    pub fn citizenship(&self) -> &str {
        // Two ASCII capitals by construction (`split_voter`).
        std::str::from_utf8(&self.citizenship).unwrap_or("??")
    }
}

/// The key rows of a bulk import in the order `voters` is written: sorted by digest. Returns
/// the pairs of rows that share a digest (first, later), which an import must refuse.
pub fn sort_key_rows(keys: &mut [KeyRow]) -> Vec<(u64, u64)> {
    keys.sort_unstable_by(|a, b| a.digest.cmp(&b.digest).then(a.line.cmp(&b.line)));
    let mut duplicates = Vec::new();
    let mut first = 0;
    for i in 1..keys.len() {
        if keys[i].digest == keys[first].digest {
            duplicates.push((keys[first].line, keys[i].line));
        } else {
            first = i;
        }
    }
    duplicates
}

/// Appends the 64 hex digits of a digest (the form stored and compared).
fn hex_digest(bytes: &[u8; 32], out: &mut String) {
    let mut text = [0u8; 64];
    // Neither can fail: 64 bytes for 32, and hex digits are ASCII.
    if hex::encode_to_slice(bytes, &mut text).is_ok() {
        out.push_str(std::str::from_utf8(&text).unwrap_or_default());
    }
}

fn iso_date(d: NaiveDate, out: &mut String) {
    use chrono::Datelike;
    use std::fmt::Write as _;
    let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}

/// One entry of a published precinct list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// The masked IIN.
    pub masked: String,
    /// Full name in Kazakh.
    pub name_kk: String,
    /// Full name in Russian.
    pub name_ru: String,
    /// Year of birth.
    pub birth_year: String,
    /// The serial of an absentee certificate issued to the person (the list is marked), if any.
    pub absentee: Option<String>,
}

/// A mark asked for by a precinct.
#[derive(Debug, Clone)]
pub struct MarkRequest {
    /// The person.
    pub digest: IinDigest,
    /// The precinct marking.
    pub precinct: PrecinctId,
}

/// Who does what, when, for an audited operation.
#[derive(Debug, Clone)]
pub struct Operator<'a> {
    /// The operator's name or id.
    pub name: &'a str,
    /// When, RFC 3339 UTC.
    pub at: &'a str,
}

/// An event (referendum or election) for the register: its id and voting day.
#[derive(Debug, Clone)]
pub struct RegisterEvent<'a> {
    /// The event id, e.g. `kz-2026`.
    pub id: &'a str,
    /// Voting day.
    pub voting_day: NaiveDate,
}

/// A row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: String,
    /// Who.
    pub operator: String,
    /// What, e.g. `lookup`, `mark`, `issue_certificate`.
    pub action: String,
    /// About whom or what: a digest or a precinct, never an IIN.
    pub subject: String,
}

/// Turnout of one precinct from the marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecinctTurnout {
    /// The precinct.
    pub precinct: PrecinctId,
    /// People on its list from the register.
    pub on_list: u64,
    /// People added by an absentee certificate presented there.
    pub added_absentee: u64,
    /// People marked as having received a ballot there.
    pub marked: u64,
}

fn bool_of(v: i64) -> bool {
    v != 0
}

fn parse_date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| StoreError::CorruptRow {
        what: "voters.birth_date".to_owned(),
        reason: e.to_string(),
    })
}

fn status_of(row: (String, String, i64, i64)) -> Result<VoterStatus, StoreError> {
    Ok(VoterStatus {
        birth_date: parse_date(&row.0)?,
        citizen: row.1 == ashyq_core::register::KZ,
        legal_capacity: bool_of(row.2),
        in_custody: bool_of(row.3),
    })
}

fn cert_status(status: &str, used_at: Option<i64>) -> CertificateStatus {
    match (status, used_at) {
        ("lost", _) => CertificateStatus::Lost,
        ("used", Some(p)) => CertificateStatus::Used {
            at: PrecinctId(u32::try_from(p).unwrap_or(0)),
        },
        _ => CertificateStatus::Issued,
    }
}

fn precinct_of(v: i64) -> PrecinctId {
    PrecinctId(u32::try_from(v).unwrap_or(0))
}

/// The result of a mark, as the store recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkOutcome {
    /// Recorded now.
    Recorded,
    /// Recorded before, at the same precinct: nothing changed.
    AlreadyMarked,
    /// Refused; `incident` when it was recorded as an incident.
    Refused {
        /// Why.
        reason: MarkRefusal,
        /// Whether an incident was recorded.
        incident: bool,
    },
}

/// Marks per batched statement: the widest (an incident) binds 6 values per mark, far
/// under SQLite's 32,766 and PostgreSQL's 65,535.
const MARK_CHUNK: usize = 1_000;

/// The most marks one group commit of a [`MarkDesk`] holds.
const MARK_GROUP_MAX: usize = 2_000;

/// Serializes markers on PostgreSQL (on SQLite, `BEGIN IMMEDIATE` does): each reads what it
/// decides on only once it holds the lock, so two terminals can never both record a ballot.
const MARKS_LOCK: i64 = 0x6173_6879_7100_0004;

/// What the database says about the people and precincts of a batch of marks: read with one
/// statement per table (per [`MARK_CHUNK`] people) instead of one per mark.
#[derive(Default)]
struct MarkState {
    /// digest → (home precinct, birth date, citizenship, legal capacity, in custody).
    voters: HashMap<String, (i64, String, String, i64, i64)>,
    /// digest → precinct where marked.
    marked: HashMap<String, i64>,
    /// digest → (serial, status, used at).
    certificates: HashMap<String, (i64, String, Option<i64>)>,
    /// Closed precincts among those of the batch.
    closed: HashSet<i64>,
}

/// Who has been marked for one event, as far as one marker has read the marks' log: the
/// marks are appended in `seq` order, so a marker holding the lock brings its book up to date
/// by reading only the marks after the last one it has seen ([`MarkBook::take_in`]), and
/// decides against all of them without an index on the digest — an index whose random pages
/// would make every mark write 4 KB or more.
struct MarkBook {
    event: String,
    /// digest → precinct where marked.
    marked: HashMap<[u8; 32], i64>,
    /// The last `seq` read (of any event); `None` before the first read.
    seen: Option<i64>,
    /// When set, only these people are of interest (a one-off marker keeps no more).
    only: Option<HashSet<[u8; 32]>>,
}

impl MarkBook {
    fn new(event: &str) -> MarkBook {
        MarkBook {
            event: event.to_owned(),
            marked: HashMap::new(),
            seen: None,
            only: None,
        }
    }

    /// A book for one batch of marks, keeping only the people of `items`.
    fn for_batch(
        event: &str,
        items: &[(&MarkRequest, &Operator<'_>)],
    ) -> Result<MarkBook, StoreError> {
        let mut only = HashSet::with_capacity(items.len());
        for (r, _) in items {
            only.insert(digest_key(r.digest.as_str())?);
        }
        Ok(MarkBook {
            only: Some(only),
            ..MarkBook::new(event)
        })
    }

    /// Takes in marks of the log read after `seen` ((seq, event, digest, precinct) rows).
    fn take_in(&mut self, rows: Vec<(i64, String, String, i64)>) -> Result<(), StoreError> {
        for (seq, event, digest, precinct) in rows {
            if event == self.event {
                let key = digest_key(&digest)?;
                if self.only.as_ref().is_none_or(|o| o.contains(&key)) {
                    self.marked.entry(key).or_insert(precinct);
                }
            }
            self.seen = Some(self.seen.map_or(seq, |s| s.max(seq)));
        }
        Ok(())
    }

    /// Takes in what a committed batch recorded and returns its outcomes.
    fn committed(&mut self, r: Recorded) -> Vec<MarkOutcome> {
        for (digest, precinct) in r.marks {
            self.marked.entry(digest).or_insert(precinct);
        }
        if r.last_seq.is_some() {
            self.seen = r.last_seq;
        }
        r.outcomes
    }
}

/// The raw bytes of a digest's 64 hex digits (read from the database or an [`IinDigest`]).
fn digest_key(hex: &str) -> Result<[u8; 32], StoreError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex, &mut out).map_err(|e| StoreError::CorruptRow {
        what: "an IIN digest".to_owned(),
        reason: e.to_string(),
    })?;
    Ok(out)
}

/// What a batch of marks recorded, for its [`MarkBook`] once the transaction commits.
struct Recorded {
    outcomes: Vec<MarkOutcome>,
    marks: Vec<([u8; 32], i64)>,
    last_seq: Option<i64>,
}

/// Reads a batch's [`MarkState`], decides each mark in order (a later mark of the same person
/// in the batch sees the earlier one), and writes marks, incidents, used certificates and one
/// audit row per mark with multi-row statements — on PostgreSQL, inside the caller's
/// transaction, which holds the marks' lock. (SQLite: `sqlite_marks::mark_batch`.)
async fn mark_in_pg_tx(
    tx: &mut sqlx::PgConnection,
    event: &RegisterEvent<'_>,
    items: &[(&MarkRequest, &Operator<'_>)],
    book: &mut MarkBook,
) -> Result<Recorded, StoreError> {
    type Db = sqlx::Postgres;
    let action = "marking voters";
    // The marks recorded since this book last looked (usually none: this desk recorded the
    // last ones itself).
    const FRESH: &str = "SELECT CAST(seq AS BIGINT), event, iin_digest, precinct \
                         FROM voting_marks WHERE seq > $1 ORDER BY seq";
    let fresh: Vec<(i64, String, String, i64)> = sqlx::query_as(FRESH)
        .bind(book.seen.unwrap_or(0))
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db(action))?;
    book.take_in(fresh)?;
    let mut digests: Vec<&str> = items.iter().map(|(r, _)| r.digest.as_str()).collect();
    digests.sort_unstable();
    digests.dedup();
    let mut precincts: Vec<i64> = items.iter().map(|(r, _)| i64::from(r.precinct.0)).collect();
    precincts.sort_unstable();
    precincts.dedup();
    let mut st = MarkState::default();
    for chunk in digests.chunks(MARK_CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT iin_digest, precinct, birth_date, citizenship, legal_capacity, in_custody FROM voters WHERE iin_digest IN (",
        );
        let mut sep = qb.separated(", ");
        for d in chunk {
            sep.push_bind(*d);
        }
        qb.push(")");
        let rows: Vec<(String, i64, String, String, i64, i64)> = qb
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
        for (d, p, b, c, lc, ic) in rows {
            st.voters.insert(d, (p, b, c, lc, ic));
        }
        for d in chunk {
            if let Some(p) = book.marked.get(&digest_key(d)?) {
                st.marked.insert((*d).to_owned(), *p);
            }
        }
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT iin_digest, serial, status, used_at FROM absentee_certificates WHERE event = ",
        );
        qb.push_bind(event.id).push(" AND iin_digest IN (");
        let mut sep = qb.separated(", ");
        for d in chunk {
            sep.push_bind(*d);
        }
        qb.push(")");
        let rows: Vec<(String, i64, String, Option<i64>)> = qb
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
        for (d, s, status, used) in rows {
            st.certificates.insert(d, (s, status, used));
        }
    }
    for chunk in precincts.chunks(MARK_CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("SELECT precinct FROM precinct_closures WHERE event = ");
        qb.push_bind(event.id).push(" AND precinct IN (");
        let mut sep = qb.separated(", ");
        for p in chunk {
            sep.push_bind(*p);
        }
        qb.push(")");
        let rows: Vec<(i64,)> = qb
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
        st.closed.extend(rows.into_iter().map(|(p,)| p));
    }
    let decided = decide_marks(&mut st, items, event.voting_day)?;
    let first_seq = book.seen.unwrap_or(0) + 1;
    for (c, chunk) in decided.marks.chunks(MARK_CHUNK).enumerate() {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO voting_marks (seq, event, iin_digest, precinct, marked_at, certificate) ",
        );
        qb.push_values(chunk.iter().enumerate(), |mut b, (j, &(i, cert))| {
            let (r, op) = items[i];
            b.push_bind(first_seq + (c * MARK_CHUNK + j) as i64)
                .push_bind(event.id)
                .push_bind(r.digest.as_str())
                .push_bind(i64::from(r.precinct.0))
                .push_bind(op.at)
                .push_bind(cert);
        });
        qb.build()
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
    }
    for &(serial, precinct) in &decided.used_certificates {
        sqlx::query("UPDATE absentee_certificates SET status = 'used', used_at = $3 WHERE event = $1 AND serial = $2")
                    .bind(event.id)
                    .bind(serial)
                    .bind(precinct)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
    }
    for chunk in decided.incidents.chunks(MARK_CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO mark_incidents (event, at, precinct, iin_digest, kind, detail) ",
        );
        qb.push_values(chunk, |mut b, (i, reason)| {
            let (r, op) = items[*i];
            b.push_bind(event.id)
                .push_bind(op.at)
                .push_bind(i64::from(r.precinct.0))
                .push_bind(r.digest.as_str())
                .push_bind(reason.code())
                .push_bind(reason.to_string());
        });
        qb.build()
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
    }
    for chunk in items.chunks(MARK_CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO register_audit (at, operator, action, subject) ");
        qb.push_values(chunk, |mut b, (r, op)| {
            b.push_bind(op.at)
                .push_bind(op.name)
                .push_bind("mark")
                .push_bind(r.digest.as_str());
        });
        qb.build()
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
    }
    decided.recorded(items, first_seq)
}

/// The decisions on a batch of marks and what they write.
struct DecidedMarks {
    outcomes: Vec<MarkOutcome>,
    /// (index of the mark in the batch, certificate serial presented) to insert.
    marks: Vec<(usize, Option<i64>)>,
    /// (serial, precinct) of certificates used now.
    used_certificates: Vec<(i64, i64)>,
    /// (index of the mark, why) of refusals that are incidents.
    incidents: Vec<(usize, MarkRefusal)>,
}

impl DecidedMarks {
    /// What the batch recorded, its marks numbered from `first_seq`.
    fn recorded(
        self,
        items: &[(&MarkRequest, &Operator<'_>)],
        first_seq: i64,
    ) -> Result<Recorded, StoreError> {
        let mut marks = Vec::with_capacity(self.marks.len());
        for &(i, _) in &self.marks {
            let (r, _) = items[i];
            marks.push((digest_key(r.digest.as_str())?, i64::from(r.precinct.0)));
        }
        let last_seq = (!marks.is_empty()).then(|| first_seq + marks.len() as i64 - 1);
        Ok(Recorded {
            outcomes: self.outcomes,
            marks,
            last_seq,
        })
    }
}

/// Decides each mark of a batch in order by [`decide_mark`], updating `st` as it goes so a
/// person marked earlier in the batch counts as marked.
fn decide_marks(
    st: &mut MarkState,
    items: &[(&MarkRequest, &Operator<'_>)],
    voting_day: NaiveDate,
) -> Result<DecidedMarks, StoreError> {
    let mut out = DecidedMarks {
        outcomes: Vec::with_capacity(items.len()),
        marks: Vec::with_capacity(items.len()),
        used_certificates: Vec::new(),
        incidents: Vec::new(),
    };
    for (i, (r, _)) in items.iter().enumerate() {
        let d = r.digest.as_str();
        let at = i64::from(r.precinct.0);
        let voter = st.voters.get(d);
        let ineligible = match voter {
            Some((_, b, c, lc, ic)) => {
                let status = status_of((b.clone(), c.clone(), *lc, *ic))?;
                eligibility(&status, voting_day).first().copied()
            }
            None => None,
        };
        let certificate = st.certificates.get(d).and_then(|(s, status, used)| {
            Serial::new(u32::try_from(*s).ok()?).map(|serial| (serial, cert_status(status, *used)))
        });
        let ctx = MarkContext {
            home: voter.map(|v| precinct_of(v.0)),
            ineligible,
            certificate,
            marked_at: st.marked.get(d).map(|p| precinct_of(*p)),
            at: r.precinct,
            closed: st.closed.contains(&at),
        };
        let outcome = match decide_mark(&ctx) {
            MarkDecision::AlreadyMarked => MarkOutcome::AlreadyMarked,
            MarkDecision::Record { certificate } => {
                let cert = certificate.map(|s| i64::from(s.get()));
                st.marked.insert(d.to_owned(), at);
                if let Some(serial) = cert {
                    if let Some(c) = st.certificates.get_mut(d) {
                        *c = (serial, "used".to_owned(), Some(at));
                    }
                    out.used_certificates.push((serial, at));
                }
                out.marks.push((i, cert));
                MarkOutcome::Recorded
            }
            MarkDecision::Refuse(reason) => {
                let incident = reason.is_incident();
                if incident {
                    out.incidents.push((i, reason));
                }
                MarkOutcome::Refused { reason, incident }
            }
        };
        out.outcomes.push(outcome);
    }
    Ok(out)
}

impl Store {
    /// The number of people on the register.
    pub async fn voter_count(&self) -> Result<u64, StoreError> {
        let (n,): (i64,) = with_pool!(self, pool => {
            sqlx::query_as("SELECT COUNT(*) FROM voters").fetch_one(pool).await
        })
        .map_err(StoreError::db("counting the voter register"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Loads an **empty** register, in one transaction: all people or none.
    ///
    /// `lists` brings the published-list lines in the order of the input file; they go to
    /// `voter_lists` as they come, whose precinct index is dropped first and built again after
    /// the last line (one sort instead of millions of B-tree inserts). `keys` then brings the
    /// key rows **sorted by digest** ([`sort_key_rows`]), written to `voters` in that order so
    /// that its B-trees grow by appending — or `None`: the caller found problems in the input,
    /// and everything is rolled back (the result is `None`).
    ///
    /// SQLite steps prepared statements on the connection's own handle ([`direct`]); if this is
    /// the database's only connection, the load is written through a rollback journal instead of the WAL, so that the gigabytes of a full
    /// register are written once rather than into the WAL and again at the checkpoint (a
    /// rollback journal keeps nothing of pages added past the end of the file). PostgreSQL
    /// takes `COPY … FROM STDIN`.
    pub async fn import_voters(
        &self,
        mut lists: tokio::sync::mpsc::Receiver<Vec<ListRow>>,
        keys: tokio::sync::oneshot::Receiver<Option<Vec<KeyRow>>>,
    ) -> Result<Option<u64>, StoreError> {
        let existing = self.voter_count().await?;
        if existing > 0 {
            return Err(StoreError::RegisterNotEmpty { voters: existing });
        }
        let action = "loading the voter register";
        let mut listed = 0u64;
        let started = std::time::Instant::now();
        let written = match &self.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await.map_err(StoreError::db(action))?;
                // A larger page cache for this connection only, and helper threads for the
                // sort of the index build.
                conn.execute("PRAGMA cache_size = -262144; PRAGMA threads = 2")
                    .await
                    .map_err(StoreError::db(action))?;
                // Leaving WAL mode needs the database to itself: only when this is the pool's
                // one connection ([`Store::open_single`]), and another process may still hold
                // it (then SQLite says busy and the load goes through the WAL).
                let journal = pool.size() == 1
                    && match sqlx::query_as::<_, (String,)>("PRAGMA journal_mode = TRUNCATE")
                        .fetch_one(&mut *conn)
                        .await
                    {
                        Ok((mode,)) => mode.eq_ignore_ascii_case("truncate"),
                        Err(e) => {
                            tracing::info!(error = %e, "the register is loaded through the WAL");
                            false
                        }
                    };
                let loaded = async {
                    let mut tx = sqlx::Connection::begin(&mut *conn)
                        .await
                        .map_err(StoreError::db(action))?;
                    sqlx::raw_sql(DROP_LIST_INDEX)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db(action))?;
                    while let Some(chunk) = lists.recv().await {
                        direct(&mut tx, |db| {
                            let mut insert = db.prepare(
                                "INSERT INTO voter_lists (id, precinct, iin_masked, name_kk, name_ru, birth_year, sex) \
                                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            )?;
                            for r in &chunk {
                                insert.execute(rusqlite::params![
                                    r.id, r.precinct, r.masked, r.name_kk, r.name_ru, r.birth_year, r.sex
                                ])?;
                            }
                            Ok(())
                        })
                        .await?;
                        listed += chunk.len() as u64;
                    }
                    let lists_done = std::time::Instant::now();
                    let Some(keys) = keys.await.ok().flatten() else {
                        tx.rollback().await.map_err(StoreError::db(action))?;
                        return Ok(None);
                    };
                    let keys_received = std::time::Instant::now();
                    check_key_order(&keys, listed)?;
                    let mut text = String::with_capacity(74);
                    for rows in keys.chunks(KEY_ROWS_PER_TURN) {
                        direct(&mut tx, |db| {
                            let mut insert = db.prepare(
                                "INSERT INTO voters (iin_digest, list_id, precinct, birth_date, citizenship, legal_capacity, in_custody) \
                                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            )?;
                            for k in rows {
                                text.clear();
                                hex_digest(&k.digest, &mut text);
                                iso_date(k.birth_date, &mut text);
                                let (digest, date) = text.split_at(64);
                                insert.execute(rusqlite::params![
                                    digest,
                                    k.list_id,
                                    k.precinct,
                                    date,
                                    k.citizenship(),
                                    k.legal_capacity,
                                    k.in_custody
                                ])?;
                            }
                            Ok(())
                        })
                        .await?;
                        // Between turns, other tasks of this thread's runtime get to run.
                        tokio::task::yield_now().await;
                    }
                    let indexing = std::time::Instant::now();
                    sqlx::raw_sql(CREATE_LIST_INDEX)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db("indexing the voter register"))?;
                    let committing = std::time::Instant::now();
                    tx.commit().await.map_err(StoreError::db(action))?;
                    tracing::info!(
                        list_seconds = (lists_done - started).as_secs_f64(),
                        key_seconds = (indexing - keys_received).as_secs_f64(),
                        index_seconds = (committing - indexing).as_secs_f64(),
                        commit_seconds = committing.elapsed().as_secs_f64(),
                        "voter register written"
                    );
                    Ok::<Option<u64>, StoreError>(Some(keys.len() as u64))
                }
                .await;
                // Back to the store's settings whatever happened (a failed transaction was
                // rolled back when dropped, before this runs on the connection).
                let mut restore = String::from("PRAGMA cache_size = -2000; PRAGMA threads = 0;");
                if journal {
                    restore.push_str(" PRAGMA journal_mode = WAL;");
                }
                let restored = sqlx::raw_sql(&restore)
                    .execute(&mut *conn)
                    .await
                    .map_err(StoreError::db(action));
                let loaded = loaded?;
                restored?;
                loaded
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await.map_err(StoreError::db(action))?;
                let mut tx = sqlx::Connection::begin(&mut *conn)
                    .await
                    .map_err(StoreError::db(action))?;
                sqlx::raw_sql(DROP_LIST_INDEX)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
                let mut copy = tx
                    .copy_in_raw(
                        "COPY voter_lists (id, precinct, iin_masked, name_kk, name_ru, \
                         birth_year, sex) FROM STDIN",
                    )
                    .await
                    .map_err(StoreError::db(action))?;
                let mut buf = String::new();
                while let Some(chunk) = lists.recv().await {
                    buf.clear();
                    for r in &chunk {
                        list_copy_line(r, &mut buf);
                    }
                    copy.send(buf.as_bytes())
                        .await
                        .map_err(StoreError::db(action))?;
                    listed += chunk.len() as u64;
                }
                let Some(keys) = keys.await.ok().flatten() else {
                    copy.abort("the input has problems")
                        .await
                        .map_err(StoreError::db(action))?;
                    return Ok(None);
                };
                copy.finish().await.map_err(StoreError::db(action))?;
                check_key_order(&keys, listed)?;
                let mut copy = tx
                    .copy_in_raw(
                        "COPY voters (iin_digest, list_id, precinct, birth_date, citizenship, \
                         legal_capacity, in_custody) FROM STDIN",
                    )
                    .await
                    .map_err(StoreError::db(action))?;
                for rows in keys.chunks(20_000) {
                    buf.clear();
                    for k in rows {
                        key_copy_line(k, &mut buf);
                    }
                    copy.send(buf.as_bytes())
                        .await
                        .map_err(StoreError::db(action))?;
                }
                copy.finish().await.map_err(StoreError::db(action))?;
                sqlx::raw_sql(CREATE_LIST_INDEX)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("indexing the voter register"))?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Some(keys.len() as u64)
            }
        };
        if let Some(n) = written {
            tracing::info!(
                voters = n,
                seconds = started.elapsed().as_secs_f64(),
                "voter register loaded"
            );
        }
        Ok(written)
    }

    /// Loads an empty register with `voters` (a small one: a test, a district's file): the
    /// sorting and splitting that [`Store::import_voters`] leaves to a streaming caller.
    pub async fn import_register(&self, voters: Vec<StoredVoter>) -> Result<u64, StoreError> {
        let mut lists = Vec::with_capacity(voters.len());
        let mut keys = Vec::with_capacity(voters.len());
        for (i, v) in voters.into_iter().enumerate() {
            let raw = digest_key(v.digest.as_str())?;
            let id = u32::try_from(i + 1).map_err(|_| {
                StoreError::BadImport(
                    "more than 4,294,967,295 people; split the register into several files"
                        .to_owned(),
                )
            })?;
            let (l, k) = split_voter(v, raw, i as u64 + 1, id)?;
            lists.push(l);
            keys.push(k);
        }
        if let Some(&(first, again)) = sort_key_rows(&mut keys).first() {
            return Err(StoreError::BadImport(format!(
                "person {again} has the same IIN as person {first}; a person is on the register once"
            )));
        }
        let (list_tx, list_rx) = tokio::sync::mpsc::channel(1);
        let (key_tx, key_rx) = tokio::sync::oneshot::channel();
        let _ = list_tx.send(lists).await;
        drop(list_tx);
        let _ = key_tx.send(Some(keys));
        Ok(self.import_voters(list_rx, key_rx).await?.unwrap_or(0))
    }

    /// Records that `operator` did `action` about `subject` (a digest or a precinct).
    pub async fn audit(
        &self,
        operator: &Operator<'_>,
        action: &str,
        subject: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO register_audit (at, operator, action, subject) VALUES ($1, $2, $3, $4)")
                .bind(operator.at)
                .bind(operator.name)
                .bind(action)
                .bind(subject)
                .execute(pool)
                .await
                .map(drop)
        })
        .map_err(StoreError::db("writing the register audit trail"))?;
        Ok(())
    }

    /// The audit trail, oldest first.
    pub async fn audit_trail(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<(String, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT at, operator, action, subject FROM register_audit ORDER BY at, action, subject")
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("reading the register audit trail"))?;
        Ok(rows
            .into_iter()
            .map(|(at, operator, action, subject)| AuditEntry {
                at,
                operator,
                action,
                subject,
            })
            .collect())
    }

    /// Looks a person up by digest (audited): their precinct and eligibility on `on`.
    pub async fn lookup_voter(
        &self,
        digest: &IinDigest,
        on: NaiveDate,
        operator: &Operator<'_>,
    ) -> Result<Option<(PrecinctId, Vec<IneligibleReason>)>, StoreError> {
        self.audit(operator, "lookup", digest.as_str()).await?;
        let row: Option<(i64, String, String, i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT precinct, birth_date, citizenship, legal_capacity, in_custody FROM voters WHERE iin_digest = $1")
                .bind(digest.as_str())
                .fetch_optional(pool)
                .await
        })
        .map_err(StoreError::db("looking up a voter"))?;
        row.map(|(p, b, c, lc, ic)| {
            let status = status_of((b, c, lc, ic))?;
            Ok((precinct_of(p), eligibility(&status, on)))
        })
        .transpose()
    }

    /// The statuses of the people among `digests` who are on the register, for the
    /// party-membership check ([`ashyq_core::register::RegisterLookup`]); audited once.
    pub async fn voter_statuses(
        &self,
        digests: &[IinDigest],
        operator: &Operator<'_>,
    ) -> Result<HashMap<IinDigest, VoterStatus>, StoreError> {
        self.audit(
            operator,
            "lookup_members",
            &format!("{} people", digests.len()),
        )
        .await?;
        let mut out = HashMap::new();
        for chunk in digests.chunks(1_000) {
            let rows: Vec<(String, String, String, i64, i64)> = with_pool!(self, pool, Db => {
                let mut qb = QueryBuilder::<Db>::new("SELECT iin_digest, birth_date, citizenship, legal_capacity, in_custody FROM voters WHERE iin_digest IN (");
                let mut sep = qb.separated(", ");
                for d in chunk {
                    sep.push_bind(d.as_str());
                }
                qb.push(")");
                qb.build_query_as().fetch_all(pool).await
            })
            .map_err(StoreError::db("looking up party members on the register"))?;
            for (d, b, c, lc, ic) in rows {
                let digest = IinDigest::try_from(d).map_err(|reason| StoreError::CorruptRow {
                    what: "voters.iin_digest".to_owned(),
                    reason,
                })?;
                out.insert(digest, status_of((b, c, lc, ic))?);
            }
        }
        Ok(out)
    }

    /// A precinct's voter list, sorted by Russian name, with masked IINs (audited).
    pub async fn voter_list(
        &self,
        event: &str,
        precinct: PrecinctId,
        operator: &Operator<'_>,
    ) -> Result<Vec<ListEntry>, StoreError> {
        self.audit(operator, "export_list", &format!("precinct {}", precinct.0))
            .await?;
        // The certificates of the event (a few per precinct) find their holders' lines
        // through `voters`.
        let rows: Vec<(String, String, String, i64, Option<i64>)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT v.iin_masked, v.name_kk, v.name_ru, v.birth_year, h.serial FROM voter_lists v
                 LEFT JOIN (SELECT k.list_id, c.serial FROM absentee_certificates c
                            JOIN voters k ON k.iin_digest = c.iin_digest WHERE c.event = $1) h
                   ON h.list_id = v.id
                 WHERE v.precinct = $2 ORDER BY v.name_ru, v.iin_masked")
                .bind(event)
                .bind(i64::from(precinct.0))
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("reading a precinct list"))?;
        Ok(rows
            .into_iter()
            .map(|(masked, name_kk, name_ru, birth, serial)| ListEntry {
                masked,
                name_kk,
                name_ru,
                birth_year: birth.to_string(),
                absentee: serial
                    .and_then(|s| Serial::new(u32::try_from(s).ok()?))
                    .map(|s| s.to_string()),
            })
            .collect())
    }

    /// Eligibility of everyone on the register on `on`, counted per reason.
    ///
    /// The database groups people by the four facts the rule reads — born after the latest
    /// birth date that is 18 on `on` ([`adult_on`] inverted), citizen, legal capacity, in
    /// custody — and the rule itself ([`eligibility`]) is then applied to each of the 16
    /// groups, so the count is exactly what checking each person would give.
    pub async fn eligibility_counts(&self, on: NaiveDate) -> Result<EligibilityCounts, StoreError> {
        let latest_adult_birth = latest_adult_birth(on);
        let rows: Vec<(i64, i64, i64, i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT CASE WHEN birth_date > $1 THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END,
                        CASE WHEN citizenship = $2 THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END,
                        legal_capacity, in_custody, COUNT(*)
                 FROM voters GROUP BY 1, 2, 3, 4")
                .bind(latest_adult_birth.format("%Y-%m-%d").to_string())
                .bind(ashyq_core::register::KZ)
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("counting eligible voters"))?;
        let mut counts = EligibilityCounts::default();
        for (underage, citizen, lc, ic, n) in rows {
            // A representative of the group: born on the boundary date or the day after.
            let birth = if underage == 1 {
                latest_adult_birth.succ_opt().unwrap_or(latest_adult_birth)
            } else {
                latest_adult_birth
            };
            let status = VoterStatus {
                birth_date: birth,
                citizen: citizen == 1,
                legal_capacity: bool_of(lc),
                in_custody: bool_of(ic),
            };
            counts.add_many(&eligibility(&status, on), u64::try_from(n).unwrap_or(0));
        }
        Ok(counts)
    }

    /// Issues an absentee certificate (audited), or says why not. `serial` is the number of
    /// the printed form; `None` takes the next free one. `destination` is the locality
    /// (district id) where the voter will be, when inside the country.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_certificate(
        &self,
        event: &RegisterEvent<'_>,
        territory: &Territory,
        digest: &IinDigest,
        issuing_precinct: PrecinctId,
        destination: Option<&ashyq_core::territory::DistrictId>,
        serial: Option<Serial>,
        local_time: NaiveDateTime,
        operator: &Operator<'_>,
    ) -> Result<Result<Serial, AbsenteeRefusal>, StoreError> {
        self.audit(operator, "issue_certificate", digest.as_str())
            .await?;
        let action = "issuing an absentee certificate";
        let result = with_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
            let home: Option<(i64,)> = sqlx::query_as("SELECT precinct FROM voters WHERE iin_digest = $1")
                .bind(digest.as_str()).fetch_optional(&mut *tx).await.map_err(StoreError::db(action))?;
            let existing: Option<(i64,)> = sqlx::query_as("SELECT serial FROM absentee_certificates WHERE event = $1 AND iin_digest = $2")
                .bind(event.id).bind(digest.as_str()).fetch_optional(&mut *tx).await.map_err(StoreError::db(action))?;
            let serial = match serial {
                Some(s) => Some(s),
                None => {
                    let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(serial) FROM absentee_certificates WHERE event = $1")
                        .bind(event.id).fetch_one(&mut *tx).await.map_err(StoreError::db(action))?;
                    Serial::new(u32::try_from(max.unwrap_or(0) + 1).unwrap_or(u32::MAX))
                }
            };
            let Some(serial) = serial else {
                return Ok(Err(AbsenteeRefusal::SerialsExhausted));
            };
            let (taken,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM absentee_certificates WHERE event = $1 AND serial = $2")
                .bind(event.id).bind(i64::from(serial.get())).fetch_one(&mut *tx).await.map_err(StoreError::db(action))?;
            let home = home.map(|(p,)| precinct_of(p));
            let locality = home.and_then(|h| territory.precincts.iter().find(|p| p.id == h)).map(|p| &p.district);
            let app = absentee::Application {
                voting_day: event.voting_day,
                at: local_time,
                issuing_precinct,
                home: home.zip(locality),
                destination,
                existing: existing.and_then(|(s,)| Serial::new(u32::try_from(s).ok()?)),
                serial,
                serial_taken: taken > 0,
            };
            match absentee::decide_issue(&app) {
                Err(refusal) => Err(refusal),
                Ok(()) => {
                    sqlx::query("INSERT INTO absentee_certificates (event, serial, iin_digest, home_precinct, issued_at, issued_by, status) VALUES ($1, $2, $3, $4, $5, $6, 'issued')")
                        .bind(event.id).bind(i64::from(serial.get())).bind(digest.as_str())
                        .bind(i64::from(issuing_precinct.0)).bind(operator.at).bind(operator.name)
                        .execute(&mut *tx).await.map_err(StoreError::db(action))?;
                    tx.commit().await.map_err(StoreError::db(action))?;
                    Ok(serial)
                }
            }
        });
        Ok(result)
    }

    /// Declares a certificate lost (audited): it can no longer be used, and its holder gets
    /// no other. `false` if no such certificate or it was already used.
    pub async fn declare_certificate_lost(
        &self,
        event: &str,
        serial: Serial,
        operator: &Operator<'_>,
    ) -> Result<bool, StoreError> {
        self.audit(operator, "declare_lost", &format!("certificate {serial}"))
            .await?;
        let n = with_pool!(self, pool => {
            sqlx::query("UPDATE absentee_certificates SET status = 'lost' WHERE event = $1 AND serial = $2 AND status = 'issued'")
                .bind(event)
                .bind(i64::from(serial.get()))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(StoreError::db("declaring a certificate lost"))?;
        Ok(n == 1)
    }

    /// Locks a precinct's list (audited). Idempotent.
    pub async fn close_precinct(
        &self,
        event: &str,
        precinct: PrecinctId,
        operator: &Operator<'_>,
    ) -> Result<(), StoreError> {
        self.audit(
            operator,
            "close_precinct",
            &format!("precinct {}", precinct.0),
        )
        .await?;
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO precinct_closures (event, precinct, closed_at) VALUES ($1, $2, $3) ON CONFLICT (event, precinct) DO NOTHING")
                .bind(event)
                .bind(i64::from(precinct.0))
                .bind(operator.at)
                .execute(pool)
                .await
                .map(drop)
        })
        .map_err(StoreError::db("closing a precinct"))?;
        Ok(())
    }

    /// Marks people as having received a ballot, in one transaction (a precinct's terminal
    /// sends what it has; [`MarkDesk`] batches concurrent terminals). Each mark is decided by
    /// [`decide_mark`] in order; refusals that are incidents are recorded; every mark is
    /// audited.
    pub async fn mark_voted(
        &self,
        event: &RegisterEvent<'_>,
        requests: &[MarkRequest],
        operator: &Operator<'_>,
    ) -> Result<Vec<MarkOutcome>, StoreError> {
        let items: Vec<(&MarkRequest, &Operator<'_>)> =
            requests.iter().map(|r| (r, operator)).collect();
        self.mark_many(event, &items).await
    }

    /// [`Store::mark_voted`] with an operator per mark and a book read afresh from the marks'
    /// log (the whole log is read, keeping only the batch's people: for many marks over time,
    /// a [`MarkDesk`] reads each mark once). On SQLite, on a connection of its own in a
    /// blocking thread (`sqlite_marks`).
    async fn mark_many(
        &self,
        event: &RegisterEvent<'_>,
        items: &[(&MarkRequest, &Operator<'_>)],
    ) -> Result<Vec<MarkOutcome>, StoreError> {
        let mut book = MarkBook::for_batch(event.id, items)?;
        match &self.pool {
            Pool::Sqlite(pool) => {
                let path = pool.connect_options().get_filename().to_owned();
                let (id, day) = (event.id.to_owned(), event.voting_day);
                let owned: Vec<(MarkRequest, String, String)> = items
                    .iter()
                    .map(|(r, op)| ((*r).clone(), op.name.to_owned(), op.at.to_owned()))
                    .collect();
                tokio::task::spawn_blocking(move || {
                    let operators: Vec<Operator<'_>> = owned
                        .iter()
                        .map(|(_, name, at)| Operator { name, at })
                        .collect();
                    let items: Vec<(&MarkRequest, &Operator<'_>)> = owned
                        .iter()
                        .zip(&operators)
                        .map(|((r, _, _), op)| (r, op))
                        .collect();
                    let ev = RegisterEvent {
                        id: &id,
                        voting_day: day,
                    };
                    let mut db = sqlite_marks::open(&path, true)?;
                    sqlite_marks::mark_batch(&mut db, &ev, &items, &mut book)
                })
                .await
                .map_err(|e| StoreError::MarkBatchFailed(e.to_string()))?
            }
            Pool::Postgres(pool) => {
                let mut conn = pool
                    .acquire()
                    .await
                    .map_err(StoreError::db("marking voters"))?;
                mark_on_pg(&mut conn, event, items, &mut book).await
            }
        }
    }

    /// The incidents recorded for `event`: (precinct, kind, detail), in order of time.
    pub async fn mark_incidents(
        &self,
        event: &str,
    ) -> Result<Vec<(PrecinctId, String, String)>, StoreError> {
        let rows: Vec<(i64, String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT precinct, kind, detail FROM mark_incidents WHERE event = $1 ORDER BY at, precinct")
                .bind(event)
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("reading the mark incidents"))?;
        Ok(rows
            .into_iter()
            .map(|(p, k, d)| (precinct_of(p), k, d))
            .collect())
    }

    /// Turnout per precinct at this moment, from the marks: every precinct with a list or a
    /// mark, in precinct order.
    pub async fn turnout(&self, event: &str) -> Result<Vec<PrecinctTurnout>, StoreError> {
        let action = "counting turnout";
        let (lists, marks, added): (Counts, Counts, Counts) = with_pool!(self, pool => {
            let lists = sqlx::query_as("SELECT precinct, COUNT(*) FROM voter_lists GROUP BY precinct")
                .fetch_all(pool).await.map_err(StoreError::db(action))?;
            let marks = sqlx::query_as("SELECT precinct, COUNT(*) FROM voting_marks WHERE event = $1 GROUP BY precinct")
                .bind(event).fetch_all(pool).await.map_err(StoreError::db(action))?;
            let added = sqlx::query_as("SELECT used_at, COUNT(*) FROM absentee_certificates WHERE event = $1 AND status = 'used' GROUP BY used_at")
                .bind(event).fetch_all(pool).await.map_err(StoreError::db(action))?;
            (lists, marks, added)
        });
        let mut by: std::collections::BTreeMap<i64, PrecinctTurnout> = Default::default();
        for (p, n) in lists {
            by.entry(p).or_insert_with(|| empty_turnout(p)).on_list = n as u64;
        }
        for (p, n) in marks {
            by.entry(p).or_insert_with(|| empty_turnout(p)).marked = n as u64;
        }
        for (p, n) in added {
            by.entry(p)
                .or_insert_with(|| empty_turnout(p))
                .added_absentee = n as u64;
        }
        Ok(by.into_values().collect())
    }
}

/// (precinct, count) rows.
type Counts = Vec<(i64, i64)>;

fn empty_turnout(p: i64) -> PrecinctTurnout {
    PrecinctTurnout {
        precinct: precinct_of(p),
        on_list: 0,
        added_absentee: 0,
        marked: 0,
    }
}

/// The latest birth date of a person who is 18 on `on`: [`adult_on`] is monotone in the
/// birth date, so this is found by stepping from the 18th anniversary.
pub fn latest_adult_birth(on: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let year = on.year() - 18;
    let mut b = NaiveDate::from_ymd_opt(year, on.month(), on.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, on.month(), 28))
        .unwrap_or(on);
    while adult_on(b) > on {
        match b.pred_opt() {
            Some(p) => b = p,
            None => break,
        }
    }
    while let Some(next) = b.succ_opt().filter(|n| adult_on(*n) <= on) {
        b = next;
    }
    b
}

/// Text for a field of `COPY … FROM STDIN` text format: `\\` escapes.
fn copy_escaped(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\\', '\t', '\n', '\r']) {
        std::borrow::Cow::Owned(
            s.replace('\\', "\\\\")
                .replace('\t', "\\t")
                .replace('\n', "\\n")
                .replace('\r', "\\r"),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// One line of `COPY voter_lists … FROM STDIN`: tab separated.
fn list_copy_line(r: &ListRow, out: &mut String) {
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        r.id,
        r.precinct,
        copy_escaped(&r.masked),
        copy_escaped(&r.name_kk),
        copy_escaped(&r.name_ru),
        r.birth_year,
        r.sex
    );
}

/// One line of `COPY voters … FROM STDIN`: tab separated.
fn key_copy_line(k: &KeyRow, out: &mut String) {
    use std::fmt::Write as _;
    hex_digest(&k.digest, out);
    let _ = write!(out, "\t{}\t{}\t", k.list_id, k.precinct);
    iso_date(k.birth_date, out);
    let _ = writeln!(
        out,
        "\t{}\t{}\t{}",
        k.citizenship(),
        i64::from(k.legal_capacity),
        i64::from(k.in_custody)
    );
}

/// Runs `f` on the connection's own SQLite handle, through rusqlite: the bulk load steps one
/// prepared statement per row, as `sqlite3 .import` does, where sqlx would copy every value to
/// hand it to its worker thread and build a statement of thousands of parameters (measured:
/// most of the time of the load). The handle is locked out of sqlx's worker meanwhile, so `f`
/// runs on this thread and should be short; the transaction and statements of sqlx are
/// untouched.
#[allow(unsafe_code)]
async fn direct<T>(
    conn: &mut sqlx::SqliteConnection,
    f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
) -> Result<T, StoreError> {
    let action = "loading the voter register";
    let mut handle = conn.lock_handle().await.map_err(StoreError::db(action))?;
    // SAFETY: the pointer is a live connection, and while `handle` is held no other thread
    // makes calls on it (sqlx's worker is locked out). A rusqlite connection made from a handle
    // does not close it when dropped; it is dropped, with its statements, before `handle`.
    let db = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr()) }
        .map_err(StoreError::sqlite(action))?;
    let out = f(&db).map_err(StoreError::sqlite(action));
    drop(db);
    drop(handle);
    out
}

/// Refuses key rows that are not sorted by digest, repeat one, or do not match the list
/// lines in number: the import would otherwise write a register whose two tables disagree.
fn check_key_order(keys: &[KeyRow], listed: u64) -> Result<(), StoreError> {
    if keys.len() as u64 != listed {
        return Err(StoreError::BadImport(format!(
            "{} key rows came for {listed} list lines; give each person one of each",
            keys.len()
        )));
    }
    if let Some(w) = keys.windows(2).find(|w| w[0].digest >= w[1].digest) {
        return Err(StoreError::BadImport(format!(
            "the person of line {} comes after that of line {} out of digest order or twice; \
             sort the key rows with sort_key_rows and refuse its duplicates",
            w[1].line, w[0].line
        )));
    }
    Ok(())
}

/// Voting-day marks from many terminals at once, committed together.
///
/// Each [`MarkDesk::mark`] sends its request to the desk's writer task and waits for the
/// answer. The writer takes one request, then everything else already waiting (up to
/// [`MARK_GROUP_MAX`]), and decides and records the lot in one transaction (group commit): a
/// commit then costs one round of reads and writes per batch instead of per mark, and the
/// batch grows by itself with the number of terminals waiting. A mark waits at most for the
/// batch in progress and its own; its answer is sent only after the commit. (A first version
/// let whichever caller held a lock commit the queue, as the registrar does; with many
/// terminals the callers formed a convoy, each holder committing the few marks queued since
/// the last, and batching gained nothing — measured 3,800 marks/s with 256 terminals.)
pub struct MarkDesk {
    requests: tokio::sync::mpsc::Sender<QueuedMark>,
}

/// A mark waiting for the next group commit, and where its outcome goes.
struct QueuedMark {
    request: MarkRequest,
    operator: String,
    at: String,
    reply: tokio::sync::oneshot::Sender<Result<MarkOutcome, String>>,
}

impl MarkDesk {
    /// A desk marking for `event` in `store` until it is dropped. On SQLite its writer is a
    /// thread with a connection of its own (`sqlite_marks`), beside a task of the current
    /// Tokio runtime that checkpoints the WAL; on PostgreSQL a task of the current runtime.
    pub fn new(store: Store, event: &RegisterEvent<'_>) -> MarkDesk {
        let (tx, rx) = tokio::sync::mpsc::channel(MARK_GROUP_MAX);
        match &store.pool {
            Pool::Sqlite(pool) => {
                // The desk's commits never checkpoint the WAL themselves — a checkpoint
                // copies pages into the database file and syncs it, milliseconds that every
                // mark of the batch would wait for; this task does it beside the writer.
                let (stop_tx, stop) = tokio::sync::oneshot::channel::<()>();
                tokio::spawn(wal_checkpointer(pool.clone(), stop));
                let path = pool.connect_options().get_filename().to_owned();
                let (id, day) = (event.id.to_owned(), event.voting_day);
                let spawned = std::thread::Builder::new()
                    .name("ashyq-mark-desk".into())
                    .spawn(move || sqlite_marks::desk_thread(path, id, day, rx, stop_tx));
                if let Err(e) = spawned {
                    // The receiver went down with the closure: every mark gets "the desk's
                    // writer has stopped".
                    tracing::error!(error = %e, "cannot start the mark desk's thread");
                }
            }
            Pool::Postgres(pool) => {
                tokio::spawn(mark_writer(
                    pool.clone(),
                    event.id.to_owned(),
                    event.voting_day,
                    rx,
                ));
            }
        }
        MarkDesk { requests: tx }
    }

    /// Marks one person (audited), committed with whatever other marks are waiting. An
    /// error means the store failed and nothing of the batch was recorded: marking again is
    /// safe (the same mark at the same precinct is idempotent).
    pub async fn mark(
        &self,
        request: MarkRequest,
        operator: &Operator<'_>,
    ) -> Result<MarkOutcome, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let queued = QueuedMark {
            request,
            operator: operator.name.to_owned(),
            at: operator.at.to_owned(),
            reply: tx,
        };
        let gone = || StoreError::MarkBatchFailed("the desk's writer has stopped".into());
        self.requests.send(queued).await.map_err(|_| gone())?;
        match rx.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(reason)) => Err(StoreError::MarkBatchFailed(reason)),
            Err(_) => Err(gone()),
        }
    }
}

/// The writer task of a [`MarkDesk`]: one group commit after another until every sender is
/// gone.
async fn mark_writer(
    pool: sqlx::PgPool,
    event: String,
    voting_day: NaiveDate,
    mut rx: tokio::sync::mpsc::Receiver<QueuedMark>,
) {
    let mut batch: Vec<QueuedMark> = Vec::with_capacity(MARK_GROUP_MAX);
    let mut conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>> = None;
    let mut book = MarkBook::new(&event);
    while rx.recv_many(&mut batch, MARK_GROUP_MAX).await > 0 {
        let operators = batch_operators(&batch);
        let items = batch_items(&batch, &operators);
        let ev = RegisterEvent {
            id: &event,
            voting_day,
        };
        let outcome = match &mut conn {
            Some(c) => mark_on_pg(c, &ev, &items, &mut book).await,
            None => match pool.acquire().await {
                Ok(c) => mark_on_pg(conn.insert(c), &ev, &items, &mut book).await,
                Err(e) => Err(StoreError::db("taking a connection for the mark desk")(e)),
            },
        };
        drop(items);
        drop(operators);
        if !answer(&mut batch, outcome) {
            // The connection may be what failed: the next batch takes another.
            conn = None;
        }
    }
}

/// The operators of a batch of waiting marks.
fn batch_operators(batch: &[QueuedMark]) -> Vec<Operator<'_>> {
    batch
        .iter()
        .map(|q| Operator {
            name: &q.operator,
            at: &q.at,
        })
        .collect()
}

/// The marks of a batch with their operators ([`batch_operators`]).
fn batch_items<'a>(
    batch: &'a [QueuedMark],
    operators: &'a [Operator<'a>],
) -> Vec<(&'a MarkRequest, &'a Operator<'a>)> {
    batch
        .iter()
        .zip(operators)
        .map(|(q, op)| (&q.request, op))
        .collect()
}

/// Sends each waiting mark of `batch` its outcome, or the batch's error, emptying `batch`;
/// `false` on an error.
fn answer(batch: &mut Vec<QueuedMark>, outcome: Result<Vec<MarkOutcome>, StoreError>) -> bool {
    match outcome {
        Ok(outcomes) => {
            for (q, o) in batch.drain(..).zip(outcomes) {
                let _ = q.reply.send(Ok(o));
            }
            true
        }
        Err(e) => {
            let reason = e.to_string();
            for q in batch.drain(..) {
                let _ = q.reply.send(Err(reason.clone()));
            }
            false
        }
    }
}

/// Marks a batch in one transaction on a PostgreSQL connection. Markers take turns (an
/// advisory lock; on SQLite `BEGIN IMMEDIATE`) and bring `book` up to date from the marks' log
/// only once they hold the turn, so a person is never given two ballots by two terminals,
/// desks or server instances at once. `book` takes in the batch's marks once committed.
async fn mark_on_pg(
    conn: &mut sqlx::PgConnection,
    event: &RegisterEvent<'_>,
    items: &[(&MarkRequest, &Operator<'_>)],
    book: &mut MarkBook,
) -> Result<Vec<MarkOutcome>, StoreError> {
    let action = "marking voters";
    let mut tx = sqlx::Connection::begin(conn)
        .await
        .map_err(StoreError::db(action))?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MARKS_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db(
            "taking the marks' lock (pg_advisory_xact_lock)",
        ))?;
    let recorded = mark_in_pg_tx(&mut tx, event, items, book).await?;
    tx.commit().await.map_err(StoreError::db(action))?;
    Ok(book.committed(recorded))
}

/// How often a [`MarkDesk`] on SQLite checkpoints the WAL.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Checkpoints the WAL every [`CHECKPOINT_EVERY`] until `stop` is dropped or the pool closed. PASSIVE copies what
/// no reader still needs and never waits for the writer, so marking goes on meanwhile.
async fn wal_checkpointer(pool: sqlx::SqlitePool, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = every.tick() => {}
        }
        if pool.is_closed() {
            // The store was closed under a desk still alive: nothing left to checkpoint.
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "checkpointing the WAL beside the mark desk failed; retrying");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ashyq_core::iin::{DigestKey, Iin, PreparedDigestKey, Sex};
    use ashyq_core::register::Voter;

    fn stored(serial: u16, citizenship: &str) -> (StoredVoter, [u8; 32]) {
        let key = PreparedDigestKey::new(&DigestKey::from_bytes(&[3; 32]).unwrap());
        let date = NaiveDate::from_ymd_opt(1970, 5, 6).unwrap();
        let iin = (serial..)
            .find_map(|s| Iin::from_parts(date, Sex::Female, s))
            .unwrap();
        let voter = Voter {
            iin,
            name_kk: "Әлиева Айгүл".into(),
            name_ru: "Алиева Айгуль".into(),
            citizenship: citizenship.into(),
            legal_capacity: true,
            in_custody: false,
            precinct: PrecinctId(4),
        };
        StoredVoter::digested(voter, &key)
    }

    fn key_row(serial: u16, line: u64) -> KeyRow {
        let (v, raw) = stored(serial, "KZ");
        split_voter(v, raw, line, line as u32).unwrap().1
    }

    #[test]
    fn sorting_key_rows_finds_every_repeated_person_with_both_lines() {
        let mut keys = vec![
            key_row(10, 2),
            key_row(20, 3),
            key_row(10, 4),
            key_row(10, 5),
        ];
        let mut duplicates = sort_key_rows(&mut keys);
        duplicates.sort_unstable();
        assert_eq!(duplicates, [(2, 4), (2, 5)]);
        assert!(keys.windows(2).all(|w| w[0].digest <= w[1].digest));
    }

    #[test]
    fn the_store_refuses_key_rows_out_of_order_repeated_or_miscounted() {
        let mut keys = vec![key_row(10, 2), key_row(20, 3), key_row(30, 4)];
        assert!(sort_key_rows(&mut keys).is_empty());
        check_key_order(&keys, 3).unwrap();
        let err = check_key_order(&keys, 4).unwrap_err().to_string();
        assert!(err.contains("3 key rows came for 4 list lines"), "{err}");
        keys.swap(0, 2);
        let err = check_key_order(&keys, 3).unwrap_err().to_string();
        assert!(err.contains("out of digest order or twice"), "{err}");
        let mut twice = vec![key_row(10, 2), key_row(10, 3)];
        sort_key_rows(&mut twice);
        assert!(check_key_order(&twice, 2).is_err());
    }

    #[test]
    fn a_citizenship_that_is_not_two_capitals_is_refused_with_its_line() {
        let (v, raw) = stored(10, "Kz");
        let err = split_voter(v, raw, 17, 16).unwrap_err().to_string();
        assert!(err.contains("line 17") && err.contains("\"Kz\""), "{err}");
        let (v, raw) = stored(10, "KZ");
        let (list, key) = split_voter(v, raw, 17, 16).unwrap();
        assert_eq!((list.id, list.birth_year, list.sex), (16, 1970, "f"));
        assert_eq!((key.citizenship(), key.list_id), ("KZ", 16));
        let mut text = String::new();
        hex_digest(&key.digest, &mut text);
        assert_eq!(digest_key(&text).unwrap(), key.digest);
    }
}
