//! The transparency log's API, in the manner of Certificate Transparency (RFC 9162 §4): the
//! log's public key, signed tree heads, inclusion and consistency proofs, and ranges of
//! entries. The tree is the ledger's (`Ledger::tree`): one leaf per log entry, the leaf data
//! being the entry hash's 32 bytes. Heads and receipts are functions of the log and the key
//! (see `Ledger::tree_head`), so any instance serving the same database answers the same bytes.
//!
//! Also here: reading or creating the log's key file.

use std::path::Path;

use ashyq_core::keys::{Commission, CommissionSigningKey, public_key_file};
use ashyq_core::merkle::{MerkleError, MerkleTree};
use ashyq_core::transparency::{
    ConsistencyProof, InclusionProof, SignedTreeHead, TransparencyError,
};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::problem::Problem;
use crate::read::{cached, to_json};

/// Why the log key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LogKeyError {
    /// The file exists but cannot be read or is not a central key.
    #[error(
        "cannot use {path} as the log's signing key: {reason}; give the key file the log was started with (--log-key-file), or move this file away to start a new log key"
    )]
    Unusable {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The file may be read by other users.
    #[error("{0}")]
    Exposed(#[from] crate::secret_file::SecretFileError),
    /// A new key file could not be written.
    #[error("cannot write the new log key to {path}: {reason}; choose a writable --log-key-file")]
    Write {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Reads the log's signing key from `path`, or creates one there (mode 0600, with the public
/// key next to it as `PATH.pub`) when the file does not exist. Returns the key and whether it
/// was created. A key file that group or others may read is refused, with the fix
/// (`secret_file::check_private`). The key must be the central commission's: the log signs as the CEC.
pub fn load_or_create_log_key(path: &Path) -> Result<(CommissionSigningKey, bool), LogKeyError> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => {
            crate::secret_file::check_private(path)?;
            let key =
                CommissionSigningKey::from_key_file(&text).map_err(|e| LogKeyError::Unusable {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
            if *key.commission() != Commission::Central {
                return Err(LogKeyError::Unusable {
                    path: shown,
                    reason: format!(
                        "it is the key of {}, not of the central commission",
                        key.commission()
                    ),
                });
            }
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
            let key = CommissionSigningKey::generate(Commission::Central, &mut rng);
            let write_err = |e: std::io::Error| LogKeyError::Write {
                path: shown.clone(),
                reason: e.to_string(),
            };
            crate::secret_file::create_private(path, key.to_key_file().as_bytes())
                .map_err(write_err)?;
            let mut public_path = path.as_os_str().to_owned();
            public_path.push(".pub");
            std::fs::write(
                &public_path,
                public_key_file(&Commission::Central, &key.public()),
            )
            .map_err(write_err)?;
            Ok((key, true))
        }
        Err(e) => Err(LogKeyError::Unusable {
            path: shown,
            reason: e.to_string(),
        }),
    }
}

/// The log's public key.
#[derive(Serialize, ToSchema)]
pub struct LogKeyDocument {
    /// SHA-256 of the public key, hex: the `key_id` in every head and receipt.
    pub key_id: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// The key file `ashyq verify-receipt --log-key` reads (a `commission:` line and a PEM
    /// SubjectPublicKeyInfo block).
    pub key_file: String,
}

/// The log's public key: keep a copy to check heads and receipts offline.
#[utoipa::path(get, path = "/api/v1/log/key", tag = "log",
    responses((status = 200, description = "The log's Ed25519 public key", body = LogKeyDocument)))]
pub async fn log_key(State(state): State<AppState>) -> axum::Json<LogKeyDocument> {
    let public = state.log_key.public();
    axum::Json(LogKeyDocument {
        key_id: public.key_id().0,
        public_key: public.to_hex(),
        key_file: public_key_file(&Commission::Central, &public),
    })
}

/// The signed head of the whole log as it is now.
#[utoipa::path(get, path = "/api/v1/log/head", tag = "log",
    responses(
        (status = 200, description = "The signed tree head of the current log", body = SignedTreeHead),
        (status = 304, description = "Not modified")))]
pub async fn head(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Problem> {
    let key = state.log_key.clone();
    cached(&state, &headers, "log/head".into(), |l| {
        let size = l.tree().size();
        to_json(&l.tree_head(size, &key).map_err(tree_problem)?)
    })
    .await
}

/// The signed head of the first `size` entries, as it was when the log had that size.
#[utoipa::path(get, path = "/api/v1/log/heads/{size}", tag = "log",
    params(("size" = u64, Path, description = "Tree size (number of entries), at most the current size")),
    responses(
        (status = 200, description = "The signed tree head of that size", body = SignedTreeHead),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Not a size"),
        (status = 404, description = "Beyond the log's current size")))]
pub async fn head_at(
    State(state): State<AppState>,
    UrlPath(size): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let size: u64 = crate::problem::path_number("tree size", &size)?;
    let key = state.log_key.clone();
    cached(&state, &headers, format!("log/heads/{size}"), |l| {
        to_json(&l.tree_head(size, &key).map_err(tree_problem)?)
    })
    .await
}

/// Which inclusion proof.
#[derive(Deserialize, IntoParams)]
pub struct InclusionQuery {
    /// The entry's leaf index: its seq − 1 (`leaf_index` in a receipt). Must be below
    /// `tree_size` (a rule between two parameters, which JSON Schema cannot state: 400).
    leaf_index: u64,
    /// The tree size to prove against (a head's `tree_size`), at most the log's size.
    #[param(minimum = 1)]
    tree_size: u64,
}

