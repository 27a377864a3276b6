//! One function per fuzz target. Each panics (with the reason) when a property fails.

use ashyq_core::protocol::BallotLines;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::event::{Event, LogEntry};
use ashyq_core::ledger::{Decided, Decision, Ledger, LedgerError};
use ashyq_core::profile::{self, Profile};
use ashyq_core::protocol::{self, PrecinctProtocol, ProtocolLines};
use ashyq_core::referendum::{ReferendumDefinition, presets};
use ashyq_core::tally::{ResultStatus, Totals};
use ashyq_core::territory::{PrecinctId, io as territory_io};
use ashyq_core::verify::{self, VerifyError};

use crate::fixture;
use crate::mutate::Mutations;
use crate::oracle;

// ---- protocol parsers ------------------------------------------------------------------------

/// `protocol_json`: any UTF-8 text through `parse_json`; every protocol it yields obeys the
/// control ratios (see [`oracle::check_protocols`]) and survives CSV and JSON round trips.
pub fn protocol_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ps) = protocol::parse_json(text) {
        oracle::check_protocols(&ps);
    }
}

/// `protocol_csv`: the same through `parse_csv`.
pub fn protocol_csv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ps) = protocol::parse_csv(text) {
        oracle::check_protocols(&ps);
    }
}

/// `party_list_json`: any UTF-8 text through `election::PartyListProtocol::parse_json`; each
/// protocol is checked against a ballot of its own party names (so the ballot matches) with an
/// "against all" line. Oracle, in `u128`: the KR-4 error of party lists is reported exactly
/// when every line is within bounds and `ballots_found ≠ Σ votes + against_all + invalid`, and
/// an accepted protocol has every line within bounds and adds up.
pub fn party_list_json(data: &[u8]) {
    use ashyq_core::election::PartyListProtocol;
    use ashyq_core::protocol::ControlRule;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ps) = PartyListProtocol::parse_json(text) else {
        return;
    };
    for p in ps {
        let ballot: Vec<&str> = p.votes.iter().map(|v| v.party.as_str()).collect();
        let check = p
            .check(&ballot, true)
            .expect("a protocol always matches a ballot made of its own parties");
        let b = &p.ballots;
        let lines: Vec<u64> = p
            .votes
            .iter()
            .map(|v| v.votes)
            .chain([p.against_all, p.invalid])
            .chain([
                b.voters_on_list,
                b.voters_added_on_day,
                b.voters_added_absentee,
                b.absentee_certificates_issued,
                b.ballots_received,
                b.ballots_issued,
                b.ballots_cancelled,
                b.ballots_found,
            ])
            .collect();
        let within = lines.iter().all(|&v| v <= protocol::MAX_LINE);
        let counted: u128 = p.votes.iter().map(|v| u128::from(v.votes)).sum::<u128>()
            + u128::from(p.against_all)
            + u128::from(p.invalid);
        let kr4 = check
            .errors
            .iter()
            .any(|e| e.rule == ControlRule::ListBallotsCounted);
        assert_eq!(
            kr4,
            within && counted != u128::from(b.ballots_found),
            "KR-4 for party lists disagrees with the oracle: {check:?}"
        );
        if check.accepted() {
            assert!(within, "accepted with a line out of bounds");
            assert_eq!(
                counted,
                u128::from(b.ballots_found),
                "accepted but does not add up"
            );
        }
    }
}

// ---- territory -------------------------------------------------------------------------------

fn kz() -> &'static Profile {
    static KZ: OnceLock<Profile> = OnceLock::new();
    KZ.get_or_init(profile::kz)
}

/// `territory_csv`: any UTF-8 text through `territory::io::from_csv` with the kz profile. A
/// territory it returns validates, can be loaded into a ledger, keeps the profile's regions,
/// and reads back equal from its own CSV and JSON exports; aggregating it with no protocol
/// counts every precinct and voter once.
pub fn territory_csv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let kz = kz();
    let Ok(t) = territory_io::from_csv(text, kz) else {
        return;
    };
    if let Err(e) = t.validate() {
        panic!("from_csv returned a territory that does not validate: {e}\n{t:?}");
    }
    assert_eq!(t.profile, kz.code);
    assert_eq!(t.regions, kz.regions);
    assert_eq!(t.source, territory_io::CSV_SOURCE);
    assert!(!t.precincts.is_empty());
    for p in &t.precincts {
        assert!(p.id.0 > 0, "precinct number 0 accepted");
        assert!(p.registered_voters <= ashyq_core::territory::MAX_PRECINCT_VOTERS);
    }
    for d in &t.districts {
        assert!(!d.id.0.is_empty(), "empty district id accepted");
        for name in [&d.names.kk, &d.names.ru, &d.names.en] {
            assert!(
                !name.is_empty(),
                "district {} with an empty name accepted",
                d.id
            );
        }
        assert!(
            t.precincts.iter().any(|p| p.district == d.id),
            "district {} has no precinct",
            d.id
        );
    }

    let csv = territory_io::to_csv(&t);
    match territory_io::from_csv(&csv, kz) {
        Ok(back) => assert!(
            back == t,
            "to_csv → from_csv changed the territory\n before: {t:?}\n after:  {back:?}\n csv: {csv:?}"
        ),
        Err(e) => panic!("from_csv refuses what to_csv wrote: {e}\n csv: {csv:?}"),
    }
    match territory_io::from_json(&territory_io::to_json(&t)) {
        Ok(back) => assert!(back == t, "JSON round trip changed the territory"),
        Err(e) => panic!("from_json refuses what to_json wrote: {e}"),
    }

    let ledger = Ledger::new();
    let d = ledger
        .load_territory(t.clone())
        .unwrap_or_else(|e| panic!("a ledger refuses a territory from_csv accepted: {e}"));
    let mut ledger = ledger;
    ledger
        .record(d, fixture::T.into())
        .expect("recording the territory");
    let d = ledger
        .create_referendum(presets::kz_2026())
        .expect("a referendum on it");
    ledger
        .record(d, fixture::T.into())
        .expect("recording the referendum");
    let r = ledger
        .results(&fixture::kz2026())
        .expect("results with no protocol");
    oracle::check_tree(&r);
    assert_eq!(r.national.precincts, t.precincts.len() as u64);
    assert_eq!(r.national.registered_voters, t.registered_voters());
    assert_eq!(r.national.precincts_reported, 0);
    assert_eq!(r.status, ResultStatus::Preliminary);
}

