//! The transparency log's signed documents — the signed tree head and the server's signed
//! receipt — and the offline checks an observer runs with them.
//!
//! A [`SignedTreeHead`] binds a tree size, its root hash ([`crate::merkle`]) and a timestamp.
//! A [`SignedReceipt`] binds a signed protocol's document hash to its log position (leaf
//! index = log seq − 1, and the entry hash whose raw bytes are the leaf data) and embeds the
//! signed tree head of a tree that contains it. With an [`InclusionProof`] anyone checks
//! offline that the entry is in the tree of a head ([`verify_receipt_inclusion`]); with a
//! [`ConsistencyProof`] that a later head extends an earlier one
//! ([`verify_tree_heads_consistent`]): a log that rewrote, dropped or reordered an entry
//! cannot produce one. Signatures are Ed25519 over RFC 8785 canonical JSON, as for the signed
//! protocol ([`crate::signed`]), with formats `ashyq-tree-head/1` and `ashyq-receipt/1`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::canonical::{CanonicalError, to_canonical_vec};
use crate::chain::LogHash;
use crate::contest::ContestId;
use crate::event::LogEntry;
use crate::keys::{CommissionPublicKey, CommissionSigningKey, KeyId, Signature};
use crate::merkle::{self, MerkleError, TreeHash};
use crate::receipt::{Receipt, ReceiptStatus};
use crate::signed::MAX_DOCUMENT_BYTES;
use crate::territory::PrecinctId;

/// The `format` of a tree head.
pub const TREE_HEAD_FORMAT: &str = "ashyq-tree-head/1";
/// The `format` of a receipt.
pub const RECEIPT_FORMAT: &str = "ashyq-receipt/1";

/// The signed part of a tree head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TreeHead {
    /// Always [`TREE_HEAD_FORMAT`].
    pub format: String,
    /// Number of leaves (log entries).
    pub tree_size: u64,
    /// The Merkle tree hash of those leaves.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub root_hash: TreeHash,
    /// When the log produced this head.
    pub timestamp: DateTime<Utc>,
    /// The log's signing key.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key_id: KeyId,
}

/// A tree head signed by the log (the central server key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedTreeHead {
    /// What is signed.
    pub head: TreeHead,
    /// Ed25519 over the canonical JSON of `head`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-fA-F]{128}$"))]
    pub signature: Signature,
}

/// Why a tree head, receipt or proof does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransparencyError {
    /// Not JSON of the expected shape.
    #[error("the {what} file is malformed: {detail}; use the JSON the server returned, unchanged")]
    Malformed {
        /// Which document.
        what: &'static str,
        /// The parser's message.
        detail: String,
    },
    /// An unknown `format`.
    #[error("unknown {what} format `{found}`")]
    UnsupportedFormat {
        /// Which document.
        what: &'static str,
        /// What it says.
        found: String,
    },
    /// Signed by another key than the log's.
    #[error(
        "the {what} names key {found}, but the log's public key is {expected}: check that you have the right log key"
    )]
    WrongKey {
        /// Which document.
        what: &'static str,
        /// The key named in the document.
        found: KeyId,
        /// The log's key.
        expected: KeyId,
    },
    /// The signature does not verify.
    #[error(
        "the {what} signature does not verify: the document was changed after the log signed it"
    )]
    BadSignature {
        /// Which document.
        what: &'static str,
    },
    /// The proof is for another leaf or size than the receipt and head.
    #[error(
        "the proof is for leaf {proof_index} in a tree of size {proof_size}, but the receipt is for leaf {receipt_index} and the tree head has size {head_size}: fetch the proof for this receipt and head"
    )]
    ProofMismatch {
        /// Leaf index in the proof.
        proof_index: u64,
        /// Tree size in the proof.
        proof_size: u64,
        /// Leaf index in the receipt.
        receipt_index: u64,
        /// Size of the head.
        head_size: u64,
    },
    /// The consistency proof is for other sizes than the two heads.
    #[error(
        "the consistency proof is from size {proof_first} to {proof_second}, but the tree heads have sizes {first} and {second}: fetch the proof for these two heads"
    )]
    ConsistencySizesMismatch {
        /// First size in the proof.
        proof_first: u64,
        /// Second size in the proof.
        proof_second: u64,
        /// Size of the older head.
        first: u64,
        /// Size of the newer head.
        second: u64,
    },
    /// The log entry does not match the receipt.
    #[error(
        "the log entry does not match the receipt: {0}; the log holds something else at this position"
    )]
    EntryMismatch(String),
    /// The Merkle proof fails.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    /// The document cannot be canonicalized.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

