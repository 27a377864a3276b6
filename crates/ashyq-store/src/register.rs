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

/// Rows per multi-row INSERT on SQLite (10 binds each, under SQLite's 32,766).
const SQLITE_ROWS_PER_INSERT: usize = 3_000;

/// The two indexes of `voters`, dropped during a bulk load into an empty register.
const DROP_VOTER_INDEXES: &str =
    "DROP INDEX IF EXISTS voters_by_digest; DROP INDEX IF EXISTS voters_by_precinct;";
const CREATE_VOTER_INDEXES: &str = "CREATE UNIQUE INDEX voters_by_digest ON voters (iin_digest); \
     CREATE INDEX voters_by_precinct ON voters (precinct);";

/// A voter ready for the database: every column already a string or an integer, so that the
/// conversion runs in the caller's worker threads and not in the one writing.
#[derive(Debug, Clone)]
pub struct ImportRow {
    digest: String,
    masked: String,
    name_kk: String,
    name_ru: String,
    birth_date: String,
    sex: &'static str,
    citizenship: String,
    legal_capacity: i64,
    in_custody: i64,
    precinct: i64,
}

impl From<StoredVoter> for ImportRow {
    fn from(v: StoredVoter) -> Self {
        ImportRow {
            digest: String::from(v.digest),
            masked: v.masked,
            name_kk: v.name_kk,
            name_ru: v.name_ru,
            birth_date: v.birth_date.format("%Y-%m-%d").to_string(),
            sex: match v.sex {
                ashyq_core::iin::Sex::Female => "f",
                ashyq_core::iin::Sex::Male => "m",
            },
            citizenship: v.citizenship,
            legal_capacity: i64::from(v.legal_capacity),
            in_custody: i64::from(v.in_custody),
            precinct: i64::from(v.precinct.0),
        }
    }
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

/// Reads a batch's [`MarkState`], decides each mark in order (a later mark of the same person
/// in the batch sees the earlier one), and writes marks, incidents, used certificates and one
/// audit row per mark with multi-row statements. Runs inside the caller's transaction, which
/// holds the marks' write lock.
macro_rules! mark_in_tx {
    ($tx:ident, $db:ty, $event:expr, $items:expr) => {
        async {
            let event: &RegisterEvent<'_> = $event;
            let items: &[(&MarkRequest, &Operator<'_>)] = $items;
            let action = "marking voters";
            let mut digests: Vec<&str> = items.iter().map(|(r, _)| r.digest.as_str()).collect();
            digests.sort_unstable();
            digests.dedup();
            let mut precincts: Vec<i64> = items.iter().map(|(r, _)| i64::from(r.precinct.0)).collect();
            precincts.sort_unstable();
            precincts.dedup();
            let mut st = MarkState::default();
            for chunk in digests.chunks(MARK_CHUNK) {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT iin_digest, precinct, birth_date, citizenship, legal_capacity, in_custody FROM voters WHERE iin_digest IN (",
                );
                let mut sep = qb.separated(", ");
                for d in chunk {
                    sep.push_bind(*d);
                }
                qb.push(")");
                let rows: Vec<(String, i64, String, String, i64, i64)> = qb
                    .build_query_as()
                    .fetch_all(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
                for (d, p, b, c, lc, ic) in rows {
                    st.voters.insert(d, (p, b, c, lc, ic));
                }
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT iin_digest, precinct FROM voting_marks WHERE event = ",
                );
                qb.push_bind(event.id).push(" AND iin_digest IN (");
                let mut sep = qb.separated(", ");
                for d in chunk {
                    sep.push_bind(*d);
                }
                qb.push(")");
                let rows: Vec<(String, i64)> = qb
                    .build_query_as()
                    .fetch_all(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
                st.marked.extend(rows);
                let mut qb = QueryBuilder::<$db>::new(
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
                    .fetch_all(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
                for (d, s, status, used) in rows {
                    st.certificates.insert(d, (s, status, used));
                }
            }
            for chunk in precincts.chunks(MARK_CHUNK) {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT precinct FROM precinct_closures WHERE event = ",
                );
                qb.push_bind(event.id).push(" AND precinct IN (");
                let mut sep = qb.separated(", ");
                for p in chunk {
                    sep.push_bind(*p);
                }
                qb.push(")");
                let rows: Vec<(i64,)> = qb
                    .build_query_as()
                    .fetch_all(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
                st.closed.extend(rows.into_iter().map(|(p,)| p));
            }
            let decided = decide_marks(&mut st, items, event.voting_day)?;
            for chunk in decided.marks.chunks(MARK_CHUNK) {
                let mut qb = QueryBuilder::<$db>::new(
                    "INSERT INTO voting_marks (event, iin_digest, precinct, marked_at, certificate) ",
                );
                qb.push_values(chunk, |mut b, &(i, cert)| {
                    let (r, op) = items[i];
                    b.push_bind(event.id)
                        .push_bind(r.digest.as_str())
                        .push_bind(i64::from(r.precinct.0))
                        .push_bind(op.at)
                        .push_bind(cert);
                });
                qb.build().execute(&mut *$tx).await.map_err(StoreError::db(action))?;
            }
            for &(serial, precinct) in &decided.used_certificates {
                sqlx::query("UPDATE absentee_certificates SET status = 'used', used_at = $3 WHERE event = $1 AND serial = $2")
                    .bind(event.id)
                    .bind(serial)
                    .bind(precinct)
                    .execute(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
            }
            for chunk in decided.incidents.chunks(MARK_CHUNK) {
                let mut qb = QueryBuilder::<$db>::new(
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
                qb.build().execute(&mut *$tx).await.map_err(StoreError::db(action))?;
            }
            for chunk in items.chunks(MARK_CHUNK) {
                let mut qb = QueryBuilder::<$db>::new(
                    "INSERT INTO register_audit (at, operator, action, subject) ",
                );
                qb.push_values(chunk, |mut b, (r, op)| {
                    b.push_bind(op.at)
                        .push_bind(op.name)
                        .push_bind("mark")
                        .push_bind(r.digest.as_str());
                });
                qb.build().execute(&mut *$tx).await.map_err(StoreError::db(action))?;
            }
            Ok::<Vec<MarkOutcome>, StoreError>(decided.outcomes)
        }
    };
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

    /// Loads an **empty** register from `chunks`, in one transaction: all rows or none.
    ///
    /// The two indexes of `voters` are dropped first and built again after the last row (in
    /// the same transaction), because sorting 12.5 million keys once is far cheaper than
    /// inserting them one by one into a B-tree. SQLite takes multi-row INSERTs of
    /// [`SQLITE_ROWS_PER_INSERT`] rows; PostgreSQL takes `COPY … FROM STDIN`. Once `chunks`
    /// ends, `keep()` decides: `true` commits and returns the number of rows, `false` rolls
    /// everything back and returns `None` (the caller found problems in the input). The caller guarantees no two rows
    /// share a digest (the import checks it while reading, with line numbers); the unique
    /// index is built anyway and would refuse the whole load otherwise.
    pub async fn import_voters(
        &self,
        mut chunks: tokio::sync::mpsc::Receiver<Vec<ImportRow>>,
        keep: impl Fn() -> bool,
    ) -> Result<Option<u64>, StoreError> {
        let existing = self.voter_count().await?;
        if existing > 0 {
            return Err(StoreError::RegisterNotEmpty { voters: existing });
        }
        let action = "loading the voter register";
        let mut written = 0u64;
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await.map_err(StoreError::db(action))?;
                // A larger page cache for this connection only, and helper threads for the
                // sorts of the index builds.
                conn.execute("PRAGMA cache_size = -262144; PRAGMA threads = 2")
                    .await
                    .map_err(StoreError::db(action))?;
                let loaded = async {
                    let mut tx = sqlx::Connection::begin(&mut *conn)
                        .await
                        .map_err(StoreError::db(action))?;
                    sqlx::raw_sql(DROP_VOTER_INDEXES)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db(action))?;
                    while let Some(chunk) = chunks.recv().await {
                        for rows in chunk.chunks(SQLITE_ROWS_PER_INSERT) {
                            insert_voters::<sqlx::Sqlite>(rows)
                                .build()
                                .persistent(rows.len() == SQLITE_ROWS_PER_INSERT)
                                .execute(&mut *tx)
                                .await
                                .map_err(StoreError::db(action))?;
                        }
                        written += chunk.len() as u64;
                    }
                    if !keep() {
                        tx.rollback().await.map_err(StoreError::db(action))?;
                        return Ok(false);
                    }
                    let indexing = std::time::Instant::now();
                    sqlx::raw_sql(CREATE_VOTER_INDEXES)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db("indexing the voter register"))?;
                    let committing = std::time::Instant::now();
                    tx.commit().await.map_err(StoreError::db(action))?;
                    tracing::info!(
                        index_seconds = (committing - indexing).as_secs_f64(),
                        commit_seconds = committing.elapsed().as_secs_f64(),
                        "voter register rows written and indexed"
                    );
                    Ok::<bool, StoreError>(true)
                }
                .await;
                // Back to the store's settings whatever happened (a failed transaction was
                // rolled back when dropped, before this runs on the connection).
                let restored = conn
                    .execute("PRAGMA cache_size = -2000; PRAGMA threads = 0")
                    .await
                    .map_err(StoreError::db(action));
                if !loaded? {
                    return Ok(None);
                }
                restored?;
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await.map_err(StoreError::db(action))?;
                let mut tx = sqlx::Connection::begin(&mut *conn)
                    .await
                    .map_err(StoreError::db(action))?;
                sqlx::raw_sql(DROP_VOTER_INDEXES)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
                let mut copy = tx
                    .copy_in_raw(
                        "COPY voters (iin_digest, iin_masked, name_kk, name_ru, birth_date, sex, \
                         citizenship, legal_capacity, in_custody, precinct) FROM STDIN",
                    )
                    .await
                    .map_err(StoreError::db(action))?;
                let mut buf = String::new();
                while let Some(chunk) = chunks.recv().await {
                    buf.clear();
                    for r in &chunk {
                        copy_line(r, &mut buf);
                    }
                    copy.send(buf.as_bytes())
                        .await
                        .map_err(StoreError::db(action))?;
                    written += chunk.len() as u64;
                }
                if !keep() {
                    copy.abort("the input has problems")
                        .await
                        .map_err(StoreError::db(action))?;
                    return Ok(None);
                }
                copy.finish().await.map_err(StoreError::db(action))?;
                sqlx::raw_sql(CREATE_VOTER_INDEXES)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("indexing the voter register"))?;
                tx.commit().await.map_err(StoreError::db(action))?;
            }
        }
        tracing::info!(voters = written, "voter register loaded");
        Ok(Some(written))
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
        let rows: Vec<(String, String, String, String, Option<i64>)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT v.iin_masked, v.name_kk, v.name_ru, v.birth_date, c.serial FROM voters v
                 LEFT JOIN absentee_certificates c ON c.event = $1 AND c.iin_digest = v.iin_digest
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
                birth_year: birth.chars().take(4).collect(),
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

    /// [`Store::mark_voted`] with an operator per mark. Markers take turns (SQLite: `BEGIN
    /// IMMEDIATE`; PostgreSQL: an advisory lock) and read what they decide on only once they
    /// hold the turn, so a person is never given two ballots by two terminals at once; the
    /// primary key of `voting_marks` would refuse the batch otherwise.
    async fn mark_many(
        &self,
        event: &RegisterEvent<'_>,
        items: &[(&MarkRequest, &Operator<'_>)],
    ) -> Result<Vec<MarkOutcome>, StoreError> {
        let action = "marking voters";
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(StoreError::db(
                        "taking the SQLite write lock (BEGIN IMMEDIATE); another process may hold it",
                    ))?;
                let outcomes = mark_in_tx!(tx, sqlx::Sqlite, event, items).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Ok(outcomes)
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(MARKS_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(
                        "taking the marks' lock (pg_advisory_xact_lock)",
                    ))?;
                let outcomes = mark_in_tx!(tx, sqlx::Postgres, event, items).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Ok(outcomes)
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
            let lists = sqlx::query_as("SELECT precinct, COUNT(*) FROM voters GROUP BY precinct")
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

/// One line of `COPY … FROM STDIN` text format: tab separated, `\` escapes.
fn copy_line(r: &ImportRow, out: &mut String) {
    use std::fmt::Write as _;
    let esc = |s: &str| -> String {
        s.replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
    };
    let _ = writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        r.digest,
        r.masked,
        esc(&r.name_kk),
        esc(&r.name_ru),
        r.birth_date,
        r.sex,
        esc(&r.citizenship),
        r.legal_capacity,
        r.in_custody,
        r.precinct
    );
}

fn insert_voters<'a, DB: sqlx::Database>(rows: &'a [ImportRow]) -> QueryBuilder<'a, DB>
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(
        "INSERT INTO voters (iin_digest, iin_masked, name_kk, name_ru, birth_date, sex, citizenship, legal_capacity, in_custody, precinct) ",
    );
    qb.push_values(rows, |mut b, r| {
        b.push_bind(r.digest.as_str())
            .push_bind(r.masked.as_str())
            .push_bind(r.name_kk.as_str())
            .push_bind(r.name_ru.as_str())
            .push_bind(r.birth_date.as_str())
            .push_bind(r.sex)
            .push_bind(r.citizenship.as_str())
            .push_bind(r.legal_capacity)
            .push_bind(r.in_custody)
            .push_bind(r.precinct);
    });
    qb
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
    /// A desk marking for `event` in `store`; its writer task runs on the current Tokio
    /// runtime until the desk is dropped.
    pub fn new(store: Store, event: &RegisterEvent<'_>) -> MarkDesk {
        let (tx, rx) = tokio::sync::mpsc::channel(MARK_GROUP_MAX);
        tokio::spawn(mark_writer(
            store,
            event.id.to_owned(),
            event.voting_day,
            rx,
        ));
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
    store: Store,
    event: String,
    voting_day: NaiveDate,
    mut rx: tokio::sync::mpsc::Receiver<QueuedMark>,
) {
    let mut batch: Vec<QueuedMark> = Vec::with_capacity(MARK_GROUP_MAX);
    // One connection for the desk's life: SQLite empties a connection's page cache whenever
    // another connection wrote since its last transaction, so rotating through the pool's
    // connections re-read every B-tree page of each batch from the file (measured: most of the
    // time of a batch). A larger cache keeps the upper levels of the voters' index in memory.
    let mut conn = match &store.pool {
        Pool::Sqlite(pool) => match pool.acquire().await {
            Ok(mut c) => match c.execute("PRAGMA cache_size = -65536").await {
                Ok(_) => Some(DeskConn::Sqlite(c)),
                Err(e) => {
                    tracing::warn!(error = %e, "the mark desk could not enlarge its page cache");
                    Some(DeskConn::Sqlite(c))
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "the mark desk could not take a connection; it uses the pool");
                None
            }
        },
        Pool::Postgres(pool) => pool.acquire().await.ok().map(DeskConn::Postgres),
    };
    while rx.recv_many(&mut batch, MARK_GROUP_MAX).await > 0 {
        let operators: Vec<Operator<'_>> = batch
            .iter()
            .map(|q| Operator {
                name: &q.operator,
                at: &q.at,
            })
            .collect();
        let items: Vec<(&MarkRequest, &Operator<'_>)> = batch
            .iter()
            .zip(&operators)
            .map(|(q, op)| (&q.request, op))
            .collect();
        let ev = RegisterEvent {
            id: &event,
            voting_day,
        };
        let started = std::time::Instant::now();
        let outcome = match &mut conn {
            Some(c) => c.mark_many(&ev, &items).await,
            None => store.mark_many(&ev, &items).await,
        };
        tracing::debug!(
            marks = items.len(),
            seconds = started.elapsed().as_secs_f64(),
            "group commit of marks"
        );
        drop(items);
        drop(operators);
        match outcome {
            Ok(outcomes) => {
                for (q, o) in batch.drain(..).zip(outcomes) {
                    let _ = q.reply.send(Ok(o));
                }
            }
            Err(e) => {
                let reason = e.to_string();
                for q in batch.drain(..) {
                    let _ = q.reply.send(Err(reason.clone()));
                }
            }
        }
    }
    if let Some(DeskConn::Sqlite(mut c)) = conn {
        // Back to the store's default before the connection returns to the pool.
        if let Err(e) = c.execute("PRAGMA cache_size = -2000").await {
            tracing::warn!(error = %e, "the mark desk could not restore its page cache size");
        }
    }
}

/// The connection a [`MarkDesk`] keeps.
enum DeskConn {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl DeskConn {
    /// [`Store::mark_many`] on this connection.
    async fn mark_many(
        &mut self,
        event: &RegisterEvent<'_>,
        items: &[(&MarkRequest, &Operator<'_>)],
    ) -> Result<Vec<MarkOutcome>, StoreError> {
        let action = "marking voters";
        match self {
            DeskConn::Sqlite(c) => {
                let mut tx = sqlx::Connection::begin_with(&mut **c, "BEGIN IMMEDIATE")
                    .await
                    .map_err(StoreError::db(
                        "taking the SQLite write lock (BEGIN IMMEDIATE); another process may hold it",
                    ))?;
                let outcomes = mark_in_tx!(tx, sqlx::Sqlite, event, items).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Ok(outcomes)
            }
            DeskConn::Postgres(c) => {
                let mut tx = sqlx::Connection::begin(&mut **c)
                    .await
                    .map_err(StoreError::db(action))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(MARKS_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(
                        "taking the marks' lock (pg_advisory_xact_lock)",
                    ))?;
                let outcomes = mark_in_tx!(tx, sqlx::Postgres, event, items).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Ok(outcomes)
            }
        }
    }
}
