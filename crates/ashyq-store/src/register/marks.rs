//! Voting-day marks: what a terminal asks ([`MarkRequest`]) and is answered
//! ([`MarkOutcome`]), a marker's book of who has been marked ([`MarkBook`]), the decision of a
//! batch by `ashyq_core::register::marks` ([`decide_marks`]), closing a precinct's list and
//! the incidents recorded. The batch is read and written by `pg_marks` or `sqlite_marks`, and
//! taken from terminals by `desk`.

use ashyq_core::register::acts::RegisterAction;
use std::collections::{HashMap, HashSet};

use ashyq_core::iin::IinDigest;
use ashyq_core::register::absentee::Serial;
use ashyq_core::register::eligibility;
use ashyq_core::register::marks::{MarkContext, MarkDecision, MarkRefusal, decide_mark};
use ashyq_core::territory::PrecinctId;
use chrono::NaiveDate;

use super::audit::Operator;
use super::columns::{cert_status, digest_key, precinct_of, status_of};
use crate::{Store, StoreError};

/// A mark asked for by a precinct.
#[derive(Debug, Clone)]
pub struct MarkRequest {
    /// The person.
    pub digest: IinDigest,
    /// The precinct marking.
    pub precinct: PrecinctId,
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
pub(super) const MARK_CHUNK: usize = 1_000;

/// What the database says about the people and precincts of a batch of marks: read with one
/// statement per table (per [`MARK_CHUNK`] people) instead of one per mark.
#[derive(Default)]
pub(super) struct MarkState {
    /// digest → (home precinct, birth date, citizenship, legal capacity, in custody).
    pub(super) voters: HashMap<String, (i64, String, String, i64, i64)>,
    /// digest → precinct where marked.
    pub(super) marked: HashMap<String, i64>,
    /// digest → (serial, status, used at).
    pub(super) certificates: HashMap<String, (i64, String, Option<i64>)>,
    /// Closed precincts among those of the batch.
    pub(super) closed: HashSet<i64>,
}

/// Who has been marked for one event, as far as one marker has read the marks' log: the
/// marks are appended in `seq` order, so a marker holding the lock brings its book up to date
/// by reading only the marks after the last one it has seen ([`MarkBook::take_in`]), and
/// decides against all of them without an index on the digest — an index whose random pages
/// would make every mark write 4 KB or more.
pub(super) struct MarkBook {
    event: String,
    /// digest → precinct where marked.
    pub(super) marked: HashMap<[u8; 32], i64>,
    /// The last `seq` read (of any event); `None` before the first read.
    pub(super) seen: Option<i64>,
    /// When set, only these people are of interest (a one-off marker keeps no more).
    only: Option<HashSet<[u8; 32]>>,
}

impl MarkBook {
    pub(super) fn new(event: &str) -> MarkBook {
        MarkBook {
            event: event.to_owned(),
            marked: HashMap::new(),
            seen: None,
            only: None,
        }
    }

    /// A book for one batch of marks, keeping only the people of `items`.
    pub(super) fn for_batch(
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
    pub(super) fn take_in(
        &mut self,
        rows: Vec<(i64, String, String, i64)>,
    ) -> Result<(), StoreError> {
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
    pub(super) fn committed(&mut self, r: Recorded) -> Vec<MarkOutcome> {
        for (digest, precinct) in r.marks {
            self.marked.entry(digest).or_insert(precinct);
        }
        if r.last_seq.is_some() {
            self.seen = r.last_seq;
        }
        r.outcomes
    }
}

/// What a batch of marks recorded, for its [`MarkBook`] once the transaction commits.
pub(super) struct Recorded {
    outcomes: Vec<MarkOutcome>,
    marks: Vec<([u8; 32], i64)>,
    last_seq: Option<i64>,
}

/// The decisions on a batch of marks and what they write.
pub(super) struct DecidedMarks {
    outcomes: Vec<MarkOutcome>,
    /// (index of the mark in the batch, certificate serial presented) to insert.
    pub(super) marks: Vec<(usize, Option<i64>)>,
    /// (serial, precinct) of certificates used now.
    pub(super) used_certificates: Vec<(i64, i64)>,
    /// (index of the mark, why) of refusals that are incidents.
    pub(super) incidents: Vec<(usize, MarkRefusal)>,
}

impl DecidedMarks {
    /// What the batch recorded, its marks numbered from `first_seq`.
    pub(super) fn recorded(
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
pub(super) fn decide_marks(
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
    /// Locks a precinct's list (audited). Idempotent.
    pub async fn close_precinct(
        &self,
        event: &str,
        precinct: PrecinctId,
        operator: &Operator<'_>,
    ) -> Result<(), StoreError> {
        self.audit(
            operator,
            RegisterAction::ClosePrecinct,
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
}
