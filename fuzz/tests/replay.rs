//! Replays the seeds and the saved regressions through the targets without libFuzzer (stable
//! compiler, `cargo test` in this folder), and checks the tampering harness itself.

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use ashyq_fuzz::mutate::{Mutation, Mutations};
use ashyq_fuzz::{fixture, targets};

fn run(target: &str, data: &[u8]) {
    match target {
        "protocol_json" => targets::protocol_json(data),
        "protocol_csv" => targets::protocol_csv(data),
        "party_list_json" => targets::party_list_json(data),
        "territory_csv" => targets::territory_csv(data),
        "verify_log" => targets::verify_log(data),
        "signed_protocol" => targets::signed_protocol(data),
        "iin" => targets::iin(data),
        "register_csv" => targets::register_csv(data),
        // Typed inputs are decoded as libfuzzer-sys decodes them.
        "verify_mutated_log" => {
            if let Ok(input) = targets::MutatedLog::arbitrary_take_rest(Unstructured::new(data)) {
                targets::verify_mutated_log(&input)
            }
        }
        "ledger_commands" => {
            if let Ok(input) = targets::Session::arbitrary_take_rest(Unstructured::new(data)) {
                targets::ledger_commands(&input);
            }
        }
        other => panic!("unknown target {other}"),
    }
}

fn replay(folder: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut n = 0;
    let Ok(targets) = std::fs::read_dir(&root) else {
        return 0;
    };
    for t in targets {
        let t = t.unwrap();
        let name = t.file_name().into_string().unwrap();
        for f in std::fs::read_dir(t.path()).unwrap() {
            let path = f.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            eprintln!("{}", path.display());
            run(&name, &data);
            n += 1;
        }
    }
    n
}

#[test]
fn seeds_pass() {
    assert!(replay("seeds") > 0);
}

/// Each file under regressions/ is a minimized input that once failed (see docs/fuzzing.md).
/// The truncated log of `verify_mutated_log` fails only under feature `strict-truncation`,
/// where `dropping_the_last_entry_is_reported_in_strict_mode` covers it instead.
#[test]
#[cfg_attr(
    feature = "strict-truncation",
    ignore = "the truncation finding fails by design"
)]
fn regressions_pass() {
    replay("regressions");
}

/// Writes the fixture's export as the seed of `verify_log`:
/// `cargo test --test replay -- --ignored write_verify_log_seed`.
#[test]
#[ignore = "writes seeds/verify_log/fixture.jsonl"]
fn write_verify_log_seed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/verify_log/fixture.jsonl");
    std::fs::write(path, &fixture::get().text).unwrap();
}

// ---- seeds for the structured targets ----------------------------------------------------
//
// libFuzzer hands the structured targets raw bytes that `arbitrary` decodes. To give them seeds
// that reach deep states (a certified result, a dismissed conflict), `Enc` writes a chosen
// input in the byte layout arbitrary 1.x reads: integers little-endian, `bool` as a byte,
// an enum variant as a `u32` scaled to the variant count, a trailing `Vec` as elements each
// preceded by a `1` byte.

use ashyq_fuzz::targets::{Command, LinesSpec, MutatedLog, RefSel, Session, TextSpec};

trait Enc {
    fn enc(&self, out: &mut Vec<u8>);
}

fn variant(i: u64, count: u64, out: &mut Vec<u8>) {
    let x = (i << 32).div_ceil(count);
    out.extend_from_slice(&(x as u32).to_le_bytes());
}

macro_rules! enc_int {
    ($($t:ty),*) => {$(impl Enc for $t {
        fn enc(&self, out: &mut Vec<u8>) { out.extend_from_slice(&self.to_le_bytes()) }
    })*};
}
enc_int!(u8, u16, u32, u64);

impl Enc for bool {
    fn enc(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self))
    }
}

impl Enc for RefSel {
    fn enc(&self, out: &mut Vec<u8>) {
        let i = match self {
            RefSel::Kz2026 => 0,
            RefSel::Kz2022 => 1,
            RefSel::Unknown => 2,
        };
        variant(i, 3, out)
    }
}

impl Enc for TextSpec {
    fn enc(&self, out: &mut Vec<u8>) {
        match self {
            TextSpec::Empty => variant(0, 3, out),
            TextSpec::Blank => variant(1, 3, out),
            TextSpec::Word(n) => {
                variant(2, 3, out);
                n.enc(out)
            }
        }
    }
}

impl Enc for LinesSpec {
    fn enc(&self, out: &mut Vec<u8>) {
        match *self {
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
            } => {
                variant(0, 3, out);
                list.enc(out);
                issued.enc(out);
                cancelled.enc(out);
                lost.enc(out);
                yes.enc(out);
                no.enc(out);
                both.enc(out);
                added_day.enc(out);
                added_absentee.enc(out);
                certificates.enc(out);
            }
            LinesSpec::Raw(a) => {
                variant(1, 3, out);
                a.iter().for_each(|v| v.enc(out));
            }
            LinesSpec::Poke { line, value } => {
                variant(2, 3, out);
                line.enc(out);
                value.enc(out);
            }
        }
    }
}

