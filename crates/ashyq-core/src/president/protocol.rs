//! The presidential precinct protocol: lines 1–8 shared by every contest ([`BallotLines`]),
//! one line per candidate in ballot order, "against all" and the invalid ballots; its control
//! ratios are those of every ballot with choice lines ([`check_ballot_lines`]). And the totals
//! of any set of precincts, added bottom-up as for the referendum.

use serde::{Deserialize, Serialize};

use crate::contest::{ContestId, ContestProtocol};
use crate::election::check_ballot_lines;
use crate::protocol::{BallotLines, ProtocolCheck};
use crate::territory::{PrecinctId, RegionCode};

use super::error::PresidentError;
use super::outcome::{CandidateVotes, RoundCount};

/// A precinct protocol of one round of a presidential election.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresidentialProtocol {
    /// The election (round).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub election: ContestId,
    /// The precinct.
    #[cfg_attr(feature = "openapi", schema(value_type = u32))]
    pub precinct: PrecinctId,
    /// Lines 1–8.
    pub ballots: BallotLines,
    /// Valid votes for each candidate, in ballot order, every candidate on the ballot once.
    pub votes: Vec<CandidateVotes>,
    /// Valid ballots marked "against all".
    pub against_all: u64,
    /// Invalid ballots.
    pub invalid: u64,
}

impl ContestProtocol for PresidentialProtocol {
    fn contest(&self) -> &ContestId {
        &self.election
    }
    fn precinct(&self) -> PrecinctId {
        self.precinct
    }
}

impl PresidentialProtocol {
    /// SHA-256 over the canonical JSON encoding, hex encoded.
    pub fn content_hash(&self) -> String {
        let bytes = serde_json::to_vec(self).expect("a protocol always serializes");
        crate::chain::sha256_hex(&bytes)
    }

    /// Reads one protocol or an array of them from JSON.
    pub fn parse_json(text: &str) -> Result<Vec<PresidentialProtocol>, PresidentError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| PresidentError::Malformed(e.to_string()))?;
        let result = if value.is_array() {
            serde_json::from_value(value)
        } else {
            serde_json::from_value(value).map(|p| vec![p])
        };
        result.map_err(|e| PresidentError::Malformed(e.to_string()))
    }

    /// Checks the protocol against the ballot (`ballot`: the standing candidates in ballot
    /// order; `withdrawn`: those who withdrew) and runs the control ratios. A line for a
    /// withdrawn candidate is refused by name; any other difference from the ballot is a
    /// mismatch.
    pub fn check(
        &self,
        ballot: &[&str],
        withdrawn: &[&str],
    ) -> Result<ProtocolCheck, PresidentError> {
        if let Some(w) = self
            .votes
            .iter()
            .find(|v| withdrawn.contains(&v.candidate.as_str()))
        {
            return Err(PresidentError::WithdrawnCandidateLine {
                precinct: self.precinct,
                candidate: w.candidate.clone(),
            });
        }
        let named: Vec<&str> = self.votes.iter().map(|v| v.candidate.as_str()).collect();
        if named != ballot {
            return Err(PresidentError::BallotMismatch {
                precinct: self.precinct,
                expected: ballot.iter().map(|s| s.to_string()).collect(),
                found: named.iter().map(|s| s.to_string()).collect(),
            });
        }
        let lines = self.votes.iter().map(|v| (v.candidate.as_str(), v.votes));
        Ok(check_ballot_lines(
            &self.ballots,
            lines,
            self.against_all,
            self.invalid,
        ))
    }
}

/// The totals of one round over some precincts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresidentialTotals {
    /// Precincts in the unit.
    pub precincts: u64,
    /// Precincts with an applied protocol.
    pub precincts_reported: u64,
    /// Lines 1–8 summed over the reported precincts.
    pub ballots: BallotLines,
    /// Votes per candidate, in ballot order.
    pub votes: Vec<CandidateVotes>,
    /// "Against all".
    pub against_all: u64,
    /// Invalid ballots.
    pub invalid: u64,
}

impl PresidentialTotals {
    /// Empty totals for a ballot.
    pub fn new(ballot: &[&str]) -> Self {
        PresidentialTotals {
            votes: ballot.iter().map(|c| CandidateVotes::new(*c, 0)).collect(),
            ..PresidentialTotals::default()
        }
    }

    /// Adds one precinct's protocol (already checked against the ballot).
    pub fn add(&mut self, p: &PresidentialProtocol) {
        self.precincts_reported += 1;
        self.ballots.add(&p.ballots);
        for (t, v) in self.votes.iter_mut().zip(&p.votes) {
            t.votes += v.votes;
        }
        self.against_all += p.against_all;
        self.invalid += p.invalid;
    }

