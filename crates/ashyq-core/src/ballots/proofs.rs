//! The zero-knowledge proofs, each a Fiat–Shamir (non-interactive) sigma protocol over
//! ristretto255 whose challenge comes from a [`merlin`] transcript bound to the manifest
//! hash (see [`super::group::transcript`]).
//!
//! - [`RangeProof`]: a ciphertext `(α, β)` under key `K` encrypts one of the values
//!   `v₀ … v_m` — the disjunctive Chaum–Pedersen proof of Cramer, Damgård and Schoenmakers
//!   (CRYPTO '94). With values `{0, 1}` it is the proof that a selection is 0 or 1; with the
//!   contest's allowed totals it is the contest-rule (sum) proof.
//! - [`DleqProof`]: `log_G X = log_A D` — Chaum–Pedersen (CRYPTO '92), for decryption shares.
//! - [`SchnorrProof`]: knowledge of `x` with `X = x·G`, bound to a message — the credential's
//!   signature on a ballot and the trustees' proofs of their coefficients.
//!
//! Every proof carries its commitments, so that its verification is a set of linear
//! equations that can be batched ([`super::batch`]).

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use serde::{Deserialize, Serialize};

use super::BallotError;
use super::batch::Checks;
use super::group::{Bytes32, append, challenge, random_scalar};

/// One branch `j` of a [`RangeProof`]: the commitments `a = s·G − c·α`,
/// `b = s·K − c·(β − vⱼ·G)`, its challenge `c` and response `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// Commitment in `G`.
    pub a: Bytes32,
    /// Commitment in `K`.
    pub b: Bytes32,
    /// This branch's challenge; the challenges add up to the transcript's.
    pub c: Bytes32,
    /// The response.
    pub s: Bytes32,
}

/// A proof that a ciphertext encrypts one of a list of values: one [`Branch`] per value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RangeProof(pub Vec<Branch>);

/// The statement of a [`RangeProof`], decoded.
#[derive(Debug, Clone, Copy)]
pub struct Encrypted<'a> {
    /// The election key `K`.
    pub key: &'a RistrettoPoint,
    /// `α`.
    pub alpha: &'a RistrettoPoint,
    /// `β`.
    pub beta: &'a RistrettoPoint,
}

fn range_transcript(t: &mut Transcript, values: &[u64]) {
    t.append_u64(b"values", values.len() as u64);
    for v in values {
        t.append_u64(b"value", *v);
    }
}

impl RangeProof {
    /// Proves that `(α, β) = (r·G, values[index]·G + r·K)`. `t` is the transcript already
    /// bound to the statement's encodings (the caller appends the ciphertext or what defines
    /// it).
    pub fn prove<R: rand::CryptoRng + ?Sized>(
        mut t: Transcript,
        ct: Encrypted<'_>,
        r: &Scalar,
        values: &[u64],
        index: usize,
        rng: &mut R,
    ) -> RangeProof {
        range_transcript(&mut t, values);
        let w = random_scalar(rng);
        let mut branches = Vec::with_capacity(values.len());
        let mut simulated = Scalar::ZERO;
        for (j, v) in values.iter().enumerate() {
            if j == index {
                let a = RistrettoPoint::mul_base(&w);
                let b = w * ct.key;
                branches.push((a, b, Scalar::ZERO, Scalar::ZERO));
            } else {
                let c = random_scalar(rng);
                let s = random_scalar(rng);
                let shifted = ct.beta - RistrettoPoint::mul_base(&Scalar::from(*v));
                let a = RistrettoPoint::mul_base(&s) - c * ct.alpha;
                let b = s * ct.key - c * shifted;
                simulated += c;
                branches.push((a, b, c, s));
            }
        }
        for (a, b, _, _) in &branches {
            append(&mut t, b"a", &Bytes32::point(a));
            append(&mut t, b"b", &Bytes32::point(b));
        }
        let c = challenge(&mut t);
        let real = &mut branches[index];
        real.2 = c - simulated;
        real.3 = w + real.2 * r;
        RangeProof(
            branches
                .into_iter()
                .map(|(a, b, c, s)| Branch {
                    a: Bytes32::point(&a),
                    b: Bytes32::point(&b),
                    c: Bytes32::scalar(&c),
                    s: Bytes32::scalar(&s),
                })
                .collect(),
        )
    }

