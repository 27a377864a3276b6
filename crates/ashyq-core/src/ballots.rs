//! End-to-end verifiable remote voting for citizens abroad (issue 22): the cryptography of
//! the ballot board, pure and deterministic given its random generator.
//!
//! The specification, with its test vectors, is `docs/ballots.md`; this module implements it.
//! In short:
//!
//! - the group is ristretto255 (RFC 9496) from `curve25519-dalek`; no field or curve
//!   arithmetic is written here;
//! - a selection is exponential ElGamal `(r·G, m·G + r·K)` under the election key `K`, with a
//!   disjunctive Chaum–Pedersen proof that `m ∈ {0, 1}`; a contest carries a proof that its
//!   total obeys the contest's rule ([`manifest`]);
//! - every Fiat–Shamir challenge comes from a `merlin` transcript bound to the manifest hash;
//! - each ballot is signed by the voter's credential (Belenios-style, [`credential`]) and gets
//!   a tracking code chained over the board ([`ballot::tracking_code`]);
//! - the key is made by `n` trustees in a Pedersen/Feldman distributed key generation
//!   ([`trustee`]); any `k` of them decrypt the homomorphic tally with Chaum–Pedersen proofs,
//!   combined by Lagrange interpolation and read by baby-step giant-step ([`decrypt`]);
//! - verification equations are batched into one random linear combination checked by a
//!   multiscalar multiplication, on every core ([`batch`], [`verify`]).

pub mod ballot;
pub mod batch;
pub mod board;
pub mod credential;
pub mod decrypt;
pub mod group;
pub mod manifest;
pub mod proofs;
pub mod synthetic;
pub mod trustee;
pub mod verify;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_board;

pub use ballot::{Audit, Ballot, Ciphertext, ContestBallot, Sealed, Selection};
pub use group::Bytes32;
pub use manifest::{ContestRule, Election, Manifest};

/// Why a ballot, a proof, a ceremony step or a decryption is refused. Each message names the
/// rule that was broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    /// The manifest breaks a rule.
    #[error("manifest: {0}")]
    Manifest(String),
    /// A value is not a valid encoding.
    #[error("{what}: {rule}")]
    Encoding {
        /// What was read.
        what: String,
        /// The encoding rule.
        rule: &'static str,
    },
    /// The ballot or proof does not have the shape the manifest asks for.
    #[error("{0}")]
    Shape(String),
    /// A proof does not verify.
    #[error("{0}")]
    Proof(String),
    /// The ballot was made for another election.
    #[error(
        "the ballot carries manifest hash {found} but this election's is {expected}: a ballot counts only in the election it was made for"
    )]
    WrongElection {
        /// The ballot's.
        found: Bytes32,
        /// This election's.
        expected: Bytes32,
    },
    /// The voter's choices break the contest's rule.
    #[error("{0}")]
    Choice(String),
    /// A step of the key ceremony is refused.
    #[error("key ceremony: {0}")]
    Ceremony(String),
    /// A decryption step is refused.
    #[error("decryption: {0}")]
    Decryption(String),
}