    /// Adds another unit's totals.
    pub fn merge(&mut self, o: &PresidentialTotals) {
        self.precincts += o.precincts;
        self.precincts_reported += o.precincts_reported;
        self.ballots.add(&o.ballots);
        for (t, v) in self.votes.iter_mut().zip(&o.votes) {
            t.votes += v.votes;
        }
        self.against_all += o.against_all;
        self.invalid += o.invalid;
    }

    /// Whether every precinct reported.
    pub fn complete(&self) -> bool {
        self.precincts_reported == self.precincts
    }

    /// The voters on the lists (line 1).
    pub fn eligible(&self) -> u64 {
        self.ballots.voters_on_list
    }

    /// The voters who took part: ballots issued (line 6).
    pub fn took_part(&self) -> u64 {
        self.ballots.ballots_issued
    }

    /// The count the outcome rule is applied to.
    pub fn count(&self) -> RoundCount {
        RoundCount {
            took_part: self.took_part(),
            candidates: self.votes.clone(),
            against_all: self.against_all,
            invalid: self.invalid,
        }
    }

    /// The candidate with the most votes here, if any has a vote (for the map's tiles); level
    /// leaders give `None`.
    pub fn leader(&self) -> Option<&str> {
        let max = self
            .votes
            .iter()
            .map(|v| v.votes)
            .max()
            .filter(|m| *m > 0)?;
        let mut at_max = self.votes.iter().filter(|v| v.votes == max);
        let first = at_max.next()?;
        at_max.next().is_none().then_some(first.candidate.as_str())
    }
}

/// A first-level unit's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionPresidentialTotals {
    /// The region code.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: RegionCode,
    /// Its name.
    pub name: String,
    /// The totals.
    pub totals: PresidentialTotals,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ControlRule;

    fn protocol(votes: [u64; 3], against: u64, invalid: u64) -> PresidentialProtocol {
        let found = votes.iter().sum::<u64>() + against + invalid;
        PresidentialProtocol {
            election: ContestId("president-2029".into()),
            precinct: PrecinctId(7),
            ballots: BallotLines {
                voters_on_list: 2000,
                ballots_received: 2000,
                ballots_issued: found,
                ballots_cancelled: 2000 - found,
                ballots_found: found,
                ..BallotLines::default()
            },
            votes: ["A", "B", "C"]
                .iter()
                .zip(votes)
                .map(|(c, v)| CandidateVotes::new(*c, v))
                .collect(),
            against_all: against,
            invalid,
        }
    }

    #[test]
    fn a_consistent_protocol_passes_and_its_totals_add_up() {
        let p = protocol([500, 300, 100], 50, 10);
        let check = p.check(&["A", "B", "C"], &[]).unwrap();
        assert!(check.accepted(), "{:?}", check.errors);
        let mut t = PresidentialTotals::new(&["A", "B", "C"]);
        t.precincts = 3;
        t.add(&p);
        t.add(&p);
        assert_eq!(t.took_part(), 1920);
        assert_eq!(t.count().valid_votes(), 1900);
        assert_eq!(t.leader(), Some("A"));
        assert!(!t.complete());
    }

    #[test]
    fn candidate_lines_that_do_not_add_up_break_kr_4() {
        let mut p = protocol([500, 300, 100], 50, 10);
        p.votes[1].votes += 5;
        let check = p.check(&["A", "B", "C"], &[]).unwrap();
        assert_eq!(check.errors.len(), 1);
        assert_eq!(check.errors[0].rule, ControlRule::ListBallotsCounted);
        assert_eq!(check.errors[0].detail, "960 ≠ 905 + 50 + 10 = 965");
    }

    #[test]
    fn a_line_for_a_withdrawn_candidate_is_refused_by_name() {
        let p = protocol([500, 300, 100], 50, 10);
        let err = p.check(&["A", "B"], &["C"]).unwrap_err();
        assert_eq!(
            err,
            PresidentError::WithdrawnCandidateLine {
                precinct: PrecinctId(7),
                candidate: "C".into()
            }
        );
        let err = p.check(&["A", "C", "B"], &[]).unwrap_err();
        assert!(matches!(err, PresidentError::BallotMismatch { .. }));
    }

    #[test]
    fn protocols_are_read_from_json_with_a_clear_error() {
        let p = protocol([1, 2, 3], 0, 0);
        let text = serde_json::to_string(&vec![p.clone()]).unwrap();
        assert_eq!(PresidentialProtocol::parse_json(&text).unwrap(), vec![p]);
        let err = PresidentialProtocol::parse_json("{\"election\": 1}").unwrap_err();
        assert!(
            err.to_string()
                .contains("not a valid presidential protocol")
        );
    }
}