// ---- the offline verifier --------------------------------------------------------------------

/// The entries a log text denotes, read the way the verifier reads it (one JSON entry per
/// line, blank lines skipped); `None` when a line is not an entry.
pub fn parse_entries(text: &str) -> Option<Vec<LogEntry>> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(line).ok()?);
    }
    Some(out)
}

/// `verify_log`: any UTF-8 text through `verify::verify_log`, which must not panic. When it
/// verifies, the report agrees with the entries in the text and with a replay of them, and
/// every re-derived result adds up.
pub fn verify_log(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let result = verify::verify_log(text);
    let parsed = parse_entries(text);
    match (&result, &parsed) {
        (Ok(report), Some(entries)) => {
            assert_eq!(report.entries, entries.len() as u64);
            assert_eq!(Some(&report.head), entries.last().map(|e| &e.hash));
            let ledger = Ledger::replay(entries).expect("what verifies replays");
            for tree in &report.results {
                assert_eq!(tree, &ledger.results(&tree.referendum).unwrap());
                oracle::check_tree(tree);
                let def = &ledger.referendum(&tree.referendum).unwrap().definition;
                oracle::check_outcome(def, tree);
            }
        }
        (Ok(_), None) => panic!("verify_log accepted a text with a line that is not an entry"),
        (Err(VerifyError::Empty), Some(entries)) => assert!(entries.is_empty()),
        (Err(VerifyError::Malformed { .. }), Some(_)) => {
            panic!("verify_log calls a line malformed that parses as an entry: {result:?}")
        }
        (Err(_), _) => {}
    }
}

/// Input of `verify_mutated_log`.
#[derive(Debug, Clone, Arbitrary)]
pub struct MutatedLog {
    /// The edits.
    pub mutations: Mutations,
}

/// `verify_mutated_log`: the fixture's valid log, edited. By the entries the edited text
/// denotes (not by its bytes):
/// - the same entries: it must verify, with the same entry count, head and results;
/// - a proper prefix of the entries (the log cut after a whole entry): it verifies, as any
///   prefix of a valid log does, but reports fewer entries and a different head, so comparing
///   the head with the published one reveals the cut (with feature `strict-truncation`, this
///   case fails instead);
/// - anything else (an entry changed, added, dropped or moved, or a line that is not an
///   entry): `verify_log` must return an error. Tampering is always caught.
pub fn verify_mutated_log(input: &MutatedLog) {
    let f = fixture::get();
    let mut bytes = f.text.clone().into_bytes();
    input.mutations.apply(&mut bytes);
    let Ok(text) = String::from_utf8(bytes) else {
        return;
    };
    let result = verify::verify_log(&text);
    let n = f.entries.len();
    match parse_entries(&text) {
        Some(entries) if entries == f.entries => match result {
            Ok(r) => {
                assert_eq!(r.entries, n as u64);
                assert_eq!(r.head, f.entries[n - 1].hash);
                assert_eq!(r.results, f.results[n], "same entries, different results");
            }
            Err(e) => panic!(
                "a text that denotes the very entries of the valid log does not verify: {e}\n text: {text:?}"
            ),
        },
        Some(entries) if entries.is_empty() => {
            assert!(matches!(result, Err(VerifyError::Empty)), "{result:?}")
        }
        Some(entries) if f.entries.starts_with(&entries) => {
            let k = entries.len();
            if cfg!(feature = "strict-truncation") {
                panic!(
                    "the log cut after entry {k} of {n} verifies: {:?}",
                    result.map(|r| (r.entries, r.head))
                );
            }
            let r = result.unwrap_or_else(|e| panic!("a prefix of a valid log fails: {e}"));
            assert_eq!(r.entries, k as u64);
            assert_ne!(r.head, f.entries[n - 1].hash);
            assert_eq!(r.head, f.entries[k - 1].hash);
            assert_eq!(r.results, f.results[k]);
        }
        _ => {
            if let Ok(r) = result {
                let same = r.results == f.results[n];
                panic!(
                    "TAMPERED LOG VERIFIES: {} entries, head {}, results {} the original's\n text: {text:?}",
                    r.entries,
                    r.head,
                    if same { "equal to" } else { "DIFFERENT from" }
                );
            }
        }
    }
}

