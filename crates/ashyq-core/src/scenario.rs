//! The 2026 referendum night as demo data: one protocol per precinct whose national sums are
//! exactly the official figures.
//!
//! Only the national totals are real ([`KZ_2026`]); how they split into precincts is
//! synthetic ([`SCENARIO_NOTE`]). The regional turnouts reported during the day
//! ([`REPORTED_TURNOUT_2026`]) shape the regions: their order is kept, Kyzylorda highest and
//! Almaty city lowest, while the national sum is exact. Every protocol passes the control ratios
//! of [`crate::protocol::check`]; a few dozen carry warning KW-1 (ballots issued but not found)
//! so that the demo has something to review.
//!
//! Like [`crate::territory::generate`], the result is deterministic from the seed, floats only
//! shape the distributions, and every line is an exact integer from largest-remainder
//! apportionment.

use crate::protocol::BallotLines;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::contest::ContestId;
use crate::protocol::{PrecinctProtocol, ProtocolLines};
use crate::territory::generate::apportion_bounded;
use crate::territory::{Territory, TerritoryError, TerritoryIndex};

/// National figures of a referendum as the Central Election Commission announced them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficialFigures {
    /// Voters on the lists.
    pub eligible: u64,
    /// Voters who took part (received a ballot).
    pub participated: u64,
    /// Ballots marked "yes".
    pub yes: u64,
    /// Ballots marked "no".
    pub no: u64,
    /// Invalid ballots.
    pub invalid: u64,
}

impl OfficialFigures {
    /// Ballots issued but in none of the published lines: ballots with both answers marked and
    /// ballots not found in the boxes (127,868 in 2026).
    pub const fn unaccounted(&self) -> u64 {
        self.participated
            .saturating_sub(self.yes)
            .saturating_sub(self.no)
            .saturating_sub(self.invalid)
    }
}

/// The 2026 constitutional referendum, national figures announced by the CEC on 2026-03-16
/// (BRIEF §3; reported by caspianpost.com, echofm.online, buzb.uz; also in
/// `data/kz-2026-referendum-official.json`).
pub const KZ_2026: OfficialFigures = OfficialFigures {
    eligible: 12_482_613,
    participated: 9_127_192,
    yes: 7_954_667,
    no: 898_099,
    invalid: 146_558,
};

/// The referendum the scenario's protocols belong to.
pub const REFERENDUM_2026: &str = "kz-2026";

/// Regional turnout reported during voting day 2026, in hundredths of a percent (BRIEF §3,
/// asia24.media; preliminary daytime figures, so they give the shape, not the final values).
pub const REPORTED_TURNOUT_2026: [(&str, u32); 6] = [
    ("KZ-43", 9_304),
    ("KZ-15", 8_705),
    ("KZ-63", 8_642),
    ("KZ-31", 8_506),
    ("KZ-71", 6_036),
    ("KZ-75", 3_343),
];

/// What the scenario data is and is not.
pub const SCENARIO_NOTE: &str = "Demo data for the 2026 referendum night: only the national \
totals are official (CEC, 2026-03-16: 12,482,613 eligible, 9,127,192 took part, 7,954,667 yes, \
898,099 no, 146,558 invalid). The distribution over regions and precincts is synthetic, shaped \
by the regional turnouts reported during the day; the per-precinct figures are not real data.";

/// Why the scenario cannot be built on a territory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The territory's voters are not the official eligible figure.
    #[error(
        "the territory has {found} registered voters, but the 2026 scenario needs exactly {expected} (the official eligible figure); use the territory generated with the default spec (`ashyq territory generate --seed 2026`)"
    )]
    WrongEligible {
        /// Registered voters in the territory.
        found: u64,
        /// The official figure.
        expected: u64,
    },
    /// The territory is inconsistent.
    #[error("the territory is inconsistent: {0}")]
    Territory(#[from] TerritoryError),
    /// The precincts cannot hold a national total within the control ratios (a territory of
    /// a few huge precincts, say).
    #[error(
        "the territory's precincts cannot hold the official {line} total within the control ratios; use the territory generated with the default spec"
    )]
    Infeasible {
        /// The protocol line.
        line: &'static str,
    },
}

