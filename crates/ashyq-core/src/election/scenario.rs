//! A party-list election as demo and test data: parties, candidate lists and one protocol
//! per precinct whose national sums are exactly the votes published for the 2023 Mazhilis
//! party lists (BRIEF §5), the only real figures here.
//!
//! Everything else is synthetic and marked so ([`SCENARIO_NOTE`]): the members and candidates
//! (generated IINs of nobody in particular, names "Amanat candidate 12"), how the national
//! votes split into regions and precincts, and the absence of invalid ballots (the published
//! figures have no such line: "took part 6,366,441" is the sum of the party lines and "against
//! all"). Deterministic from the seed; every line an exact integer.

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::PartyListProtocol;
use crate::contest::ContestId;
use crate::iin::{Iin, Sex};
use crate::party::PartyApplication;
use crate::party::list::{Candidate, CandidateList};
use crate::protocol::BallotLines;
use crate::scenario::ScenarioError;
use crate::seats::PartyVotes;
use crate::territory::Territory;
use crate::territory::generate::apportion_bounded;

/// The votes of the 2023 Mazhilis party lists, in the order of the published table, and the
/// "against all" line (BRIEF §5; `crates/ashyq-core/tests/data/README.md`).
pub const KZ_2023_PARTY_VOTES: [(&str, u64); 7] = [
    ("Amanat", 3_431_510),
    ("Auyl", 693_938),
    ("Respublica", 547_154),
    ("Aq Jol", 535_139),
    ("People's Party of Kazakhstan", 432_920),
    ("National Social Democratic Party", 331_058),
    ("Baytaq", 146_431),
];

/// "Against all" in 2023.
pub const KZ_2023_AGAINST_ALL: u64 = 248_291;

/// Party-list seats in 2023 (of 98 in the Mazhilis).
pub const KZ_2023_LIST_SEATS: u32 = 69;

/// What is real and what is not in this scenario.
pub const SCENARIO_NOTE: &str = "Demo data for a party-list election: the national votes per \
party and \"against all\" are the published 2023 Mazhilis figures; parties' members, \
candidates, names and the split into precincts are synthetic.";

/// The parties, lists and protocols of the scenario.
#[derive(Debug, Clone)]
pub struct ElectionScenario {
    /// One application per party, in ballot order, each with `members` synthetic members.
    pub applications: Vec<PartyApplication>,
    /// One list per party, in ballot order.
    pub lists: Vec<CandidateList>,
    /// One protocol per precinct, in territory order.
    pub protocols: Vec<PartyListProtocol>,
}

/// A person numbered `k`: distinct `k` give distinct people, all adults in 2026, born
/// 1950–2000.
fn person(k: u64, sex: Sex) -> Iin {
    let born = NaiveDate::from_ymd_opt(1950, 1, 1).expect("a valid date") + Days::new(k % 18_000);
    let serial = ((k / 18_000) * 10 % 9_990) as u16;
    (serial..serial + 10)
        .find_map(|s| Iin::from_parts(born, sex, s))
        .expect("one of ten serials gives an issued number")
}

/// Builds the scenario for `election` on `territory`: parties with `members` members each,
/// lists of `list_len` candidates (every third a woman, meeting a 30% quota), and protocols
/// summing to the 2023 figures.
pub fn kurultai_2023_votes(
    territory: &Territory,
    election: &ContestId,
    members: usize,
    list_len: usize,
    seed: u64,
) -> Result<ElectionScenario, ScenarioError> {
    let mut next = 0u64;
    let mut take = |sex| {
        next += 1;
        person(next, sex)
    };
    let mut applications = Vec::new();
    let mut lists = Vec::new();
    for (name, _) in KZ_2023_PARTY_VOTES {
        applications.push(PartyApplication {
            name: format!("{name} party"),
            short_name: name.into(),
            members: (0..members)
                .map(|i| take(if i % 2 == 0 { Sex::Male } else { Sex::Female }))
                .collect(),
        });
        lists.push(CandidateList {
            party: name.into(),
            candidates: (0..list_len)
                .map(|i| Candidate {
                    iin: take(if i % 3 == 1 { Sex::Female } else { Sex::Male }),
                    name: format!("{name} candidate {}", i + 1),
                    citizen: true,
                    permanent_residence_years: 30,
                    disability: false,
                })
                .collect(),
        });
    }
    let protocols = protocols(territory, election, seed)?;
    Ok(ElectionScenario {
        applications,
        lists,
        protocols,
    })
}

fn protocols(
    territory: &Territory,
    election: &ContestId,
    seed: u64,
) -> Result<Vec<PartyListProtocol>, ScenarioError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = territory.precincts.len();
    let registered: Vec<u64> = territory
        .precincts
        .iter()
        .map(|p| p.registered_voters)
        .collect();
    let lines: Vec<u64> = KZ_2023_PARTY_VOTES
        .iter()
        .map(|(_, v)| *v)
        .chain([KZ_2023_AGAINST_ALL])
        .collect();
    let took_part: u64 = lines.iter().sum();
    // Ballots issued: about half the list with precinct noise, never the whole list.
    let weights: Vec<f64> = registered
        .iter()
        .map(|&r| r as f64 * (0.6 + 0.8 * rng.random::<f64>()))
        .collect();
    let upper: Vec<u64> = registered
        .iter()
        .map(|&r| (r * 95 / 100).min(r.saturating_sub(1)))
        .collect();
    let issued = apportion_bounded(took_part, &weights, &vec![0; n], &upper).ok_or(
        ScenarioError::Infeasible {
            line: "ballots_issued",
        },
    )?;
    // Each line takes its national total in proportion to the ballots still unassigned.
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
                    line: "party votes",
                },
            )?
        };
        for (r, v) in rest.iter_mut().zip(&line) {
            *r -= v;
        }
        split.push(line);
    }
    if split.last().map(|l| l.iter().sum::<u64>()) != Some(KZ_2023_AGAINST_ALL) {
        return Err(ScenarioError::Infeasible {
            line: "against_all",
        });
    }
    Ok((0..n)
        .map(|i| PartyListProtocol {
            election: election.clone(),
            precinct: territory.precincts[i].id,
            ballots: BallotLines {
                voters_on_list: registered[i],
                voters_added_on_day: 0,
                voters_added_absentee: 0,
                absentee_certificates_issued: 0,
                ballots_received: registered[i],
                ballots_issued: issued[i],
                ballots_cancelled: registered[i] - issued[i],
                ballots_found: issued[i],
            },
            votes: KZ_2023_PARTY_VOTES
                .iter()
                .enumerate()
                .map(|(k, (name, _))| PartyVotes::new(*name, split[k][i]))
                .collect(),
            against_all: split[KZ_2023_PARTY_VOTES.len()][i],
            invalid: 0,
        })
        .collect())
}
