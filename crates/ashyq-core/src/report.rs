//! Published forms of a result: the summary with the keys every consumer expects, and CSV
//! rows at every level. Percentages here are display values, rounded half up from the exact
//! shares; the counts next to them are the exact figures.

use serde::{Serialize, Serializer};

use crate::protocol::ProtocolLines;
use crate::share::Share;
use crate::tally::{ResultStatus, ResultsTree, Totals};
use crate::territory::Territory;

/// A share shown as a percentage with two decimals; serializes as a JSON number such as
/// `73.12`, computed from the exact share by integer rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = f64))]
pub struct Percent(pub Share);

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.0.percent(2);
        // The decimal string is exact to two places; parse it only to emit a JSON number.
        let number: serde_json::Number = text.parse().map_err(serde::ser::Error::custom)?;
        number.serialize(s)
    }
}

/// The figures of one unit (the nation, a region or a district) in published form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// Eligible voters: voters on the lists of reported precincts.
    pub eligible: u64,
    /// Voters who took part (ballots issued).
    pub participated: u64,
    /// Yes.
    pub yes: u64,
    /// No.
    pub no: u64,
    /// Both answers marked: valid, counted for neither.
    pub both_marked: u64,
    /// Invalid ballots.
    pub invalid: u64,
    /// Ballots found in the boxes.
    pub ballots_found: u64,
    /// Turnout in percent (display).
    pub turnout: Percent,
    /// Yes over participants in percent (display).
    pub yes_percent: Percent,
    /// No over participants in percent (display).
    pub no_percent: Percent,
    /// Precincts in the unit.
    pub precincts: u64,
    /// Precincts reported.
    pub precincts_reported: u64,
    /// Precincts reported in percent (display).
    pub precincts_reported_percent: Percent,
    /// Registered voters of reported precincts over all, in percent (display).
    pub eligible_covered_percent: Percent,
    /// Reported precincts whose protocol carries warnings.
    pub precincts_with_warnings: u64,
}

impl Summary {
    /// The published form of some totals.
    pub fn of(t: &Totals) -> Self {
        Summary {
            eligible: t.eligible(),
            participated: t.participated(),
            yes: t.lines.yes,
            no: t.lines.no,
            both_marked: t.lines.both_marked,
            invalid: t.lines.invalid,
            ballots_found: t.lines.ballots.ballots_found,
            turnout: Percent(t.turnout()),
            yes_percent: Percent(t.yes_share()),
            no_percent: Percent(t.no_share()),
            precincts: t.precincts,
            precincts_reported: t.precincts_reported,
            precincts_reported_percent: Percent(t.precincts_progress()),
            eligible_covered_percent: Percent(t.eligible_coverage()),
            precincts_with_warnings: t.precincts_with_warnings,
        }
    }
}

/// The national result in published form: the summary figures plus validity and adoption.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NationalSummary {
    /// The referendum.
    pub referendum: String,
    /// Preliminary, final or certified.
    pub status: ResultStatus,
    /// The figures.
    #[serde(flatten)]
    pub figures: Summary,
    /// Whether the referendum is valid.
    pub valid: bool,
    /// Whether the proposal is adopted.
    pub adopted: bool,
    /// Why valid or not.
    pub validity_reason: String,
    /// Why adopted or not.
    pub adoption_reason: String,
    /// Conflicts awaiting review.
    pub open_conflicts: u64,
}

impl NationalSummary {
    /// From a results tree.
    pub fn of(tree: &ResultsTree) -> Self {
        NationalSummary {
            referendum: tree.referendum.0.clone(),
            status: tree.status,
            figures: Summary::of(&tree.national),
            valid: tree.outcome.valid,
            adopted: tree.outcome.adopted,
            validity_reason: tree.outcome.validity_reason.clone(),
            adoption_reason: tree.outcome.adoption_reason.clone(),
            open_conflicts: tree.open_conflicts,
        }
    }
}

/// One unit's published figures with its code and English name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitSummary {
    /// Region code or district id.
    pub code: String,
    /// English name.
    pub name: String,
    /// The figures.
    #[serde(flatten)]
    pub figures: Summary,
}

/// The national result with a summary of every first-level unit: the document served by
/// `/api/v1/referendums/{id}/results` and printed by `ashyq results --format json`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultsDocument {
    /// The national figures and outcome.
    #[serde(flatten)]
    pub national: NationalSummary,
    /// Each region, city and abroad.
    pub regions: Vec<UnitSummary>,
}

impl ResultsDocument {
    /// From a results tree.
    pub fn of(tree: &ResultsTree) -> Self {
        ResultsDocument {
            national: NationalSummary::of(tree),
            regions: tree
                .regions
                .iter()
                .map(|r| UnitSummary {
                    code: r.code.0.clone(),
                    name: r.names.en.clone(),
                    figures: Summary::of(&r.totals),
                })
                .collect(),
        }
    }
}