fn check_signature(
    what: &'static str,
    bytes: &[u8],
    key_id: &KeyId,
    signature: &Signature,
    log_key: &CommissionPublicKey,
) -> Result<(), TransparencyError> {
    let expected = log_key.key_id();
    if *key_id != expected {
        return Err(TransparencyError::WrongKey {
            what,
            found: key_id.clone(),
            expected,
        });
    }
    if !log_key.verify(bytes, signature) {
        return Err(TransparencyError::BadSignature { what });
    }
    Ok(())
}

fn parse_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: &str,
) -> Result<T, TransparencyError> {
    if text.len() > MAX_DOCUMENT_BYTES * 16 {
        return Err(TransparencyError::Malformed {
            what,
            detail: format!("{} bytes is too large", text.len()),
        });
    }
    serde_json::from_str(text).map_err(|e| TransparencyError::Malformed {
        what,
        detail: e.to_string(),
    })
}

impl SignedTreeHead {
    /// Signs the head of a tree of `tree_size` leaves with root `root_hash`.
    pub fn sign(
        tree_size: u64,
        root_hash: TreeHash,
        timestamp: DateTime<Utc>,
        log_key: &CommissionSigningKey,
    ) -> Result<Self, TransparencyError> {
        let head = TreeHead {
            format: TREE_HEAD_FORMAT.to_owned(),
            tree_size,
            root_hash,
            timestamp,
            key_id: log_key.key_id(),
        };
        let signature = log_key.sign(&to_canonical_vec(&head)?);
        Ok(SignedTreeHead { head, signature })
    }

    /// Parses a signed tree head from JSON (not yet its signature).
    pub fn parse(text: &str) -> Result<Self, TransparencyError> {
        parse_json("tree head", text)
    }

    /// Checks the format and the log's signature.
    pub fn verify(&self, log_key: &CommissionPublicKey) -> Result<(), TransparencyError> {
        if self.head.format != TREE_HEAD_FORMAT {
            return Err(TransparencyError::UnsupportedFormat {
                what: "tree head",
                found: self.head.format.chars().take(64).collect(),
            });
        }
        let bytes = to_canonical_vec(&self.head)?;
        check_signature(
            "tree head",
            &bytes,
            &self.head.key_id,
            &self.signature,
            log_key,
        )
    }
}

/// The signed part of a receipt: what the log promises about a submitted protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptBody {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    /// What happened to the protocol.
    pub status: ReceiptStatus,
    /// The referendum.
    pub referendum: ContestId,
    /// The precinct.
    pub precinct: PrecinctId,
    /// The content hash of the protocol's numbers ([`PrecinctProtocol::content_hash`]).
    pub protocol_hash: String,
    /// The signed document's version, when the log entry carries a signed document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// [`VerifiedProtocol::document_hash`] of the signed document, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_hash: Option<String>,
    /// Leaf index of the log entry that records it (its seq − 1).
    pub leaf_index: u64,
    /// The hash of that log entry: the leaf data.
    pub entry_hash: LogHash,
    /// A signed head of a tree that contains the entry.
    pub tree_head: SignedTreeHead,
    /// The log's signing key.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key_id: KeyId,
}

/// A receipt signed by the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedReceipt {
    /// What is signed.
    pub receipt: ReceiptBody,
    /// Ed25519 over the canonical JSON of `receipt`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-fA-F]{128}$"))]
    pub signature: Signature,
}

