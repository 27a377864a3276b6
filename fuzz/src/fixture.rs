//! A small hand-made territory and a valid, certified log over it, built with the Ledger API
//! exactly as the registrar does (decide, then record).

use std::sync::OnceLock;

use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::event::{Event, LogEntry};
use ashyq_core::ledger::{Decided, Decision, Ledger};
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::referendum::presets;
use ashyq_core::tally::ResultsTree;
use ashyq_core::territory::{PrecinctId, Territory, UnitKind};

/// The territory, protocol and author builders the core's tests use too.
#[path = "../../crates/ashyq-core/tests/common/hand_made.rs"]
mod hand_made;

/// The time every entry is recorded at.
pub const T: &str = "2026-03-15T16:00:00Z";

/// Two regions, two districts, three precincts (two in the first district).
pub fn territory() -> Territory {
    hand_made::territory(
        "hand-made for fuzzing",
        &[("KZ-43", UnitKind::Oblys), ("KZ-75", UnitKind::City)],
        &[("KZ-43-01", "KZ-43"), ("KZ-75-01", "KZ-75")],
        &[
            (1, "KZ-43-01", 1000),
            (2, "KZ-43-01", 800),
            (3, "KZ-75-01", 2500),
        ],
    )
}

/// The referendum of the fixture.
pub fn kz2026() -> ContestId {
    ContestId("kz-2026".into())
}

/// A consistent protocol of the fixture's referendum: `issued` of `list` took part, `yes`
/// said yes, 1 both-marked, 2 invalid, the rest no.
pub fn protocol(precinct: u32, list: u64, issued: u64, yes: u64) -> PrecinctProtocol {
    hand_made::protocol(kz2026(), precinct, list, issued, yes)
}

/// The operator.
pub fn author() -> Author {
    hand_made::author()
}

/// The valid log and what it establishes after each of its prefixes.
#[derive(Debug)]
pub struct Fixture {
    /// The entries, in order.
    pub entries: Vec<LogEntry>,
    /// The export: one JSON line per entry, each ending in `\n`.
    pub text: String,
    /// `results[k]`: every referendum's result after the first `k` entries (`results[0]` is
    /// unused and empty).
    pub results: Vec<Vec<ResultsTree>>,
}

fn record(ledger: &mut Ledger, entries: &mut Vec<LogEntry>, d: Decided) {
    entries.push(
        ledger
            .record(d, T.into())
            .expect("recording a fresh decision"),
    );
}

fn submit(ledger: &mut Ledger, entries: &mut Vec<LogEntry>, p: PrecinctProtocol) {
    match ledger.submit(p).expect("the fixture's protocols are valid") {
        Decision::Record(d) => record(ledger, entries, d),
        Decision::Known(r) => panic!("the fixture submits nothing twice: {r:?}"),
    }
}

/// Builds the log: territory, referendum kz-2026, three accepted protocols (one with a
/// warning), a conflict that is dismissed, a conflict settled by an amendment, and the
/// certification — every kind of event.
pub fn build() -> Fixture {
    let mut ledger = Ledger::new();
    let mut entries = Vec::new();
    let d = ledger.load_territory(territory()).unwrap();
    record(&mut ledger, &mut entries, d);
    let d = ledger.create_referendum(presets::kz_2026()).unwrap();
    record(&mut ledger, &mut entries, d);
    submit(&mut ledger, &mut entries, protocol(1, 1000, 930, 860));
    submit(&mut ledger, &mut entries, protocol(2, 800, 700, 600));
    // One ballot missing from the box: accepted with warning KW-1.
    let mut p3 = protocol(3, 2500, 900, 700);
    p3.lines.ballots.ballots_found -= 1;
    p3.lines.invalid -= 1;
    submit(&mut ledger, &mut entries, p3);
    // A different protocol for precinct 1, dismissed.
    submit(&mut ledger, &mut entries, protocol(1, 1000, 930, 850));
    let conflict = match &entries.last().unwrap().event {
        Event::ProtocolConflict { protocol_hash, .. } => protocol_hash.clone(),
        e => panic!("expected a conflict, got {e:?}"),
    };
    let d = ledger
        .dismiss_conflict(
            &kz2026(),
            PrecinctId(1),
            &conflict,
            "a copy with a typo",
            author(),
        )
        .unwrap();
    record(&mut ledger, &mut entries, d);
    // A different protocol for precinct 2, then the amendment that adopts it.
    submit(&mut ledger, &mut entries, protocol(2, 800, 700, 590));
    let d = ledger
        .amend(
            protocol(2, 800, 700, 590),
            "recount ordered by the TEC",
            author(),
        )
        .unwrap();
    record(&mut ledger, &mut entries, d);
    let d = ledger.certify(&kz2026(), author()).unwrap();
    record(&mut ledger, &mut entries, d);

    let text: String = entries.iter().map(|e| e.to_json_line() + "\n").collect();
    let mut results = vec![Vec::new()];
    for k in 1..=entries.len() {
        let l = Ledger::replay(&entries[..k]).expect("every prefix of the fixture replays");
        results.push(
            l.referendums()
                .map(|r| l.results(&r.definition.id).unwrap())
                .collect(),
        );
    }
    Fixture {
        entries,
        text,
        results,
    }
}

/// The fixture, built once per process.
pub fn get() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(build)
}
