//! The group and its encodings: ristretto255 elements and scalars as 32 bytes, written as 64
//! lowercase hex digits; the Fiat–Shamir transcripts; random scalars.
//!
//! All arithmetic is `curve25519-dalek`'s: this module only encodes, decodes and names.

use std::fmt;

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::BallotError;

/// The group's generator `G` (RFC 9496's generator of ristretto255).
pub const G: RistrettoPoint = RISTRETTO_BASEPOINT_POINT;

/// 32 bytes as 64 lowercase hex digits: an encoded group element, a scalar or a digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Bytes32(pub [u8; 32]);

impl Bytes32 {
    /// The encoding of a group element.
    pub fn point(p: &RistrettoPoint) -> Self {
        Bytes32(p.compress().to_bytes())
    }

    /// The canonical encoding of a scalar.
    pub fn scalar(s: &Scalar) -> Self {
        Bytes32(s.to_bytes())
    }

    /// Decodes a group element; `what` names it in the error.
    pub fn to_point(&self, what: &dyn fmt::Display) -> Result<RistrettoPoint, BallotError> {
        CompressedRistretto(self.0)
            .decompress()
            .ok_or_else(|| BallotError::Encoding {
                what: what.to_string(),
                rule: "not the canonical encoding of a ristretto255 element (RFC 9496 §4.3.1)",
            })
    }

    /// Decodes a scalar; `what` names it in the error.
    pub fn to_scalar(&self, what: &dyn fmt::Display) -> Result<Scalar, BallotError> {
        Option::from(Scalar::from_canonical_bytes(self.0)).ok_or_else(|| BallotError::Encoding {
            what: what.to_string(),
            rule: "not a canonical scalar (little-endian, below the group order ℓ)",
        })
    }

    /// The hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits (lowercase, as written).
    pub fn from_hex(text: &str) -> Result<Self, String> {
        if text.len() != 64 || !text.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(format!(
                "expected 64 lowercase hex digits (32 bytes), found {} characters",
                text.len()
            ));
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).map_err(|e| e.to_string())?;
        Ok(Bytes32(out))
    }
}

impl fmt::Debug for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_hex())
    }
}

impl fmt::Display for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Bytes32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = [0u8; 64];
        hex::encode_to_slice(self.0, &mut out).expect("64 hex digits for 32 bytes");
        s.serialize_str(std::str::from_utf8(&out).expect("hex digits are ASCII"))
    }
}

impl<'de> Deserialize<'de> for Bytes32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Bytes32::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// A uniformly random scalar (64 random bytes reduced modulo ℓ, bias below 2⁻²⁵⁰).
pub fn random_scalar<R: rand::CryptoRng + ?Sized>(rng: &mut R) -> Scalar {
    let mut wide = [0u8; 64];
    rng.fill_bytes(&mut wide);
    Scalar::from_bytes_mod_order_wide(&wide)
}

/// A Fiat–Shamir transcript of the ballots protocol: its domain (`ashyq-ballots-v1`), the
/// election's manifest hash and what is proved. Every challenge of every proof starts here,
/// so a proof made for one election or one statement is worthless for another.
pub fn transcript(manifest: &Bytes32, statement: &'static [u8]) -> Transcript {
    let mut t = Transcript::new(b"ashyq-ballots-v1");
    t.append_message(b"manifest", &manifest.0);
    t.append_message(b"statement", statement);
    t
}

/// Appends a group element's encoding under `label`.
pub fn append(t: &mut Transcript, label: &'static [u8], value: &Bytes32) {
    t.append_message(label, &value.0);
}

/// The challenge: 64 bytes drawn from the transcript, reduced modulo ℓ.
pub fn challenge(t: &mut Transcript) -> Scalar {
    let mut wide = [0u8; 64];
    t.challenge_bytes(b"challenge", &mut wide);
    Scalar::from_bytes_mod_order_wide(&wide)
}