// ---- the ledger's rules ----------------------------------------------------------------------

/// A referendum chosen by the fuzzer.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum RefSel {
    /// kz-2026 (national majority), always defined.
    Kz2026,
    /// kz-2022 (regional majority), defined when the session asks for it.
    Kz2022,
    /// Not defined.
    Unknown,
}

impl RefSel {
    fn id(self) -> ContestId {
        ContestId(
            match self {
                RefSel::Kz2026 => "kz-2026",
                RefSel::Kz2022 => "kz-2022",
                RefSel::Unknown => "kz-2030",
            }
            .into(),
        )
    }
}

/// Protocol numbers chosen by the fuzzer.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum LinesSpec {
    /// Consistent numbers (they pass the control ratios), from a few free parameters.
    Consistent {
        list: u16,
        issued: u16,
        cancelled: u8,
        lost: u8,
        yes: u16,
        no: u16,
        both: u8,
        added_day: u8,
        added_absentee: u8,
        certificates: u8,
    },
    /// Any numbers.
    Raw([u32; 12]),
    /// Consistent numbers with one line overwritten.
    Poke { line: u8, value: u64 },
}

impl LinesSpec {
    fn lines(self) -> ProtocolLines {
        let consistent = |list: u64,
                          issued: u64,
                          cancelled: u64,
                          lost: u64,
                          yes: u64,
                          no: u64,
                          both: u64,
                          day: u64,
                          abs: u64,
                          certs: u64| {
            let issued = issued.min(list);
            let found = issued - lost.min(issued);
            let yes = yes.min(found);
            let no = no.min(found - yes);
            let both = both.min(found - yes - no);
            let day = day.min(list);
            let abs = abs.min(list - day);
            ProtocolLines {
                ballots: BallotLines {
                    voters_on_list: list,
                    voters_added_on_day: day,
                    voters_added_absentee: abs,
                    absentee_certificates_issued: certs,
                    ballots_received: issued + cancelled,
                    ballots_issued: issued,
                    ballots_cancelled: cancelled,
                    ballots_found: found,
                },
                yes,
                no,
                both_marked: both,
                invalid: found - yes - no - both,
            }
        };
        match self {
            LinesSpec::Consistent {
                list,
                issued,
                cancelled,
                lost,
                yes,
                no,
                both,
                added_day,
                added_absentee,
                certificates,
            } => consistent(
                list.into(),
                issued.into(),
                cancelled.into(),
                lost.into(),
                yes.into(),
                no.into(),
                both.into(),
                added_day.into(),
                added_absentee.into(),
                certificates.into(),
            ),
            LinesSpec::Raw(a) => ProtocolLines::from_array(a.map(u64::from)),
            LinesSpec::Poke { line, value } => {
                let mut l = consistent(1000, 700, 300, 0, 500, 150, 10, 5, 1, 2);
                let fields = [
                    &mut l.ballots.voters_on_list,
                    &mut l.ballots.voters_added_on_day,
                    &mut l.ballots.voters_added_absentee,
                    &mut l.ballots.absentee_certificates_issued,
                    &mut l.ballots.ballots_received,
                    &mut l.ballots.ballots_issued,
                    &mut l.ballots.ballots_cancelled,
                    &mut l.ballots.ballots_found,
                    &mut l.yes,
                    &mut l.no,
                    &mut l.both_marked,
                    &mut l.invalid,
                ];
                let n = fields.len();
                *fields.into_iter().nth(line as usize % n).unwrap() = value;
                l
            }
        }
    }
}

/// A reason or author name chosen by the fuzzer.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum TextSpec {
    /// `""`.
    Empty,
    /// Only spaces.
    Blank,
    /// A short word.
    Word(u8),
}

impl TextSpec {
    fn text(self) -> String {
        match self {
            TextSpec::Empty => String::new(),
            TextSpec::Blank => "   ".into(),
            TextSpec::Word(n) => format!("reason {n}"),
        }
    }
}