impl SignedReceipt {
    /// Signs the receipt of the protocol event recorded at `receipt.seq`, included in the tree
    /// of `tree_head`. A receipt is a function of the log entry, the head and the log key:
    /// Ed25519 signatures are deterministic (RFC 8032 §5.1.6), so the same entry and head
    /// always give the same receipt, byte for byte.
    pub fn sign(
        receipt: &Receipt,
        tree_head: SignedTreeHead,
        log_key: &CommissionSigningKey,
    ) -> Result<Self, TransparencyError> {
        let body = ReceiptBody {
            format: RECEIPT_FORMAT.to_owned(),
            status: receipt.status,
            referendum: receipt.referendum.clone(),
            precinct: receipt.precinct,
            protocol_hash: receipt.protocol_hash.clone(),
            version: receipt.signature.as_ref().map(|s| s.version),
            document_hash: receipt.signature.as_ref().map(|s| s.document_hash.clone()),
            leaf_index: receipt.seq.saturating_sub(1),
            entry_hash: receipt.entry_hash.clone(),
            tree_head,
            key_id: log_key.key_id(),
        };
        let signature = log_key.sign(&to_canonical_vec(&body)?);
        Ok(SignedReceipt {
            receipt: body,
            signature,
        })
    }

    /// Parses a receipt from JSON (not yet its signature).
    pub fn parse(text: &str) -> Result<Self, TransparencyError> {
        parse_json("receipt", text)
    }

    /// Checks the format, the log's signature on the receipt and on its tree head, and that the
    /// head's tree contains the leaf index.
    pub fn verify(&self, log_key: &CommissionPublicKey) -> Result<(), TransparencyError> {
        let r = &self.receipt;
        if r.format != RECEIPT_FORMAT {
            return Err(TransparencyError::UnsupportedFormat {
                what: "receipt",
                found: r.format.chars().take(64).collect(),
            });
        }
        let bytes = to_canonical_vec(r)?;
        check_signature("receipt", &bytes, &r.key_id, &self.signature, log_key)?;
        r.tree_head.verify(log_key)?;
        if r.leaf_index >= r.tree_head.head.tree_size {
            return Err(MerkleError::IndexOutOfRange {
                index: r.leaf_index,
                size: r.tree_head.head.tree_size,
            }
            .into());
        }
        Ok(())
    }

    /// Checks that a log entry (e.g. from the exported log) is the one this receipt names: its
    /// recomputed hash is the receipt's entry hash, at the receipt's position.
    pub fn matches_entry(&self, entry: &LogEntry) -> Result<(), TransparencyError> {
        let r = &self.receipt;
        if entry.computed_hash() != entry.hash {
            return Err(TransparencyError::EntryMismatch(
                "the entry's content does not hash to its `hash` field".into(),
            ));
        }
        if entry.hash != r.entry_hash {
            return Err(TransparencyError::EntryMismatch(format!(
                "entry hash {} differs from the receipt's {}",
                entry.hash, r.entry_hash
            )));
        }
        if entry.seq != r.leaf_index.saturating_add(1) {
            return Err(TransparencyError::EntryMismatch(format!(
                "entry seq {} is not leaf index {} + 1",
                entry.seq, r.leaf_index
            )));
        }
        Ok(())
    }
}

/// An inclusion proof as served by the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InclusionProof {
    /// The leaf (log seq − 1).
    pub leaf_index: u64,
    /// The tree size it proves against.
    pub tree_size: u64,
    /// The audit path of RFC 9162 §2.1.3.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub hashes: Vec<TreeHash>,
}

impl InclusionProof {
    /// Parses a proof from JSON.
    pub fn parse(text: &str) -> Result<Self, TransparencyError> {
        parse_json("inclusion proof", text)
    }
}

/// A consistency proof as served by the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsistencyProof {
    /// The older size.
    pub first_size: u64,
    /// The newer size.
    pub second_size: u64,
    /// The proof of RFC 9162 §2.1.4.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub hashes: Vec<TreeHash>,
}

impl ConsistencyProof {
    /// Parses a proof from JSON.
    pub fn parse(text: &str) -> Result<Self, TransparencyError> {
        parse_json("consistency proof", text)
    }
}

/// Offline check: the receipt's entry is in the tree of `head`. Verifies the receipt, the
/// head's signature, and the inclusion proof of the leaf `SHA-256(0x00 ‖ entry hash)` against
/// the head's root. `head` may be the receipt's own tree head or any later one.
pub fn verify_receipt_inclusion(
    receipt: &SignedReceipt,
    proof: &InclusionProof,
    head: &SignedTreeHead,
    log_key: &CommissionPublicKey,
) -> Result<(), TransparencyError> {
    receipt.verify(log_key)?;
    head.verify(log_key)?;
    let r = &receipt.receipt;
    if proof.leaf_index != r.leaf_index || proof.tree_size != head.head.tree_size {
        return Err(TransparencyError::ProofMismatch {
            proof_index: proof.leaf_index,
            proof_size: proof.tree_size,
            receipt_index: r.leaf_index,
            head_size: head.head.tree_size,
        });
    }
    let own = &r.tree_head.head;
    if own.tree_size == head.head.tree_size && own.root_hash != head.head.root_hash {
        return Err(MerkleError::ForkAtSameSize {
            size: own.tree_size,
        }
        .into());
    }
    let leaf = merkle::entry_leaf_hash(&r.entry_hash)?;
    merkle::verify_inclusion(
        &leaf,
        proof.leaf_index,
        proof.tree_size,
        &proof.hashes,
        &head.head.root_hash,
    )?;
    Ok(())
}

