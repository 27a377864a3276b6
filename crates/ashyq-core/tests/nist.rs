//! NIST SP 1500-100 v2 reports, checked against the official schemas (JSON Schema draft-04
//! with the `jsonschema` crate, the XSD with `xmllint`): the demo's whole referendum (10,459
//! precincts, certified) at precinct level and as a summary, a preliminary count, and a
//! candidate contest built from the neutral shape; the figures in the report are checked
//! against the ledger's own results and against each other.

mod common;

use std::collections::{HashMap, HashSet};

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{Decision, Ledger};
use ashyq_core::nist::build::{
    self, CandidateFigures, CandidateOutcome, CandidatePrecinct, ContestFigures, Issuer, NistError,
    PrecinctFigures, ReportHead, SelectionShape,
};
use ashyq_core::nist::{self, ElectionReport, ReportDetailLevel, ResultsStatus, from_ledger, xml};
use ashyq_core::protocol::BallotLines;
use ashyq_core::referendum::presets;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::territory::{Names, Territory};
use ashyq_core::{profile, scenario};
use proptest::prelude::*;
use serde_json::Value;

use common::schema;

const T: &str = "2026-03-15T16:00:00Z";

fn record(ledger: &mut Ledger, d: ashyq_core::ledger::Decided) {
    ledger.record(d, T.into()).unwrap();
}

/// The demo's referendum: the kz profile's territory, every precinct's protocol of the 2026
/// scenario (the official national figures), certified.
fn demo_ledger() -> Ledger {
    let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
    let protocols = scenario::referendum_2026(&territory, 2026).unwrap();
    let mut ledger = Ledger::new();
    let d = ledger.load_territory(territory).unwrap();
    record(&mut ledger, d);
    let d = ledger.create_referendum(presets::kz_2026()).unwrap();
    record(&mut ledger, d);
    for p in protocols {
        match ledger.submit(p).unwrap() {
            Decision::Record(d) => record(&mut ledger, d),
            Decision::Known(_) => unreachable!("each precinct once"),
        }
    }
    let d = ledger
        .certify(&ContestId("kz-2026".into()), common::author())
        .unwrap();
    record(&mut ledger, d);
    ledger
}

fn json(r: &ElectionReport) -> Value {
    serde_json::to_value(r).unwrap()
}