/// A command to the ledger.
#[derive(Debug, Clone, Arbitrary)]
pub enum Command {
    /// Submit a protocol.
    Submit {
        referendum: RefSel,
        precinct: u8,
        lines: LinesSpec,
    },
    /// Submit the same numbers for every precinct of the territory (and the unknown one).
    SubmitAll {
        referendum: RefSel,
        lines: LinesSpec,
    },
    /// Submit again the `nth` protocol submitted so far.
    Resubmit { nth: u8 },
    /// Amend a precinct's protocol.
    Amend {
        referendum: RefSel,
        precinct: u8,
        lines: LinesSpec,
        reason: TextSpec,
        author: TextSpec,
    },
    /// Amend with the `nth` open conflict's protocol.
    AmendWithConflict {
        referendum: RefSel,
        nth: u8,
        reason: TextSpec,
    },
    /// Dismiss the `nth` open conflict (or a made-up one).
    Dismiss {
        referendum: RefSel,
        nth: u8,
        made_up: bool,
        reason: TextSpec,
    },
    /// Certify.
    Certify {
        referendum: RefSel,
        author: TextSpec,
    },
}

/// Input of `ledger_commands`.
#[derive(Debug, Clone, Arbitrary)]
pub struct Session {
    /// Also define kz-2022 (regional majority) on the same territory.
    pub with_kz2022: bool,
    /// The commands, in order; at most 64 are run.
    pub commands: Vec<Command>,
}

/// The oracle's model of one referendum: what is applied and what is open, kept from the
/// recorded events alone.
#[derive(Debug, Default, Clone)]
struct Model {
    applied: BTreeMap<PrecinctId, PrecinctProtocol>,
    conflicts: BTreeMap<PrecinctId, Vec<PrecinctProtocol>>,
    certified: bool,
}

fn precinct_of(n: u8) -> PrecinctId {
    // The fixture's three precincts and one that is not in the territory.
    PrecinctId([1, 2, 3, 99][n as usize % 4])
}

fn who(t: TextSpec) -> Author {
    Author {
        name: t.text(),
        role: "operator".into(),
    }
}

