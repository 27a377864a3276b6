//! Voters' credentials, Belenios-style: a credential authority gives each eligible voter a
//! secret credential string for this election; only its public part `P = x·G` is published
//! on the board, and the link between the person and `P` stays with the register (by the
//! person's keyed digest, never an IIN). A ballot is signed with `x`.
//!
//! `x = SHA-512("ashyq-credential-v1" ‖ len ‖ election id ‖ credential string) mod ℓ`. The
//! string carries 128 random bits, so no stretching is needed (unlike a password).

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use sha2::{Digest, Sha512};

use super::BallotError;
use super::group::Bytes32;

/// How a credential string is written: 32 hex digits in groups of 4 joined by `-`.
pub const CREDENTIAL_LEN: usize = 39;

/// A fresh credential string (128 random bits).
pub fn generate<R: rand::CryptoRng + ?Sized>(rng: &mut R) -> String {
    let mut raw = [0u8; 16];
    rng.fill_bytes(&mut raw);
    let digits = hex::encode(raw);
    digits
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("hex digits are ASCII"))
        .collect::<Vec<_>>()
        .join("-")
}

/// The signing key of a credential string in an election.
pub fn secret(election: &str, credential: &str) -> Result<Scalar, BallotError> {
    let clean: String = credential.trim().to_ascii_lowercase();
    let ok = clean.len() == CREDENTIAL_LEN
        && clean.split('-').count() == 8
        && clean
            .split('-')
            .all(|g| g.len() == 4 && g.bytes().all(|c| c.is_ascii_hexdigit()));
    if !ok {
        return Err(BallotError::Choice(
            "a credential is 32 hex digits in 8 groups of 4 joined by '-' (as printed on the credential letter)".into(),
        ));
    }
    let mut h = Sha512::new();
    h.update(b"ashyq-credential-v1");
    h.update((election.len() as u64).to_le_bytes());
    h.update(election.as_bytes());
    h.update(clean.as_bytes());
    let wide: [u8; 64] = h.finalize().into();
    Ok(Scalar::from_bytes_mod_order_wide(&wide))
}

/// The public credential `P = x·G` published on the board.
pub fn public(secret: &Scalar) -> Bytes32 {
    Bytes32::point(&RistrettoPoint::mul_base(secret))
}
