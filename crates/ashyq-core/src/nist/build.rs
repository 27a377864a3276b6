//! The report from one contest in a neutral shape.
//!
//! [`ContestFigures`] is what every kind of contest gives: its selections in ballot order and,
//! for each precinct of the territory, the voters and ballots and the votes of each selection
//! — or nothing when the precinct has not reported. [`report`] turns that, the territory and
//! the log head into an [`ElectionReport`]: every unit of the territory with its OCD-ID,
//! composing units, voters registered and participating and reporting progress; the ballots of
//! every unit the format covers; the votes of each selection per unit.
//!
//! [`candidate_contest`] is the shape of a candidate contest (the presidential election):
//! candidate names and their votes per precinct, and "against all" as a selection without a
//! candidate (see `docs/open-data.md`).

use chrono::{DateTime, NaiveDate, Utc};

use crate::chain::LogHash;
use crate::contest::ContestId;
use crate::protocol::BallotLines;
use crate::tally::{Outcome, ResultStatus};
use crate::territory::{Names, Territory, TerritoryError, TerritoryIndex, UnitKind};

use super::{
    BallotCounts, BallotMeasureContest, BallotMeasureSelection, Candidate, CandidateContest,
    CandidateSelection, Contest, ContestCommon, ContestSelection, CountStatus, Election,
    ElectionReport, ExternalIdentifier, InternationalizedText, OtherCounts, Party, PartyContest,
    PartySelection, ReportDetailLevel, ReportingUnit, ResultsStatus, VoteCounts, ocd,
};

/// The CDF status of one of ours. An audit's hand count that replaces the machine count is
/// [`ResultsStatus::Recount`], given by the caller that knows of it.
pub fn status_of(status: ResultStatus) -> ResultsStatus {
    match status {
        ResultStatus::Preliminary => ResultsStatus::UnofficialPartial,
        ResultStatus::Final => ResultsStatus::UnofficialComplete,
        ResultStatus::Certified => ResultsStatus::Certified,
        ResultStatus::CertifiedAmendedByAudit => ResultsStatus::Recount,
    }
}

/// What kind of contest, with what only that kind has.
#[derive(Debug, Clone, PartialEq)]
pub enum ContestShape {
    /// A referendum.
    Referendum {
        /// The question.
        question: Names,
        /// The rules of validity and adoption, in words.
        passage_threshold: String,
        /// The outcome on the figures so far.
        outcome: Outcome,
    },
    /// A party-list election.
    PartyList {
        /// Seats won, per selection in ballot order (0 for "against all"), once allocated.
        seats: Option<Vec<u64>>,
    },
    /// A candidate election.
    Candidate {
        /// Candidates going on to a runoff when no one wins outright, if the contest has one.
        number_runoff: Option<u64>,
        /// The winner and those going to a runoff, as indices into the selections, once
        /// decided.
        decided: Option<CandidateOutcome>,
    },
}

/// Who a candidate contest elected, or sent to a runoff.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CandidateOutcome {
    /// The winner's selection, if someone won.
    pub winner: Option<usize>,
    /// The selections going to a runoff.
    pub runoff: Vec<usize>,
}

/// One line of the ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectionShape {
    /// An answer to a referendum's question.
    Answer {
        /// A short key for its object id (`yes`, `no`).
        key: &'static str,
        /// Its label.
        label: Names,
    },
    /// A party's list.
    Party {
        /// The party's name on the ballot.
        name: String,
        /// Its short name, if any.
        short_name: Option<String>,
    },
    /// A candidate.
    Candidate {
        /// The name on the ballot.
        name: Names,
        /// The nominating party, if any.
        party: Option<String>,
    },
    /// "Against all".
    AgainstAll,
}

/// One precinct's figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrecinctFigures {
    /// Voters on the list at the close (line 1).
    pub voters_on_list: u64,
    /// Voters who took part: ballots issued (line 6).
    pub participated: u64,
    /// Ballots found in the boxes (line 8).
    pub ballots_found: u64,
    /// Invalid ballots.
    pub invalid: u64,
    /// Valid ballots counted for no selection (a referendum's "both marked").
    pub overvotes: u64,
    /// Votes per selection, in ballot order.
    pub votes: Vec<u64>,
    /// Lines 1–8 whole, when known: written as the precinct's `ashyq-ballot-lines`
    /// identifier in a precinct-level report, so that an import gets back every line.
    pub lines: Option<BallotLines>,
}