/// `ledger_commands`: a session of commands on the fixture's territory (submissions,
/// re-submissions, amendments, dismissals, certifications, with valid and invalid numbers,
/// unknown precincts and referendums, empty reasons). After each command the ledger must
/// agree with an independent model of the rules: a first valid protocol is accepted, the same
/// one again is a no-op with the same receipt, a different one is a conflict and never
/// applied, invalid numbers are rejected with exactly the broken rules, only an amendment
/// replaces numbers, a certified result refuses everything; and the results must equal the
/// sums of the applied protocols, add up level by level and carry the outcome the
/// definition's rules give. At the end the exported log must verify offline to the very same
/// results and head. Returns the log (for statistics on what a corpus reaches).
pub fn ledger_commands(s: &Session) -> Vec<LogEntry> {
    let mut ledger = Ledger::new();
    let mut log: Vec<LogEntry> = Vec::new();
    fn record(ledger: &mut Ledger, log: &mut Vec<LogEntry>, d: Decided) -> LogEntry {
        let e = ledger
            .record(d, fixture::T.into())
            .expect("recording a fresh decision");
        log.push(e.clone());
        e
    }
    let t = fixture::territory();
    let d = ledger.load_territory(t.clone()).unwrap();
    record(&mut ledger, &mut log, d);
    let mut defs: BTreeMap<ContestId, ReferendumDefinition> = BTreeMap::new();
    let mut models: BTreeMap<ContestId, Model> = BTreeMap::new();
    let mut wanted = vec![presets::kz_2026()];
    if s.with_kz2022 {
        wanted.push(presets::kz_2022());
    }
    for def in wanted {
        let d = ledger.create_referendum(def.clone()).unwrap();
        record(&mut ledger, &mut log, d);
        models.insert(def.id.clone(), Model::default());
        defs.insert(def.id.clone(), def);
    }
    let mut submitted: Vec<PrecinctProtocol> = Vec::new();

    // `SubmitAll` is run as one `Submit` per precinct.
    let commands = s.commands.iter().take(64).flat_map(|c| match *c {
        Command::SubmitAll { referendum, lines } => (0..4u8)
            .map(|precinct| Command::Submit {
                referendum,
                precinct,
                lines,
            })
            .collect(),
        ref c => vec![c.clone()],
    });
    for cmd in commands {
        let cmd = &cmd;
        let before = log.len();
        match cmd {
            Command::Submit { .. } | Command::Resubmit { .. } => {
                let p = match *cmd {
                    Command::Submit {
                        referendum,
                        precinct,
                        lines,
                    } => PrecinctProtocol {
                        referendum: referendum.id(),
                        precinct: precinct_of(precinct),
                        lines: lines.lines(),
                    },
                    Command::Resubmit { nth } => {
                        if submitted.is_empty() {
                            continue;
                        }
                        submitted[nth as usize % submitted.len()].clone()
                    }
                    _ => unreachable!(),
                };
                submitted.push(p.clone());
                let hash = p.content_hash();
                let res = ledger.submit(p.clone());
                let Some(m) = models.get(&p.referendum) else {
                    assert!(
                        matches!(res, Err(LedgerError::UnknownContest(_))),
                        "{res:?}"
                    );
                    continue;
                };
                if m.certified {
                    assert_eq!(res, Err(LedgerError::Certified(p.referendum.clone())));
                    continue;
                }
                if p.precinct == PrecinctId(99) {
                    assert_eq!(res, Err(LedgerError::UnknownPrecinct(p.precinct)));
                    continue;
                }
                let check = protocol::check(&p.lines);
                if !check.accepted() {
                    assert_eq!(
                        res,
                        Err(LedgerError::Rejected {
                            precinct: p.precinct,
                            errors: check.errors
                        })
                    );
                    continue;
                }
                let res = res.unwrap_or_else(|e| panic!("a valid protocol refused: {e}"));
                match (m.applied.get(&p.precinct), res) {
                    (None, Decision::Record(d)) => {
                        match d.event() {
                            Event::ProtocolAccepted {
                                protocol,
                                protocol_hash,
                                warnings,
                                signature: None,
                                entered_by: None,
                            } => {
                                assert_eq!(protocol, &p);
                                assert_eq!(protocol_hash, &hash);
                                assert_eq!(warnings, &check.warnings);
                            }
                            e => panic!("a first protocol must be accepted, got {e:?}"),
                        }
                        let e = record(&mut ledger, &mut log, d);
                        let r = ledger.applied(&p.referendum, p.precinct).unwrap().unwrap();
                        assert_eq!(r.receipt.seq, e.seq);
                        assert_eq!(r.receipt.entry_hash, e.hash);
                    }
                    (None, Decision::Known(r)) => panic!("nothing applied, yet known: {r:?}"),
                    (Some(a), Decision::Known(r)) => {
                        let open = m.conflicts.get(&p.precinct).into_iter().flatten();
                        assert!(
                            a == &p || open.into_iter().any(|c| c == &p),
                            "a protocol neither applied nor open is called known: {r:?}"
                        );
                        assert_eq!(r.protocol_hash, hash);
                    }
                    (Some(a), Decision::Record(d)) => {
                        assert_ne!(a, &p, "the applied protocol again must not be recorded");
                        let open = m.conflicts.get(&p.precinct).into_iter().flatten();
                        assert!(
                            !open.into_iter().any(|c| c == &p),
                            "an open conflict recorded twice"
                        );
                        match d.event() {
                            Event::ProtocolConflict {
                                protocol,
                                protocol_hash,
                                applied_hash,
                                signature: None,
                                entered_by: None,
                            } => {
                                assert_eq!(protocol, &p);
                                assert_eq!(protocol_hash, &hash);
                                assert_eq!(applied_hash, &a.content_hash());
                            }
                            e => {
                                panic!("a second, different protocol must be a conflict, got {e:?}")
                            }
                        }
                        record(&mut ledger, &mut log, d);
                    }
                }
            }
            Command::Amend { .. } | Command::AmendWithConflict { .. } => {
                let (p, reason, author) = match *cmd {
                    Command::Amend {
                        referendum,
                        precinct,
                        lines,
                        reason,
                        author,
                    } => (
                        PrecinctProtocol {
                            referendum: referendum.id(),
                            precinct: precinct_of(precinct),
                            lines: lines.lines(),
                        },
                        reason.text(),
                        who(author),
                    ),
                    Command::AmendWithConflict {
                        referendum,
                        nth,
                        reason,
                    } => {
                        let Some(m) = models.get(&referendum.id()) else {
                            continue;
                        };
                        let open: Vec<_> = m.conflicts.values().flatten().collect();
                        if open.is_empty() {
                            continue;
                        }
                        (
                            open[nth as usize % open.len()].clone(),
                            reason.text(),
                            fixture::author(),
                        )
                    }
                    _ => unreachable!(),
                };
                let res = ledger.amend(p.clone(), &reason, author.clone());
                let Some(m) = models.get(&p.referendum) else {
                    assert!(res.is_err(), "amended an unknown referendum");
                    continue;
                };
                let ok = !m.certified
                    && p.precinct != PrecinctId(99)
                    && !reason.trim().is_empty()
                    && !author.name.trim().is_empty()
                    && m.applied.get(&p.precinct).is_some_and(|a| a != &p)
                    && protocol::check(&p.lines).accepted();
                match res {
                    Ok(d) => {
                        assert!(ok, "amendment allowed against the rules: {p:?} {m:?}");
                        match d.event() {
                            Event::ProtocolAmended {
                                protocol,
                                replaces_hash,
                                warnings,
                                ..
                            } => {
                                assert_eq!(protocol, &p);
                                assert_eq!(replaces_hash, &m.applied[&p.precinct].content_hash());
                                assert_eq!(warnings, &protocol::check(&p.lines).warnings);
                            }
                            e => panic!("amend decided {e:?}"),
                        }
                        record(&mut ledger, &mut log, d);
                    }
                    Err(e) => {
                        assert!(!ok, "a valid amendment refused: {e}");
                        if m.certified {
                            assert_eq!(e, LedgerError::Certified(p.referendum.clone()));
                        }
                    }
                }
            }
            Command::SubmitAll { .. } => unreachable!("expanded above"),
            Command::Dismiss {
                referendum,
                nth,
                made_up,
                reason,
            } => {
                let id = referendum.id();
                let m = models.get(&id).cloned().unwrap_or_default();
                let open: Vec<_> = m.conflicts.values().flatten().collect();
                let (precinct, hash, real) = if *made_up || open.is_empty() {
                    (precinct_of(*nth), "0".repeat(64), false)
                } else {
                    let c = open[*nth as usize % open.len()];
                    (c.precinct, c.content_hash(), true)
                };
                let res = ledger.dismiss_conflict(
                    &id,
                    precinct,
                    &hash,
                    &reason.text(),
                    fixture::author(),
                );
                let ok = models.contains_key(&id)
                    && !m.certified
                    && real
                    && !reason.text().trim().is_empty();
                match res {
                    Ok(d) => {
                        assert!(ok, "dismissal allowed against the rules");
                        record(&mut ledger, &mut log, d);
                    }
                    Err(e) => {
                        assert!(!ok, "a valid dismissal refused: {e}");
                        if m.certified {
                            assert_eq!(e, LedgerError::Certified(id));
                        }
                    }
                }
            }
            Command::Certify { referendum, author } => {
                let id = referendum.id();
                let res = ledger.certify(&id, who(*author));
                let Some(m) = models.get(&id) else {
                    assert!(res.is_err());
                    continue;
                };
                let complete = m.applied.len() == t.precincts.len();
                let no_conflicts = m.conflicts.values().all(Vec::is_empty);
                let ok = !m.certified
                    && complete
                    && no_conflicts
                    && !who(*author).name.trim().is_empty();
                match res {
                    Ok(d) => {
                        assert!(ok, "certified against the rules: {m:?}");
                        let r = ledger.results(&id).unwrap();
                        match d.event() {
                            Event::ResultCertified {
                                national,
                                regions,
                                outcome,
                                ..
                            } => {
                                assert_eq!(national, &r.national);
                                assert_eq!(outcome, &r.outcome);
                                let derived: Vec<_> = r
                                    .regions
                                    .iter()
                                    .map(|x| (x.code.clone(), x.totals))
                                    .collect();
                                assert_eq!(regions, &derived);
                            }
                            e => panic!("certify decided {e:?}"),
                        }
                        record(&mut ledger, &mut log, d);
                    }
                    Err(e) => {
                        assert!(!ok, "a valid certification refused: {e}");
                        if m.certified {
                            assert_eq!(e, LedgerError::Certified(id));
                        } else if (!complete || !no_conflicts)
                            && !who(*author).name.trim().is_empty()
                        {
                            assert!(matches!(e, LedgerError::NotFinal { .. }), "{e}");
                        }
                    }
                }
            }
        }
        // Update the model from what was recorded, if anything.
        assert!(
            log.len() <= before + 1,
            "one command recorded several entries"
        );
        if log.len() == before + 1 {
            let e = log.last().unwrap();
            match &e.event {
                Event::ProtocolAccepted { protocol, .. } => {
                    models
                        .get_mut(&protocol.referendum)
                        .unwrap()
                        .applied
                        .insert(protocol.precinct, protocol.clone());
                }
                Event::ProtocolConflict { protocol, .. } => {
                    models
                        .get_mut(&protocol.referendum)
                        .unwrap()
                        .conflicts
                        .entry(protocol.precinct)
                        .or_default()
                        .push(protocol.clone());
                }
                Event::ProtocolAmended { protocol, .. } => {
                    let m = models.get_mut(&protocol.referendum).unwrap();
                    m.applied.insert(protocol.precinct, protocol.clone());
                    m.conflicts.remove(&protocol.precinct);
                }
                Event::ConflictDismissed {
                    referendum,
                    precinct,
                    protocol_hash,
                    ..
                } => {
                    let m = models.get_mut(referendum).unwrap();
                    if let Some(v) = m.conflicts.get_mut(precinct) {
                        v.retain(|c| &c.content_hash() != protocol_hash);
                    }
                }
                Event::ResultCertified { referendum, .. } => {
                    models.get_mut(referendum).unwrap().certified = true;
                }
                e => panic!("unexpected event {e:?}"),
            }
        }
        check_against_model(&ledger, &t, &defs, &models);
    }

    // The export verifies offline to the same state.
    let text: String = log.iter().map(|e| e.to_json_line() + "\n").collect();
    let report =
        verify::verify_log(&text).unwrap_or_else(|e| panic!("the live log does not verify: {e}"));
    assert_eq!(report.entries, log.len() as u64);
    assert_eq!(Some((report.entries, &report.head)), ledger.head());
    assert_eq!(report.results.len(), defs.len());
    for tree in &report.results {
        assert_eq!(
            tree,
            &ledger.results(&tree.referendum).unwrap(),
            "the verifier re-derives other results"
        );
    }
    log
}