/// How a region votes in the scenario: turnout and yes share (of ballots issued), in hundredths
/// of a percent. The reported turnouts are the six of [`REPORTED_TURNOUT_2026`]; every other
/// value is synthetic, chosen between them so that the national sums need little scaling.
fn region_shape(code: &str) -> (u32, u32) {
    if let Some(&(_, t)) = REPORTED_TURNOUT_2026.iter().find(|(c, _)| *c == code) {
        let yes = match code {
            "KZ-43" => 9_300,
            "KZ-15" => 9_000,
            "KZ-63" => 8_600,
            "KZ-31" => 9_150,
            "KZ-71" => 8_400,
            _ => 7_700,
        };
        return (t, yes);
    }
    match code {
        "KZ-10" => (8_000, 8_800),
        "KZ-11" => (7_800, 8_700),
        "KZ-19" => (8_200, 9_000),
        "KZ-23" => (7_600, 8_900),
        "KZ-27" => (7_900, 8_800),
        "KZ-33" => (8_300, 9_000),
        "KZ-35" => (7_200, 8_500),
        "KZ-39" => (7_700, 8_500),
        "KZ-47" => (7_000, 8_600),
        "KZ-55" => (7_800, 8_500),
        "KZ-59" => (8_100, 8_600),
        "KZ-61" => (8_000, 9_200),
        "KZ-62" => (8_400, 8_900),
        "KZ-79" => (7_100, 9_000),
        "ABROAD" => (6_500, 8_000),
        _ => (7_500, 8_700),
    }
}

/// A number in [0, 1) with a bell shape (mean of three uniforms); `+ − × ÷` only, so the
/// result is the same on every platform.
fn bell(rng: &mut ChaCha8Rng) -> f64 {
    (rng.random::<f64>() + rng.random::<f64>() + rng.random::<f64>()) / 3.0
}

/// A share `s` moved by `spread·s·(1 − s)` in either direction: the noise of a logistic model
/// without `exp`, small near 0 and 1 where shares cannot move much.
fn jitter(rng: &mut ChaCha8Rng, s: f64, spread: f64) -> f64 {
    s + (2.0 * bell(rng) - 1.0) * spread * s * (1.0 - s)
}

