//! The definition of a presidential election (one round), and how a second round is defined
//! from a certified first round.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::contest::ContestId;
use crate::seats::TieSeed;

use super::error::PresidentError;
use super::rules::PresidentialRules;

/// The first round a second round follows, and its two candidates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondRoundOf {
    /// The certified first round.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub first_round: ContestId,
    /// Its leading candidates, leading first.
    pub candidates: Vec<String>,
}

/// The definition of one round of a presidential election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresidentialDefinition {
    /// The contest id, e.g. `president-2029`; one namespace with every other contest.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ContestId,
    /// Its title.
    pub title: String,
    /// Voting day.
    pub election_day: NaiveDate,
    /// Polls close (local time); protocols are accepted from then on.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub polls_close: NaiveTime,
    /// Local time as an offset from UTC in minutes.
    pub utc_offset_minutes: i32,
    /// The rules.
    pub rules: PresidentialRules,
    /// The last day a candidate may withdraw.
    pub withdrawal_deadline: NaiveDate,
    /// SHA-256 (hex) of the tie seed, published before the count and revealed with the
    /// certification when a tie needs the draw.
    pub tie_seed_sha256: String,
    /// For a second round: the first round it follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_round_of: Option<SecondRoundOf>,
}

impl PresidentialDefinition {
    /// A first round under [`PresidentialRules::kz_2026`]: polls close at 20:00, UTC+5.
    pub fn kz_2026(
        id: ContestId,
        title: impl Into<String>,
        election_day: NaiveDate,
        withdrawal_deadline: NaiveDate,
        tie_seed: &TieSeed,
    ) -> Self {
        PresidentialDefinition {
            id,
            title: title.into(),
            election_day,
            polls_close: NaiveTime::from_hms_opt(20, 0, 0).expect("a valid time"),
            utc_offset_minutes: 5 * 60,
            rules: PresidentialRules::kz_2026(),
            withdrawal_deadline,
            tie_seed_sha256: crate::election::seed_commitment(tie_seed),
            second_round_of: None,
        }
    }

    /// The second round of `first` on `election_day` between `candidates`, with the same
    /// rules and a new seed; the ledger checks it against the certified first round.
    pub fn second_round(
        first: &PresidentialDefinition,
        id: ContestId,
        election_day: NaiveDate,
        candidates: Vec<String>,
        tie_seed: &TieSeed,
    ) -> Self {
        PresidentialDefinition {
            id,
            title: format!("{}: second round", first.title),
            election_day,
            polls_close: first.polls_close,
            utc_offset_minutes: first.utc_offset_minutes,
            rules: first.rules.clone(),
            withdrawal_deadline: election_day.pred_opt().unwrap_or(election_day),
            tie_seed_sha256: crate::election::seed_commitment(tie_seed),
            second_round_of: Some(SecondRoundOf {
                first_round: first.id.clone(),
                candidates,
            }),
        }
    }

    /// When the polls close, in UTC.
    pub fn polls_close_utc(&self) -> chrono::DateTime<chrono::Utc> {
        crate::referendum::local_to_utc(
            self.election_day,
            self.polls_close,
            self.utc_offset_minutes,
        )
    }

    /// Whether this is a second round.
    pub fn is_second_round(&self) -> bool {
        self.second_round_of.is_some()
    }

    /// Checks the definition.
    pub fn validate(&self) -> Result<(), PresidentError> {
        let bad = |why: String| Err(PresidentError::InvalidDefinition(why));
        if !(-14 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            return bad(format!(
                "the UTC offset must be between -840 and 840 minutes, not {}",
                self.utc_offset_minutes
            ));
        }
        if self.title.trim().is_empty() {
            return bad("the title is empty".into());
        }
        self.rules.validate().or_else(bad)?;
        if self.withdrawal_deadline >= self.election_day {
            return bad(format!(
                "withdrawals must close before election day ({} is not before {})",
                self.withdrawal_deadline, self.election_day
            ));
        }
        let hex = &self.tie_seed_sha256;
        if hex.len() != 64
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return bad(
                "tie_seed_sha256 must be the SHA-256 of the seed as 64 lowercase hex digits (e.g. `printf %s SEED | sha256sum`)"
                    .into(),
            );
        }
        if let Some(of) = &self.second_round_of
            && of.candidates.len() != self.rules.outcome.second_round_candidates
        {
            return bad(format!(
                "a second round has {} candidates, not {}",
                self.rules.outcome.second_round_candidates,
                of.candidates.len()
            ));
        }
        Ok(())
    }
}
