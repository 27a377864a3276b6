//! The election's manifest: its contests with their rules and its trustees, hashed into every
//! proof; and the [`Election`] a verifier works with (the manifest, its hash and the key).

use curve25519_dalek::ristretto::RistrettoPoint;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BallotError;
use super::group::Bytes32;

/// The largest number of options a contest may have (each is a selection of the ballot).
pub const MAX_OPTIONS: usize = 64;
/// The largest number of trustees.
pub const MAX_TRUSTEES: u32 = 64;

/// One contest: a question and its options, of which a voter marks between `min` and `max`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestRule {
    /// Its identifier, e.g. `q1`.
    pub id: String,
    /// The question or the contest's name.
    pub question: String,
    /// The answers, lists or candidates, in ballot order.
    pub options: Vec<String>,
    /// The fewest marks a valid ballot carries (0 allows a blank ballot).
    pub min: u32,
    /// The most marks.
    pub max: u32,
}

impl ContestRule {
    /// How many selections a ballot carries for this contest. When `min = max = k` the last
    /// option is implied (`k` minus the others) and not sent; otherwise every option is sent.
    pub fn sent(&self) -> usize {
        if self.min == self.max {
            self.options.len() - 1
        } else {
            self.options.len()
        }
    }

    /// The totals of the sent selections that obey the rule, or `None` when every total
    /// `0 … sent` does (then the contest needs no sum proof: the 0/1 proofs say it all).
    ///
    /// - `min = max = k`: the implied last option is `k − S`, which must be 0 or 1, so
    ///   `S ∈ {k − 1, k} ∩ [0, sent]`.
    /// - otherwise `S ∈ [min, max]`.
    pub fn sum_values(&self) -> Option<Vec<u64>> {
        let sent = self.sent() as u64;
        let (lo, hi) = if self.min == self.max {
            (u64::from(self.max).saturating_sub(1), u64::from(self.max))
        } else {
            (u64::from(self.min), u64::from(self.max))
        };
        let hi = hi.min(sent);
        if lo == 0 && hi == sent {
            return None;
        }
        Some((lo..=hi).collect())
    }

    fn check(&self, at: usize) -> Result<(), BallotError> {
        let n = self.options.len();
        let err = |m: String| {
            Err(BallotError::Manifest(format!(
                "contest {} ({}): {m}",
                at + 1,
                self.id
            )))
        };
        if self.id.trim().is_empty() {
            return err("a contest needs an id".into());
        }
        if !(2..=MAX_OPTIONS).contains(&n) {
            return err(format!(
                "a contest has 2 to {MAX_OPTIONS} options, this one has {n}"
            ));
        }
        if self.max == 0 || self.min > self.max || self.max as usize > n {
            return err(format!(
                "its rule must satisfy 0 ≤ min ≤ max ≤ options and max ≥ 1; found min {} max {} with {n} options",
                self.min, self.max
            ));
        }
        Ok(())
    }
}

/// What the election is: its contests and its trustees. Its hash binds every proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The election's identifier, e.g. `kz-2026-abroad`.
    pub election: String,
    /// Its title.
    pub title: String,
    /// The contests, in ballot order.
    pub contests: Vec<ContestRule>,
    /// How many trustees hold a share of the key (`n`).
    pub trustees: u32,
    /// How many of them are needed to decrypt (`k`).
    pub threshold: u32,
}

impl Manifest {
    /// Checks the manifest's rules.
    pub fn check(&self) -> Result<(), BallotError> {
        if self.election.trim().is_empty() {
            return Err(BallotError::Manifest("the election needs an id".into()));
        }
        if self.contests.is_empty() {
            return Err(BallotError::Manifest(
                "an election has at least one contest".into(),
            ));
        }
        for (i, c) in self.contests.iter().enumerate() {
            c.check(i)?;
        }
        if self.threshold == 0 || self.threshold > self.trustees || self.trustees > MAX_TRUSTEES {
            return Err(BallotError::Manifest(format!(
                "the trustees must satisfy 1 ≤ threshold ≤ trustees ≤ {MAX_TRUSTEES}; found threshold {} of {}",
                self.threshold, self.trustees
            )));
        }
        Ok(())
    }

    /// The manifest hash: SHA-256 of the manifest's compact JSON, fields in the order above.
    pub fn hash(&self) -> Bytes32 {
        let json = serde_json::to_vec(self).expect("a manifest always serializes");
        Bytes32(Sha256::digest(&json).into())
    }
}

/// An election as a voter's device or a verifier sees it: the manifest, its hash and the
/// joint public key.
#[derive(Debug, Clone)]
pub struct Election {
    /// The manifest.
    pub manifest: Manifest,
    /// Its hash.
    pub hash: Bytes32,
    /// The election key `K`.
    pub key: RistrettoPoint,
    /// Its encoding.
    pub key_bytes: Bytes32,
}

impl Election {
    /// The election of a checked manifest under key `key`.
    pub fn new(manifest: Manifest, key: RistrettoPoint) -> Result<Self, BallotError> {
        manifest.check()?;
        Ok(Election {
            hash: manifest.hash(),
            key_bytes: Bytes32::point(&key),
            key,
            manifest,
        })
    }

    /// The election whose key is given by its encoding.
    pub fn with_key_bytes(manifest: Manifest, key: &Bytes32) -> Result<Self, BallotError> {
        let key = key.to_point(&"the election key")?;
        Election::new(manifest, key)
    }
}
