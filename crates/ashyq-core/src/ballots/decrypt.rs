//! Threshold decryption of the tally: each of `k` trustees publishes `Dⱼ = xⱼ·A` for every
//! aggregate `(A, B)` with a Chaum–Pedersen proof that `log_G Xⱼ = log_A Dⱼ`; anyone combines
//! them by Lagrange interpolation at 0, `M = B − Σⱼ λⱼ·Dⱼ = m·G`, and recovers the count `m`
//! by baby-step giant-step, up to any bound (the register's 12.5 million and beyond).

use std::collections::HashMap;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use serde::{Deserialize, Serialize};

use super::BallotError;
use super::ballot::Sums;
use super::batch::Checks;
use super::group::{Bytes32, G, append, transcript};
use super::manifest::Election;
use super::proofs::DleqProof;

/// One trustee's decryption of one aggregate: `D = xⱼ·A` and its proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partial {
    /// `Dⱼ`.
    pub d: Bytes32,
    /// Chaum–Pedersen proof of `log_G Xⱼ = log_A Dⱼ`.
    pub proof: DleqProof,
}

/// A trustee's decryption share of the whole tally: per contest and sent selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptionShare {
    /// The trustee.
    pub trustee: u32,
    /// Per contest, per sent selection.
    pub partials: Vec<Vec<Partial>>,
}

fn share_transcript(
    election: &Election,
    trustee: u32,
    contest: usize,
    selection: usize,
    x: &Bytes32,
    a: &Bytes32,
    d: &Bytes32,
) -> merlin::Transcript {
    let mut t = transcript(&election.hash, b"decryption-share");
    t.append_u64(b"trustee", u64::from(trustee));
    t.append_u64(b"contest", contest as u64);
    t.append_u64(b"selection", selection as u64);
    append(&mut t, b"verification-key", x);
    append(&mut t, b"alpha", a);
    append(&mut t, b"share", d);
    t
}

/// A trustee's decryption share of the aggregates `sums`, with its proofs.
pub fn decrypt_share<R: rand::CryptoRng + ?Sized>(
    election: &Election,
    trustee: u32,
    x: &Scalar,
    sums: &Sums,
    rng: &mut R,
) -> DecryptionShare {
    let xb = Bytes32::point(&RistrettoPoint::mul_base(x));
    let partials = sums
        .iter()
        .enumerate()
        .map(|(i, contest)| {
            contest
                .iter()
                .enumerate()
                .map(|(j, (a, _))| {
                    let d = x * a;
                    let db = Bytes32::point(&d);
                    let t = share_transcript(election, trustee, i, j, &xb, &Bytes32::point(a), &db);
                    Partial {
                        d: db,
                        proof: DleqProof::prove(t, x, a, rng),
                    }
                })
                .collect()
        })
        .collect();
    DecryptionShare { trustee, partials }
}

/// Checks a trustee's share against its verification key `Xⱼ` and the aggregates; the
/// proofs' equations go to `checks`.
pub fn verify_share(
    election: &Election,
    verification_key: &RistrettoPoint,
    sums: &Sums,
    share: &DecryptionShare,
    checks: &mut impl Checks,
) -> Result<(), BallotError> {
    if share.partials.len() != sums.len()
        || share
            .partials
            .iter()
            .zip(sums)
            .any(|(p, s)| p.len() != s.len())
    {
        return Err(BallotError::Decryption(format!(
            "trustee {}'s share does not have one part per contest and sent selection",
            share.trustee
        )));
    }
    let xb = Bytes32::point(verification_key);
    for (i, (parts, contest)) in share.partials.iter().zip(sums).enumerate() {
        for (j, (p, (a, _))) in parts.iter().zip(contest).enumerate() {
            let what = || {
                format!(
                    "trustee {}, contest {}, selection {}",
                    share.trustee,
                    i + 1,
                    j + 1
                )
            };
            let d = p.d.to_point(&format_args!("{}: share", what()))?;
            let t = share_transcript(election, share.trustee, i, j, &xb, &Bytes32::point(a), &p.d);
            let what_proof = || format!("{}: proof of correct decryption", what());
            p.proof
                .verify(t, verification_key, a, &d, checks, &what_proof)?;
        }
    }
    Ok(())
}