/// Offline check: the tree of `newer` extends the tree of `older` (both signed by the log).
pub fn verify_tree_heads_consistent(
    older: &SignedTreeHead,
    newer: &SignedTreeHead,
    proof: &ConsistencyProof,
    log_key: &CommissionPublicKey,
) -> Result<(), TransparencyError> {
    older.verify(log_key)?;
    newer.verify(log_key)?;
    let (first, second) = (older.head.tree_size, newer.head.tree_size);
    if proof.first_size != first || proof.second_size != second {
        return Err(TransparencyError::ConsistencySizesMismatch {
            proof_first: proof.first_size,
            proof_second: proof.second_size,
            first,
            second,
        });
    }
    merkle::verify_consistency(
        first,
        second,
        &older.head.root_hash,
        &newer.head.root_hash,
        &proof.hashes,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::sha256_hex;
    use crate::keys::tests::{at, key};
    use crate::merkle::MerkleTree;
    use crate::signed::SignedProtocol;
    use crate::signed::tests::{protocol, registry};
    use proptest::prelude::*;

    /// A log of `n` entries with a receipt for entry `index`.
    fn log_with_receipt(
        n: u64,
        index: u64,
    ) -> (
        MerkleTree,
        Vec<LogHash>,
        SignedReceipt,
        CommissionSigningKey,
    ) {
        let server = key("central", 77);
        let (reg, p1) = registry();
        let entries: Vec<LogHash> = (0..n)
            .map(|i| LogHash(sha256_hex(&i.to_be_bytes())))
            .collect();
        let tree = MerkleTree::from_leaf_hashes(
            entries.iter().map(|e| merkle::entry_leaf_hash(e).unwrap()),
        );
        let doc = SignedProtocol::sign(&protocol(1), 1, at("2026-03-15T16:05:00Z"), &p1).unwrap();
        let verified = doc.verify(&reg).unwrap();
        let sth = SignedTreeHead::sign(
            index + 1,
            tree.root_at(index + 1).unwrap(),
            at("2026-03-15T16:05:01Z"),
            &server,
        )
        .unwrap();
        let recorded = Receipt {
            status: ReceiptStatus::Accepted,
            referendum: protocol(1).referendum,
            precinct: PrecinctId(1),
            protocol_hash: protocol(1).content_hash(),
            seq: index + 1,
            entry_hash: entries[index as usize].clone(),
            warnings: Vec::new(),
            signature: Some(verified.signature_record()),
        };
        let receipt = SignedReceipt::sign(&recorded, sth, &server).unwrap();
        assert_eq!(receipt.receipt.version, Some(1));
        assert_eq!(
            receipt.receipt.document_hash.as_deref(),
            Some(verified.document_hash())
        );
        (tree, entries, receipt, server)
    }

    #[test]
    fn receipts_check_offline_against_their_own_and_later_heads() {
        let (tree, _, receipt, server) = log_with_receipt(20, 6);
        let log_key = server.public();
        receipt.verify(&log_key).unwrap();
        // Against the receipt's own head.
        let own = receipt.receipt.tree_head.clone();
        let proof = InclusionProof {
            leaf_index: 6,
            tree_size: 7,
            hashes: tree.inclusion_proof(6, 7).unwrap(),
        };
        verify_receipt_inclusion(&receipt, &proof, &own, &log_key).unwrap();
        // Against a later head, with a consistency proof between the heads.
        let later =
            SignedTreeHead::sign(20, tree.root(), at("2026-03-15T17:00:00Z"), &server).unwrap();
        let proof = InclusionProof {
            leaf_index: 6,
            tree_size: 20,
            hashes: tree.inclusion_proof(6, 20).unwrap(),
        };
        verify_receipt_inclusion(&receipt, &proof, &later, &log_key).unwrap();
        let consistency = ConsistencyProof {
            first_size: 7,
            second_size: 20,
            hashes: tree.consistency_proof(7, 20).unwrap(),
        };
        verify_tree_heads_consistent(&own, &later, &consistency, &log_key).unwrap();
        // Heads given in the wrong order, or the proof for other sizes.
        assert!(verify_tree_heads_consistent(&later, &own, &consistency, &log_key).is_err());
        // Someone else's key.
        let other = key("central", 78).public();
        assert!(matches!(
            receipt.verify(&other),
            Err(TransparencyError::WrongKey { .. })
        ));
        // A receipt with a changed field.
        let mut forged = receipt.clone();
        forged.receipt.leaf_index = 5;
        assert_eq!(
            forged.verify(&log_key),
            Err(TransparencyError::BadSignature { what: "receipt" })
        );
        // JSON round trip, as the CLI reads them.
        let json = serde_json::to_string(&receipt).unwrap();
        assert_eq!(SignedReceipt::parse(&json).unwrap(), receipt);
        assert!(SignedTreeHead::parse("[]").is_err());
    }

    #[test]
    fn a_log_that_drops_an_old_entry_is_caught() {
        let (tree, mut entries, receipt, server) = log_with_receipt(20, 6);
        let log_key = server.public();
        let old_head = receipt.receipt.tree_head.clone();
        // The server drops entry 3 and serves a new tree and head.
        entries.remove(3);
        let forged = MerkleTree::from_leaf_hashes(
            entries.iter().map(|e| merkle::entry_leaf_hash(e).unwrap()),
        );
        let new_head = SignedTreeHead::sign(
            forged.size(),
            forged.root(),
            at("2026-03-15T18:00:00Z"),
            &server,
        )
        .unwrap();
        let consistency = ConsistencyProof {
            first_size: 7,
            second_size: forged.size(),
            hashes: forged.consistency_proof(7, forged.size()).unwrap(),
        };
        assert!(matches!(
            verify_tree_heads_consistent(&old_head, &new_head, &consistency, &log_key),
            Err(TransparencyError::Merkle(_))
        ));
        // The receipt's entry is no longer at its index in the new tree.
        let proof = InclusionProof {
            leaf_index: 6,
            tree_size: forged.size(),
            hashes: forged.inclusion_proof(6, forged.size()).unwrap(),
        };
        assert!(verify_receipt_inclusion(&receipt, &proof, &new_head, &log_key).is_err());
        // Control: the honest tree's head and proof pass the same check.
        let honest_head =
            SignedTreeHead::sign(20, tree.root(), at("2026-03-15T18:00:00Z"), &server).unwrap();
        let honest = ConsistencyProof {
            first_size: 7,
            second_size: 20,
            hashes: tree.consistency_proof(7, 20).unwrap(),
        };
        verify_tree_heads_consistent(&old_head, &honest_head, &honest, &log_key).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_text_parses_or_is_refused_without_panic(text in ".{0,300}") {
            let _ = SignedReceipt::parse(&text);
            let _ = SignedTreeHead::parse(&text);
            let _ = InclusionProof::parse(&text);
            let _ = ConsistencyProof::parse(&text);
        }

        #[test]
        fn receipts_verify_for_every_position_and_not_for_another(n in 1u64..40, pick in any::<proptest::sample::Index>()) {
            let index = pick.index(n as usize) as u64;
            let (tree, _, receipt, server) = log_with_receipt(n, index);
            let log_key = server.public();
            let head = SignedTreeHead::sign(n, tree.root(), at("2026-03-15T19:00:00Z"), &server).unwrap();
            let proof = InclusionProof { leaf_index: index, tree_size: n, hashes: tree.inclusion_proof(index, n).unwrap() };
            prop_assert!(verify_receipt_inclusion(&receipt, &proof, &head, &log_key).is_ok());
            if n > 1 {
                let other = (index + 1) % n;
                let wrong = InclusionProof { leaf_index: other, tree_size: n, hashes: tree.inclusion_proof(other, n).unwrap() };
                prop_assert!(verify_receipt_inclusion(&receipt, &wrong, &head, &log_key).is_err());
            }
        }
    }
}