/// The audit path showing that entry `leaf_index + 1` is in the tree of `tree_size` entries.
#[utoipa::path(get, path = "/api/v1/log/proofs/inclusion", tag = "log",
    params(InclusionQuery),
    responses(
        (status = 200, description = "The inclusion proof (RFC 9162 §2.1.3)", body = InclusionProof),
        (status = 304, description = "Not modified"),
        (status = 400, description = "The index is not below the size"),
        (status = 404, description = "The size is beyond the log")))]
pub async fn inclusion(
    State(state): State<AppState>,
    Query(q): Query<InclusionQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let key = format!("log/inclusion/{}/{}", q.leaf_index, q.tree_size);
    proof(&state, &headers, key, |tree| {
        Ok(InclusionProof {
            leaf_index: q.leaf_index,
            tree_size: q.tree_size,
            hashes: tree.inclusion_proof(q.leaf_index, q.tree_size)?,
        })
    })
    .await
}

/// Which consistency proof.
#[derive(Deserialize, IntoParams)]
pub struct ConsistencyQuery {
    /// The older tree size: at most `second` (a rule between two parameters, which JSON
    /// Schema cannot state: 400).
    first: u64,
    /// The newer tree size, at most the current size.
    second: u64,
}

/// The proof that the tree of `second` entries extends the tree of `first` entries: nothing
/// of the first was changed, dropped or reordered.
#[utoipa::path(get, path = "/api/v1/log/proofs/consistency", tag = "log",
    params(ConsistencyQuery),
    responses(
        (status = 200, description = "The consistency proof (RFC 9162 §2.1.4)", body = ConsistencyProof),
        (status = 304, description = "Not modified"),
        (status = 400, description = "The sizes are reversed"),
        (status = 404, description = "A size is beyond the log")))]
pub async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let key = format!("log/consistency/{}/{}", q.first, q.second);
    proof(&state, &headers, key, |tree| {
        Ok(ConsistencyProof {
            first_size: q.first,
            second_size: q.second,
            hashes: tree.consistency_proof(q.first, q.second)?,
        })
    })
    .await
}

/// Which entries.
#[derive(Deserialize, IntoParams)]
pub struct EntriesQuery {
    /// The first sequence number (1 for the first entry).
    #[param(minimum = 1)]
    start: u64,
    /// The last sequence number, inclusive: not below `start`, and at most 1,000 entries per
    /// request (rules between two parameters, which JSON Schema cannot state: 400).
    #[param(minimum = 1)]
    end: u64,
}

/// The most entries one request returns.
const MAX_ENTRIES: u64 = 1_000;

/// Log entries `start..=end` (by sequence number), as JSON: each with its hash, which is the
/// leaf data of the transparency tree.
#[utoipa::path(get, path = "/api/v1/log/entries", tag = "log",
    params(EntriesQuery),
    responses(
        (status = 200, description = "The entries, in order", body = [Object]),
        (status = 400, description = "A range that is empty, reversed or too long"),
        (status = 404, description = "A range beyond the log")))]
pub async fn entries(
    State(state): State<AppState>,
    Query(q): Query<EntriesQuery>,
) -> Result<axum::Json<Vec<ashyq_core::LogEntry>>, Problem> {
    let size = state.registrar.ledger().tree().size();
    if q.start == 0 || q.end < q.start {
        return Err(Problem::bad_request(format!(
            "the range {}..={} is empty or reversed; give 1 ≤ start ≤ end",
            q.start, q.end
        )));
    }
    if q.end > size {
        return Err(Problem::not_found(format!(
            "the log has {size} entries, so there is no entry {}; give end ≤ {size}",
            q.end
        )));
    }
    if q.end - q.start >= MAX_ENTRIES {
        return Err(Problem::bad_request(format!(
            "at most {MAX_ENTRIES} entries per request; ask for {}..={} and go on from there",
            q.start,
            q.start + MAX_ENTRIES - 1
        )));
    }
    let limit = u32::try_from(q.end - q.start + 1).unwrap_or(u32::MAX);
    let page = state
        .registrar
        .store()
        .entries_after(q.start - 1, limit)
        .await
        .map_err(Problem::store)?;
    Ok(axum::Json(page))
}

/// A proof about the log's tree, served like every answer: cached per head, with its ETag.
async fn proof<T: Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    key: String,
    make: impl FnOnce(&MerkleTree) -> Result<T, MerkleError> + Send,
) -> Result<Response, Problem> {
    cached(state, headers, key, |l| {
        to_json(&make(l.tree()).map_err(tree_problem)?)
    })
    .await
}

/// A size beyond the log is not there (yet): 404. An index or pair of sizes that contradict
/// each other is a malformed request: 400.
fn tree_problem(e: impl Into<TransparencyError>) -> Problem {
    let e = e.into();
    let text = format!("{e}; the current size is in GET /api/v1/log/head");
    match e {
        TransparencyError::Merkle(MerkleError::SizeBeyondTree { .. }) => Problem::not_found(text),
        _ => Problem::bad_request(text),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn the_log_key_is_created_private_and_refused_at_start_up_when_others_may_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.key");
        let (created, fresh) = load_or_create_log_key(&path).unwrap();
        assert!(fresh);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "created readable by its owner only");
        let (again, fresh) = load_or_create_log_key(&path).unwrap();
        assert!(!fresh);
        assert_eq!(again.key_id(), created.key_id());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = load_or_create_log_key(&path).unwrap_err().to_string();
        assert!(e.contains("0644") && e.contains("chmod 600"), "{e}");
        // The public half is public.
        let public = dir.path().join("log.key.pub");
        assert!(
            std::fs::read_to_string(public)
                .unwrap()
                .contains("PUBLIC KEY")
        );
    }
}
