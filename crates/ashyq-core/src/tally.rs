//! Aggregation precinct → district → region (abroad is its own unit) → national, with
//! reporting progress, and the outcome of a referendum with its reasons.
//!
//! Every figure is an exact integer sum; shares are [`Share`]s, rounded only for display.

use serde::{Deserialize, Serialize};

use crate::contest::ContestId;
use crate::protocol::ProtocolLines;
use crate::referendum::{AdoptionRule, ReferendumDefinition};
use crate::share::Share;
use crate::territory::{DistrictId, Names, RegionCode, Territory, UnitKind};

/// Sums over a set of precincts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    /// Precincts in the set.
    pub precincts: u64,
    /// Precincts whose protocol is applied.
    pub precincts_reported: u64,
    /// Voters registered (territory) in all precincts of the set.
    pub registered_voters: u64,
    /// Voters registered (territory) in the precincts that reported.
    pub registered_voters_reported: u64,
    /// Reported precincts whose protocol carries control-ratio warnings.
    pub precincts_with_warnings: u64,
    /// Sum of each protocol line over the reported precincts.
    pub lines: ProtocolLines,
}

impl Totals {
    /// Adds one precinct of the territory, with its protocol when it has reported.
    pub fn add_precinct(&mut self, registered: u64, protocol: Option<(&ProtocolLines, bool)>) {
        self.precincts += 1;
        self.registered_voters += registered;
        if let Some((l, warned)) = protocol {
            self.precincts_reported += 1;
            self.registered_voters_reported += registered;
            self.precincts_with_warnings += u64::from(warned);
            add_lines(&mut self.lines, l);
        }
    }

    /// Adds another set's totals.
    pub fn merge(&mut self, other: &Totals) {
        self.precincts += other.precincts;
        self.precincts_reported += other.precincts_reported;
        self.registered_voters += other.registered_voters;
        self.registered_voters_reported += other.registered_voters_reported;
        self.precincts_with_warnings += other.precincts_with_warnings;
        add_lines(&mut self.lines, &other.lines);
    }

    /// Eligible voters: voters on the lists of the reported precincts (line 1).
    pub fn eligible(&self) -> u64 {
        self.lines.ballots.voters_on_list
    }

    /// Voters who took part: ballots issued (line 6).
    pub fn participated(&self) -> u64 {
        self.lines.ballots.ballots_issued
    }

    /// Participation over eligible voters.
    pub fn turnout(&self) -> Share {
        Share::new(self.participated(), self.eligible())
    }

    /// "Yes" over participants.
    pub fn yes_share(&self) -> Share {
        Share::new(self.lines.yes, self.participated())
    }

    /// "No" over participants.
    pub fn no_share(&self) -> Share {
        Share::new(self.lines.no, self.participated())
    }

    /// Reported precincts over all precincts.
    pub fn precincts_progress(&self) -> Share {
        Share::new(self.precincts_reported, self.precincts)
    }

    /// Registered voters of reported precincts over all registered voters.
    pub fn eligible_coverage(&self) -> Share {
        Share::new(self.registered_voters_reported, self.registered_voters)
    }

    /// Whether every precinct of the set has reported.
    pub fn complete(&self) -> bool {
        self.precincts_reported == self.precincts
    }
}

fn add_lines(into: &mut ProtocolLines, l: &ProtocolLines) {
    into.ballots.voters_on_list += l.ballots.voters_on_list;
    into.ballots.voters_added_on_day += l.ballots.voters_added_on_day;
    into.ballots.voters_added_absentee += l.ballots.voters_added_absentee;
    into.ballots.absentee_certificates_issued += l.ballots.absentee_certificates_issued;
    into.ballots.ballots_received += l.ballots.ballots_received;
    into.ballots.ballots_issued += l.ballots.ballots_issued;
    into.ballots.ballots_cancelled += l.ballots.ballots_cancelled;
    into.ballots.ballots_found += l.ballots.ballots_found;
    into.yes += l.yes;
    into.no += l.no;
    into.both_marked += l.both_marked;
    into.invalid += l.invalid;
}

/// How far the result has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ResultStatus {
    /// Precincts are missing or conflicts are open.
    Preliminary,
    /// Every precinct has reported and no conflict is open; not yet certified.
    Final,
    /// Certified by the central commission and locked.
    Certified,
    /// Certified, then amended by a risk-limiting audit: the full hand count of an escalated
    /// contest replaced some certified protocols, and the published figures follow the paper
    /// (`docs/audit.md`, "Escalation").
    CertifiedAmendedByAudit,
}

