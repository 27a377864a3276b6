//! Verifying many ballots fast: in batches of [`CHUNK`] ballots, each batch one random linear
//! combination checked by one multiscalar multiplication ([`super::batch`]), the batches
//! shared between threads. A batch that fails is checked again ballot by ballot, so the first
//! bad ballot is named all the same.
//!
//! Threads are the standard library's scoped threads: no I/O, nothing outlives the call.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

use super::ballot::{self, Ballot, Sums, empty_sums, verify_with};
use super::batch::{Batch, OneByOne};
use super::manifest::Election;
use super::{BallotError, Bytes32};

/// Ballots per batch: large enough that the multiscalar multiplication runs at its best rate
/// per point, small enough that a failed batch is cheap to check again.
pub const CHUNK: usize = 512;

/// The first bad ballot: its index in the slice and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ballot {index}: {reason}")]
pub struct BadBallot {
    /// Index in the verified slice, from 0.
    pub index: usize,
    /// Why it is refused.
    pub reason: BallotError,
}

/// How to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Each equation on its own (the baseline).
    OneByOne,
    /// Random linear combinations of [`CHUNK`] ballots.
    Batched,
}

/// Verifies `ballots` on `threads` threads and sums the ciphertexts of those whose `counted`
/// flag is set (`counted` as long as `ballots`). Returns the sums, or the first bad ballot.
pub fn verify_ballots(
    election: &Election,
    ballots: &[Ballot],
    counted: &[bool],
    mode: Mode,
    threads: usize,
) -> Result<Sums, BadBallot> {
    assert_eq!(ballots.len(), counted.len(), "one counted flag per ballot");
    let chunks = ballots.len().div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    let first_bad: Mutex<Option<BadBallot>> = Mutex::new(None);
    let totals: Mutex<Sums> = Mutex::new(empty_sums(election));
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                let mut local = empty_sums(election);
                loop {
                    let c = next.fetch_add(1, Ordering::Relaxed);
                    if c >= chunks {
                        break;
                    }
                    let start = c * CHUNK;
                    let end = (start + CHUNK).min(ballots.len());
                    if let Err(bad) = verify_chunk(
                        election,
                        &ballots[start..end],
                        &counted[start..end],
                        mode,
                        &mut local,
                    ) {
                        let bad = BadBallot {
                            index: start + bad.index,
                            reason: bad.reason,
                        };
                        let mut slot = first_bad.lock().expect("no thread panics holding it");
                        if slot.as_ref().is_none_or(|b| b.index > bad.index) {
                            *slot = Some(bad);
                        }
                    }
                }
                let mut totals = totals.lock().expect("no thread panics holding it");
                add_sums(&mut totals, &local);
            });
        }
    });
    match first_bad.into_inner().expect("threads joined") {
        Some(bad) => Err(bad),
        None => Ok(totals.into_inner().expect("threads joined")),
    }
}

/// Adds `more` into `into`.
pub fn add_sums(into: &mut Sums, more: &Sums) {
    for (a, b) in into.iter_mut().zip(more) {
        for (x, y) in a.iter_mut().zip(b) {
            x.0 += y.0;
            x.1 += y.1;
        }
    }
}

fn verify_chunk(
    election: &Election,
    ballots: &[Ballot],
    counted: &[bool],
    mode: Mode,
    sums: &mut Sums,
) -> Result<(), BadBallot> {
    let digests: Vec<Bytes32> = ballots.iter().map(Ballot::digest).collect();
    let mut chunk_sums = empty_sums(election);
    match mode {
        Mode::OneByOne => {
            for (index, (b, d)) in ballots.iter().zip(&digests).enumerate() {
                one(election, b, d, counted[index].then_some(&mut chunk_sums))
                    .map_err(|reason| BadBallot { index, reason })?;
            }
        }
        Mode::Batched => {
            // The weights are drawn after the whole batch is fixed: seeded by a hash of the
            // election and of every ballot's hash.
            let mut seed = Sha256::new();
            seed.update(b"ashyq-batch-v1");
            seed.update(election.hash.0);
            for (b, d) in ballots.iter().zip(&digests) {
                seed.update(b.hash_with(d).0);
            }
            let mut batch = Batch::new(election.key, seed.finalize().into());
            for (index, (b, d)) in ballots.iter().zip(&digests).enumerate() {
                verify_with(
                    election,
                    b,
                    d,
                    &mut batch,
                    counted[index].then_some(&mut chunk_sums),
                )
                .map_err(|reason| BadBallot { index, reason })?;
            }
            if !batch.holds() {
                for (index, (b, d)) in ballots.iter().zip(&digests).enumerate() {
                    one(election, b, d, None).map_err(|reason| BadBallot { index, reason })?;
                }
                unreachable_batch()?;
            }
        }
    }
    add_sums(sums, &chunk_sums);
    Ok(())
}

/// A batch that fails while every ballot of it passes alone cannot happen (the combination of
/// true equations is 0); should it, the batch is refused rather than counted.
fn unreachable_batch() -> Result<(), BadBallot> {
    Err(BadBallot {
        index: 0,
        reason: BallotError::Proof(
            "the batch's combined equation fails though each ballot passes alone; refused".into(),
        ),
    })
}

fn one(
    election: &Election,
    b: &Ballot,
    digest: &Bytes32,
    sums: Option<&mut Sums>,
) -> Result<(), BallotError> {
    let mut checks = OneByOne::new(election.key);
    verify_with(election, b, digest, &mut checks, sums)?;
    if checks.ok() {
        Ok(())
    } else {
        ballot::verify(election, b)
    }
}