fn check_against_model(
    ledger: &Ledger,
    t: &ashyq_core::territory::Territory,
    defs: &BTreeMap<ContestId, ReferendumDefinition>,
    models: &BTreeMap<ContestId, Model>,
) {
    for (id, m) in models {
        let r = ledger.results(id).unwrap();
        oracle::check_tree(&r);
        oracle::check_outcome(&defs[id], &r);
        // National totals are the plain sums of the applied protocols.
        // (Summed here field by field, not with ashyq-core's `Totals::add_precinct`.)
        let mut sums = [0u64; 12];
        for a in m.applied.values() {
            for (s, (_, v)) in sums.iter_mut().zip(a.lines.named()) {
                *s += v;
            }
        }
        let registered = |p: &PrecinctId| {
            t.precincts
                .iter()
                .find(|q| &q.id == p)
                .map(|q| q.registered_voters)
                .unwrap()
        };
        let expected = Totals {
            precincts: t.precincts.len() as u64,
            precincts_reported: m.applied.len() as u64,
            registered_voters: t.precincts.iter().map(|p| p.registered_voters).sum(),
            registered_voters_reported: m.applied.keys().map(registered).sum(),
            precincts_with_warnings: m
                .applied
                .values()
                .filter(|a| !oracle::expected_rules(&a.lines).1.is_empty())
                .count() as u64,
            lines: ProtocolLines {
                ballots: BallotLines {
                    voters_on_list: sums[0],
                    voters_added_on_day: sums[1],
                    voters_added_absentee: sums[2],
                    absentee_certificates_issued: sums[3],
                    ballots_received: sums[4],
                    ballots_issued: sums[5],
                    ballots_cancelled: sums[6],
                    ballots_found: sums[7],
                },
                yes: sums[8],
                no: sums[9],
                both_marked: sums[10],
                invalid: sums[11],
            },
        };
        assert_eq!(
            r.national, expected,
            "national totals are not the sums of the applied protocols"
        );
        let open: u64 = m.conflicts.values().map(|v| v.len() as u64).sum();
        assert_eq!(r.open_conflicts, open);
        let status = if m.certified {
            ResultStatus::Certified
        } else if m.applied.len() == t.precincts.len() && open == 0 {
            ResultStatus::Final
        } else {
            ResultStatus::Preliminary
        };
        assert_eq!(r.status, status);
        for p in &t.precincts {
            let got = ledger.applied(id, p.id).unwrap().map(|a| &a.protocol);
            assert_eq!(
                got,
                m.applied.get(&p.id),
                "applied protocol of precinct {}",
                p.id
            );
        }
    }
}