impl PrecinctFigures {
    /// The figures of lines 1–8, the invalid ballots, the overvotes and the votes.
    pub fn of(ballots: &BallotLines, invalid: u64, overvotes: u64, votes: Vec<u64>) -> Self {
        PrecinctFigures {
            voters_on_list: ballots.voters_on_list,
            participated: ballots.ballots_issued,
            ballots_found: ballots.ballots_found,
            invalid,
            overvotes,
            votes,
            lines: Some(*ballots),
        }
    }

    fn add(&mut self, o: &PrecinctFigures) {
        self.voters_on_list += o.voters_on_list;
        self.participated += o.participated;
        self.ballots_found += o.ballots_found;
        self.invalid += o.invalid;
        self.overvotes += o.overvotes;
        for (a, b) in self.votes.iter_mut().zip(&o.votes) {
            *a += b;
        }
    }
}

/// The `OtherType` of the precinct identifier that carries lines 1–8 of its protocol, which the
/// CDF has no elements for (lines 2–5 and 7).
pub const BALLOT_LINES: &str = "ashyq-ballot-lines";

/// Lines 1–8 as the value of an [`BALLOT_LINES`] identifier: the eight numbers in protocol
/// order, separated by commas.
pub fn ballot_lines_value(l: &BallotLines) -> String {
    format!(
        "{},{},{},{},{},{},{},{}",
        l.voters_on_list,
        l.voters_added_on_day,
        l.voters_added_absentee,
        l.absentee_certificates_issued,
        l.ballots_received,
        l.ballots_issued,
        l.ballots_cancelled,
        l.ballots_found
    )
}

/// One contest in the neutral shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ContestFigures {
    /// Our contest id.
    pub contest: ContestId,
    /// Its title, in the languages it has.
    pub title: InternationalizedText,
    /// Its name (in English, for the contest's `Name`).
    pub name: String,
    /// Voting day.
    pub voting_day: NaiveDate,
    /// Its kind.
    pub shape: ContestShape,
    /// The lines of the ballot, in ballot order.
    pub selections: Vec<SelectionShape>,
    /// Each precinct's figures, in territory order; `None` when it has not reported.
    pub precincts: Vec<Option<PrecinctFigures>>,
    /// How far the result has come.
    pub status: ResultsStatus,
}

/// Who issues the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// Its name.
    pub name: String,
    /// Its abbreviation.
    pub abbreviation: String,
}

impl Default for Issuer {
    fn default() -> Self {
        Issuer {
            name: "Central Election Commission of the Republic of Kazakhstan".into(),
            abbreviation: "CEC".into(),
        }
    }
}

/// The log head a report reflects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportHead {
    /// The head's sequence number.
    pub seq: u64,
    /// Its hash.
    pub hash: LogHash,
    /// When it was recorded; the report's generated date, so that the report is a function
    /// of the head alone.
    pub recorded_at: DateTime<Utc>,
}

/// Why a report cannot be built from the figures given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NistError {
    /// The territory is not consistent.
    #[error("the territory is not consistent: {0}")]
    Territory(#[from] TerritoryError),
    /// The figures do not cover the territory's precincts.
    #[error(
        "the contest has figures for {found} precincts but the territory has {expected}; give one entry per precinct, in territory order"
    )]
    Precincts {
        /// Entries given.
        found: usize,
        /// Precincts in the territory.
        expected: usize,
    },
    /// A precinct's votes do not match the ballot.
    #[error(
        "precinct {precinct} has {found} vote counts but the ballot has {expected} lines; give one count per line, in ballot order"
    )]
    Votes {
        /// The precinct.
        precinct: u32,
        /// Counts given.
        found: usize,
        /// Lines of the ballot.
        expected: usize,
    },
    /// A selection index of a candidate outcome is not on the ballot.
    #[error("the outcome names selection {0}, which is not on the ballot")]
    Outcome(usize),
}

/// The object id of a party, adding its record on first use (parties are known by name).
fn party_id(name: &str, short: Option<&str>, parties: &mut Vec<Party>) -> String {
    if let Some(p) = parties.iter().find(|p| {
        p.external_identifier
            .first()
            .is_some_and(|e| e.value == name)
    }) {
        return p.id.clone();
    }
    let id = format!("party-{}", parties.len() + 1);
    parties.push(Party {
        id: id.clone(),
        // A party's name is a proper name, the same in every language.
        abbreviation: short.map(|s| InternationalizedText::of(&Names::same(s))),
        external_identifier: vec![ExternalIdentifier::other("ashyq-party", name.to_owned())],
        name: InternationalizedText::of(&Names::same(name)),
    });
    id
}