/// One protocol per precinct of `territory`, in territory order, for referendum `kz-2026`,
/// whose national sums are exactly [`KZ_2026`] (see the module documentation).
///
/// The territory must have exactly the official number of eligible voters: use
/// `generate(&kz(), &TerritorySpec::default())`.
pub fn referendum_2026(
    territory: &Territory,
    seed: u64,
) -> Result<Vec<PrecinctProtocol>, ScenarioError> {
    let official = KZ_2026;
    let index = TerritoryIndex::new(territory)?;
    let found = territory.registered_voters();
    if found != official.eligible {
        return Err(ScenarioError::WrongEligible {
            found,
            expected: official.eligible,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = territory.precincts.len();
    let registered: Vec<u64> = territory
        .precincts
        .iter()
        .map(|p| p.registered_voters)
        .collect();
    // (turnout, yes share) of each precinct's region.
    let shapes: Vec<(f64, f64)> = territory
        .precincts
        .iter()
        .map(|p| {
            let code = index
                .placement(p.id)
                .map(|pl| territory.regions[pl.region].code.0.as_str())
                .unwrap_or("");
            let (t, y) = region_shape(code);
            (f64::from(t) / 10_000.0, f64::from(y) / 10_000.0)
        })
        .collect();

    // Absentee certificates: about 0.3% of voters take one (tens of thousands nationally);
    // about 85% are used at another precinct, where the voter is added to the list. The rest
    // are balanced by voters added on the day, so the lists add up to the registered total.
    let certificates: Vec<u64> = registered
        .iter()
        .map(|&r| {
            let u = rng.random::<f64>();
            let rate = 0.001 + 0.006 * u * u;
            ((r as f64 * rate + rng.random::<f64>()) as u64).min(r / 20)
        })
        .collect();
    let issued_certificates: u64 = certificates.iter().sum();
    let used = issued_certificates * 85 / 100;
    let added_on_day_total = issued_certificates - used;
    let weights: Vec<f64> = registered
        .iter()
        .map(|&r| r as f64 * (0.3 + rng.random::<f64>()))
        .collect();
    let upper: Vec<u64> = registered.iter().map(|&r| r / 10).collect();
    let added_absentee = apportion_bounded(used, &weights, &vec![0; n], &upper).ok_or(
        ScenarioError::Infeasible {
            line: "voters_added_absentee",
        },
    )?;
    let weights: Vec<f64> = (0..n)
        .map(|_| {
            let u = rng.random::<f64>();
            u * u
        })
        .collect();
    let upper: Vec<u64> = registered.iter().map(|&r| (r / 50).min(20)).collect();
    let added_on_day = apportion_bounded(added_on_day_total, &weights, &vec![0; n], &upper).ok_or(
        ScenarioError::Infeasible {
            line: "voters_added_on_day",
        },
    )?;
    let on_list: Vec<u64> = (0..n)
        .map(|i| registered[i] - certificates[i] + added_absentee[i] + added_on_day[i])
        .collect();

    // Ballots issued: the region's turnout with precinct noise, scaled to the national total.
    // The upper bound keeps every precinct below 97.5% (no warning KW-2).
    let weights: Vec<f64> = (0..n)
        .map(|i| {
            let t = jitter(&mut rng, shapes[i].0, 0.6).clamp(0.05, 0.975);
            on_list[i] as f64 * t
        })
        .collect();
    let lower: Vec<u64> = on_list.iter().map(|&l| l / 20).collect();
    let upper: Vec<u64> = on_list
        .iter()
        .map(|&l| (l * 975 / 1_000).min(l.saturating_sub(1)))
        .collect();
    let issued = apportion_bounded(official.participated, &weights, &lower, &upper).ok_or(
        ScenarioError::Infeasible {
            line: "ballots_issued",
        },
    )?;

    // A few dozen precincts find a few ballots fewer than they issued (warning KW-1).
    let mut missing = vec![0u64; n];
    let candidates: Vec<usize> = (0..n).filter(|&i| issued[i] >= 200).collect();
    let wanted = rng.random_range(30..=50usize).min(candidates.len());
    let mut chosen = 0;
    while chosen < wanted {
        let i = candidates[rng.random_range(0..candidates.len())];
        if missing[i] == 0 {
            missing[i] = rng.random_range(2..=15u64);
            chosen += 1;
        }
    }
    let missing_total: u64 = missing.iter().sum();
    let both_total =
        official
            .unaccounted()
            .checked_sub(missing_total)
            .ok_or(ScenarioError::Infeasible {
                line: "both_marked",
            })?;
    let found: Vec<u64> = (0..n).map(|i| issued[i] - missing[i]).collect();

    // The count, line by line: each line takes its national total in proportion to the
    // ballots still unassigned in each precinct, so every precinct adds up.
    let weights: Vec<f64> = (0..n)
        .map(|i| found[i] as f64 * jitter(&mut rng, shapes[i].1, 0.8).clamp(0.0, 1.0))
        .collect();
    let yes = apportion_bounded(official.yes, &weights, &vec![0; n], &found)
        .ok_or(ScenarioError::Infeasible { line: "yes" })?;
    let rest: Vec<u64> = (0..n).map(|i| found[i] - yes[i]).collect();
    let weights: Vec<f64> = (0..n)
        // Narrow enough that "no" never takes a whole precinct's remainder.
        .map(|i| rest[i] as f64 * (0.8 + 0.4 * rng.random::<f64>()))
        .collect();
    let no = apportion_bounded(official.no, &weights, &vec![0; n], &rest)
        .ok_or(ScenarioError::Infeasible { line: "no" })?;
    let rest: Vec<u64> = (0..n).map(|i| rest[i] - no[i]).collect();
    let weights: Vec<f64> = (0..n)
        .map(|i| rest[i] as f64 * (0.7 + 0.6 * rng.random::<f64>()))
        .collect();
    let both = apportion_bounded(both_total, &weights, &vec![0; n], &rest).ok_or(
        ScenarioError::Infeasible {
            line: "both_marked",
        },
    )?;
    let invalid: Vec<u64> = (0..n).map(|i| rest[i] - both[i]).collect();
    if invalid.iter().sum::<u64>() != official.invalid {
        return Err(ScenarioError::Infeasible { line: "invalid" });
    }

    // Ballots received: the list plus a small reserve, in packs of ten; the unused ones are
    // cancelled.
    let protocols = territory
        .precincts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let reserve = (on_list[i] as f64 * 0.02 * rng.random::<f64>()) as u64;
            let received = (on_list[i] + reserve).div_ceil(10) * 10;
            PrecinctProtocol {
                referendum: ContestId(REFERENDUM_2026.to_owned()),
                precinct: p.id,
                lines: ProtocolLines {
                    ballots: BallotLines {
                        voters_on_list: on_list[i],
                        voters_added_on_day: added_on_day[i],
                        voters_added_absentee: added_absentee[i],
                        absentee_certificates_issued: certificates[i],
                        ballots_received: received,
                        ballots_issued: issued[i],
                        ballots_cancelled: received - issued[i],
                        ballots_found: found[i],
                    },
                    yes: yes[i],
                    no: no[i],
                    both_marked: both[i],
                    invalid: invalid[i],
                },
            }
        })
        .collect();
    Ok(protocols)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::kz;
    use crate::protocol::{ControlRule, check};
    use crate::territory::generate::{TerritorySpec, generate};
    use std::sync::OnceLock;

    fn territory() -> &'static Territory {
        static T: OnceLock<Territory> = OnceLock::new();
        T.get_or_init(|| generate(&kz(), &TerritorySpec::default()).unwrap())
    }

    fn night() -> &'static Vec<PrecinctProtocol> {
        static P: OnceLock<Vec<PrecinctProtocol>> = OnceLock::new();
        P.get_or_init(|| referendum_2026(territory(), 2026).unwrap())
    }

    fn sum(f: impl Fn(&ProtocolLines) -> u64) -> u64 {
        night().iter().map(|p| f(&p.lines)).sum()
    }

    #[test]
    fn national_sums_are_the_official_figures() {
        let p = night();
        assert_eq!(p.len(), 10_459);
        assert_eq!(sum(|l| l.ballots.voters_on_list), KZ_2026.eligible);
        assert_eq!(sum(|l| l.ballots.ballots_issued), KZ_2026.participated);
        assert_eq!(sum(|l| l.yes), KZ_2026.yes);
        assert_eq!(sum(|l| l.no), KZ_2026.no);
        assert_eq!(sum(|l| l.invalid), KZ_2026.invalid);
        assert_eq!(KZ_2026.unaccounted(), 127_868);
        let gap =
            sum(|l| l.both_marked) + sum(|l| l.ballots.ballots_issued - l.ballots.ballots_found);
        assert_eq!(gap, 127_868);
        let missing = sum(|l| l.ballots.ballots_issued - l.ballots.ballots_found);
        assert!((20..1_000).contains(&missing), "{missing} ballots missing");
        // Certificates taken here are votes added elsewhere: the lists add up.
        assert_eq!(
            sum(|l| l.ballots.voters_added_on_day + l.ballots.voters_added_absentee),
            sum(|l| l.ballots.absentee_certificates_issued)
        );
        let certificates = sum(|l| l.ballots.absentee_certificates_issued);
        assert!((10_000..100_000).contains(&certificates), "{certificates}");
    }

    #[test]
    fn protocols_follow_the_territory_and_pass_the_control_ratios() {
        let mut kw1 = 0;
        for (p, pr) in night().iter().zip(&territory().precincts) {
            assert_eq!(p.precinct, pr.id);
            assert_eq!(p.referendum.0, "kz-2026");
            let l = &p.lines;
            assert_eq!(
                l.ballots.voters_on_list,
                pr.registered_voters - l.ballots.absentee_certificates_issued
                    + l.ballots.voters_added_on_day
                    + l.ballots.voters_added_absentee
            );
            assert!(l.ballots.ballots_received >= l.ballots.voters_on_list);
            let c = check(l);
            assert!(
                c.errors.is_empty(),
                "precinct {}: {:?}",
                p.precinct,
                c.errors
            );
            for w in &c.warnings {
                assert_eq!(
                    w.rule,
                    ControlRule::FewerFoundThanIssued,
                    "precinct {}",
                    p.precinct
                );
            }
            kw1 += c.warnings.len();
        }
        assert!((20..=60).contains(&kw1), "{kw1} KW-1 warnings");
    }

    /// Turnout (ballots issued over voters on the list) of each region, in territory order.
    fn regional_turnout(protocols: &[PrecinctProtocol]) -> Vec<(String, f64)> {
        let t = territory();
        let index = TerritoryIndex::new(t).unwrap();
        let mut sums = vec![(0u64, 0u64); t.regions.len()];
        for p in protocols {
            let r = index.placement(p.precinct).unwrap().region;
            sums[r].0 += p.lines.ballots.ballots_issued;
            sums[r].1 += p.lines.ballots.voters_on_list;
        }
        t.regions
            .iter()
            .zip(sums)
            .map(|(r, (i, l))| (r.code.0.clone(), i as f64 / l as f64))
            .collect()
    }

    #[test]
    fn the_reported_regional_order_is_kept() {
        let turnout = regional_turnout(night());
        let of = |code: &str| turnout.iter().find(|(c, _)| c == code).unwrap().1;
        let reported: Vec<f64> = REPORTED_TURNOUT_2026.iter().map(|(c, _)| of(c)).collect();
        for pair in reported.windows(2) {
            assert!(pair[0] > pair[1], "{turnout:?}");
        }
        // Kyzylorda highest, Almaty city lowest, everyone else in between.
        for (code, t) in &turnout {
            if code != "KZ-43" {
                assert!(*t < of("KZ-43"), "{code} {t}");
            }
            if code != "KZ-75" {
                assert!(*t > of("KZ-75"), "{code} {t}");
            }
        }
        // Every precinct stays below 98%.
        for p in night() {
            assert!(p.lines.ballots.ballots_issued * 100 < p.lines.ballots.voters_on_list * 98);
        }
    }

    #[test]
    fn the_yes_share_varies_by_region_around_the_national_share() {
        let t = territory();
        let index = TerritoryIndex::new(t).unwrap();
        let mut sums = vec![(0u64, 0u64); t.regions.len()];
        for p in night() {
            let r = index.placement(p.precinct).unwrap().region;
            sums[r].0 += p.lines.yes;
            sums[r].1 += p.lines.ballots.ballots_issued;
        }
        let shares: Vec<f64> = sums.iter().map(|(y, i)| *y as f64 / *i as f64).collect();
        let lo = shares.iter().copied().fold(1.0, f64::min);
        let hi = shares.iter().copied().fold(0.0, f64::max);
        assert!(lo > 0.6 && hi < 0.99 && hi - lo > 0.05, "{shares:?}");
    }

    #[test]
    fn the_scenario_is_deterministic_from_the_seed() {
        let again = referendum_2026(territory(), 2026).unwrap();
        assert_eq!(&again, night());
        let other = referendum_2026(territory(), 7).unwrap();
        assert_ne!(&other, night());
        assert_eq!(other.iter().map(|p| p.lines.yes).sum::<u64>(), KZ_2026.yes);
    }

    #[test]
    fn a_territory_with_the_wrong_total_is_refused() {
        let small = generate(
            &kz(),
            &TerritorySpec {
                domestic_precincts: 100,
                abroad_precincts: 2,
                abroad_countries: 1,
                registered_voters: 120_000,
                ..TerritorySpec::default()
            },
        )
        .unwrap();
        let err = referendum_2026(&small, 1).unwrap_err();
        assert_eq!(
            err,
            ScenarioError::WrongEligible {
                found: 120_000,
                expected: 12_482_613
            }
        );
        assert!(err.to_string().contains("default spec"), "{err}");
        let mut broken = territory().clone();
        broken.precincts.clear();
        assert_eq!(
            referendum_2026(&broken, 1).unwrap_err(),
            ScenarioError::Territory(TerritoryError::Empty)
        );
        // The right total in one precinct over the size limit is refused by the territory check.
        let mut one = territory().clone();
        one.precincts.truncate(1);
        one.precincts[0].registered_voters = KZ_2026.eligible;
        assert!(matches!(
            referendum_2026(&one, 1),
            Err(ScenarioError::Territory(
                TerritoryError::TooManyVoters { .. }
            ))
        ));
    }

    #[test]
    fn the_constants_match_the_data_file() {
        let data: serde_json::Value =
            serde_json::from_str(include_str!("../data/kz-2026-referendum-official.json")).unwrap();
        let national = &data["national"];
        assert_eq!(national["eligible"], KZ_2026.eligible);
        assert_eq!(national["participated"], KZ_2026.participated);
        assert_eq!(national["yes"], KZ_2026.yes);
        assert_eq!(national["no"], KZ_2026.no);
        assert_eq!(national["invalid"], KZ_2026.invalid);
        let reported = &data["reported_regional_turnout_percent_during_the_day"];
        for (code, hundredths) in REPORTED_TURNOUT_2026 {
            let percent = reported[code].as_f64().unwrap();
            assert_eq!((percent * 100.0).round() as u32, hundredths, "{code}");
        }
    }
}
