//! The key ceremony: a Pedersen/Feldman distributed key generation among `n` trustees, any
//! `k` of whom can later decrypt. Each trustee runs their part on their own machine; the
//! board only ever sees public commitments, proofs and shares sealed for their recipient.
//!
//! 1. Trustee `i` (1 … n) draws a polynomial `fᵢ(z) = aᵢ₀ + aᵢ₁·z + … + aᵢ,ₖ₋₁·zᵏ⁻¹` and a
//!    transport key `tᵢ`, and publishes a [`Commitment`]: `Tᵢ = tᵢ·G`, `Cᵢₗ = aᵢₗ·G` and a
//!    Schnorr proof of knowledge of each `aᵢₗ` (so no trustee can choose their part of the key
//!    after seeing the others').
//! 2. Trustee `i` sends `fᵢ(j)` to each other trustee `j` as a [`SealedShare`]: ChaCha20-
//!    Poly1305 under `SHA-256("ashyq-share-v1" ‖ election ‖ i ‖ j ‖ E ‖ e·Tⱼ)` with a fresh
//!    ephemeral `E = e·G`. The server relays it and cannot read it.
//! 3. Trustee `j` opens each share and checks it against the dealer's commitments (Feldman):
//!    `fᵢ(j)·G = Σₗ jˡ·Cᵢₗ`. A share that fails is a complaint, and the ceremony stops.
//! 4. The election key is `K = Σᵢ Cᵢ₀`; trustee `j`'s secret share is `xⱼ = Σᵢ fᵢ(j)`, and its
//!    public verification key `Xⱼ = xⱼ·G = Σᵢ Σₗ jˡ·Cᵢₗ` is computed by anyone from the board.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, VartimeMultiscalarMul};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use super::BallotError;
use super::batch::OneByOne;
use super::group::{Bytes32, append, random_scalar, transcript};
use super::manifest::Manifest;
use super::proofs::SchnorrProof;

/// What a trustee keeps on their own machine during the ceremony. Never sent anywhere.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteeSecret {
    /// The manifest hash.
    pub election: Bytes32,
    /// The trustee's number, 1 … n.
    pub trustee: u32,
    /// The polynomial's coefficients `aᵢ₀ … aᵢ,ₖ₋₁`.
    pub coefficients: Vec<Bytes32>,
    /// The transport key `tᵢ`.
    pub transport: Bytes32,
}

impl Drop for TrusteeSecret {
    fn drop(&mut self) {
        for c in &mut self.coefficients {
            c.0.zeroize();
        }
        self.transport.0.zeroize();
    }
}

impl std::fmt::Debug for TrusteeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrusteeSecret(trustee {}, hidden)", self.trustee)
    }
}

/// A trustee's public commitment (step 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// The trustee's number.
    pub trustee: u32,
    /// The transport key `Tᵢ`.
    pub transport: Bytes32,
    /// `Cᵢ₀ … Cᵢ,ₖ₋₁`.
    pub coefficients: Vec<Bytes32>,
    /// A Schnorr proof of knowledge of each coefficient.
    pub proofs: Vec<SchnorrProof>,
}

/// A share `fᵢ(j)` sealed for trustee `j` (step 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedShare {
    /// The dealer `i`.
    pub from: u32,
    /// The recipient `j`.
    pub to: u32,
    /// The ephemeral `E`.
    pub ephemeral: Bytes32,
    /// The ChaCha20-Poly1305 ciphertext of the share's 32 bytes with its tag, hex.
    pub sealed: String,
}

/// A trustee's secret share of the election key (step 4), kept on their machine for the
/// decryption.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyShare {
    /// The manifest hash.
    pub election: Bytes32,
    /// The trustee's number.
    pub trustee: u32,
    /// `xⱼ`.
    pub share: Bytes32,
}

impl Drop for KeyShare {
    fn drop(&mut self) {
        self.share.0.zeroize();
    }
}

impl std::fmt::Debug for KeyShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyShare(trustee {}, hidden)", self.trustee)
    }
}

fn coefficient_transcript(
    election: &Bytes32,
    trustee: u32,
    l: usize,
    transport: &Bytes32,
    c: &Bytes32,
) -> merlin::Transcript {
    let mut t = transcript(election, b"trustee-coefficient");
    t.append_u64(b"trustee", u64::from(trustee));
    t.append_u64(b"coefficient", l as u64);
    append(&mut t, b"transport", transport);
    append(&mut t, b"commitment", c);
    t
}

