//! The 2022 presidential election as demo and test data: six candidates and one protocol per
//! precinct whose national sums are exactly the CEC final figures of 22 November 2022
//! (BRIEF §8): 11,953,465 on the lists, 8,300,046 took part, each candidate's votes and
//! "against all".
//!
//! Everything else is synthetic and marked so ([`SCENARIO_NOTE`]): the candidates' IINs and
//! documents, the nominating associations, the signature decisions, how the national figures
//! split into precincts, and the invalid ballots — not published; the scenario puts the
//! 359,568 ballots of those who took part beyond the seven published lines as invalid, as
//! BRIEF §8 allows. Deterministic from the seed; every line an exact integer.

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::contest::ContestId;
use crate::iin::{DigestKey, Iin, Sex};
use crate::protocol::BallotLines;
use crate::scenario::ScenarioError;
use crate::seats::TieSeed;
use crate::territory::generate::apportion_bounded;
use crate::territory::{RegionCode, Territory, UnitKind};

use super::definition::PresidentialDefinition;
use super::eligibility::{CandidateFacts, Nomination, Nominator};
use super::outcome::CandidateVotes;
use super::protocol::PresidentialProtocol;
use super::rules::NominatorKind;
use super::signatures::{RegionSignatures, SignatureTally};

/// The candidates' votes in the CEC's order (BRIEF §8).
pub const KZ_2022_CANDIDATES: [(&str, u64); 6] = [
    ("Kassym-Jomart Tokayev", 6_456_393),
    ("Zhiguli Dairabayev", 271_641),
    ("Karakat Abden", 206_206),
    ("Meiram Kazhyken", 200_907),
    ("Nurlan Auesbayev", 176_116),
    ("Saltanat Tursynbekova", 168_731),
];
/// "Against all" in 2022.
pub const KZ_2022_AGAINST_ALL: u64 = 460_484;
/// On the lists.
pub const KZ_2022_ELIGIBLE: u64 = 11_953_465;
/// Took part.
pub const KZ_2022_TOOK_PART: u64 = 8_300_046;
/// The register the 1% of signatures was counted on (118,273 required).
pub const KZ_2022_SIGNATURE_BASE: u64 = 11_827_277;
/// Those who took part beyond the seven published lines: put as invalid (synthetic).
pub const KZ_2022_INVALID_SYNTHETIC: u64 = KZ_2022_TOOK_PART - 7_940_478;

/// What is real and what is not in this scenario.
pub const SCENARIO_NOTE: &str = "Synthetic protocols of the 2022 presidential election: the \
national figures (on the lists, took part, each candidate, against all) are the CEC final \
figures of 22 November 2022; the split into precincts, the candidates' IINs and documents, the \
signature decisions and the 359,568 invalid ballots (not published: took part less the seven \
published lines) are synthetic.";

/// One candidate of the scenario: the nomination and the signature decision to register it.
#[derive(Debug, Clone)]
pub struct ScenarioCandidate {
    /// The nomination (synthetic IIN and documents).
    pub nomination: Nomination,
    /// A sufficient signature decision (synthetic).
    pub signatures: SignatureTally,
}

/// The election, its candidates and its protocols.
#[derive(Debug, Clone)]
pub struct PresidentialScenario {
    /// The definition (20 November 2022).
    pub definition: PresidentialDefinition,
    /// The candidates in the CEC's order.
    pub candidates: Vec<ScenarioCandidate>,
    /// One protocol per precinct, in territory order.
    pub protocols: Vec<PresidentialProtocol>,
}

