//! A ballot: per contest its encrypted selections with their 0/1 proofs and the contest-rule
//! proof, signed by the voter's credential; its digest, hash and tracking code; encryption on
//! the voter's device and the Benaloh audit of a spoiled ballot.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BallotError;
use super::batch::Checks;
use super::group::{Bytes32, append, random_scalar, transcript};
use super::manifest::Election;
use super::proofs::{Encrypted, RangeProof, SchnorrProof};

/// An exponential ElGamal ciphertext `(α, β) = (r·G, m·G + r·K)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ciphertext {
    /// `α = r·G`.
    pub alpha: Bytes32,
    /// `β = m·G + r·K`.
    pub beta: Bytes32,
}

impl Ciphertext {
    /// Encodes decoded points.
    pub fn of(alpha: &RistrettoPoint, beta: &RistrettoPoint) -> Self {
        Ciphertext {
            alpha: Bytes32::point(alpha),
            beta: Bytes32::point(beta),
        }
    }

    /// Decodes it; `what` names it in errors.
    pub fn points(
        &self,
        what: &dyn Fn() -> String,
    ) -> Result<(RistrettoPoint, RistrettoPoint), BallotError> {
        Ok((
            self.alpha.to_point(&format_args!("{}: α", what()))?,
            self.beta.to_point(&format_args!("{}: β", what()))?,
        ))
    }
}

/// One encrypted selection with its proof that it is 0 or 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// `α = r·G`.
    pub alpha: Bytes32,
    /// `β = m·G + r·K`.
    pub beta: Bytes32,
    /// The disjunctive proof that `m ∈ {0, 1}`.
    pub proof: RangeProof,
}

/// One contest of a ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestBallot {
    /// The sent selections ([`super::ContestRule::sent`]).
    pub selections: Vec<Selection>,
    /// The contest-rule proof on the sum of the selections, present exactly when
    /// [`super::ContestRule::sum_values`] is `Some`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sum: Option<RangeProof>,
}

/// A cast ballot, as it stands on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// The manifest hash of the election it was made for.
    pub election: Bytes32,
    /// The public credential that signs it.
    pub credential: Bytes32,
    /// One entry per contest, in manifest order.
    pub contests: Vec<ContestBallot>,
    /// The credential's Schnorr signature on the ballot's digest.
    pub signature: SchnorrProof,
}

/// A ballot just encrypted, with what the voter's device keeps until it is cast or audited.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// The ballot.
    pub ballot: Ballot,
    /// The voter's choices: per contest, the marked options.
    pub choices: Vec<Vec<u32>>,
    /// Per contest and sent selection, the nonce `r`.
    pub nonces: Vec<Vec<Bytes32>>,
}

/// A spoiled ballot opened for the Benaloh challenge: the ballot with its choices and nonces.
/// Such a ballot is never counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// The audited ballot.
    pub ballot: Ballot,
    /// Per contest, the marked options (from 0).
    pub choices: Vec<Vec<u32>>,
    /// Per contest and sent selection, the nonce.
    pub nonces: Vec<Vec<Bytes32>>,
}

impl Sealed {
    /// Opens it for the Benaloh challenge (the ballot is then spoiled, never cast).
    pub fn audit(&self) -> Audit {
        Audit {
            ballot: self.ballot.clone(),
            choices: self.choices.clone(),
            nonces: self.nonces.clone(),
        }
    }
}

impl Ballot {
    /// The digest the credential signs: SHA-256 of `"ashyq-ballot-v1"`, the manifest hash, the
    /// credential, then per contest the number of selections (u32 little-endian) and each
    /// selection's `α ‖ β ‖ branches (u32) ‖ a ‖ b ‖ c ‖ s …`, then a byte 0 or 1 for the
    /// sum proof and its branches the same way.
    pub fn digest(&self) -> Bytes32 {
        let mut h = Sha256::new();
        h.update(b"ashyq-ballot-v1");
        h.update(self.election.0);
        h.update(self.credential.0);
        h.update((self.contests.len() as u32).to_le_bytes());
        let proof = |h: &mut Sha256, p: &RangeProof| {
            h.update((p.0.len() as u32).to_le_bytes());
            for b in &p.0 {
                h.update(b.a.0);
                h.update(b.b.0);
                h.update(b.c.0);
                h.update(b.s.0);
            }
        };
        for c in &self.contests {
            h.update((c.selections.len() as u32).to_le_bytes());
            for s in &c.selections {
                h.update(s.alpha.0);
                h.update(s.beta.0);
                proof(&mut h, &s.proof);
            }
            match &c.sum {
                None => h.update([0u8]),
                Some(p) => {
                    h.update([1u8]);
                    proof(&mut h, p);
                }
            }
        }
        Bytes32(h.finalize().into())
    }