/// Step 1: a trustee's polynomial and transport key, and the commitment to publish.
pub fn keygen<R: rand::CryptoRng + ?Sized>(
    manifest: &Manifest,
    trustee: u32,
    rng: &mut R,
) -> Result<(TrusteeSecret, Commitment), BallotError> {
    manifest.check()?;
    if trustee == 0 || trustee > manifest.trustees {
        return Err(BallotError::Ceremony(format!(
            "trustees are numbered 1 to {}; {trustee} is not one of them",
            manifest.trustees
        )));
    }
    let election = manifest.hash();
    let coefficients: Vec<Scalar> = (0..manifest.threshold)
        .map(|_| random_scalar(rng))
        .collect();
    let t = random_scalar(rng);
    let transport = Bytes32::point(&RistrettoPoint::mul_base(&t));
    let commitments: Vec<Bytes32> = coefficients
        .iter()
        .map(|a| Bytes32::point(&RistrettoPoint::mul_base(a)))
        .collect();
    let proofs = coefficients
        .iter()
        .zip(&commitments)
        .enumerate()
        .map(|(l, (a, c))| {
            SchnorrProof::prove(
                coefficient_transcript(&election, trustee, l, &transport, c),
                a,
                rng,
            )
        })
        .collect();
    Ok((
        TrusteeSecret {
            election,
            trustee,
            coefficients: coefficients.iter().map(Bytes32::scalar).collect(),
            transport: Bytes32::scalar(&t),
        },
        Commitment {
            trustee,
            transport,
            coefficients: commitments,
            proofs,
        },
    ))
}

/// Checks a published commitment: its number, its size (`k` coefficients) and every proof.
pub fn check_commitment(manifest: &Manifest, c: &Commitment) -> Result<(), BallotError> {
    let election = manifest.hash();
    if c.trustee == 0 || c.trustee > manifest.trustees {
        return Err(BallotError::Ceremony(format!(
            "trustees are numbered 1 to {}; {} is not one of them",
            manifest.trustees, c.trustee
        )));
    }
    if c.coefficients.len() != manifest.threshold as usize || c.proofs.len() != c.coefficients.len()
    {
        return Err(BallotError::Ceremony(format!(
            "trustee {} committed to {} coefficients with {} proofs; a threshold of {} needs exactly {} of each",
            c.trustee,
            c.coefficients.len(),
            c.proofs.len(),
            manifest.threshold,
            manifest.threshold
        )));
    }
    c.transport
        .to_point(&format_args!("trustee {}: transport key", c.trustee))?;
    let mut checks = OneByOne::new(RistrettoPoint::identity());
    for (l, (cl, proof)) in c.coefficients.iter().zip(&c.proofs).enumerate() {
        let point = cl.to_point(&format_args!("trustee {}: commitment {l}", c.trustee))?;
        let t = coefficient_transcript(&election, c.trustee, l, &c.transport, cl);
        proof.verify(t, &point, &mut checks, &|| {
            format!("trustee {}: proof {l}", c.trustee)
        })?;
    }
    if !checks.ok() {
        return Err(BallotError::Ceremony(format!(
            "trustee {}: a proof of knowledge of a coefficient does not verify",
            c.trustee
        )));
    }
    Ok(())
}

fn evaluate(coefficients: &[Scalar], at: u32) -> Scalar {
    let x = Scalar::from(at);
    coefficients
        .iter()
        .rev()
        .fold(Scalar::ZERO, |acc, a| acc * x + a)
}

/// `Σₗ jˡ·Cₗ`: the commitments evaluated at `j`.
fn evaluate_commitments(commitments: &[RistrettoPoint], at: u32) -> RistrettoPoint {
    let x = Scalar::from(at);
    let mut power = Scalar::ONE;
    let powers: Vec<Scalar> = commitments
        .iter()
        .map(|_| {
            let p = power;
            power *= x;
            p
        })
        .collect();
    RistrettoPoint::vartime_multiscalar_mul(powers, commitments)
}

fn decode_commitments(c: &Commitment) -> Result<Vec<RistrettoPoint>, BallotError> {
    c.coefficients
        .iter()
        .enumerate()
        .map(|(l, b)| b.to_point(&format_args!("trustee {}: commitment {l}", c.trustee)))
        .collect()
}

fn share_key(
    election: &Bytes32,
    from: u32,
    to: u32,
    ephemeral: &Bytes32,
    shared: &RistrettoPoint,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"ashyq-share-v1");
    h.update(election.0);
    h.update(from.to_le_bytes());
    h.update(to.to_le_bytes());
    h.update(ephemeral.0);
    h.update(Bytes32::point(shared).0);
    h.finalize().into()
}

fn aad(election: &Bytes32, from: u32, to: u32) -> Vec<u8> {
    let mut v = election.0.to_vec();
    v.extend_from_slice(&from.to_le_bytes());
    v.extend_from_slice(&to.to_le_bytes());
    v
}

