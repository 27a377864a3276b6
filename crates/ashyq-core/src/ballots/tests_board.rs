//! The board as a chain: a whole synthetic vote replays strictly and deferred, the result is
//! what was voted, and each tampering the issue names is caught at its entry.

use super::board::{Board, BoardEvent};
use super::synthetic::{referendum_manifest, reseal, run, verify_board};
use super::*;
use crate::journal::{Domain, replay};

fn vote(voters: usize) -> synthetic::Synthetic {
    run(
        referendum_manifest("kz-2026-abroad", 5, 3),
        voters,
        42,
        true,
    )
    .unwrap()
}

fn events(s: &synthetic::Synthetic) -> Vec<BoardEvent> {
    s.entries.iter().map(|e| e.event.clone()).collect()
}

fn first_cast(events: &[BoardEvent]) -> usize {
    events
        .iter()
        .position(|e| matches!(e, BoardEvent::BallotCast { .. }))
        .unwrap()
}

#[test]
fn a_synthetic_vote_replays_and_its_result_is_what_was_voted() {
    let s = vote(240);
    let result = s.board.result().unwrap();
    assert_eq!(result[0], s.expected);
    // 240 voters, 12 re-votes, 4 audits, 2 paper votes: 238 ballots count.
    assert_eq!(s.board.ballots().len(), 252);
    assert_eq!(s.board.audited(), 4);
    assert_eq!(result[0].iter().sum::<u64>(), 238);
    let strict: Board = replay(&s.entries).unwrap();
    assert_eq!(strict.result(), s.board.result());
    let deferred = verify_board(&s.entries, 2).unwrap();
    assert_eq!(deferred.result(), s.board.result());
    // The voter finds their tracking code; a re-voted ballot is on the board but not counted.
    let first = &s.board.ballots()[0];
    assert!(s.board.find(&first.code).is_some());
    assert!(s.board.counts(&first.code));
    let revoted = &s.board.ballots()[19];
    assert_eq!(
        revoted.ballot.credential,
        s.board.ballots()[20].ballot.credential
    );
    assert!(!s.board.counts(&revoted.code) && s.board.counts(&s.board.ballots()[20].code));
    // Entries serialize as tagged JSON lines and parse back.
    let line = s.entries[0].to_json_line();
    assert!(line.contains(r#""event":"election_declared""#), "{line}");
    let back = crate::journal::parse_lines::<BoardEvent>(
        &s.entries
            .iter()
            .map(|e| e.to_json_line() + "\n")
            .collect::<String>(),
    )
    .unwrap();
    assert_eq!(back, s.entries);
}

/// Replays a rewritten board both ways; both must name entry `seq`.
fn refused_at(events: Vec<BoardEvent>, seq: u64, why: &str) {
    let entries = reseal(events);
    let err = replay::<Board>(&entries).unwrap_err();
    assert_eq!(err.seq, seq, "strict: {err}");
    assert!(why == "*" || err.to_string().contains(why), "strict: {err}");
    let (at, reason) = verify_board(&entries, 2).unwrap_err();
    assert_eq!(at, seq, "deferred: {reason}");
    assert!(reason.contains(why) || why == "*", "deferred: {reason}");
}

fn cast_mut(e: &mut BoardEvent) -> &mut Ballot {
    match e {
        BoardEvent::BallotCast { ballot, .. } => ballot,
        _ => panic!("not a cast"),
    }
}

#[test]
fn each_tampering_is_caught_at_its_entry() {
    let s = vote(60);
    let base = events(&s);
    let c = first_cast(&base);
    let seq = |i: usize| i as u64 + 1;

    // A ciphertext byte changed (and the board re-sealed around it).
    let mut ev = base.clone();
    cast_mut(&mut ev[c + 3]).contents_byte_flip();
    // The tracking code no longer chains (it covers the ballot), so the cast is refused there.
    refused_at(ev, seq(c + 3), "tracking code");

    // The same, with the tracking codes recomputed by a careful forger: the proofs fail.
    let mut ev = base.clone();
    cast_mut(&mut ev[c + 3]).contents_byte_flip();
    let ev = recode(ev);
    refused_at(ev, seq(c + 3), "*");

    // An unknown credential.
    let other = run(referendum_manifest("kz-2026-abroad", 5, 3), 3, 7, false).unwrap();
    let foreign = other.board.ballots()[0].ballot.clone();
    let mut ev = base.clone();
    *cast_mut(&mut ev[c + 5]) = foreign;
    refused_at(recode(ev), seq(c + 5), "not published on this board");

    // A valid ballot replayed from another election.
    let elsewhere = run(referendum_manifest("kz-2026-elsewhere", 5, 3), 3, 7, false).unwrap();
    let mut ev = base.clone();
    *cast_mut(&mut ev[c + 5]) = elsewhere.board.ballots()[0].ballot.clone();
    refused_at(
        recode(ev),
        seq(c + 5),
        "counts only in the election it was made for",
    );

    // Two ballots with the same nonce (here, the same ballot twice).
    let mut ev = base.clone();
    let again = ev[c].clone();
    ev.insert(c + 2, again);
    refused_at(recode(ev), seq(c + 2), "reuses a nonce");

    // A dropped ballot: the next code no longer chains, and the voter's code is gone.
    let mut ev = base.clone();
    let dropped = match ev.remove(c + 4) {
        BoardEvent::BallotCast { tracking_code, .. } => tracking_code,
        _ => unreachable!(),
    };
    refused_at(ev.clone(), seq(c + 4), "tracking code");
    let forged = recode(ev);
    let board = verify_board(&reseal(forged.clone()), 2);
    // Recomputing every code hides the drop from the chain but not from the voter, and the
    // tally no longer matches the published one.
    match board {
        Ok(b) => assert!(b.find(&dropped).is_none()),
        Err((_, reason)) => assert!(reason.contains("tally"), "{reason}"),
    }

    // A tally short by one ballot.
    let mut ev = base.clone();
    let t = ev
        .iter()
        .position(|e| matches!(e, BoardEvent::TallyPublished { .. }))
        .unwrap();
    if let BoardEvent::TallyPublished { ballots, .. } = &mut ev[t] {
        *ballots -= 1;
    }
    refused_at(ev, seq(t), "the tally counts");

    // Aggregates short by one ballot (with the count kept).
    let mut ev = base.clone();
    if let BoardEvent::TallyPublished { aggregates, .. } = &mut ev[t] {
        let first = s.board.ballots()[0].ballot.contests[0].selections[0].clone();
        let (a, b) = aggregates[0][0].points(&String::new).unwrap();
        let (fa, fb) = (
            first.alpha.to_point(&"a").unwrap(),
            first.beta.to_point(&"b").unwrap(),
        );
        aggregates[0][0] = Ciphertext::of(&(a - fa), &(b - fb));
    }
    refused_at(ev, seq(t), "aggregates");

    // A wrong decryption share.
    let mut ev = base.clone();
    let d = t + 1;
    if let BoardEvent::DecryptionShared { share } = &mut ev[d] {
        let p = share.partials[0][0].d.to_point(&"d").unwrap();
        share.partials[0][0].d = Bytes32::point(&(p + group::G));
    }
    refused_at(ev, seq(d), "decryption");

    // A result that is not what the shares decrypt to.
    let mut ev = base.clone();
    let last = ev.len() - 1;
    if let BoardEvent::ResultPublished { counts, .. } = &mut ev[last] {
        counts[0][0] += 1;
        counts[0][1] -= 1;
    }
    refused_at(ev, seq(last), "decrypt to");

    // A ballot after voting closed.
    let mut ev = base.clone();
    let cast = ev[c].clone();
    ev.insert(t, cast);
    refused_at(ev, seq(t), "only while the election is open");
}

/// Recomputes every tracking code as a forger rewriting the board would.
fn recode(events: Vec<BoardEvent>) -> Vec<BoardEvent> {
    let mut prev: Option<Bytes32> = None;
    let mut hash = None;
    events
        .into_iter()
        .map(|mut e| {
            if let BoardEvent::ElectionDeclared { manifest } = &e {
                hash = Some(manifest.hash());
            }
            if let BoardEvent::BallotCast {
                ballot,
                tracking_code,
            } = &mut e
            {
                let code =
                    ballot::tracking_code(prev.as_ref().or(hash.as_ref()).unwrap(), &ballot.hash());
                *tracking_code = code;
                prev = Some(code);
            }
            e
        })
        .collect()
}

trait Flip {
    fn contents_byte_flip(&mut self);
}

impl Flip for Ballot {
    fn contents_byte_flip(&mut self) {
        self.contests[0].selections[0].beta.0[5] ^= 0x10;
    }
}

#[test]
fn the_board_refuses_out_of_order_steps() {
    let m = referendum_manifest("kz-2026-abroad", 3, 2);
    let mut b = Board::default();
    assert!(b.record(BoardEvent::VotingOpened, "t".into()).is_err());
    b.record(
        BoardEvent::ElectionDeclared {
            manifest: m.clone(),
        },
        "t".into(),
    )
    .unwrap();
    let err = b
        .record(BoardEvent::ElectionDeclared { manifest: m }, "t".into())
        .unwrap_err();
    assert!(err.to_string().contains("one election"), "{err}");
    let err = b.record(BoardEvent::VotingOpened, "t".into()).unwrap_err();
    assert!(err.to_string().contains("voting opens"), "{err}");
    assert_eq!(b.head().unwrap().0, 1, "refused events record nothing");
}