/// The Lagrange coefficients at 0 of the trustees `set` (distinct, 1 … n):
/// `λⱼ = Π_{m ≠ j} m / (m − j)`.
pub fn lagrange(set: &[u32]) -> Result<Vec<Scalar>, BallotError> {
    let mut sorted = set.to_vec();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) || sorted.first() == Some(&0) {
        return Err(BallotError::Decryption(
            "the decrypting trustees must be distinct and numbered from 1".into(),
        ));
    }
    Ok(set
        .iter()
        .map(|&j| {
            let (num, den) = set.iter().filter(|&&m| m != j).fold(
                (Scalar::ONE, Scalar::ONE),
                |(num, den), &m| {
                    (
                        num * Scalar::from(m),
                        den * (Scalar::from(m) - Scalar::from(j)),
                    )
                },
            );
            num * den.invert()
        })
        .collect())
}

/// Combines `k` decryption shares: per contest and sent selection, `M = B − Σⱼ λⱼ·Dⱼ`.
pub fn combine(
    sums: &Sums,
    shares: &[DecryptionShare],
) -> Result<Vec<Vec<RistrettoPoint>>, BallotError> {
    let set: Vec<u32> = shares.iter().map(|s| s.trustee).collect();
    let lambdas = lagrange(&set)?;
    let mut out = Vec::with_capacity(sums.len());
    for (i, contest) in sums.iter().enumerate() {
        let mut row = Vec::with_capacity(contest.len());
        for (j, (_, b)) in contest.iter().enumerate() {
            let mut m = *b;
            for (share, lambda) in shares.iter().zip(&lambdas) {
                let p = share
                    .partials
                    .get(i)
                    .and_then(|c| c.get(j))
                    .ok_or_else(|| {
                        BallotError::Decryption(format!(
                            "trustee {}'s share misses contest {}, selection {}",
                            share.trustee,
                            i + 1,
                            j + 1
                        ))
                    })?;
                m -= lambda
                    * p.d
                        .to_point(&format_args!("trustee {}: share", share.trustee))?;
            }
            row.push(m);
        }
        out.push(row);
    }
    Ok(out)
}

/// Discrete logarithms `m` of `m·G` for `0 ≤ m ≤ max`, by baby-step giant-step: a table of
/// `⌈√(max+1)⌉` baby steps, then at most as many giant steps per look-up.
#[derive(Debug, Clone)]
pub struct Dlog {
    table: HashMap<[u8; 32], u64>,
    step: u64,
    giant: RistrettoPoint,
    max: u64,
}

impl Dlog {
    /// The table for counts up to `max`.
    pub fn new(max: u64) -> Self {
        let step = ((max as f64 + 1.0).sqrt().ceil() as u64).max(1);
        let mut table = HashMap::with_capacity(step as usize);
        let mut p = RistrettoPoint::identity();
        for j in 0..step {
            table.insert(p.compress().to_bytes(), j);
            p += G;
        }
        Dlog {
            table,
            step,
            giant: p,
            max,
        }
    }

    /// `m` with `m·G = point`, if `m ≤ max`.
    pub fn find(&self, point: &RistrettoPoint) -> Option<u64> {
        let mut p = *point;
        let mut base = 0u64;
        while base <= self.max {
            if let Some(j) = self.table.get(&p.compress().to_bytes()) {
                let m = base + j;
                return (m <= self.max).then_some(m);
            }
            p -= self.giant;
            base += self.step;
        }
        None
    }
}

/// The counts per contest and option (the implied option included) from the combined
/// points, for `ballots` counted ballots.
pub fn counts(
    election: &Election,
    combined: &[Vec<RistrettoPoint>],
    ballots: u64,
) -> Result<Vec<Vec<u64>>, BallotError> {
    let dlog = Dlog::new(ballots);
    let mut out = Vec::new();
    for (i, (rule, row)) in election.manifest.contests.iter().zip(combined).enumerate() {
        let mut counts = Vec::with_capacity(rule.options.len());
        for (j, m) in row.iter().enumerate() {
            counts.push(dlog.find(m).ok_or_else(|| {
                BallotError::Decryption(format!(
                    "contest {} ({}), option {}: the decrypted total is not a count between 0 and {ballots}; a share or the aggregate is wrong",
                    i + 1,
                    rule.id,
                    j + 1
                ))
            })?);
        }
        if rule.sent() < rule.options.len() {
            // The implied option: k marks per ballot, minus the others.
            let marks = u64::from(rule.max) * ballots;
            let others: u64 = counts.iter().sum();
            let last = marks.checked_sub(others).ok_or_else(|| {
                BallotError::Decryption(format!(
                    "contest {} ({}): the sent options add up to more than {marks} marks",
                    i + 1,
                    rule.id
                ))
            })?;
            counts.push(last);
        }
        out.push(counts);
    }
    Ok(out)
}