/// Step 2: the trustee's shares for every other trustee, sealed with their transport keys
/// (read from their published commitments).
pub fn deal<R: rand::CryptoRng + ?Sized>(
    secret: &TrusteeSecret,
    commitments: &[Commitment],
    rng: &mut R,
) -> Result<Vec<SealedShare>, BallotError> {
    let coefficients: Vec<Scalar> = secret
        .coefficients
        .iter()
        .map(|c| c.to_scalar(&"a coefficient of the trustee's file"))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for c in commitments.iter().filter(|c| c.trustee != secret.trustee) {
        let transport = c
            .transport
            .to_point(&format_args!("trustee {}: transport key", c.trustee))?;
        let e = random_scalar(rng);
        let ephemeral = Bytes32::point(&RistrettoPoint::mul_base(&e));
        let key = share_key(
            &secret.election,
            secret.trustee,
            c.trustee,
            &ephemeral,
            &(e * transport),
        );
        let mut value = evaluate(&coefficients, c.trustee).to_bytes();
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&[0u8; 12]),
                Payload {
                    msg: &value,
                    aad: &aad(&secret.election, secret.trustee, c.trustee),
                },
            )
            .map_err(|_| BallotError::Ceremony("sealing a share failed".into()))?;
        value.zeroize();
        out.push(SealedShare {
            from: secret.trustee,
            to: c.trustee,
            ephemeral,
            sealed: hex::encode(sealed),
        });
    }
    Ok(out)
}

/// Step 3: opens a share sealed for this trustee and checks it against the dealer's
/// commitment. An error here is the trustee's complaint against the dealer.
pub fn open_share(
    secret: &TrusteeSecret,
    share: &SealedShare,
    dealer: &Commitment,
) -> Result<Scalar, BallotError> {
    if share.to != secret.trustee || share.from != dealer.trustee {
        return Err(BallotError::Ceremony(format!(
            "the share from {} to {} is not from trustee {} to trustee {}",
            share.from, share.to, dealer.trustee, secret.trustee
        )));
    }
    let t = secret.transport.to_scalar(&"the trustee's transport key")?;
    let ephemeral = share
        .ephemeral
        .to_point(&format_args!("share from {}: ephemeral key", share.from))?;
    let key = share_key(
        &secret.election,
        share.from,
        share.to,
        &share.ephemeral,
        &(t * ephemeral),
    );
    let bytes = hex::decode(&share.sealed).map_err(|_| {
        BallotError::Ceremony(format!("the share from trustee {} is not hex", share.from))
    })?;
    let mut plain = ChaCha20Poly1305::new(Key::from_slice(&key))
        .decrypt(
            Nonce::from_slice(&[0u8; 12]),
            Payload {
                msg: &bytes,
                aad: &aad(&secret.election, share.from, share.to),
            },
        )
        .map_err(|_| {
            BallotError::Ceremony(format!(
                "the share from trustee {} does not open with this trustee's transport key: complaint against trustee {}",
                share.from, share.from
            ))
        })?;
    let value: Option<Scalar> = <[u8; 32]>::try_from(plain.as_slice())
        .ok()
        .and_then(|b| Scalar::from_canonical_bytes(b).into());
    plain.zeroize();
    let value = value.ok_or_else(|| {
        BallotError::Ceremony(format!(
            "the share from trustee {} is not a scalar: complaint",
            share.from
        ))
    })?;
    let commitments = decode_commitments(dealer)?;
    if RistrettoPoint::mul_base(&value) != evaluate_commitments(&commitments, secret.trustee) {
        return Err(BallotError::Ceremony(format!(
            "the share from trustee {} does not match their published commitments (Feldman check fᵢ(j)·G = Σ jˡ·Cᵢₗ): complaint against trustee {}",
            share.from, share.from
        )));
    }
    Ok(value)
}

/// Step 4: the trustee's key share `xⱼ = Σᵢ fᵢ(j)`, from its own polynomial and the opened
/// shares of every other trustee.
pub fn key_share(secret: &TrusteeSecret, received: &[Scalar]) -> Result<KeyShare, BallotError> {
    let coefficients: Vec<Scalar> = secret
        .coefficients
        .iter()
        .map(|c| c.to_scalar(&"a coefficient of the trustee's file"))
        .collect::<Result<_, _>>()?;
    let own = evaluate(&coefficients, secret.trustee);
    let x = received.iter().fold(own, |acc, s| acc + s);
    Ok(KeyShare {
        election: secret.election,
        trustee: secret.trustee,
        share: Bytes32::scalar(&x),
    })
}

/// The election key `K = Σᵢ Cᵢ₀` of all `n` commitments.
pub fn joint_key(commitments: &[Commitment]) -> Result<RistrettoPoint, BallotError> {
    let mut k = RistrettoPoint::identity();
    for c in commitments {
        let c0 = c.coefficients.first().ok_or_else(|| {
            BallotError::Ceremony(format!("trustee {} committed to nothing", c.trustee))
        })?;
        k += c0.to_point(&format_args!("trustee {}: commitment 0", c.trustee))?;
    }
    Ok(k)
}

/// Trustee `j`'s public verification key `Xⱼ = Σᵢ Σₗ jˡ·Cᵢₗ`.
pub fn verification_key(commitments: &[Commitment], j: u32) -> Result<RistrettoPoint, BallotError> {
    let mut x = RistrettoPoint::identity();
    for c in commitments {
        x += evaluate_commitments(&decode_commitments(c)?, j);
    }
    Ok(x)
}