// ---- signed documents ------------------------------------------------------------------------

/// `signed_protocol`: any UTF-8 text through the parsers of the signed documents
/// (`SignedProtocol`, `SignedReceipt`, `SignedTreeHead`, `InclusionProof`,
/// `ConsistencyProof`) and their verifiers. Nothing panics. A signed protocol that parses
/// obeys its form (lines ≤ 10,000,000, version ≥ 1), survives a JSON round trip unchanged, and
/// its canonical bytes do not depend on the text's spacing or key order. A verifier never
/// accepts a document under a key that did not sign it (the fixed fuzz key signs nothing the
/// fuzzer can write without forging Ed25519).
pub fn signed_protocol(data: &[u8]) {
    use ashyq_core::keys::{Commission, CommissionSigningKey};
    use ashyq_core::merkle;
    use ashyq_core::signed::{SignedProtocol, Statement};
    use ashyq_core::transparency::{
        ConsistencyProof, InclusionProof, SignedReceipt, SignedTreeHead,
    };

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = CommissionSigningKey::from_seed(Commission::Central, &[7; 32]).public();
    if let Ok(doc) = SignedProtocol::parse(text) {
        let st = &doc.statement;
        assert!(st.version >= 1, "version 0 parsed");
        for (name, value) in st.lines.named() {
            assert!(value <= protocol::MAX_LINE, "line {name} = {value} parsed");
        }
        let again = SignedProtocol::parse(&doc.to_json_pretty()).expect("own output parses");
        assert_eq!(again, doc, "JSON round trip changed the document");
        let value: serde_json::Value = serde_json::from_str(text).expect("parsed before");
        let compact = serde_json::to_string(&value).unwrap();
        let reparsed = SignedProtocol::parse(&compact).expect("same JSON, other spacing");
        assert_eq!(
            reparsed.statement.canonical_bytes().unwrap(),
            st.canonical_bytes().unwrap(),
            "canonical bytes depend on the text's form"
        );
        assert!(
            doc.verify_with(&key).is_err(),
            "a document verified under the fuzz key, which signed nothing"
        );
    }
    if let Ok(receipt) = SignedReceipt::parse(text) {
        assert!(
            receipt.verify(&key).is_err(),
            "a receipt verified under the fuzz key"
        );
    }
    if let Ok(head) = SignedTreeHead::parse(text) {
        assert!(
            head.verify(&key).is_err(),
            "a tree head verified under the fuzz key"
        );
    }
    if let Ok(proof) = InclusionProof::parse(text) {
        let root = merkle::TreeHash::empty_root();
        let _ = merkle::verify_inclusion(
            &root,
            proof.leaf_index,
            proof.tree_size,
            &proof.hashes,
            &root,
        );
    }
    if let Ok(proof) = ConsistencyProof::parse(text) {
        let root = merkle::TreeHash::empty_root();
        let _ = merkle::verify_consistency(
            proof.first_size,
            proof.second_size,
            &root,
            &root,
            &proof.hashes,
        );
    }
}