/// Builds the 2022 scenario for `election` on `territory` (its registered voters must be at
/// least the 11,953,465 on the lists), with `key` for the synthetic candidates' digests.
pub fn kz_2022(
    territory: &Territory,
    election: &ContestId,
    tie_seed: &TieSeed,
    key: &DigestKey,
    seed: u64,
) -> Result<PresidentialScenario, ScenarioError> {
    let definition = PresidentialDefinition::kz_2026(
        election.clone(),
        "Presidential election 2022 (synthetic protocols)",
        NaiveDate::from_ymd_opt(2022, 11, 20).expect("a date"),
        NaiveDate::from_ymd_opt(2022, 11, 18).expect("a date"),
        tie_seed,
    );
    let regions: Vec<RegionCode> = territory
        .regions
        .iter()
        .filter(|r| r.kind != UnitKind::Abroad)
        .map(|r| r.code.clone())
        .collect();
    let rules = &definition.rules.signatures;
    let required = super::rules::ceil_share(rules.share_of_voters, KZ_2022_SIGNATURE_BASE);
    let per_region = required.div_ceil(regions.len().max(1) as u64) + 500;
    let candidates = KZ_2022_CANDIDATES
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let born =
                NaiveDate::from_ymd_opt(1955, 1, 1).expect("a date") + Days::new(400 * i as u64);
            let iin = (1..100)
                .find_map(|s| Iin::from_parts(born, Sex::Male, s))
                .expect("an issued number");
            let tally = SignatureTally::decide(
                KZ_2022_SIGNATURE_BASE,
                per_region * regions.len() as u64,
                regions
                    .iter()
                    .map(|r| RegionSignatures {
                        region: r.clone(),
                        valid: per_region,
                    })
                    .collect(),
                rules,
            );
            ScenarioCandidate {
                nomination: Nomination::new(
                    *name,
                    &iin,
                    key,
                    Nominator {
                        kind: NominatorKind::PublicAssociation,
                        name: format!("Synthetic association {}", i + 1),
                    },
                    CandidateFacts {
                        citizen_by_birth: true,
                        state_language: true,
                        residence_years: 40,
                        higher_education: true,
                        public_service_years: 10,
                    },
                ),
                signatures: tally,
            }
        })
        .collect();
    let protocols = protocols(territory, election, seed)?;
    Ok(PresidentialScenario {
        definition,
        candidates,
        protocols,
    })
}

fn protocols(
    territory: &Territory,
    election: &ContestId,
    seed: u64,
) -> Result<Vec<PresidentialProtocol>, ScenarioError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = territory.precincts.len();
    let registered: Vec<u64> = territory
        .precincts
        .iter()
        .map(|p| p.registered_voters)
        .collect();
    // Synthetic split, floating point only for the weights: the integer apportionment keeps
    // every total exact.
    let weights: Vec<f64> = registered.iter().map(|&r| r as f64).collect();
    let on_list = apportion_bounded(KZ_2022_ELIGIBLE, &weights, &vec![0; n], &registered).ok_or(
        ScenarioError::Infeasible {
            line: "voters_on_list",
        },
    )?;
    let weights: Vec<f64> = on_list
        .iter()
        .map(|&r| r as f64 * (0.6 + 0.8 * rng.random::<f64>()))
        .collect();
    let upper: Vec<u64> = on_list
        .iter()
        .map(|&r| (r * 95 / 100).min(r.saturating_sub(1)))
        .collect();
    let issued = apportion_bounded(KZ_2022_TOOK_PART, &weights, &vec![0; n], &upper).ok_or(
        ScenarioError::Infeasible {
            line: "ballots_issued",
        },
    )?;
    let lines: Vec<u64> = KZ_2022_CANDIDATES
        .iter()
        .map(|(_, v)| *v)
        .chain([KZ_2022_AGAINST_ALL, KZ_2022_INVALID_SYNTHETIC])
        .collect();
    let mut rest = issued.clone();
    let mut split: Vec<Vec<u64>> = Vec::new();
    for (k, &total) in lines.iter().enumerate() {
        let line = if k + 1 == lines.len() {
            rest.clone()
        } else {
            let weights: Vec<f64> = rest
                .iter()
                .map(|&r| r as f64 * (0.5 + rng.random::<f64>()))
                .collect();
            apportion_bounded(total, &weights, &vec![0; n], &rest).ok_or(
                ScenarioError::Infeasible {
                    line: "candidate votes",
                },
            )?
        };
        for (r, v) in rest.iter_mut().zip(&line) {
            *r -= v;
        }
        split.push(line);
    }
    if split.last().map(|l| l.iter().sum::<u64>()) != Some(KZ_2022_INVALID_SYNTHETIC) {
        return Err(ScenarioError::Infeasible { line: "invalid" });
    }
    let c = KZ_2022_CANDIDATES.len();
    Ok((0..n)
        .map(|i| PresidentialProtocol {
            election: election.clone(),
            precinct: territory.precincts[i].id,
            ballots: BallotLines {
                voters_on_list: on_list[i],
                voters_added_on_day: 0,
                voters_added_absentee: 0,
                absentee_certificates_issued: 0,
                ballots_received: on_list[i],
                ballots_issued: issued[i],
                ballots_cancelled: on_list[i] - issued[i],
                ballots_found: issued[i],
            },
            votes: KZ_2022_CANDIDATES
                .iter()
                .enumerate()
                .map(|(k, (name, _))| CandidateVotes::new(*name, split[k][i]))
                .collect(),
            against_all: split[c][i],
            invalid: split[c + 1][i],
        })
        .collect())
}