/// The country's ISO 3166-1 alpha-2 code for a territory profile.
fn country_code(territory: &Territory) -> String {
    territory.profile.to_uppercase()
}

/// The figures summed over every unit: index 0 the country, then regions, districts and
/// precincts as in the territory.
struct Sums {
    country: (PrecinctFigures, u64, u64),
    regions: Vec<(PrecinctFigures, u64, u64)>,
    districts: Vec<(PrecinctFigures, u64, u64)>,
}

fn sums(territory: &Territory, index: &TerritoryIndex, figures: &ContestFigures) -> Sums {
    let width = figures.selections.len();
    let zero = || {
        (
            PrecinctFigures {
                votes: vec![0; width],
                ..PrecinctFigures::default()
            },
            0u64,
            0u64,
        )
    };
    let mut s = Sums {
        country: zero(),
        regions: territory.regions.iter().map(|_| zero()).collect(),
        districts: territory.districts.iter().map(|_| zero()).collect(),
    };
    for (p, f) in territory.precincts.iter().zip(&figures.precincts) {
        let place = index
            .placement(p.id)
            .expect("the index covers every precinct of its territory");
        let add = |into: &mut (PrecinctFigures, u64, u64)| {
            into.2 += 1;
            match f {
                Some(f) => {
                    into.0.add(f);
                    into.1 += 1;
                }
                None => into.0.voters_on_list += p.registered_voters,
            }
        };
        add(&mut s.country);
        add(&mut s.regions[place.region]);
        add(&mut s.districts[place.district]);
    }
    s
}