// ---- the IIN and the voter register's rows --------------------------------------------------

/// The check digit restated from BRIEF §6 (weights 1…11, then 3…11,1,2; 10 twice = never
/// issued), in `u64`, without ashyq-core's code.
fn oracle_check_digit(d: &[u8]) -> Option<u8> {
    let pass = |start: u64| -> u64 {
        d[..11]
            .iter()
            .enumerate()
            .map(|(i, &x)| u64::from(x) * ((start - 1 + i as u64) % 11 + 1))
            .sum::<u64>()
            % 11
    };
    match pass(1) {
        10 => match pass(3) {
            10 => None,
            c => Some(c as u8),
        },
        c => Some(c as u8),
    }
}

/// The calendar rule restated: `Some((year, month, day))` when digits 1–7 are a valid birth
/// date and century digit.
fn oracle_birth_date(d: &[u8]) -> Option<(i32, u32, u32)> {
    let century = match d[6] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return None,
    };
    let year = century + i32::from(d[0]) * 10 + i32::from(d[1]);
    let month = u32::from(d[2]) * 10 + u32::from(d[3]);
    let day = u32::from(d[4]) * 10 + u32::from(d[5]);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some((year, month, day))
}

/// `iin`: any UTF-8 text through `Iin::parse`. Oracle: it is accepted exactly when the trimmed
/// text is 12 ASCII digits with a valid century digit and birth date and the check digit of
/// the restated algorithm; an accepted IIN gives back its digits, its birth date and sex, and
/// is rebuilt by `from_parts`; neither its `Display`/`Debug` nor any error shows the number.
pub fn iin(data: &[u8]) {
    use ashyq_core::iin::{Iin, Sex};
    use chrono::Datelike;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let t = text.trim();
    let digits: Option<Vec<u8>> = (t.chars().count() == 12)
        .then(|| t.chars().map(|c| c.to_digit(10).map(|d| d as u8)).collect())
        .flatten();
    let expected = digits.as_ref().and_then(|d| {
        let date = oracle_birth_date(d)?;
        (oracle_check_digit(d)? == d[11]).then_some(date)
    });
    match (Iin::parse(text), expected) {
        (Ok(iin), Some((y, m, dd))) => {
            assert_eq!(iin.expose(), t, "the digits come back");
            let b = iin.birth_date();
            assert_eq!((b.year(), b.month(), b.day()), (y, m, dd), "birth date");
            let d = digits.expect("12 digits");
            let sex = if d[6] % 2 == 1 {
                Sex::Male
            } else {
                Sex::Female
            };
            assert_eq!(iin.sex(), sex);
            let serial = d[7..11].iter().fold(0u16, |s, &x| s * 10 + u16::from(x));
            assert_eq!(Iin::from_parts(b, sex, serial), Some(iin), "from_parts");
            for shown in [iin.to_string(), format!("{iin:?}"), iin.masked()] {
                assert!(!shown.contains(t), "the number shows in clear: {shown}");
            }
        }
        (Err(e), None) => {
            // What could identify a person is a run of digits: none of the input's runs of
            // six or more digits may show in the error (words of the input may, by chance).
            let shown = e.to_string();
            for run in t
                .split(|c: char| !c.is_ascii_digit())
                .filter(|r| r.len() >= 6)
            {
                assert!(
                    !shown.contains(run),
                    "digits of the input show in an error: {shown}"
                );
            }
        }
        (Ok(_), None) => panic!("accepted an IIN the oracle refuses: {t:?}"),
        (Err(e), Some(_)) => panic!("refused an IIN the oracle accepts ({e}): {t:?}"),
    }
}

/// `register_csv`: any UTF-8 text, each line split on commas, through `register::parse_row`.
/// An accepted row written back with `write_row` parses to the same voter; no error shows an
/// IIN field in clear.
pub fn register_csv(data: &[u8]) {
    use ashyq_core::register::{parse_row, write_row};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        match parse_row(&fields, i as u64 + 1) {
            Ok(voter) => {
                let mut out = String::new();
                write_row(&voter, &mut out);
                let written = out.trim_end_matches('\n');
                // Names with a comma or quote are written quoted; this simple split cannot
                // read those back, so the round trip is checked for the others.
                if !written.contains('"') {
                    let again: Vec<&str> = written.split(',').collect();
                    assert_eq!(parse_row(&again, 1).as_ref(), Ok(&voter), "round trip");
                }
            }
            Err(errors) => {
                assert!(!errors.is_empty(), "a refusal names its problems");
                let iin_field = fields[0].trim();
                // Only the errors about the IIN column are checked: another column's text is
                // quoted in its own error, and may by chance contain the same digits.
                for e in errors.iter().filter(|e| e.column == "iin") {
                    let shown = e.to_string();
                    if iin_field.len() >= 6 && iin_field.chars().all(|c| c.is_ascii_digit()) {
                        assert!(
                            !shown.contains(iin_field),
                            "an IIN shows in an error: {shown}"
                        );
                    }
                }
            }
        }
    }
}