    /// The ballot's hash, covering its signature too: `SHA-256(digest ‖ r ‖ s)`.
    pub fn hash_with(&self, digest: &Bytes32) -> Bytes32 {
        let mut h = Sha256::new();
        h.update(digest.0);
        h.update(self.signature.r.0);
        h.update(self.signature.s.0);
        Bytes32(h.finalize().into())
    }

    /// [`Ballot::hash_with`] its own digest.
    pub fn hash(&self) -> Bytes32 {
        self.hash_with(&self.digest())
    }
}

/// The tracking code of a ballot cast after the ballot whose code is `previous` (the manifest
/// hash for the first): `SHA-256("ashyq-tracking-v1" ‖ previous ‖ ballot hash)`. Each code
/// commits to every ballot cast before it, so a ballot dropped from the board breaks the
/// codes of every voter after it.
pub fn tracking_code(previous: &Bytes32, ballot_hash: &Bytes32) -> Bytes32 {
    let mut h = Sha256::new();
    h.update(b"ashyq-tracking-v1");
    h.update(previous.0);
    h.update(ballot_hash.0);
    Bytes32(h.finalize().into())
}

/// The short form of a tracking code shown to the voter: its first 16 hex digits in groups
/// of 4.
pub fn short_code(code: &Bytes32) -> String {
    let hex = code.to_hex();
    [&hex[0..4], &hex[4..8], &hex[8..12], &hex[12..16]].join("-")
}

fn selection_transcript(
    election: &Election,
    credential: &Bytes32,
    contest: usize,
    selection: usize,
    alpha: &Bytes32,
    beta: &Bytes32,
) -> Transcript {
    let mut t = transcript(&election.hash, b"selection");
    append(&mut t, b"key", &election.key_bytes);
    append(&mut t, b"credential", credential);
    t.append_u64(b"contest", contest as u64);
    t.append_u64(b"selection", selection as u64);
    append(&mut t, b"alpha", alpha);
    append(&mut t, b"beta", beta);
    t
}

fn sum_transcript(
    election: &Election,
    credential: &Bytes32,
    contest: usize,
    c: &ContestBallot,
) -> Transcript {
    let mut t = transcript(&election.hash, b"contest-sum");
    append(&mut t, b"key", &election.key_bytes);
    append(&mut t, b"credential", credential);
    t.append_u64(b"contest", contest as u64);
    for s in &c.selections {
        append(&mut t, b"alpha", &s.alpha);
        append(&mut t, b"beta", &s.beta);
    }
    t
}

fn signature_transcript(election: &Election, credential: &Bytes32, digest: &Bytes32) -> Transcript {
    let mut t = transcript(&election.hash, b"ballot-signature");
    append(&mut t, b"credential", credential);
    append(&mut t, b"ballot", digest);
    t
}

/// Checks the voter's choices against the manifest: per contest, distinct options in range,
/// between `min` and `max` of them.
pub fn check_choices(election: &Election, choices: &[Vec<u32>]) -> Result<(), BallotError> {
    let contests = &election.manifest.contests;
    if choices.len() != contests.len() {
        return Err(BallotError::Choice(format!(
            "the election has {} contests but {} were answered; answer each contest",
            contests.len(),
            choices.len()
        )));
    }
    for (i, (rule, marks)) in contests.iter().zip(choices).enumerate() {
        let mut seen = vec![false; rule.options.len()];
        for &m in marks {
            let Some(slot) = seen.get_mut(m as usize) else {
                return Err(BallotError::Choice(format!(
                    "contest {} ({}): option {} does not exist (options 0 to {})",
                    i + 1,
                    rule.id,
                    m,
                    rule.options.len() - 1
                )));
            };
            if *slot {
                return Err(BallotError::Choice(format!(
                    "contest {} ({}): option {m} is marked twice",
                    i + 1,
                    rule.id
                )));
            }
            *slot = true;
        }
        let n = marks.len() as u32;
        if n < rule.min || n > rule.max {
            return Err(BallotError::Choice(format!(
                "contest {} ({}): {n} marks, but the rule allows {} to {}",
                i + 1,
                rule.id,
                rule.min,
                rule.max
            )));
        }
    }
    Ok(())
}