impl Enc for Command {
    fn enc(&self, out: &mut Vec<u8>) {
        match self {
            Command::Submit {
                referendum,
                precinct,
                lines,
            } => {
                variant(0, 7, out);
                referendum.enc(out);
                precinct.enc(out);
                lines.enc(out);
            }
            Command::SubmitAll { referendum, lines } => {
                variant(1, 7, out);
                referendum.enc(out);
                lines.enc(out);
            }
            Command::Resubmit { nth } => {
                variant(2, 7, out);
                nth.enc(out);
            }
            Command::Amend {
                referendum,
                precinct,
                lines,
                reason,
                author,
            } => {
                variant(3, 7, out);
                referendum.enc(out);
                precinct.enc(out);
                lines.enc(out);
                reason.enc(out);
                author.enc(out);
            }
            Command::AmendWithConflict {
                referendum,
                nth,
                reason,
            } => {
                variant(4, 7, out);
                referendum.enc(out);
                nth.enc(out);
                reason.enc(out);
            }
            Command::Dismiss {
                referendum,
                nth,
                made_up,
                reason,
            } => {
                variant(5, 7, out);
                referendum.enc(out);
                nth.enc(out);
                made_up.enc(out);
                reason.enc(out);
            }
            Command::Certify { referendum, author } => {
                variant(6, 7, out);
                referendum.enc(out);
                author.enc(out);
            }
        }
    }
}

impl Enc for Mutation {
    fn enc(&self, out: &mut Vec<u8>) {
        match *self {
            Mutation::SetByte { pos, byte } => {
                variant(0, 12, out);
                pos.enc(out);
                byte.enc(out)
            }
            Mutation::InsertByte { pos, byte } => {
                variant(1, 12, out);
                pos.enc(out);
                byte.enc(out)
            }
            Mutation::DeleteBytes { pos, len } => {
                variant(2, 12, out);
                pos.enc(out);
                len.enc(out)
            }
            Mutation::SetDigit { nth, digit } => {
                variant(3, 12, out);
                nth.enc(out);
                digit.enc(out)
            }
            Mutation::InsertWhitespace { pos, which } => {
                variant(4, 12, out);
                pos.enc(out);
                which.enc(out)
            }
            Mutation::EscapeChar { pos } => {
                variant(5, 12, out);
                pos.enc(out)
            }
            Mutation::DeleteLine { line } => {
                variant(6, 12, out);
                line.enc(out)
            }
            Mutation::DuplicateLine { line } => {
                variant(7, 12, out);
                line.enc(out)
            }
            Mutation::SwapLines { a, b } => {
                variant(8, 12, out);
                a.enc(out);
                b.enc(out)
            }
            Mutation::MoveLine { from, to } => {
                variant(9, 12, out);
                from.enc(out);
                to.enc(out)
            }
            Mutation::ReencodeLine { line } => {
                variant(10, 12, out);
                line.enc(out)
            }
            Mutation::TruncateAt { pos } => {
                variant(11, 12, out);
                pos.enc(out)
            }
        }
    }
}

/// A trailing `Vec`: each element after a `1` byte.
fn enc_rest<T: Enc>(items: &[T], out: &mut Vec<u8>) {
    for i in items {
        out.push(1);
        i.enc(out);
    }
}

fn consistent(yes: u16) -> LinesSpec {
    LinesSpec::Consistent {
        list: 1000,
        issued: 700,
        cancelled: 250,
        lost: 0,
        yes,
        no: 150,
        both: 10,
        added_day: 5,
        added_absentee: 1,
        certificates: 2,
    }
}

/// A session that goes through every kind of event and most refusals.
fn full_session() -> Session {
    use Command::*;
    use RefSel::*;
    Session {
        with_kz2022: true,
        commands: vec![
            SubmitAll {
                referendum: Kz2026,
                lines: consistent(500),
            },
            Submit {
                referendum: Kz2026,
                precinct: 0,
                lines: consistent(400),
            },
            Dismiss {
                referendum: Kz2026,
                nth: 0,
                made_up: false,
                reason: TextSpec::Word(1),
            },
            Submit {
                referendum: Kz2026,
                precinct: 1,
                lines: consistent(450),
            },
            AmendWithConflict {
                referendum: Kz2026,
                nth: 0,
                reason: TextSpec::Word(2),
            },
            Amend {
                referendum: Kz2026,
                precinct: 2,
                lines: consistent(520),
                reason: TextSpec::Blank,
                author: TextSpec::Word(3),
            },
            Submit {
                referendum: Kz2026,
                precinct: 2,
                lines: LinesSpec::Raw([7; 12]),
            },
            Submit {
                referendum: Unknown,
                precinct: 2,
                lines: consistent(1),
            },
            Resubmit { nth: 0 },
            Certify {
                referendum: Kz2026,
                author: TextSpec::Word(4),
            },
            SubmitAll {
                referendum: Kz2022,
                lines: LinesSpec::Poke {
                    line: 8,
                    value: 20_000_000,
                },
            },
            SubmitAll {
                referendum: Kz2022,
                lines: consistent(100),
            },
            Certify {
                referendum: Kz2022,
                author: TextSpec::Blank,
            },
            Certify {
                referendum: Kz2022,
                author: TextSpec::Word(5),
            },
            Submit {
                referendum: Kz2026,
                precinct: 0,
                lines: consistent(1),
            },
        ],
    }
}