/// Every `@id` once, every reference to a unit resolved, every OCD-ID once.
fn check_references(v: &Value) {
    let units = v["GpUnit"].as_array().unwrap();
    let ids: HashSet<&str> = units.iter().map(|u| u["@id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), units.len(), "every GpUnit @id is unique");
    let mut ocd = HashSet::new();
    for u in units {
        for c in u["ComposingGpUnitIds"].as_array().into_iter().flatten() {
            assert!(ids.contains(c.as_str().unwrap()), "{c} is a GpUnit");
        }
        let o = u["ExternalIdentifier"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["Type"] == "ocd-id")
            .expect("every unit has an OCD-ID");
        assert!(ocd.insert(o["Value"].as_str().unwrap().to_owned()));
    }
    let election = &v["Election"][0];
    assert!(ids.contains(election["ElectionScopeId"].as_str().unwrap()));
    for b in election["BallotCounts"].as_array().unwrap() {
        assert!(ids.contains(b["GpUnitId"].as_str().unwrap()));
    }
    for s in election["Contest"][0]["ContestSelection"]
        .as_array()
        .unwrap()
    {
        for c in s["VoteCounts"].as_array().unwrap() {
            assert!(ids.contains(c["GpUnitId"].as_str().unwrap()));
        }
    }
}

/// The sum of one selection's counts of type `total` over the units given.
fn selection_total(v: &Value, selection: usize) -> u64 {
    v["Election"][0]["Contest"][0]["ContestSelection"][selection]["VoteCounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["Type"] == "total")
        .map(|c| c["Count"].as_u64().unwrap())
        .sum()
}

#[test]
fn the_demo_referendum_is_a_valid_report_at_precinct_level_and_as_a_summary() {
    let ledger = demo_ledger();
    let territory = ledger.territory().unwrap().clone();
    let id = ContestId("kz-2026".into());
    let results = ledger.results(&id).unwrap();
    let issuer = Issuer::default();
    for format in [
        ReportDetailLevel::PrecinctLevel,
        ReportDetailLevel::SummaryContest,
    ] {
        let r = from_ledger::report(&ledger, None, format, &issuer).unwrap();
        let v = json(&r);
        schema::assert_nist_json(&v);
        schema::assert_valid_xml(
            "nist demo referendum",
            &xml::to_xml(&r),
            &schema::nist_xsd(),
        );
        check_references(&v);

        assert_eq!(v["Status"], "certified");
        assert_eq!(v["Format"], format.token());
        let units = v["GpUnit"].as_array().unwrap();
        assert_eq!(
            units.len(),
            1 + territory.regions.len() + territory.districts.len() + territory.precincts.len()
        );
        let country = &units[0];
        assert_eq!(country["Type"], "country");
        assert_eq!(
            country["VotersParticipated"].as_u64(),
            Some(results.national.participated())
        );
        assert_eq!(
            country["VotersRegistered"].as_u64(),
            Some(results.national.eligible())
        );
        assert_eq!(
            country["ComposingGpUnitIds"].as_array().unwrap().len(),
            territory.regions.len()
        );
        // Abroad is a unit with its OCD-ID.
        assert!(units.iter().any(
            |u| u["ExternalIdentifier"][0]["Value"] == "ocd-division/country:kz/region:abroad"
        ));

        // The counts, summed over the units they are given for, are the national figures.
        assert_eq!(selection_total(&v, 0), results.national.lines.yes);
        assert_eq!(selection_total(&v, 1), results.national.lines.no);
        let election = &v["Election"][0];
        let sum = |key: &str| -> u64 {
            election["BallotCounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b[key].as_u64().unwrap())
                .sum()
        };
        assert_eq!(sum("BallotsRejected"), results.national.lines.invalid);
        assert_eq!(
            sum("BallotsCast"),
            results.national.lines.ballots.ballots_found
        );
        let contest = &election["Contest"][0];
        let overvotes: u64 = contest["OtherCounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["Overvotes"].as_u64().unwrap())
            .sum();
        assert_eq!(overvotes, results.national.lines.both_marked);
        let counted_units = election["BallotCounts"].as_array().unwrap().len();
        match format {
            ReportDetailLevel::PrecinctLevel => {
                assert_eq!(counted_units, territory.precincts.len())
            }
            ReportDetailLevel::SummaryContest => assert_eq!(counted_units, 1),
        }
        assert_eq!(contest["@type"], "ElectionResults.BallotMeasureContest");
        assert_eq!(contest["Type"], "referendum");
        let outcome = contest["ExternalIdentifier"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["OtherType"] == "ashyq-outcome")
            .unwrap();
        assert_eq!(outcome["Value"], "adopted");
        assert_eq!(
            outcome["Label"].as_str(),
            Some(results.outcome.adoption_reason.as_str())
        );
        let (seq, hash) = ledger.head().unwrap();
        let head = v["ExternalIdentifier"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["OtherType"] == "ashyq-log-head")
            .unwrap();
        assert_eq!(head["Value"].as_str(), Some(hash.as_str()));
        assert_eq!(head["Label"], format!("the public log at entry {seq}"));
        assert_eq!(v["GeneratedDate"], T);
        assert_eq!(v["IsTest"], true);
    }
}

/// Five precincts in two regions and abroad.
fn small() -> Territory {
    common::territory()
}

fn small_ledger(reported: &[u32]) -> Ledger {
    let mut ledger = Ledger::new();
    let d = ledger.load_territory(small()).unwrap();
    record(&mut ledger, d);
    let d = ledger.create_referendum(presets::kz_2026()).unwrap();
    record(&mut ledger, d);
    let all = [
        common::protocol(1, 1000, 930, 860),
        common::protocol(2, 800, 700, 600),
        common::protocol(3, 1200, 1100, 1000),
        common::protocol(4, 2500, 900, 700),
        common::protocol(5, 300, 120, 100),
    ];
    for p in all {
        if reported.contains(&p.precinct.0)
            && let Decision::Record(d) = ledger.submit(p).unwrap()
        {
            record(&mut ledger, d);
        }
    }
    ledger
}

#[test]
fn a_preliminary_count_is_unofficial_partial_and_counts_only_reported_precincts() {
    let ledger = small_ledger(&[1, 2, 5]);
    let r = from_ledger::report(
        &ledger,
        Some("kz-2026"),
        ReportDetailLevel::PrecinctLevel,
        &Issuer::default(),
    )
    .unwrap();
    let v = json(&r);
    schema::assert_nist_json(&v);
    schema::assert_valid_xml("nist preliminary", &xml::to_xml(&r), &schema::nist_xsd());
    check_references(&v);
    assert_eq!(v["Status"], "unofficial-partial");
    let contest = &v["Election"][0]["Contest"][0];
    assert_eq!(contest["SubUnitsReported"], 3);
    assert_eq!(contest["TotalSubUnits"], 5);
    assert_eq!(contest["CountStatus"][0]["Status"], "in-process");
    let counted: HashSet<&str> = v["Election"][0]["BallotCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["GpUnitId"].as_str().unwrap())
        .collect();
    assert_eq!(counted, HashSet::from(["ru-p1", "ru-p2", "ru-p5"]));
    // A unit's voters: the protocols' lists where reported, the territory's lists elsewhere.
    let units: HashMap<&str, &Value> = v["GpUnit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["@id"].as_str().unwrap(), u))
        .collect();
    assert_eq!(units["ru-KZ-43"]["VotersRegistered"], 1000 + 800 + 1200);
    assert_eq!(units["ru-KZ-43"]["VotersParticipated"], 930 + 700);
    assert_eq!(units["ru-KZ-43"]["SubUnitsReported"], 2);
    assert_eq!(units["ru-KZ-43"]["TotalSubUnits"], 3);
    assert_eq!(
        units["ru-p5"]["ExternalIdentifier"][0]["Value"],
        "ocd-division/country:test/region:abroad/district:tr/precinct:5"
    );
}

#[test]
fn more_than_one_contest_needs_a_name_and_an_unknown_name_is_refused() {
    let ledger = Ledger::new();
    let e = from_ledger::report(
        &ledger,
        None,
        ReportDetailLevel::SummaryContest,
        &Issuer::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("no contest is defined"), "{e}");
    let ledger = small_ledger(&[1]);
    let e = from_ledger::report(
        &ledger,
        Some("kz-1999"),
        ReportDetailLevel::SummaryContest,
        &Issuer::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("kz-2026"), "{e}");
}

fn head() -> ReportHead {
    ReportHead {
        seq: 42,
        hash: ashyq_core::chain::LogHash("ab".repeat(32)),
        recorded_at: T.parse().unwrap(),
    }
}

fn lines(list: u64, issued: u64) -> BallotLines {
    BallotLines {
        voters_on_list: list,
        ballots_received: list,
        ballots_issued: issued,
        ballots_cancelled: list - issued,
        ballots_found: issued,
        ..BallotLines::default()
    }
}

/// A synthetic presidential election on the small territory: three candidates and "against
/// all", four precincts of five reported.
fn presidential(decided: Option<CandidateOutcome>) -> CandidateFigures {
    let precinct = |list: u64, issued: u64, votes: [u64; 3], against: u64| {
        let invalid = issued - votes.iter().sum::<u64>() - against;
        Some(CandidatePrecinct {
            ballots: lines(list, issued),
            votes: votes.to_vec(),
            against_all: against,
            invalid,
        })
    };
    CandidateFigures {
        contest: ContestId("president-2029".into()),
        title: Names::same("Presidential election"),
        voting_day: "2029-11-20".parse().unwrap(),
        candidates: vec![
            (Names::same("Candidate A"), Some("Party One".into())),
            (Names::same("Candidate B"), None),
            (
                Names::same("Candidate C"),
                Some("Party One & Co <2>".into()),
            ),
        ],
        against_all: true,
        precincts: vec![
            precinct(1000, 900, [500, 200, 150], 40),
            precinct(800, 700, [300, 300, 50], 40),
            None,
            precinct(2500, 1000, [400, 300, 200], 90),
            precinct(300, 100, [60, 20, 10], 5),
        ],
        status: ResultsStatus::UnofficialPartial,
        number_runoff: Some(2),
        decided,
    }
}

#[test]
fn a_candidate_contest_from_names_and_votes_is_valid_with_against_all_as_a_line_without_a_candidate()
 {
    let territory = small();
    for decided in [
        None,
        Some(CandidateOutcome {
            winner: None,
            runoff: vec![0, 1],
        }),
    ] {
        let figures = build::candidate_contest(presidential(decided.clone()));
        for format in [
            ReportDetailLevel::PrecinctLevel,
            ReportDetailLevel::SummaryContest,
        ] {
            let r =
                build::report(&territory, &figures, format, &head(), &Issuer::default()).unwrap();
            let v = json(&r);
            schema::assert_nist_json(&v);
            schema::assert_valid_xml("nist candidate", &xml::to_xml(&r), &schema::nist_xsd());
            check_references(&v);
            let election = &v["Election"][0];
            let contest = &election["Contest"][0];
            assert_eq!(contest["@type"], "ElectionResults.CandidateContest");
            assert_eq!(contest["VotesAllowed"], 1);
            assert_eq!(contest["NumberRunoff"], 2);
            assert_eq!(contest["VoteVariation"], "majority");
            let selections = contest["ContestSelection"].as_array().unwrap();
            assert_eq!(selections.len(), 4);
            let against = &selections[3];
            assert_eq!(against["@type"], "ElectionResults.CandidateSelection");
            assert!(against.get("CandidateIds").is_none());
            assert_eq!(against["IsWriteIn"], false);
            assert_eq!(selection_total(&v, 0), 500 + 300 + 400 + 60);
            assert_eq!(selection_total(&v, 3), 40 + 40 + 90 + 5);
            let candidates = election["Candidate"].as_array().unwrap();
            assert_eq!(candidates.len(), 3);
            // Two candidates of the same party share one Party record; the third names its own.
            assert_eq!(v["Party"].as_array().unwrap().len(), 2);
            assert_eq!(candidates[0]["PartyId"], "party-1");
            assert!(candidates[1].get("PartyId").is_none());
            match &decided {
                None => assert!(candidates[0].get("PostElectionStatus").is_none()),
                Some(_) => {
                    assert_eq!(candidates[0]["PostElectionStatus"], "advanced-to-runoff");
                    assert_eq!(candidates[2]["PostElectionStatus"], "defeated");
                }
            }
            assert_eq!(v["IsTest"], false);
        }
    }
}

#[test]
fn figures_that_do_not_fit_the_territory_or_the_ballot_are_refused() {
    let territory = small();
    let mut figures = build::candidate_contest(presidential(None));
    figures.precincts.pop();
    let e = build::report(
        &territory,
        &figures,
        ReportDetailLevel::PrecinctLevel,
        &head(),
        &Issuer::default(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        NistError::Precincts {
            found: 4,
            expected: 5
        }
    );
    let mut figures = build::candidate_contest(presidential(None));
    figures.precincts[0].as_mut().unwrap().votes.pop();
    let e = build::report(
        &territory,
        &figures,
        ReportDetailLevel::PrecinctLevel,
        &head(),
        &Issuer::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("precinct 1 has 3 vote counts"),
        "{e}"
    );
    let figures = build::candidate_contest(presidential(Some(CandidateOutcome {
        winner: Some(7),
        runoff: vec![],
    })));
    let e = build::report(
        &territory,
        &figures,
        ReportDetailLevel::PrecinctLevel,
        &head(),
        &Issuer::default(),
    )
    .unwrap_err();
    assert_eq!(e, NistError::Outcome(7));
}

#[test]
fn the_validators_reject_a_report_that_breaks_the_schemas() {
    // A control: the checks above would pass vacuously if the validators accepted anything.
    let territory = small();
    let figures = build::candidate_contest(presidential(None));
    let r = build::report(
        &territory,
        &figures,
        ReportDetailLevel::SummaryContest,
        &head(),
        &Issuer::default(),
    )
    .unwrap();
    let mut v = json(&r);
    v.as_object_mut().unwrap().remove("VendorApplicationId");
    v["Status"] = Value::from("counted");
    let errors = schema::nist_json_errors(&v);
    assert!(
        errors.iter().any(|e| e.contains("VendorApplicationId")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.contains("counted")), "{errors:?}");
    if schema::xmllint_available("nist control") {
        let broken = xml::to_xml(&r).replace("<Status>", "<Status>x");
        let e = schema::xmllint(&broken, &schema::nist_xsd()).unwrap_err();
        assert!(e.contains("Status"), "{e}");
        let reordered = xml::to_xml(&r).replacen("<Format>", "<Formatx>", 1);
        assert!(schema::xmllint(&reordered, &schema::nist_xsd()).is_err());
    }
}

/// One precinct's list, ballots issued, (yes, no) and both marked.
type Row = (u64, u64, [u64; 2], u64);

fn figures_strategy() -> impl Strategy<Value = Vec<Option<Row>>> {
    // Per precinct: list, issued, (yes, no), both marked; invalid is what is left.
    proptest::collection::vec(
        proptest::option::of((0u64..5_000).prop_flat_map(|list| {
            (0..=list).prop_flat_map(move |issued| {
                (0..=issued).prop_flat_map(move |yes| {
                    (0..=issued - yes).prop_flat_map(move |no| {
                        (0..=issued - yes - no)
                            .prop_map(move |both| (list, issued, [yes, no], both))
                    })
                })
            })
        })),
        5,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the figures, every unit's voters are the sums of its composing units', and the
    /// summary's counts are the sums of the precinct-level counts.
    #[test]
    fn units_add_up_and_the_summary_is_the_sum_of_the_precincts(rows in figures_strategy()) {
        let territory = small();
        let base = build::candidate_contest(presidential(None));
        let figures = ContestFigures {
            selections: vec![
                SelectionShape::Party { name: "A".into(), short_name: None },
                SelectionShape::Party { name: "B".into(), short_name: None },
            ],
            shape: build::ContestShape::PartyList { seats: None },
            precincts: rows
                .iter()
                .map(|r| r.map(|(list, issued, votes, both)| PrecinctFigures {
                    voters_on_list: list,
                    participated: issued,
                    ballots_found: issued,
                    invalid: issued - votes[0] - votes[1] - both,
                    overvotes: both,
                    votes: votes.to_vec(),
                    lines: None,
                }))
                .collect(),
            ..base
        };
        let precinct = json(&build::report(&territory, &figures, ReportDetailLevel::PrecinctLevel, &head(), &Issuer::default()).unwrap());
        let summary = json(&build::report(&territory, &figures, ReportDetailLevel::SummaryContest, &head(), &Issuer::default()).unwrap());
        let units: HashMap<&str, &Value> = precinct["GpUnit"].as_array().unwrap().iter()
            .map(|u| (u["@id"].as_str().unwrap(), u)).collect();
        for u in units.values() {
            let Some(children) = u["ComposingGpUnitIds"].as_array() else { continue };
            for key in ["VotersRegistered", "VotersParticipated", "SubUnitsReported", "TotalSubUnits"] {
                let sum: u64 = children.iter().map(|c| units[c.as_str().unwrap()][key].as_u64().unwrap()).sum();
                prop_assert_eq!(u[key].as_u64().unwrap(), sum, "{} of {}", key, u["@id"]);
            }
        }
        for k in 0..2 {
            prop_assert_eq!(selection_total(&precinct, k), selection_total(&summary, k));
        }
        let rejected = |v: &Value| -> u64 { v["Election"][0]["BallotCounts"].as_array().into_iter().flatten().map(|b| b["BallotsRejected"].as_u64().unwrap()).sum() };
        prop_assert_eq!(rejected(&precinct), rejected(&summary));
        prop_assert!(schema::nist_json_errors(&summary).is_empty());
    }
}

#[test]
fn our_status_maps_onto_the_cdf() {
    use ashyq_core::tally::ResultStatus;
    assert_eq!(
        build::status_of(ResultStatus::Preliminary).token(),
        "unofficial-partial"
    );
    assert_eq!(
        build::status_of(ResultStatus::Final).token(),
        "unofficial-complete"
    );
    assert_eq!(
        build::status_of(ResultStatus::Certified).token(),
        "certified"
    );
    assert_eq!(nist::ResultsStatus::Recount.token(), "recount");
}

/// The 2022 presidential election (synthetic protocols adding up to the CEC's figures)
/// through the ledger, certified: a candidate contest valid against both schemas, with the
/// winner named and every candidate's national votes those of the ledger.
/// The 2022 presidential scenario's round on the demo territory, its candidates registered;
/// with every precinct's protocol when `counted`.
fn presidential_ledger(counted: bool) -> (Ledger, ContestId) {
    use ashyq_core::iin::DigestKey;
    use ashyq_core::president::scenario as president_scenario;
    use ashyq_core::seats::TieSeed;

    let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
    let id = ContestId("president-2022".into());
    let seed = TieSeed::new("0123456789abcdef0123456789abcdef").unwrap();
    let key = DigestKey::from_bytes(&[7; 32]).unwrap();
    let sc = president_scenario::kz_2022(&territory, &id, &seed, &key, 2022).unwrap();
    let mut ledger = Ledger::new();
    let d = ledger.load_territory(territory).unwrap();
    record(&mut ledger, d);
    let d = ledger.call_presidential(sc.definition.clone()).unwrap();
    record(&mut ledger, d);
    for c in &sc.candidates {
        let d = ledger
            .nominate_candidate(&id, c.nomination.clone(), common::author())
            .unwrap();
        record(&mut ledger, d);
        let d = ledger
            .register_candidate(
                &id,
                &c.nomination.name,
                c.signatures.clone(),
                common::author(),
            )
            .unwrap();
        record(&mut ledger, d);
    }
    if counted {
        for p in sc.protocols {
            match ledger.submit_presidential(p).unwrap() {
                Decision::Record(d) => record(&mut ledger, d),
                Decision::Known(_) => unreachable!("each precinct once"),
            }
        }
    }
    (ledger, id)
}

#[test]
fn the_presidential_election_through_the_ledger_is_a_valid_candidate_contest() {
    let (mut ledger, id) = presidential_ledger(true);
    let d = ledger
        .certify_presidential(&id, common::author(), None)
        .unwrap();
    record(&mut ledger, d);
    let results = ledger.presidential_results(&id).unwrap();

    let r = from_ledger::report(
        &ledger,
        Some("president-2022"),
        ReportDetailLevel::PrecinctLevel,
        &Issuer::default(),
    )
    .unwrap();
    let v = json(&r);
    schema::assert_nist_json(&v);
    schema::assert_valid_xml("nist president 2022", &xml::to_xml(&r), &schema::nist_xsd());
    check_references(&v);
    assert_eq!(v["Status"], "certified");
    let contest = &v["Election"][0]["Contest"][0];
    assert_eq!(
        contest["@type"], "ElectionResults.CandidateContest",
        "{contest}"
    );
    let count = results.national.count();
    let ballot = ledger.presidential(&id).unwrap().ballot().len();
    // One selection per candidate and one for "against all".
    assert_eq!(
        contest["ContestSelection"].as_array().unwrap().len(),
        ballot + 1
    );
    for (i, c) in count.candidates.iter().enumerate() {
        assert_eq!(selection_total(&v, i), c.votes, "selection {i}");
    }
    assert_eq!(count.against_all, 460_484);
    assert_eq!(
        selection_total(&v, ballot),
        460_484,
        "against all, CEC 2022"
    );
    assert_eq!(selection_total(&v, 0), 6_456_393, "the winner, CEC 2022");
}

// ---- import ------------------------------------------------------------------------------

use ashyq_core::nist::import::{self, ImportError};
use ashyq_core::tally::ResultStatus;

/// A ledger with the territory and the referendum of `of`, and no protocol.
fn fresh_like(of: &Ledger) -> Ledger {
    let mut ledger = Ledger::new();
    let d = ledger
        .load_territory(of.territory().unwrap().clone())
        .unwrap();
    record(&mut ledger, d);
    let d = ledger.create_referendum(presets::kz_2026()).unwrap();
    record(&mut ledger, d);
    ledger
}

/// Records every protocol of a plan, each decided again as the command line does.
fn record_plan(ledger: &mut Ledger, plan: &import::ImportPlan) {
    for p in &plan.protocols {
        let d = import::decide(ledger, p, &common::author()).unwrap();
        record(ledger, d);
    }
}

fn precinct_report(ledger: &Ledger) -> String {
    let r = from_ledger::report(
        ledger,
        None,
        ReportDetailLevel::PrecinctLevel,
        &Issuer::default(),
    )
    .unwrap();
    serde_json::to_string(&r).unwrap()
}

fn problems(e: ImportError) -> Vec<import::Problem> {
    match e {
        ImportError::Problems(p) => p,
        other => panic!("expected problems, got {other}"),
    }
}

#[test]
fn our_report_imported_into_a_fresh_ledger_gives_the_same_results_and_not_twice() {
    let ledger = demo_ledger();
    let id = ContestId("kz-2026".into());
    let text = precinct_report(&ledger);
    let mut fresh = fresh_like(&ledger);
    let plan = import::plan(&fresh, &text, None, &common::author()).unwrap();
    assert_eq!(plan.contest, id);
    assert_eq!(plan.protocols.len(), 10_459);
    assert_eq!(plan.already_recorded, 0);
    assert!(plan.notes.is_empty(), "{:?}", plan.notes);
    record_plan(&mut fresh, &plan);

    let before = ledger.results(&id).unwrap();
    let after = fresh.results(&id).unwrap();
    assert_eq!(after.status, ResultStatus::Final);
    assert_eq!(after.national, before.national);
    assert_eq!(after.regions, before.regions);
    assert_eq!(after.outcome, before.outcome);
    // Every precinct's protocol is the one the first ledger applied, line for line.
    for p in &ledger.territory().unwrap().precincts {
        let a = ledger.applied(&id, p.id).unwrap().unwrap();
        let b = fresh.applied(&id, p.id).unwrap().unwrap();
        assert_eq!(a.protocol, b.protocol, "precinct {}", p.id);
    }
    // The fresh ledger's report carries the same figures (its status and head differ).
    let again: Value = serde_json::from_str(&precinct_report(&fresh)).unwrap();
    let first: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(again["GpUnit"], first["GpUnit"]);
    assert_eq!(
        again["Election"][0]["BallotCounts"],
        first["Election"][0]["BallotCounts"]
    );
    assert_eq!(
        again["Election"][0]["Contest"][0]["ContestSelection"],
        first["Election"][0]["Contest"][0]["ContestSelection"]
    );

    // The same file twice: refused, nothing to record.
    match import::plan(&fresh, &text, None, &common::author()) {
        Err(e @ ImportError::AlreadyImported(10_459)) => {
            assert!(e.to_string().contains("imported before"), "{e}")
        }
        other => panic!("expected AlreadyImported, got {other:?}"),
    }
}

/// The small ledger's report as another system might write it: its own object ids, no ashyq
/// identifiers (the units known by their OCD-IDs alone).
fn foreign(text: &str) -> Value {
    let mut v: Value = serde_json::from_str(&text.replace("\"ru-", "\"unit-")).unwrap();
    for u in v["GpUnit"].as_array_mut().unwrap() {
        u["ExternalIdentifier"]
            .as_array_mut()
            .unwrap()
            .retain(|e| e["Type"] == "ocd-id");
    }
    v
}

#[test]
fn a_report_of_another_system_maps_by_ocd_id_and_names_the_lines_it_lacks() {
    let source = small_ledger(&[1, 2, 3, 4, 5]);
    let id = ContestId("kz-2026".into());
    let v = foreign(&precinct_report(&source));
    schema::assert_nist_json(&v);
    let mut fresh = fresh_like(&source);
    let plan = import::plan(&fresh, &v.to_string(), None, &common::author()).unwrap();
    assert_eq!(plan.protocols.len(), 5);
    assert!(
        plan.notes.iter().any(|n| n.contains("5 precinct(s)")),
        "{:?}",
        plan.notes
    );
    record_plan(&mut fresh, &plan);
    let (a, b) = (
        source.results(&id).unwrap().national.lines,
        fresh.results(&id).unwrap().national.lines,
    );
    assert_eq!(
        (a.yes, a.no, a.both_marked, a.invalid),
        (b.yes, b.no, b.both_marked, b.invalid)
    );
    assert_eq!(a.ballots.voters_on_list, b.ballots.voters_on_list);
    assert_eq!(a.ballots.ballots_issued, b.ballots.ballots_issued);
    assert_eq!(a.ballots.ballots_found, b.ballots.ballots_found);
    // What the CDF cannot carry was taken by the rule the note states.
    assert_eq!(b.ballots.ballots_received, b.ballots.ballots_issued);
    assert_eq!(b.ballots.ballots_cancelled, 0);
}

#[test]
fn what_is_not_a_report_is_refused_saying_what_it_is() {
    let ledger = small_ledger(&[]);
    let a = common::author();
    for (text, says) in [
        ("precinct 17: yes 300", "not JSON"),
        (
            "{\"@type\": \"ElectionResults.Election\"}",
            "ElectionResults.Election",
        ),
        ("[1, 2, 3]", "no \"@type\""),
        ("{\"ElectionReport\": {}}", "the root is an object"),
        (
            "<?xml version=\"1.0\"?><ElectionReport xmlns=\"http://itl.nist.gov/ns/voting/1500-100/v1\"/>",
            "another version",
        ),
        (
            "<html><body>results</body></html>",
            "an XML document but not a NIST SP 1500-100 v2 report",
        ),
        ("<ElectionReport xmlns=\"urn:x\">", "not well formed"),
    ] {
        let e = import::plan(&ledger, text, None, &a).unwrap_err();
        assert!(
            matches!(e, ImportError::NotAReport(_) | ImportError::Version(_)),
            "{text}: {e}"
        );
        assert!(e.to_string().contains(says), "{text}: {e}");
    }
    // An empty report of the right namespace is read, and found to lack what an import needs.
    let p = problems(
        import::plan(
            &ledger,
            "<ElectionReport xmlns=\"http://itl.nist.gov/ns/voting/1500-100/v2\"/>",
            None,
            &a,
        )
        .unwrap_err(),
    );
    assert_eq!(p[0].element, "Format");
    let summary = from_ledger::report(
        &small_ledger(&[1]),
        None,
        ReportDetailLevel::SummaryContest,
        &Issuer::default(),
    )
    .unwrap();
    let p = problems(
        import::plan(&ledger, &serde_json::to_string(&summary).unwrap(), None, &a).unwrap_err(),
    );
    assert_eq!(p[0].element, "Format");
}

#[test]
fn unknown_units_broken_ratios_and_conflicts_are_named_and_nothing_is_planned() {
    let source = small_ledger(&[1, 2, 3, 4, 5]);
    let text = precinct_report(&source);
    let target = fresh_like(&source);
    let a = common::author();

    // A precinct the territory does not have.
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let unit = v["GpUnit"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|u| u["@id"] == "ru-p3")
        .unwrap();
    for e in unit["ExternalIdentifier"].as_array_mut().unwrap() {
        if e["Type"] == "ocd-id" {
            e["Value"] = "ocd-division/country:kz/region:43/district:02/precinct:999".into();
        }
        if e["OtherType"] == "ashyq-precinct" {
            e["Value"] = "999".into();
        }
    }
    let p = problems(import::plan(&target, &v.to_string(), None, &a).unwrap_err());
    assert!(
        p.iter().any(|p| p.element.contains("(@id ru-p3)")
            && p.message.contains("not a precinct of this territory")
            && p.message.contains("precinct:999")),
        "{p:?}"
    );

    // Counts that break KR-4 (ballots found = yes + no + both + invalid).
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let yes = &mut v["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"][1];
    assert_eq!(yes["GpUnitId"], "ru-p2");
    yes["Count"] = (yes["Count"].as_u64().unwrap() + 1).into();
    let p = problems(import::plan(&target, &v.to_string(), None, &a).unwrap_err());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].element.contains("(@id ru-p2)"), "{p:?}");
    assert!(p[0].message.contains("KR-4"), "{p:?}");

    // A precinct that already reported other figures.
    let mut partly = fresh_like(&source);
    let mut changed = common::protocol(4, 2500, 900, 700);
    changed.lines.yes -= 1;
    changed.lines.no += 1;
    let Decision::Record(d) = partly.submit(changed).unwrap() else {
        unreachable!()
    };
    record(&mut partly, d);
    let p = problems(import::plan(&partly, &text, None, &a).unwrap_err());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].element.contains("(@id ru-p4)"), "{p:?}");
    assert!(p[0].message.contains("already reported"), "{p:?}");

    // A selection that is not on the ballot, and a count for a unit that is not there.
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let sel = &mut v["Election"][0]["Contest"][0]["ContestSelection"][1];
    sel["Selection"]["Text"][2]["Content"] = "Maybe".into();
    sel["Selection"]["Text"][0]["Content"] = "Мүмкін".into();
    sel["Selection"]["Text"][1]["Content"] = "Может быть".into();
    v["Election"][0]["BallotCounts"][0]["GpUnitId"] = "ru-p77".into();
    let p = problems(import::plan(&target, &v.to_string(), None, &a).unwrap_err());
    assert!(
        p.iter().any(|p| p.element.ends_with("ContestSelection[1]")
            && p.message.contains("neither Yes nor No")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|p| p.element == "Election.BallotCounts[0]" && p.message.contains("\"ru-p77\"")),
        "{p:?}"
    );
}

/// Every value of a JSON document, as JSON pointers.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            pointers(
                x,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-zA-Z0-9:/_ -]{0,12}".prop_map(Value::from),
        Just(Value::from("ru-p1")),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No text makes the importer panic: it reads a report or names what is wrong.
    #[test]
    fn no_text_panics_the_importer(text in "\\PC{0,200}") {
        let ledger = small_ledger(&[]);
        let _ = import::plan(&ledger, &text, None, &common::author());
    }

    /// No change to any value of a valid report makes the importer panic, and a report it
    /// accepts gives only protocols the control ratios accept.
    #[test]
    fn no_changed_report_panics_the_importer(
        picks in proptest::collection::vec((any::<prop::sample::Index>(), replacement()), 1..4)
    ) {
        let source = small_ledger(&[1, 2, 3, 4, 5]);
        let target = fresh_like(&source);
        let mut v: Value = serde_json::from_str(&precinct_report(&source)).unwrap();
        for (i, new) in picks {
            let mut all = Vec::new();
            pointers(&v, String::new(), &mut all);
            let at = i.get(&all).clone();
            if let Some(slot) = v.pointer_mut(&at) {
                *slot = new;
            }
        }
        if let Ok(plan) = import::plan(&target, &v.to_string(), None, &common::author()) {
            for p in &plan.protocols {
                let import::Imported::Referendum(p) = p else { panic!("a referendum's protocols") };
                prop_assert!(ashyq_core::protocol::check(&p.lines).accepted());
            }
        }
    }
}

#[test]
fn the_presidential_report_imported_into_a_fresh_ledger_gives_the_same_results() {
    let (ledger, id) = presidential_ledger(true);
    let (mut fresh, _) = presidential_ledger(false);
    let text = serde_json::to_string(
        &from_ledger::report(
            &ledger,
            Some(id.as_str()),
            ReportDetailLevel::PrecinctLevel,
            &Issuer::default(),
        )
        .unwrap(),
    )
    .unwrap();
    let plan = import::plan(&fresh, &text, None, &common::author()).unwrap();
    assert_eq!(plan.protocols.len(), 10_459);
    record_plan(&mut fresh, &plan);
    let (a, b) = (
        ledger.presidential_results(&id).unwrap(),
        fresh.presidential_results(&id).unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&a.national).unwrap(),
        serde_json::to_value(&b.national).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&a.regions).unwrap(),
        serde_json::to_value(&b.regions).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&a.outcome).unwrap(),
        serde_json::to_value(&b.outcome).unwrap()
    );
    assert!(matches!(
        import::plan(&fresh, &text, None, &common::author()),
        Err(ImportError::AlreadyImported(10_459))
    ));
}