/// Encrypts and proves a ballot on the voter's device and signs it with the credential's
/// secret.
pub fn encrypt<R: rand::CryptoRng + ?Sized>(
    election: &Election,
    credential: &Scalar,
    choices: &[Vec<u32>],
    rng: &mut R,
) -> Result<Sealed, BallotError> {
    check_choices(election, choices)?;
    let public = super::credential::public(credential);
    let mut contests = Vec::with_capacity(choices.len());
    let mut nonces = Vec::with_capacity(choices.len());
    for (i, (rule, marks)) in election.manifest.contests.iter().zip(choices).enumerate() {
        let sent = rule.sent();
        let mut selections = Vec::with_capacity(sent);
        let mut rs = Vec::with_capacity(sent);
        let (mut total, mut r_total) = (0u64, Scalar::ZERO);
        for j in 0..sent {
            let m = u64::from(marks.contains(&(j as u32)));
            let r = random_scalar(rng);
            let alpha = RistrettoPoint::mul_base(&r);
            let beta = RistrettoPoint::mul_base(&Scalar::from(m)) + r * election.key;
            let (a, b) = (Bytes32::point(&alpha), Bytes32::point(&beta));
            let t = selection_transcript(election, &public, i, j, &a, &b);
            let ct = Encrypted {
                key: &election.key,
                alpha: &alpha,
                beta: &beta,
            };
            let proof = RangeProof::prove(t, ct, &r, &[0, 1], m as usize, rng);
            selections.push(Selection {
                alpha: a,
                beta: b,
                proof,
            });
            rs.push(Bytes32::scalar(&r));
            total += m;
            r_total += r;
        }
        let mut contest = ContestBallot {
            selections,
            sum: None,
        };
        if let Some(values) = rule.sum_values() {
            let index = values
                .iter()
                .position(|v| *v == total)
                .expect("checked choices give an allowed total");
            let alpha = RistrettoPoint::mul_base(&r_total);
            let beta = RistrettoPoint::mul_base(&Scalar::from(total)) + r_total * election.key;
            let ct = Encrypted {
                key: &election.key,
                alpha: &alpha,
                beta: &beta,
            };
            let t = sum_transcript(election, &public, i, &contest);
            contest.sum = Some(RangeProof::prove(t, ct, &r_total, &values, index, rng));
        }
        contests.push(contest);
        nonces.push(rs);
    }
    let mut ballot = Ballot {
        election: election.hash,
        credential: public,
        contests,
        signature: SchnorrProof {
            r: Bytes32::default(),
            s: Bytes32::default(),
        },
    };
    let digest = ballot.digest();
    ballot.signature = SchnorrProof::prove(
        signature_transcript(election, &public, &digest),
        credential,
        rng,
    );
    Ok(Sealed {
        ballot,
        choices: choices.to_vec(),
        nonces,
    })
}

/// Per contest and sent selection, the running sum of the counted ballots' ciphertexts.
pub type Sums = Vec<Vec<(RistrettoPoint, RistrettoPoint)>>;

/// Empty [`Sums`] for an election.
pub fn empty_sums(election: &Election) -> Sums {
    use curve25519_dalek::traits::Identity;
    election
        .manifest
        .contests
        .iter()
        .map(|c| vec![(RistrettoPoint::identity(), RistrettoPoint::identity()); c.sent()])
        .collect()
}