fn encode_session(s: &Session) -> Vec<u8> {
    let mut out = Vec::new();
    s.with_kz2022.enc(&mut out);
    enc_rest(&s.commands, &mut out);
    out
}

fn encode_mutations(ms: &[Mutation]) -> Vec<u8> {
    let mut out = Vec::new();
    enc_rest(ms, &mut out);
    out
}

/// The neutral edits of the `verify_mutated_log` seed: keys re-ordered, an escape, a space, a
/// CRLF line end.
fn neutral_edits() -> Vec<Mutation> {
    vec![
        Mutation::ReencodeLine { line: 3 },
        Mutation::EscapeChar { pos: 40 },
        Mutation::InsertWhitespace { pos: 1, which: 0 },
        Mutation::InsertWhitespace { pos: 0, which: 2 },
    ]
}

#[test]
fn the_encoder_writes_what_arbitrary_reads_and_the_session_reaches_every_event() {
    let s = full_session();
    let back = Session::arbitrary_take_rest(Unstructured::new(&encode_session(&s))).unwrap();
    assert_eq!(format!("{back:?}"), format!("{s:?}"));
    let kinds: std::collections::BTreeSet<&str> = targets::ledger_commands(&s)
        .iter()
        .map(|e| e.event.kind())
        .collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    let ms = neutral_edits();
    let back = MutatedLog::arbitrary_take_rest(Unstructured::new(&encode_mutations(&ms))).unwrap();
    assert_eq!(format!("{:?}", back.mutations.0), format!("{ms:?}"));
}

/// Writes the seeds of the structured targets:
/// `cargo test --test replay -- --ignored write_structured_seeds`.
#[test]
#[ignore = "writes seeds/ledger_commands/ and seeds/verify_mutated_log/"]
fn write_structured_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    std::fs::write(
        root.join("ledger_commands/every-event.bin"),
        encode_session(&full_session()),
    )
    .unwrap();
    std::fs::write(
        root.join("verify_mutated_log/neutral-edits.bin"),
        encode_mutations(&neutral_edits()),
    )
    .unwrap();
}

fn mutated(ms: Vec<Mutation>) -> targets::MutatedLog {
    targets::MutatedLog {
        mutations: Mutations(ms),
    }
}

#[test]
fn the_fixture_verifies_and_has_every_kind_of_event() {
    let f = fixture::get();
    let r = ashyq_core::verify::verify_log(&f.text).unwrap();
    assert_eq!(r.entries, f.entries.len() as u64);
    let mut kinds: Vec<&str> = f.entries.iter().map(|e| e.event.kind()).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    targets::verify_log(f.text.as_bytes());
}

#[test]
fn neutral_edits_still_verify_and_real_edits_are_caught() {
    // Each of these runs the target's assertions; none may panic.
    for ms in [
        vec![],
        vec![Mutation::ReencodeLine { line: 0 }],
        vec![Mutation::ReencodeLine { line: 9 }],
        vec![Mutation::EscapeChar { pos: 20 }],
        vec![Mutation::InsertWhitespace { pos: 1, which: 0 }],
        vec![Mutation::InsertWhitespace { pos: 1, which: 3 }],
        vec![Mutation::InsertWhitespace { pos: 0, which: 4 }],
        vec![Mutation::SetDigit { nth: 100, digit: 7 }],
        vec![Mutation::SetByte {
            pos: 300,
            byte: b'x',
        }],
        vec![Mutation::DeleteLine { line: 4 }],
        vec![Mutation::DeleteLine { line: 10 }],
        vec![Mutation::SwapLines { a: 3, b: 4 }],
        vec![Mutation::DuplicateLine { line: 2 }],
        vec![Mutation::MoveLine { from: 9, to: 0 }],
    ] {
        targets::verify_mutated_log(&mutated(ms));
    }
}

#[test]
#[cfg_attr(
    not(feature = "strict-truncation"),
    ignore = "needs feature strict-truncation"
)]
#[should_panic(expected = "the log cut after entry 9 of 10 verifies")]
fn dropping_the_last_entry_is_reported_in_strict_mode() {
    targets::verify_mutated_log(&mutated(vec![Mutation::DeleteLine { line: 9 }]));
}