impl ResultStatus {
    /// Whether the result is certified (amended by an audit or not).
    pub fn is_certified(self) -> bool {
        matches!(
            self,
            ResultStatus::Certified | ResultStatus::CertifiedAmendedByAudit
        )
    }
}

/// The outcome of a referendum, with its reasons in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    /// Whether the validity rule holds.
    pub valid: bool,
    /// Whether the proposal is adopted (never when not valid).
    pub adopted: bool,
    /// Turnout: participants over eligible voters.
    pub turnout: Share,
    /// "Yes" over participants.
    pub yes_share: Share,
    /// For a regional rule: units with a majority in favour, and units in all.
    pub units_in_favour: Option<(u64, u64)>,
    /// Why it is (not) valid, e.g. "valid: turnout 73.12% > 50%".
    pub validity_reason: String,
    /// Why it is (not) adopted, e.g. "adopted: 87.15% of participants voted yes (> 50%)".
    pub adoption_reason: String,
}

/// Applies a definition's rules to the national totals and, for a regional rule, to the
/// totals of each region and city (units of kind `Abroad` do not count as units).
pub fn outcome(def: &ReferendumDefinition, national: &Totals, regions: &[RegionResult]) -> Outcome {
    let turnout = national.turnout();
    let min = def.validity.min_turnout;
    let valid = turnout.exceeds(min);
    let validity_reason = if valid {
        format!(
            "valid: turnout {}% > {}%",
            turnout.percent(2),
            min.percent()
        )
    } else {
        format!(
            "not valid: turnout {}% ≤ {}%",
            turnout.percent(2),
            min.percent()
        )
    };
    let yes_share = national.yes_share();
    let (adopted, units_in_favour, adoption_reason) = match def.adoption {
        AdoptionRule::NationalMajority { share } => {
            let majority = yes_share.exceeds(share);
            let reason = if !valid {
                "not adopted: the referendum is not valid".to_owned()
            } else if majority {
                format!(
                    "adopted: {}% of participants voted yes (> {}%)",
                    yes_share.percent(2),
                    share.percent()
                )
            } else {
                format!(
                    "not adopted: {}% of participants voted yes (more than {}% needed)",
                    yes_share.percent(2),
                    share.percent()
                )
            };
            (valid && majority, None, reason)
        }
        AdoptionRule::RegionalMajority { share, units } => {
            let counted: Vec<&RegionResult> = regions
                .iter()
                .filter(|r| r.kind != UnitKind::Abroad)
                .collect();
            let total = counted.len() as u64;
            let in_favour = counted
                .iter()
                .filter(|r| r.totals.yes_share().exceeds(share))
                .count() as u64;
            // "At least" `units`: in_favour / total ≥ units, exactly.
            let enough = total > 0 && !units.ratio().gt(&Share::new(in_favour, total).ratio());
            let reason = if !valid {
                "not adopted: the referendum is not valid".to_owned()
            } else if enough {
                format!(
                    "adopted: more than {}% voted yes in {in_favour} of {total} regions and cities (at least {}% needed)",
                    share.percent(),
                    units.percent()
                )
            } else {
                format!(
                    "not adopted: more than {}% voted yes in only {in_favour} of {total} regions and cities (at least {}% needed)",
                    share.percent(),
                    units.percent()
                )
            };
            (valid && enough, Some((in_favour, total)), reason)
        }
    };
    Outcome {
        valid,
        adopted,
        turnout,
        yes_share,
        units_in_favour,
        validity_reason,
        adoption_reason,
    }
}

/// The totals of one district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictResult {
    /// The district.
    pub id: DistrictId,
    /// Its names.
    pub names: Names,
    /// Its totals.
    pub totals: Totals,
}

/// The totals of one first-level unit and its districts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionResult {
    /// The unit.
    pub code: RegionCode,
    /// Region, city or abroad.
    pub kind: UnitKind,
    /// Its names.
    pub names: Names,
    /// Its totals.
    pub totals: Totals,
    /// Its districts in territory order.
    pub districts: Vec<DistrictResult>,
}

/// The whole result of a referendum at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultsTree {
    /// The referendum.
    pub referendum: ContestId,
    /// Preliminary, final or certified.
    pub status: ResultStatus,
    /// Conflicts awaiting review.
    pub open_conflicts: u64,
    /// National totals (regions and abroad).
    pub national: Totals,
    /// The outcome on the figures so far.
    pub outcome: Outcome,
    /// Each first-level unit, abroad included, in territory order.
    pub regions: Vec<RegionResult>,
}