/// One region with a summary of each of its districts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionDocument {
    /// The referendum.
    pub referendum: String,
    /// The region's figures.
    #[serde(flatten)]
    pub region: UnitSummary,
    /// Its districts.
    pub districts: Vec<UnitSummary>,
}

impl RegionDocument {
    /// The region with this code (case-insensitive), if the tree has it.
    pub fn of(tree: &ResultsTree, code: &str) -> Option<Self> {
        let r = tree
            .regions
            .iter()
            .find(|r| r.code.0.eq_ignore_ascii_case(code))?;
        Some(RegionDocument {
            referendum: tree.referendum.0.clone(),
            region: UnitSummary {
                code: r.code.0.clone(),
                name: r.names.en.clone(),
                figures: Summary::of(&r.totals),
            },
            districts: r
                .districts
                .iter()
                .map(|d| UnitSummary {
                    code: d.id.0.clone(),
                    name: d.names.en.clone(),
                    figures: Summary::of(&d.totals),
                })
                .collect(),
        })
    }
}

/// How deep a CSV export goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The nation only.
    National,
    /// The nation and each first-level unit.
    Region,
    /// Down to districts.
    District,
}

const CSV_HEAD: [&str; 8] = [
    "level",
    "code",
    "name_en",
    "parent",
    "precincts",
    "precincts_reported",
    "registered_voters",
    "registered_voters_reported",
];

fn csv_row(level: &str, code: &str, name: &str, parent: &str, t: &Totals) -> Vec<String> {
    let mut row: Vec<String> = vec![
        level.into(),
        code.into(),
        name.into(),
        parent.into(),
        t.precincts.to_string(),
        t.precincts_reported.to_string(),
        t.registered_voters.to_string(),
        t.registered_voters_reported.to_string(),
    ];
    row.extend(t.lines.named().iter().map(|(_, v)| v.to_string()));
    row.push(t.turnout().percent(2));
    row.push(t.yes_share().percent(2));
    row
}

/// The result as CSV, one row per unit down to `level`; exact counts plus display percentages.
pub fn results_csv(tree: &ResultsTree, level: Level) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<&str> = CSV_HEAD.to_vec();
    head.extend(ProtocolLines::FIELDS);
    head.extend(["turnout_percent", "yes_percent"]);
    w.write_record(&head).expect("writing to memory");
    let country = tree.referendum.0.as_str();
    w.write_record(csv_row("national", country, "", "", &tree.national))
        .expect("writing to memory");
    if level != Level::National {
        for r in &tree.regions {
            w.write_record(csv_row(
                "region",
                &r.code.0,
                &r.names.en,
                country,
                &r.totals,
            ))
            .expect("writing to memory");
            if level == Level::District {
                for d in &r.districts {
                    w.write_record(csv_row(
                        "district",
                        &d.id.0,
                        &d.names.en,
                        &r.code.0,
                        &d.totals,
                    ))
                    .expect("writing to memory");
                }
            }
        }
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("csv of UTF-8 is UTF-8")
}

/// Every precinct's applied protocol as CSV rows with its place in the tree; precincts that
/// have not reported have empty line cells.
pub fn precincts_csv(
    territory: &Territory,
    applied: impl Fn(usize) -> Option<(ProtocolLines, String)>,
) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec![
        "precinct",
        "name",
        "district",
        "region",
        "registered_voters",
        "protocol_hash",
    ];
    head.extend(ProtocolLines::FIELDS);
    w.write_record(&head).expect("writing to memory");
    let region_of: std::collections::HashMap<&str, &str> = territory
        .districts
        .iter()
        .map(|d| (d.id.0.as_str(), d.region.0.as_str()))
        .collect();
    for (i, p) in territory.precincts.iter().enumerate() {
        let mut row = vec![
            p.id.to_string(),
            p.name.clone(),
            p.district.0.clone(),
            region_of
                .get(p.district.0.as_str())
                .copied()
                .unwrap_or("")
                .to_owned(),
            p.registered_voters.to_string(),
        ];
        match applied(i) {
            Some((lines, hash)) => {
                row.push(hash);
                row.extend(lines.named().iter().map(|(_, v)| v.to_string()));
            }
            None => row.extend(std::iter::repeat_n(String::new(), 13)),
        }
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("csv of UTF-8 is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_serializes_as_a_two_decimal_number() {
        let json = serde_json::to_string(&Percent(Share::new(9_127_192, 12_482_613))).unwrap();
        assert_eq!(json, "73.12");
        let json = serde_json::to_string(&Percent(Share::new(1, 3))).unwrap();
        assert_eq!(json, "33.33");
        assert_eq!(
            serde_json::to_string(&Percent(Share::new(0, 0))).unwrap(),
            "0.0"
        );
    }
}