/// The XML form read back is the JSON form, value for value: two writers (serde for JSON, the
/// hand-written XSD order for XML) and the reader agree, for a referendum (certified and
/// partial) and a presidential round, at precinct level and as a summary; the result is valid
/// against the official JSON Schema. (The party-list contest: `ashyq/tests/nist_cli.rs`.)
#[test]
fn the_xml_form_read_back_is_the_json_form_for_every_kind_of_contest() {
    let referendum = demo_ledger();
    let (president, pid) = presidential_ledger(true);
    let partial = small_ledger(&[1, 2, 3]);
    for (ledger, contest) in [
        (&referendum, None),
        (&president, Some(pid.as_str())),
        (&partial, None),
    ] {
        for level in [
            ReportDetailLevel::PrecinctLevel,
            ReportDetailLevel::SummaryContest,
        ] {
            let r = from_ledger::report(ledger, contest, level, &Issuer::default()).unwrap();
            let back = nist::xml_read::to_json(&xml::to_xml(&r)).unwrap();
            schema::assert_nist_json(&back);
            assert_eq!(back, json(&r), "{contest:?} {level:?}");
        }
    }
}

#[test]
fn our_xml_report_imports_as_the_json_one_does() {
    let ledger = demo_ledger();
    let r = from_ledger::report(
        &ledger,
        None,
        ReportDetailLevel::PrecinctLevel,
        &Issuer::default(),
    )
    .unwrap();
    let fresh = fresh_like(&ledger);
    let from_json = import::plan(
        &fresh,
        &serde_json::to_string(&r).unwrap(),
        None,
        &common::author(),
    )
    .unwrap();
    let from_xml = import::plan(&fresh, &xml::to_xml(&r), None, &common::author()).unwrap();
    assert_eq!(from_xml.protocols.len(), 10_459);
    assert_eq!(from_xml.protocols, from_json.protocols);
    // A count that breaks the control ratios is named by the element, as in JSON.
    let text = xml::to_xml(&r).replacen("<Count>", "<Count>9", 1);
    let p = problems(import::plan(&fresh, &text, None, &common::author()).unwrap_err());
    assert!(!p.is_empty());
    // An element the CDF does not have is named by its path.
    let text = xml::to_xml(&r).replacen("<Format>", "<Colour>red</Colour><Format>", 1);
    let p = problems(import::plan(&fresh, &text, None, &common::author()).unwrap_err());
    assert_eq!(p[0].element, "ElectionReport");
    assert!(p[0].message.contains("<Colour>"), "{}", p[0].message);
}
