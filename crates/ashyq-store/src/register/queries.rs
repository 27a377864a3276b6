//! What the register answers: its size, a person's precinct and eligibility, statuses for
//! the party-membership check, a precinct's printed list, eligibility counts and turnout.

use ashyq_core::register::acts::RegisterAction;
use std::collections::HashMap;

use ashyq_core::iin::IinDigest;
use ashyq_core::register::absentee::Serial;
use ashyq_core::register::eligibility::{EligibilityCounts, IneligibleReason, adult_on};
use ashyq_core::register::{VoterStatus, eligibility};
use ashyq_core::territory::PrecinctId;
use chrono::NaiveDate;
use sqlx::QueryBuilder;

use super::audit::Operator;
use super::columns::{bool_of, precinct_of, status_of};
use crate::{Store, StoreError};

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

/// A person's own entry on the register ([`Store::own_entry`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnEntry {
    /// The precinct whose list holds them.
    pub precinct: PrecinctId,
    /// Why they may not vote (empty: they may).
    pub ineligible: Vec<IneligibleReason>,
    /// The absentee certificates issued to them: the vote (contest id), the serial and its
    /// status (`issued`, `lost` or `used`).
    pub certificates: Vec<(String, Serial, String)>,
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

impl Store {
    /// The number of people on the register.
    pub async fn voter_count(&self) -> Result<u64, StoreError> {
        let (n,): (i64,) = with_pool!(self, pool => {
            sqlx::query_as("SELECT COUNT(*) FROM voters").fetch_one(pool).await
        })
        .map_err(StoreError::db("counting the voter register"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Whether any person is on the register: one index probe (`EXISTS`), not a count of
    /// the 12.5 M rows, so a page may ask it on every view.
    pub async fn has_voters(&self) -> Result<bool, StoreError> {
        let (any,): (bool,) = with_pool!(self, pool => {
            sqlx::query_as("SELECT EXISTS (SELECT 1 FROM voters)").fetch_one(pool).await
        })
        .map_err(StoreError::db("reading the voter register"))?;
        Ok(any)
    }

    /// Looks a person up by digest (audited): their precinct and eligibility on `on`.
    pub async fn lookup_voter(
        &self,
        digest: &IinDigest,
        on: NaiveDate,
        operator: &Operator<'_>,
    ) -> Result<Option<(PrecinctId, Vec<IneligibleReason>)>, StoreError> {
        self.audit(operator, RegisterAction::Lookup, digest.as_str())
            .await?;
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

    /// What a person who signed in may see of their own entry: their precinct, why they
    /// may not vote on `on` if so, and every absentee certificate issued to them (for any
    /// vote). Audited as one lookup under `operator` (a citizen's pseudonym, never an IIN).
    /// `None`: not on the register.
    pub async fn own_entry(
        &self,
        digest: &IinDigest,
        on: NaiveDate,
        operator: &Operator<'_>,
    ) -> Result<Option<OwnEntry>, StoreError> {
        let Some((precinct, ineligible)) = self.lookup_voter(digest, on, operator).await? else {
            return Ok(None);
        };
        let rows: Vec<(String, i64, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT event, serial, status FROM absentee_certificates WHERE iin_digest = $1 ORDER BY event")
                .bind(digest.as_str())
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("looking up a voter's absentee certificates"))?;
        let certificates = rows
            .into_iter()
            .map(|(event, serial, status)| {
                let s = u32::try_from(serial)
                    .ok()
                    .and_then(Serial::new)
                    .ok_or_else(|| StoreError::CorruptRow {
                        what: "absentee_certificates.serial".to_owned(),
                        reason: format!("{serial} is not a five-digit serial"),
                    })?;
                Ok((event, s, status))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(OwnEntry {
            precinct,
            ineligible,
            certificates,
        }))
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
            RegisterAction::LookupMembers,
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

    /// The statuses and precincts of the people among `digests` who are on the register, for
    /// the check of a candidate's support signatures (`president::signatures`); audited once.
    /// `progress` is called with the number of digests looked up so far.
    pub async fn voter_signers(
        &self,
        digests: &[IinDigest],
        operator: &Operator<'_>,
        mut progress: impl FnMut(u64),
    ) -> Result<HashMap<IinDigest, (VoterStatus, PrecinctId)>, StoreError> {
        self.audit(
            operator,
            RegisterAction::LookupSigners,
            &format!("{} signatures", digests.len()),
        )
        .await?;
        let mut out = HashMap::new();
        let mut done = 0u64;
        for chunk in digests.chunks(1_000) {
            let rows: Vec<(String, i64, String, String, i64, i64)> = with_pool!(self, pool, Db => {
                let mut qb = QueryBuilder::<Db>::new("SELECT iin_digest, precinct, birth_date, citizenship, legal_capacity, in_custody FROM voters WHERE iin_digest IN (");
                let mut sep = qb.separated(", ");
                for d in chunk {
                    sep.push_bind(d.as_str());
                }
                qb.push(")");
                qb.build_query_as().fetch_all(pool).await
            })
            .map_err(StoreError::db("looking up support signers on the register"))?;
            for (d, p, b, c, lc, ic) in rows {
                let digest = IinDigest::try_from(d).map_err(|reason| StoreError::CorruptRow {
                    what: "voters.iin_digest".to_owned(),
                    reason,
                })?;
                out.insert(digest, (status_of((b, c, lc, ic))?, precinct_of(p)));
            }
            done += chunk.len() as u64;
            progress(done);
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
        self.audit(
            operator,
            RegisterAction::ExportList,
            &format!("precinct {}", precinct.0),
        )
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
    /// custody — and the rule itself ([`eligibility`](fn@eligibility)) is then applied to each
    /// of the 16 groups, so the count is exactly what checking each person would give.
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