/// Verifies a ballot whose digest is `digest`: its election, shape, encodings and every
/// challenge here; its proofs' equations go to `checks`. When `sums` is given, the ballot's
/// ciphertexts are added to it (a verifier sums what it has already decoded).
pub fn verify_with(
    election: &Election,
    ballot: &Ballot,
    digest: &Bytes32,
    checks: &mut impl Checks,
    sums: Option<&mut Sums>,
) -> Result<(), BallotError> {
    if ballot.election != election.hash {
        return Err(BallotError::WrongElection {
            found: ballot.election,
            expected: election.hash,
        });
    }
    let rules = &election.manifest.contests;
    if ballot.contests.len() != rules.len() {
        return Err(BallotError::Shape(format!(
            "the ballot has {} contests but the manifest has {}",
            ballot.contests.len(),
            rules.len()
        )));
    }
    let credential = ballot.credential.to_point(&"the ballot's credential")?;
    let mut sums = sums;
    for (i, (rule, contest)) in rules.iter().zip(&ballot.contests).enumerate() {
        if contest.selections.len() != rule.sent() {
            return Err(BallotError::Shape(format!(
                "contest {} ({}): {} selections but the rule asks for {} (see ContestRule::sent)",
                i + 1,
                rule.id,
                contest.selections.len(),
                rule.sent()
            )));
        }
        use curve25519_dalek::traits::Identity;
        let (mut sum_a, mut sum_b) = (RistrettoPoint::identity(), RistrettoPoint::identity());
        for (j, s) in contest.selections.iter().enumerate() {
            let what = || format!("contest {} ({}), selection {}", i + 1, rule.id, j + 1);
            let alpha = s.alpha.to_point(&format_args!("{}: α", what()))?;
            let beta = s.beta.to_point(&format_args!("{}: β", what()))?;
            let t = selection_transcript(election, &ballot.credential, i, j, &s.alpha, &s.beta);
            let ct = Encrypted {
                key: &election.key,
                alpha: &alpha,
                beta: &beta,
            };
            let what_proof = || format!("{}: the proof that it is 0 or 1", what());
            s.proof.verify(t, ct, &[0, 1], checks, &what_proof)?;
            if let Some(sums) = sums.as_deref_mut() {
                let slot = &mut sums[i][j];
                slot.0 += alpha;
                slot.1 += beta;
            }
            if rule.sum_values().is_some() {
                sum_a += alpha;
                sum_b += beta;
            }
        }
        match (rule.sum_values(), &contest.sum) {
            (None, None) => {}
            (Some(values), Some(proof)) => {
                let t = sum_transcript(election, &ballot.credential, i, contest);
                let ct = Encrypted {
                    key: &election.key,
                    alpha: &sum_a,
                    beta: &sum_b,
                };
                let what = || format!("contest {} ({}): the contest-rule proof", i + 1, rule.id);
                proof.verify(t, ct, &values, checks, &what)?;
            }
            (Some(_), None) => {
                return Err(BallotError::Shape(format!(
                    "contest {} ({}): the contest-rule proof is missing",
                    i + 1,
                    rule.id
                )));
            }
            (None, Some(_)) => {
                return Err(BallotError::Shape(format!(
                    "contest {} ({}): a contest-rule proof where the rule needs none",
                    i + 1,
                    rule.id
                )));
            }
        }
    }
    let t = signature_transcript(election, &ballot.credential, digest);
    ballot.signature.verify(t, &credential, checks, &|| {
        "the credential's signature".to_string()
    })?;
    Ok(())
}

/// Verifies one ballot on its own (every equation checked separately).
pub fn verify(election: &Election, ballot: &Ballot) -> Result<(), BallotError> {
    let mut checks = super::batch::OneByOne::new(election.key);
    verify_with(election, ballot, &ballot.digest(), &mut checks, None)?;
    if checks.ok() {
        Ok(())
    } else {
        Err(BallotError::Proof(
            "a proof of the ballot does not verify: an equation of a 0/1 proof, of the contest-rule proof or of the signature fails".into(),
        ))
    }
}

/// Checks a Benaloh audit: every ciphertext is exactly the encryption of the stated choice
/// with the stated nonce, and the ballot itself verifies.
pub fn check_audit(election: &Election, audit: &Audit) -> Result<(), BallotError> {
    verify(election, &audit.ballot)?;
    check_choices(election, &audit.choices)?;
    if audit.nonces.len() != audit.ballot.contests.len() {
        return Err(BallotError::Shape(
            "the audit needs the nonces of every contest".into(),
        ));
    }
    for (i, ((contest, marks), nonces)) in audit
        .ballot
        .contests
        .iter()
        .zip(&audit.choices)
        .zip(&audit.nonces)
        .enumerate()
    {
        if nonces.len() != contest.selections.len() {
            return Err(BallotError::Shape(format!(
                "contest {}: the audit needs one nonce per selection",
                i + 1
            )));
        }
        for (j, (s, r)) in contest.selections.iter().zip(nonces).enumerate() {
            let r = r.to_scalar(&format_args!(
                "contest {}, selection {}: nonce",
                i + 1,
                j + 1
            ))?;
            let m = u64::from(marks.contains(&(j as u32)));
            let alpha = RistrettoPoint::mul_base(&r);
            let beta = RistrettoPoint::mul_base(&Scalar::from(m)) + r * election.key;
            if Bytes32::point(&alpha) != s.alpha || Bytes32::point(&beta) != s.beta {
                return Err(BallotError::Proof(format!(
                    "contest {}, selection {}: the ciphertext is not the encryption of the stated choice with the stated nonce; the device that made this ballot did not encrypt what the voter chose",
                    i + 1,
                    j + 1
                )));
            }
        }
    }
    Ok(())
}