    /// Verifies the proof: the challenges must add up to the transcript's (checked here),
    /// and each branch's two equations go to `checks`. `what` names the proof in errors.
    pub fn verify(
        &self,
        mut t: Transcript,
        ct: Encrypted<'_>,
        values: &[u64],
        checks: &mut impl Checks,
        what: &dyn Fn() -> String,
    ) -> Result<(), BallotError> {
        if self.0.len() != values.len() {
            return Err(BallotError::Shape(format!(
                "{}: {} branches for {} allowed values; the proof needs one branch per value",
                what(),
                self.0.len(),
                values.len()
            )));
        }
        range_transcript(&mut t, values);
        for br in &self.0 {
            append(&mut t, b"a", &br.a);
            append(&mut t, b"b", &br.b);
        }
        let c = challenge(&mut t);
        let mut sum = Scalar::ZERO;
        let mut decoded = Vec::with_capacity(self.0.len());
        for br in &self.0 {
            let a = br.a.to_point(&format_args!("{}: commitment a", what()))?;
            let b = br.b.to_point(&format_args!("{}: commitment b", what()))?;
            let cj = br.c.to_scalar(&format_args!("{}: challenge", what()))?;
            let sj = br.s.to_scalar(&format_args!("{}: response", what()))?;
            sum += cj;
            decoded.push((a, b, cj, sj));
        }
        if sum != c {
            return Err(BallotError::Proof(format!(
                "{}: the branches' challenges do not add up to the transcript's challenge",
                what()
            )));
        }
        for ((a, b, cj, sj), v) in decoded.into_iter().zip(values) {
            // s·G − a − c·α = 0
            checks.equation(sj, Scalar::ZERO, &[(-Scalar::ONE, a), (-cj, *ct.alpha)]);
            // s·K − b − c·β + c·v·G = 0
            checks.equation(
                cj * Scalar::from(*v),
                sj,
                &[(-Scalar::ONE, b), (-cj, *ct.beta)],
            );
        }
        Ok(())
    }
}

/// A Chaum–Pedersen proof that `log_G X = log_A D`: commitments `a = w·G`, `b = w·A` and the
/// response `s = w + c·x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DleqProof {
    /// Commitment in `G`.
    pub a: Bytes32,
    /// Commitment in `A`.
    pub b: Bytes32,
    /// The response.
    pub s: Bytes32,
}

impl DleqProof {
    /// Proves `X = x·G` and `D = x·A`; `t` is bound to the statement (`X`, `A`, `D`).
    pub fn prove<R: rand::CryptoRng + ?Sized>(
        mut t: Transcript,
        x: &Scalar,
        base: &RistrettoPoint,
        rng: &mut R,
    ) -> DleqProof {
        let w = random_scalar(rng);
        let a = Bytes32::point(&RistrettoPoint::mul_base(&w));
        let b = Bytes32::point(&(w * base));
        append(&mut t, b"a", &a);
        append(&mut t, b"b", &b);
        let c = challenge(&mut t);
        DleqProof {
            a,
            b,
            s: Bytes32::scalar(&(w + c * x)),
        }
    }

    /// Verifies against `X`, `A`, `D` (decoded by the caller; `t` bound to their encodings).
    pub fn verify(
        &self,
        mut t: Transcript,
        public: &RistrettoPoint,
        base: &RistrettoPoint,
        image: &RistrettoPoint,
        checks: &mut impl Checks,
        what: &dyn Fn() -> String,
    ) -> Result<(), BallotError> {
        append(&mut t, b"a", &self.a);
        append(&mut t, b"b", &self.b);
        let c = challenge(&mut t);
        let a = self.a.to_point(&format_args!("{}: commitment a", what()))?;
        let b = self.b.to_point(&format_args!("{}: commitment b", what()))?;
        let s = self.s.to_scalar(&format_args!("{}: response", what()))?;
        // s·G − a − c·X = 0
        checks.equation(s, Scalar::ZERO, &[(-Scalar::ONE, a), (-c, *public)]);
        // s·A − b − c·D = 0
        checks.equation(
            Scalar::ZERO,
            Scalar::ZERO,
            &[(s, *base), (-Scalar::ONE, b), (-c, *image)],
        );
        Ok(())
    }
}

/// A Schnorr proof of knowledge of `x` with `X = x·G`, bound to whatever the transcript
/// holds (a ballot's digest makes it a signature): `r = w·G`, `s = w + c·x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchnorrProof {
    /// The commitment.
    pub r: Bytes32,
    /// The response.
    pub s: Bytes32,
}

impl SchnorrProof {
    /// Proves knowledge of `x`; `t` is bound to `X` and the message.
    pub fn prove<R: rand::CryptoRng + ?Sized>(
        mut t: Transcript,
        x: &Scalar,
        rng: &mut R,
    ) -> SchnorrProof {
        let w = random_scalar(rng);
        let r = Bytes32::point(&RistrettoPoint::mul_base(&w));
        append(&mut t, b"r", &r);
        let c = challenge(&mut t);
        SchnorrProof {
            r,
            s: Bytes32::scalar(&(w + c * x)),
        }
    }

    /// Verifies against `X` (`t` bound to its encoding and the message).
    pub fn verify(
        &self,
        mut t: Transcript,
        public: &RistrettoPoint,
        checks: &mut impl Checks,
        what: &dyn Fn() -> String,
    ) -> Result<(), BallotError> {
        append(&mut t, b"r", &self.r);
        let c = challenge(&mut t);
        let r = self.r.to_point(&format_args!("{}: commitment", what()))?;
        let s = self.s.to_scalar(&format_args!("{}: response", what()))?;
        // s·G − r − c·X = 0
        checks.equation(s, Scalar::ZERO, &[(-Scalar::ONE, r), (-c, *public)]);
        Ok(())
    }
}