/// The report of one contest at one head.
pub fn report(
    territory: &Territory,
    figures: &ContestFigures,
    format: ReportDetailLevel,
    head: &ReportHead,
    issuer: &Issuer,
) -> Result<ElectionReport, NistError> {
    let index = TerritoryIndex::new(territory)?;
    if figures.precincts.len() != territory.precincts.len() {
        return Err(NistError::Precincts {
            found: figures.precincts.len(),
            expected: territory.precincts.len(),
        });
    }
    let width = figures.selections.len();
    for (p, f) in territory.precincts.iter().zip(&figures.precincts) {
        if let Some(f) = f
            && f.votes.len() != width
        {
            return Err(NistError::Votes {
                precinct: p.id.0,
                found: f.votes.len(),
                expected: width,
            });
        }
    }
    let sums = sums(territory, &index, figures);

    // ---- units -----------------------------------------------------------------------------
    let iso = country_code(territory);
    let country_id = ocd::country_object_id(&iso);
    let country_ocd = ocd::country(&iso);
    let (region_ocd, district_ocd) = ocd::unit_ids(territory, &index, &country_ocd);
    let mut region_children: Vec<Vec<String>> = vec![Vec::new(); territory.regions.len()];
    for d in &territory.districts {
        let r = index.region(&d.region).expect("validated");
        region_children[r].push(ocd::district_object_id(d));
    }
    let mut district_children: Vec<Vec<String>> = vec![Vec::new(); territory.districts.len()];
    for p in &territory.precincts {
        let place = index.placement(p.id).expect("validated");
        district_children[place.district].push(ocd::precinct_object_id(p));
    }

    let unit = |id: String,
                children: Vec<String>,
                ids: Vec<ExternalIdentifier>,
                name: InternationalizedText,
                kind: (&'static str, Option<&'static str>),
                s: &(PrecinctFigures, u64, u64)| ReportingUnit {
        id,
        composing_gp_unit_ids: children,
        external_identifier: ids,
        name,
        sub_units_reported: Some(s.1),
        total_sub_units: Some(s.2),
        kind: kind.0,
        other_type: kind.1,
        voters_participated: s.0.participated,
        voters_registered: s.0.voters_on_list,
    };
    let mut gp_unit = Vec::with_capacity(
        1 + territory.regions.len() + territory.districts.len() + territory.precincts.len(),
    );
    gp_unit.push(unit(
        country_id.clone(),
        territory
            .regions
            .iter()
            .map(ocd::region_object_id)
            .collect(),
        vec![ExternalIdentifier::ocd(country_ocd.clone())],
        InternationalizedText::of(&territory.country),
        ("country", None),
        &sums.country,
    ));
    for (i, r) in territory.regions.iter().enumerate() {
        let kind = match r.kind {
            UnitKind::Oblys => ("other", Some("oblys")),
            UnitKind::City => ("city", None),
            UnitKind::Abroad => ("other", Some("abroad")),
        };
        gp_unit.push(unit(
            ocd::region_object_id(r),
            std::mem::take(&mut region_children[i]),
            vec![
                ExternalIdentifier::ocd(region_ocd[i].clone()),
                ExternalIdentifier::other("ashyq-region", r.code.0.clone()),
            ],
            InternationalizedText::of(&r.names),
            kind,
            &sums.regions[i],
        ));
    }
    for (i, d) in territory.districts.iter().enumerate() {
        let abroad = index
            .region(&d.region)
            .is_some_and(|r| territory.regions[r].kind == UnitKind::Abroad);
        gp_unit.push(unit(
            ocd::district_object_id(d),
            std::mem::take(&mut district_children[i]),
            vec![
                ExternalIdentifier::ocd(district_ocd[i].clone()),
                ExternalIdentifier::other("ashyq-district", d.id.0.clone()),
            ],
            InternationalizedText::of(&d.names),
            (
                "other",
                Some(if abroad { "host-country" } else { "district" }),
            ),
            &sums.districts[i],
        ));
    }
    for (p, f) in territory.precincts.iter().zip(&figures.precincts) {
        let place = index.placement(p.id).expect("validated");
        let (participated, registered, reported) = match f {
            Some(f) => (f.participated, f.voters_on_list, 1),
            None => (0, p.registered_voters, 0),
        };
        let mut external_identifier = vec![
            ExternalIdentifier::ocd(ocd::precinct(&district_ocd[place.district], p)),
            ExternalIdentifier::other("ashyq-precinct", p.id.0.to_string()),
        ];
        if format == ReportDetailLevel::PrecinctLevel
            && let Some(lines) = f.as_ref().and_then(|f| f.lines.as_ref())
        {
            external_identifier.push(ExternalIdentifier::other(
                BALLOT_LINES,
                ballot_lines_value(lines),
            ));
        }
        gp_unit.push(ReportingUnit {
            id: ocd::precinct_object_id(p),
            composing_gp_unit_ids: Vec::new(),
            external_identifier,
            name: InternationalizedText::one("en", &p.name),
            sub_units_reported: Some(reported),
            total_sub_units: Some(1),
            kind: "precinct",
            other_type: None,
            voters_participated: participated,
            voters_registered: registered,
        });
    }

    // ---- counts ----------------------------------------------------------------------------
    // The units the counts are given for: every reported precinct, or the country.
    let counted: Vec<(String, &PrecinctFigures)> = match format {
        ReportDetailLevel::PrecinctLevel => territory
            .precincts
            .iter()
            .zip(&figures.precincts)
            .filter_map(|(p, f)| f.as_ref().map(|f| (ocd::precinct_object_id(p), f)))
            .collect(),
        ReportDetailLevel::SummaryContest => vec![(country_id.clone(), &sums.country.0)],
    };
    let ballot_counts = counted
        .iter()
        .map(|(id, f)| BallotCounts {
            gp_unit_id: id.clone(),
            kind: "total",
            ballots_cast: f.ballots_found,
            ballots_rejected: f.invalid,
        })
        .collect();
    let contest_oid = format!("contest-{}", figures.contest.as_str());
    let counts_of = |k: usize| -> Vec<VoteCounts> {
        counted
            .iter()
            .map(|(id, f)| VoteCounts {
                gp_unit_id: id.clone(),
                kind: "total",
                count: f.votes[k],
            })
            .collect()
    };

    let mut parties: Vec<Party> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let decided = match &figures.shape {
        ContestShape::Candidate {
            decided: Some(d), ..
        } => {
            for &i in d.winner.iter().chain(&d.runoff) {
                if i >= width {
                    return Err(NistError::Outcome(i));
                }
            }
            Some(d)
        }
        _ => None,
    };
    let seats = match &figures.shape {
        ContestShape::PartyList { seats: Some(s) } => Some(s),
        _ => None,
    };
    let mut selections = Vec::with_capacity(width);
    for (k, s) in figures.selections.iter().enumerate() {
        let order = k as u64 + 1;
        let sel_id = format!("{contest_oid}-s{order}");
        let mut vote_counts = counts_of(k);
        let selection = match s {
            SelectionShape::Answer { key, label } => {
                ContestSelection::BallotMeasure(BallotMeasureSelection {
                    id: format!("{contest_oid}-{key}"),
                    sequence_order: order,
                    vote_counts,
                    selection: InternationalizedText::of(label),
                })
            }
            SelectionShape::Party { name, short_name } => {
                if let Some(seats) = seats {
                    vote_counts.push(VoteCounts {
                        gp_unit_id: country_id.clone(),
                        kind: "seats",
                        count: seats.get(k).copied().unwrap_or(0),
                    });
                }
                ContestSelection::Party(PartySelection {
                    id: sel_id,
                    sequence_order: order,
                    vote_counts,
                    party_ids: vec![party_id(name, short_name.as_deref(), &mut parties)],
                })
            }
            SelectionShape::Candidate { name, party } => {
                let cand_id = format!("{contest_oid}-c{}", candidates.len() + 1);
                let status = decided.map(|d| {
                    if d.winner == Some(k) {
                        "winner"
                    } else if d.runoff.contains(&k) {
                        "advanced-to-runoff"
                    } else {
                        "defeated"
                    }
                });
                candidates.push(Candidate {
                    id: cand_id.clone(),
                    ballot_name: InternationalizedText::of(name),
                    external_identifier: Vec::new(),
                    party_id: party.as_deref().map(|p| party_id(p, None, &mut parties)),
                    post_election_status: status,
                });
                ContestSelection::Candidate(CandidateSelection {
                    id: sel_id,
                    sequence_order: order,
                    vote_counts,
                    candidate_ids: vec![cand_id],
                    is_write_in: false,
                })
            }
            SelectionShape::AgainstAll => ContestSelection::Candidate(CandidateSelection {
                id: format!("{contest_oid}-against-all"),
                sequence_order: order,
                vote_counts,
                candidate_ids: Vec::new(),
                is_write_in: false,
            }),
        };
        selections.push(selection);
    }

    let complete = sums.country.1 == sums.country.2;
    let mut contest_ids = vec![ExternalIdentifier::other(
        "ashyq-contest",
        figures.contest.as_str().to_owned(),
    )];
    let other_counts = match &figures.shape {
        ContestShape::Referendum { .. } => counted
            .iter()
            .map(|(id, f)| OtherCounts {
                gp_unit_id: id.clone(),
                overvotes: f.overvotes,
            })
            .collect(),
        _ => Vec::new(),
    };
    if let ContestShape::Referendum { outcome, .. } = &figures.shape {
        contest_ids.push(ExternalIdentifier {
            label: Some(outcome.validity_reason.clone()),
            kind: "other",
            other_type: Some("ashyq-validity"),
            value: if outcome.valid { "valid" } else { "not-valid" }.into(),
        });
        contest_ids.push(ExternalIdentifier {
            label: Some(outcome.adoption_reason.clone()),
            kind: "other",
            other_type: Some("ashyq-outcome"),
            value: if outcome.adopted {
                "adopted"
            } else {
                "not-adopted"
            }
            .into(),
        });
    }
    let common = ContestCommon {
        id: contest_oid,
        contest_selection: selections,
        count_status: vec![CountStatus {
            status: if complete { "completed" } else { "in-process" },
            kind: "total",
        }],
        election_district_id: country_id.clone(),
        external_identifier: contest_ids,
        name: figures.name.clone(),
        other_counts,
        sub_units_reported: sums.country.1,
        total_sub_units: sums.country.2,
        vote_variation: match figures.shape {
            ContestShape::Referendum { .. } => "majority",
            ContestShape::PartyList { .. } => "proportional",
            ContestShape::Candidate {
                number_runoff: Some(_),
                ..
            } => "majority",
            ContestShape::Candidate { .. } => "plurality",
        },
    };
    let (contest, election_type) = match &figures.shape {
        ContestShape::Referendum {
            question,
            passage_threshold,
            ..
        } => (
            Contest::BallotMeasure(BallotMeasureContest {
                common,
                full_text: InternationalizedText::of(question),
                passage_threshold: InternationalizedText::one("en", passage_threshold),
                kind: "referendum",
            }),
            ("other", Some("referendum".to_owned())),
        ),
        ContestShape::PartyList { .. } => {
            (Contest::Party(PartyContest { common }), ("general", None))
        }
        ContestShape::Candidate { number_runoff, .. } => (
            Contest::Candidate(CandidateContest {
                common,
                number_elected: 1,
                number_runoff: *number_runoff,
                votes_allowed: 1,
            }),
            ("general", None),
        ),
    };

    let synthetic = territory.source.to_lowercase().contains("synthetic");
    let day = figures.voting_day.format("%Y-%m-%d").to_string();
    Ok(ElectionReport {
        election: vec![Election {
            ballot_counts,
            candidate: candidates,
            contest: vec![contest],
            election_scope_id: country_id,
            external_identifier: vec![ExternalIdentifier::other(
                "ashyq-contest",
                figures.contest.as_str().to_owned(),
            )],
            name: figures.title.clone(),
            start_date: day.clone(),
            end_date: day,
            kind: election_type.0,
            other_type: election_type.1,
        }],
        external_identifier: vec![
            ExternalIdentifier {
                label: Some(format!("the public log at entry {}", head.seq)),
                kind: "other",
                other_type: Some("ashyq-log-head"),
                value: head.hash.as_str().to_owned(),
            },
            ExternalIdentifier::other("ashyq-log-seq", head.seq.to_string()),
        ],
        format,
        generated_date: head.recorded_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        gp_unit,
        issuer: issuer.name.clone(),
        issuer_abbreviation: issuer.abbreviation.clone(),
        is_test: synthetic,
        notes: None,
        party: parties,
        sequence_start: 1,
        sequence_end: 1,
        status: figures.status,
        test_type: synthetic.then(|| format!("synthetic data: {}", territory.source)),
        vendor_application_id: concat!("ashyq ", env!("CARGO_PKG_VERSION")).to_owned(),
    })
}

