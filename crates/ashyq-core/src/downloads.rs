//! Signed datasets: what the log's key says about a published file — its name, media type,
//! size, SHA-256 and the log head it reflects — in a sidecar (`FILE.sig.json`) that anyone can
//! check offline against the file and the log's public key ([`SignedDownload::verify`],
//! `ashyq verify-download`). The signature is Ed25519 over the RFC 8785 canonical JSON of the
//! [`DownloadStatement`].

use serde::{Deserialize, Serialize};

use crate::canonical::to_canonical_vec;
use crate::chain::sha256_hex;
use crate::keys::{CommissionPublicKey, CommissionSigningKey, KeyId, Signature};

/// The format of a statement; a different one is refused.
pub const FORMAT: &str = "ashyq-download/1";

/// The largest sidecar read (a statement is a few hundred bytes).
const MAX_SIDECAR: usize = 64 * 1024;

/// What the log's key signs about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadStatement {
    /// [`FORMAT`].
    pub format: String,
    /// The file's name as published.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// The sequence number of the log head the file reflects.
    pub log_seq: u64,
    /// That head's hash.
    pub log_head: String,
    /// The log key's identifier.
    pub key_id: KeyId,
}

/// A statement and the log key's signature over it: the sidecar `FILE.sig.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedDownload {
    /// What is signed.
    pub statement: DownloadStatement,
    /// Ed25519 over the canonical JSON of `statement`, 128 hex digits.
    pub signature: Signature,
}

/// Why a file does not check out against its sidecar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    /// The sidecar is not a signed statement.
    #[error("the signature file is not a signed download statement: {0}")]
    Malformed(String),
    /// Another format.
    #[error("the signature file has format {0:?}; this version reads {FORMAT:?}")]
    Format(String),
    /// The file's size differs.
    #[error(
        "the file has {found} bytes but the signed statement says {signed}: it is not the file that was published"
    )]
    Size {
        /// The file's size.
        found: u64,
        /// The signed size.
        signed: u64,
    },
    /// The file's hash differs.
    #[error(
        "the file's SHA-256 is {found} but the signed statement says {signed}: it was changed after publication"
    )]
    Hash {
        /// The file's hash.
        found: String,
        /// The signed hash.
        signed: String,
    },
    /// Signed by another key.
    #[error(
        "the statement names key {signed}, not the log key given ({given}): check with the log's public key"
    )]
    Key {
        /// The key named.
        signed: KeyId,
        /// The key given.
        given: KeyId,
    },
    /// The signature does not verify.
    #[error(
        "the log key's signature over the statement does not verify: the statement was altered or not signed by this key"
    )]
    Signature,
    /// Canonical JSON failed.
    #[error("{0}")]
    Canonical(String),
}

impl SignedDownload {
    /// Signs a file's statement with the log's key.
    pub fn sign(
        name: &str,
        media_type: &str,
        bytes: &[u8],
        (log_seq, log_head): (u64, &str),
        key: &CommissionSigningKey,
    ) -> Result<Self, DownloadError> {
        let statement = DownloadStatement {
            format: FORMAT.to_owned(),
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            log_seq,
            log_head: log_head.to_owned(),
            key_id: key.key_id(),
        };
        let message =
            to_canonical_vec(&statement).map_err(|e| DownloadError::Canonical(e.to_string()))?;
        Ok(SignedDownload {
            signature: key.sign(&message),
            statement,
        })
    }

    /// Parses a sidecar (not yet its signature).
    pub fn parse(text: &str) -> Result<Self, DownloadError> {
        if text.len() > MAX_SIDECAR {
            return Err(DownloadError::Malformed(format!(
                "{} bytes is too large",
                text.len()
            )));
        }
        serde_json::from_str(text).map_err(|e| DownloadError::Malformed(e.to_string()))
    }

    /// Checks a file against the statement and the statement against the log's key.
    pub fn verify(&self, bytes: &[u8], log_key: &CommissionPublicKey) -> Result<(), DownloadError> {
        let st = &self.statement;
        if st.format != FORMAT {
            return Err(DownloadError::Format(st.format.chars().take(64).collect()));
        }
        if st.key_id != log_key.key_id() {
            return Err(DownloadError::Key {
                signed: st.key_id.clone(),
                given: log_key.key_id(),
            });
        }
        let message = to_canonical_vec(st).map_err(|e| DownloadError::Canonical(e.to_string()))?;
        if !log_key.verify(&message, &self.signature) {
            return Err(DownloadError::Signature);
        }
        if bytes.len() as u64 != st.size {
            return Err(DownloadError::Size {
                found: bytes.len() as u64,
                signed: st.size,
            });
        }
        let found = sha256_hex(bytes);
        if found != st.sha256 {
            return Err(DownloadError::Hash {
                found,
                signed: st.sha256.clone(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Commission;

    fn key(seed: u8) -> CommissionSigningKey {
        CommissionSigningKey::from_seed(Commission::Central, &[seed; 32])
    }

    #[test]
    fn a_signed_file_checks_out_and_any_change_is_named() {
        let k = key(1);
        let bytes = b"region,yes,no\nKZ-75,10,5\n";
        let s = SignedDownload::sign("results.csv", "text/csv", bytes, (7, "ab"), &k).unwrap();
        let text = serde_json::to_string(&s).unwrap();
        let back = SignedDownload::parse(&text).unwrap();
        assert_eq!(back.verify(bytes, &k.public()), Ok(()));

        let mut changed = bytes.to_vec();
        changed[15] = b'9';
        assert!(matches!(
            back.verify(&changed, &k.public()),
            Err(DownloadError::Hash { .. })
        ));
        assert!(matches!(
            back.verify(&bytes[1..], &k.public()),
            Err(DownloadError::Size { .. })
        ));
        assert!(matches!(
            back.verify(bytes, &key(2).public()),
            Err(DownloadError::Key { .. })
        ));
        let mut forged = back.clone();
        forged.statement.log_seq = 8;
        assert_eq!(
            forged.verify(bytes, &k.public()),
            Err(DownloadError::Signature)
        );
        assert!(matches!(
            SignedDownload::parse("{\"statement\": 1}"),
            Err(DownloadError::Malformed(_))
        ));
    }
}