/// Sums the territory's precincts bottom-up. `protocol_of(i)` gives the applied lines of the
/// precinct at index `i` of `territory.precincts` and whether they carry warnings.
pub fn aggregate<'a>(
    territory: &Territory,
    district_of_precinct: impl Fn(usize) -> usize,
    protocol_of: impl Fn(usize) -> Option<(&'a ProtocolLines, bool)>,
) -> (Totals, Vec<RegionResult>) {
    let mut districts: Vec<Totals> = vec![Totals::default(); territory.districts.len()];
    for (i, p) in territory.precincts.iter().enumerate() {
        districts[district_of_precinct(i)].add_precinct(p.registered_voters, protocol_of(i));
    }
    let mut regions: Vec<RegionResult> = territory
        .regions
        .iter()
        .map(|r| RegionResult {
            code: r.code.clone(),
            kind: r.kind,
            names: r.names.clone(),
            totals: Totals::default(),
            districts: Vec::new(),
        })
        .collect();
    for (d, totals) in territory.districts.iter().zip(districts) {
        if let Some(r) = regions.iter_mut().find(|r| r.code == d.region) {
            r.totals.merge(&totals);
            r.districts.push(DistrictResult {
                id: d.id.clone(),
                names: d.names.clone(),
                totals,
            });
        }
    }
    let mut national = Totals::default();
    for r in &regions {
        national.merge(&r.totals);
    }
    (national, regions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::BallotLines;
    use crate::referendum::presets;

    fn totals(eligible: u64, issued: u64, yes: u64) -> Totals {
        Totals {
            precincts: 1,
            precincts_reported: 1,
            registered_voters: eligible,
            registered_voters_reported: eligible,
            precincts_with_warnings: 0,
            lines: ProtocolLines {
                ballots: BallotLines {
                    voters_on_list: eligible,
                    ballots_issued: issued,
                    ..Default::default()
                },
                yes,
                ..Default::default()
            },
        }
    }

    fn region(code: &str, kind: UnitKind, t: Totals) -> RegionResult {
        RegionResult {
            code: RegionCode(code.into()),
            kind,
            names: Names::same(code),
            totals: t,
            districts: vec![],
        }
    }

    #[test]
    fn official_2026_outcome_reads_as_announced() {
        // CEC 2026: eligible 12,482,613; took part 9,127,192; yes 7,954,667.
        let national = totals(12_482_613, 9_127_192, 7_954_667);
        let o = outcome(&presets::kz_2026(), &national, &[]);
        assert!(o.valid && o.adopted);
        assert_eq!(o.validity_reason, "valid: turnout 73.12% > 50%");
        assert_eq!(
            o.adoption_reason,
            "adopted: 87.15% of participants voted yes (> 50%)"
        );
    }

    #[test]
    fn exactly_half_turnout_is_not_valid() {
        let o = outcome(&presets::kz_2026(), &totals(1000, 500, 500), &[]);
        assert!(!o.valid && !o.adopted);
        assert_eq!(o.validity_reason, "not valid: turnout 50.00% ≤ 50%");
        assert_eq!(
            o.adoption_reason,
            "not adopted: the referendum is not valid"
        );
    }

    #[test]
    fn regional_rule_needs_two_thirds_of_units_and_ignores_abroad() {
        let def = presets::kz_2022();
        let yes = totals(100, 80, 60);
        let no = totals(100, 80, 30);
        // 2 of 3 units in favour: exactly two thirds, which is enough ("at least").
        let mut regions = vec![
            region("A", UnitKind::Oblys, yes),
            region("B", UnitKind::City, yes),
            region("C", UnitKind::Oblys, no),
            region("ABROAD", UnitKind::Abroad, no),
        ];
        let mut national = Totals::default();
        for r in &regions {
            national.merge(&r.totals);
        }
        let o = outcome(&def, &national, &regions);
        assert_eq!(o.units_in_favour, Some((2, 3)));
        assert!(o.adopted, "{}", o.adoption_reason);
        assert_eq!(
            o.adoption_reason,
            "adopted: more than 50% voted yes in 2 of 3 regions and cities (at least 66.67% needed)"
        );
        regions.push(region("D", UnitKind::Oblys, no));
        let o = outcome(&def, &national, &regions);
        assert_eq!(o.units_in_favour, Some((2, 4)));
        assert!(!o.adopted);
    }
}