/// One precinct of a candidate contest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidatePrecinct {
    /// Lines 1–8.
    pub ballots: BallotLines,
    /// Valid ballots for each candidate, in ballot order.
    pub votes: Vec<u64>,
    /// Valid ballots marked "against all" (0 without that line).
    pub against_all: u64,
    /// Invalid ballots.
    pub invalid: u64,
}

/// A candidate contest in the neutral shape of names and votes.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateFigures {
    /// Our contest id.
    pub contest: ContestId,
    /// Its title.
    pub title: Names,
    /// Voting day.
    pub voting_day: NaiveDate,
    /// The candidates in ballot order: the name on the ballot and the nominating party.
    pub candidates: Vec<(Names, Option<String>)>,
    /// Whether the ballot has an "against all" line (after the candidates).
    pub against_all: bool,
    /// Each precinct, in territory order; `None` when it has not reported.
    pub precincts: Vec<Option<CandidatePrecinct>>,
    /// How far the result has come.
    pub status: ResultsStatus,
    /// Candidates going on to a runoff when no one wins outright, if the contest has one.
    pub number_runoff: Option<u64>,
    /// The winner and those going to a runoff, as indices into `candidates`, once decided.
    pub decided: Option<CandidateOutcome>,
}

/// The neutral shape of a candidate contest: one selection per candidate, then "against all"
/// as a selection that names no candidate.
pub fn candidate_contest(c: CandidateFigures) -> ContestFigures {
    let mut selections: Vec<SelectionShape> = c
        .candidates
        .into_iter()
        .map(|(name, party)| SelectionShape::Candidate { name, party })
        .collect();
    if c.against_all {
        selections.push(SelectionShape::AgainstAll);
    }
    let against_all = c.against_all;
    let precincts = c
        .precincts
        .into_iter()
        .map(|p| {
            p.map(|p| {
                let mut votes = p.votes;
                if against_all {
                    votes.push(p.against_all);
                }
                PrecinctFigures::of(&p.ballots, p.invalid, 0, votes)
            })
        })
        .collect();
    ContestFigures {
        contest: c.contest,
        name: c.title.en.clone(),
        title: InternationalizedText::of(&c.title),
        voting_day: c.voting_day,
        shape: ContestShape::Candidate {
            number_runoff: c.number_runoff,
            decided: c.decided,
        },
        selections,
        precincts,
        status: c.status,
    }
}
