//! The write API: signed protocols from precinct commissions, and the operators' writes —
//! commission keys, amendments, dismissals, certification — each checked against the
//! operator's role and recorded in the audit trail.
//!
//! Every write goes through `writes.rs`: on the runtime kept for writes, an operator's
//! authorised before and audited after by `operator_write`.

use ashyq_core::keys::{
    Commission, CommissionPublicKey, KeyEvent, KeyId, KeyRecord, KeyRegistered, KeyRevoked,
    KeyRotated, read_public_key_file,
};
use ashyq_core::ledger::LedgerError;
use ashyq_core::operator::Action;
use ashyq_core::protocol::{PrecinctProtocol, ProtocolLines};
use ashyq_core::receipt::Receipt;
use ashyq_core::signed::{SignedPresidentialProtocol, SignedProtocol};
use ashyq_core::territory::PrecinctId;
use ashyq_core::transparency::SignedReceipt;
use ashyq_store::registrar::RegistrarError;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::SignedIn;
use crate::problem::Problem;
use crate::read::{cached, referendum_id, to_json};
use crate::writes::{self, amend_protocol, held_for_review, operator_write};

/// The log's signed receipt for a receipt the ledger gave.
fn sign_receipt(state: &AppState, receipt: &Receipt) -> Result<SignedReceipt, Problem> {
    state
        .registrar
        .ledger()
        .signed_receipt(receipt, &state.log_key)
        .map_err(|e| Problem::unavailable(format!("the receipt could not be signed: {e}")))
}

fn precinct_number(text: &str) -> Result<PrecinctId, Problem> {
    crate::problem::path_number("precinct", text).map(PrecinctId)
}

/// Submits a precinct commission's signed protocol (made with `ashyq protocol sign`). No
/// account is needed: the signature is the commission's credential. The server checks the
/// signature, that the key is registered for this precinct and was valid at the signing time,
/// that the polls have closed and the control ratios. The same document again — or the same
/// numbers signed again — gets the receipt it got the first time. Different numbers for a
/// precinct that has reported are held for review: 409 with the receipt of that record.
#[utoipa::path(post, path = "/api/v1/referendums/{id}/protocols", tag = "protocols",
    params(("id" = String, Path, description = "Referendum id, e.g. kz-2026")),
    request_body(content = SignedProtocol, description = "The signed protocol document, unchanged", content_type = "application/json"),
    responses(
        (status = 200, description = "Accepted (or accepted before): the log's signed receipt", body = SignedReceipt),
        (status = 400, description = "Not a signed protocol document, or for another referendum"),
        (status = 404, description = "No such referendum or precinct"),
        (status = 409, description = "Different numbers for a precinct that reported (held for review; the problem carries the receipt), the polls are still open, or the result is certified"),
        (status = 422, description = "Bad signature, key not allowed, signing time, or a control ratio broken"),
        (status = 503, description = "The store failed; nothing recorded, send it again")))]
pub async fn submit_protocol(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: String,
) -> Result<Response, Problem> {
    let document = SignedProtocol::parse(&body).map_err(|e| Problem::bad_request(e.to_string()))?;
    if document.statement.referendum.0 != id {
        return Err(Problem::bad_request(format!(
            "the document is for referendum {}, but was sent to /api/v1/referendums/{id}/protocols; send it to /api/v1/referendums/{}/protocols",
            document.statement.referendum, document.statement.referendum
        )));
    }
    let registrar = state.registrar.clone();
    let outcome = writes::run(
        &state,
        async move { registrar.submit_signed(&document).await },
    )
    .await?;
    receipted(
        &state,
        outcome,
        &format!("/api/v1/referendums/{id}/precincts"),
    )
}

/// Submits a precinct commission's signed protocol of a presidential round (made with
/// `ashyq protocol sign` from the round's protocol). No account is needed: the signature is
/// the commission's credential. The same rules as the referendum's: the key registered for
/// this precinct and valid at the signing time, the polls closed, the ballot of the round
/// (every candidate standing, none withdrawn) and the control ratios. The same document again
/// gets its first receipt; different numbers for a precinct that reported are held for
/// review (409 with that record's receipt).
#[utoipa::path(post, path = "/api/v1/elections/{id}/protocols", tag = "president",
    params(("id" = String, Path, description = "Presidential round id, e.g. kz-2029-president")),
    request_body(content = SignedPresidentialProtocol, description = "The signed presidential protocol document, unchanged", content_type = "application/json"),
    responses(
        (status = 200, description = "Accepted (or accepted before): the log's signed receipt", body = SignedReceipt),
        (status = 400, description = "Not a signed presidential protocol document, or for another round"),
        (status = 404, description = "No such presidential round or precinct"),
        (status = 409, description = "Different numbers for a precinct that reported (held for review; the problem carries the receipt), the polls are still open, or the round is certified"),
        (status = 422, description = "Bad signature, key not allowed, signing time, a line for a withdrawn candidate, another ballot, or a control ratio broken"),
        (status = 503, description = "The store failed; nothing recorded, send it again")))]
pub async fn submit_presidential_protocol(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: String,
) -> Result<Response, Problem> {
    let document = SignedPresidentialProtocol::parse(&body)
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    let election = &document.statement.protocol.election;
    if election.0 != id {
        return Err(Problem::bad_request(format!(
            "the document is for the round {election}, but was sent to /api/v1/elections/{id}/protocols; send it to /api/v1/elections/{election}/protocols"
        )));
    }
    let registrar = state.registrar.clone();
    let outcome = writes::run(&state, async move {
        registrar.submit_presidential_signed(&document).await
    })
    .await?;
    receipted(
        &state,
        outcome,
        &format!("/api/v1/elections/{id}/round/precincts"),
    )
}

/// The answer to a signed submission: the log's signed receipt, or 409 with it when the
/// document was recorded as a conflict (`precincts`: where the precinct's record is read).
fn receipted(
    state: &AppState,
    outcome: Result<Result<Receipt, LedgerError>, RegistrarError>,
    precincts: &str,
) -> Result<Response, Problem> {
    let receipt = outcome.map_err(Problem::from)?.map_err(Problem::from)?;
    let signed = sign_receipt(state, &receipt)?;
    if receipt.status == ashyq_core::receipt::ReceiptStatus::Conflict {
        let mut p = Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "precinct {} already reported other numbers; this document is recorded for review (log entry {}), not applied. A territorial operator accepts or dismisses it; see {precincts}/{}",
                receipt.precinct, receipt.seq, receipt.precinct
            ),
        );
        p.receipt = Some(Box::new(signed));
        return Err(p);
    }
    Ok(axum::Json(signed).into_response())
}

/// A commission key and its lifetime.
#[derive(Serialize, ToSchema)]
pub struct KeyDocument {
    /// SHA-256 of the public key, hex.
    pub key_id: String,
    /// Whose: `central`, `region:…`, `district:…`, `precinct:…`.
    pub commission: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// From when it may sign.
    pub valid_from: DateTime<Utc>,
    /// `current`, `rotated` or `revoked`.
    pub status: String,
    /// When it was replaced, and by which key.
    pub rotated_at: Option<DateTime<Utc>>,
    /// The key that replaced it.
    pub successor: Option<String>,
    /// From when its signatures are invalid.
    pub revoked_from: Option<DateTime<Utc>>,
    /// Why it was revoked.
    pub revocation_reason: Option<String>,
}

impl From<&KeyRecord> for KeyDocument {
    fn from(k: &KeyRecord) -> Self {
        let status = if k.revoked.is_some() {
            "revoked"
        } else if k.rotated.is_some() {
            "rotated"
        } else {
            "current"
        };
        KeyDocument {
            key_id: k.key_id.0.clone(),
            commission: k.commission.to_string(),
            public_key: k.public_key.to_hex(),
            valid_from: k.valid_from,
            status: status.into(),
            rotated_at: k.rotated.as_ref().map(|(t, _)| *t),
            successor: k.rotated.as_ref().map(|(_, s)| s.0.clone()),
            revoked_from: k.revoked.as_ref().map(|(t, _)| *t),
            revocation_reason: k.revoked.as_ref().map(|(_, r)| r.clone()),
        }
    }
}

/// Which keys.
#[derive(Deserialize, IntoParams)]
pub struct KeysQuery {
    /// Only this commission's keys, e.g. `precinct:17`.
    /// (A precinct's number is at most 4,294,967,295, hence the long pattern.)
    #[param(
        pattern = r"^(central|(region|district):[A-Za-z0-9_-]{1,64}|precinct:0*([0-9]{1,9}|[1-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$"
    )]
    commission: Option<String>,
}

/// The registered commission keys, as the log records them.
#[utoipa::path(get, path = "/api/v1/keys", tag = "keys", params(KeysQuery),
    responses(
        (status = 200, description = "Keys by id", body = [KeyDocument]),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Not a commission")))]
pub async fn keys(
    State(state): State<AppState>,
    Query(q): Query<KeysQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let filter = q
        .commission
        .as_deref()
        .map(Commission::parse)
        .transpose()
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    let key = format!(
        "keys/{}",
        filter.as_ref().map(|c| c.to_string()).unwrap_or_default()
    );
    cached(&state, &headers, key, |l| {
        let list: Vec<KeyDocument> = l
            .keys()
            .keys()
            .filter(|k| filter.as_ref().is_none_or(|c| &k.commission == c))
            .map(KeyDocument::from)
            .collect();
        to_json(&list)
    })
    .await
}

/// A change to a commission's key.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyChangeRequest {
    /// A commission's first key.
    Register {
        /// Whose: `region:…`, `district:…`, `precinct:…` (or `central`).
        #[schema(
            pattern = r"^(central|(region|district):[A-Za-z0-9_-]{1,64}|precinct:0*([0-9]{1,9}|[1-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$"
        )]
        commission: String,
        /// The public key: 64 hex digits, or the `.pub` file `ashyq keys generate` wrote.
        public_key: String,
        /// From when it may sign (default: now).
        valid_from: Option<DateTime<Utc>>,
    },
    /// A new key replacing the current one.
    Rotate {
        /// The key being replaced (its id).
        old_key: String,
        /// The new public key (hex or `.pub` file).
        new_public_key: String,
        /// The moment of the switch (default: now).
        at: Option<DateTime<Utc>>,
    },
    /// A key withdrawn.
    Revoke {
        /// The key (its id).
        key: String,
        /// From when its signatures are invalid (default: now; earlier, e.g. when it was
        /// compromised).
        effective_from: Option<DateTime<Utc>>,
        /// Why.
        reason: String,
    },
}

fn public_key(text: &str) -> Result<CommissionPublicKey, Problem> {
    let text = text.trim();
    if text.contains("BEGIN PUBLIC KEY") {
        let parsed = if text.contains("commission:") {
            read_public_key_file(text).map(|(_, k)| k)
        } else {
            CommissionPublicKey::from_pem(text)
        };
        parsed.map_err(|e| Problem::bad_request(e.to_string()))
    } else {
        CommissionPublicKey::from_hex(text).map_err(|e| Problem::bad_request(e.to_string()))
    }
}

/// Registers, rotates or revokes a commission's key. The operator acts for their own
/// commission (a central operator for the CEC, a territorial operator for their region or
/// district), which must be above the commission whose key changes. Recorded in the log.
#[utoipa::path(post, path = "/api/v1/keys", tag = "keys", request_body = KeyChangeRequest,
    responses(
        (status = 201, description = "Recorded: the key as it now stands", body = KeyDocument),
        (status = 400, description = "Malformed key or commission"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The operator's commission is not above that one"),
        (status = 404, description = "No such key (rotate, revoke)"),
        (status = 422, description = "Refused by the key rules (e.g. a second key, unknown key)")))]
pub async fn change_key(
    State(state): State<AppState>,
    who: SignedIn,
    axum::Json(req): axum::Json<KeyChangeRequest>,
) -> Result<Response, Problem> {
    let Some(by) = who.commission() else {
        return Err(Problem::forbidden(format!(
            "the role {} may not manage keys; ask the commission above the one whose key changes",
            who.account.role
        )));
    };
    let now = Utc::now();
    let author = who.author();
    let (change, of, detail) = {
        let ledger = state.registrar.ledger();
        let known = |id: &str| {
            ledger
                .keys()
                .get(&KeyId(id.trim().to_owned()))
                .map(|k| k.commission.clone())
                .ok_or_else(|| {
                    Problem::not_found(format!("no key {id} is registered; see GET /api/v1/keys"))
                })
        };
        match req {
            KeyChangeRequest::Register {
                commission,
                public_key: pk,
                valid_from,
            } => {
                let commission = Commission::parse(&commission)
                    .map_err(|e| Problem::bad_request(e.to_string()))?;
                let public_key = public_key(&pk)?;
                let detail = format!("register key {} for {commission}", public_key.key_id());
                (
                    KeyEvent::KeyRegistered(KeyRegistered {
                        commission: commission.clone(),
                        public_key,
                        valid_from: valid_from.unwrap_or(now),
                        by: by.clone(),
                        author,
                    }),
                    commission,
                    detail,
                )
            }
            KeyChangeRequest::Rotate {
                old_key,
                new_public_key,
                at,
            } => {
                let of = known(&old_key)?;
                let new = public_key(&new_public_key)?;
                let detail = format!("rotate key {old_key} of {of} to {}", new.key_id());
                (
                    KeyEvent::KeyRotated(KeyRotated {
                        old_key: KeyId(old_key.trim().to_owned()),
                        new_public_key: new,
                        at: at.unwrap_or(now),
                        by: by.clone(),
                        author,
                    }),
                    of,
                    detail,
                )
            }
            KeyChangeRequest::Revoke {
                key,
                effective_from,
                reason,
            } => {
                let of = known(&key)?;
                let detail = format!("revoke key {key} of {of}: {reason}");
                (
                    KeyEvent::KeyRevoked(KeyRevoked {
                        key: KeyId(key.trim().to_owned()),
                        effective_from: effective_from.unwrap_or(now),
                        reason,
                        by: by.clone(),
                        author,
                    }),
                    of,
                    detail,
                )
            }
        }
    };
    let key_id = match &change {
        KeyEvent::KeyRegistered(e) => e.public_key.key_id(),
        KeyEvent::KeyRotated(e) => e.new_public_key.key_id(),
        KeyEvent::KeyRevoked(e) => e.key.clone(),
    };
    operator_write(
        &state,
        &who,
        Action::ManageKeys { of },
        &detail,
        |reg| async move { reg.manage_key(change).await.map_err(Problem::from) },
    )
    .await?;
    let doc = state
        .registrar
        .ledger()
        .keys()
        .get(&key_id)
        .map(KeyDocument::from)
        .ok_or_else(|| {
            Problem::unavailable("the key was recorded but cannot be read back; reload")
        })?;
    Ok((StatusCode::CREATED, axum::Json(doc)).into_response())
}

/// An amendment of a precinct's protocol.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendmentRequest {
    /// Why (e.g. "recount ordered by the district commission"). Required.
    pub reason: String,
    /// Accept the protocol held for review with this protocol hash (keeps its signature).
    pub accept_conflict: Option<String>,
    /// Or: the corrected numbers, entered by the operator.
    pub lines: Option<ProtocolLines>,
}

/// Amends a precinct's protocol: accepts a version held for review, or applies numbers the
/// operator enters. Territorial operators within their territory; central operators anywhere.
#[utoipa::path(post, path = "/api/v1/referendums/{id}/precincts/{number}/amendments", tag = "protocols",
    params(("id" = String, Path, description = "Referendum id"), ("number" = u32, Path, description = "Precinct number")),
    request_body = AmendmentRequest,
    responses(
        (status = 201, description = "Applied: the log's signed receipt", body = SignedReceipt),
        (status = 400, description = "Malformed request"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Outside the operator's territory or role"),
        (status = 404, description = "No such referendum, precinct or conflict"),
        (status = 409, description = "The result is certified and locked"),
        (status = 422, description = "Refused by the rules")))]
pub async fn amend(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, number)): Path<(String, String)>,
    axum::Json(req): axum::Json<AmendmentRequest>,
) -> Result<Response, Problem> {
    let precinct = precinct_number(&number)?;
    let detail = format!("amend precinct {precinct} of {id}: {}", req.reason.trim());
    let rid = referendum_id(&id);
    let author = who.author();
    let action = Action::AmendProtocol { precinct };
    let receipt = operator_write(&state, &who, action, &detail, |reg| async move {
        let (protocol, signature) = match (req.accept_conflict, req.lines) {
            (Some(hash), None) => {
                let c = held_for_review(&reg, &rid, precinct, hash.trim())?.ok_or_else(|| {
                    Problem::not_found(format!(
                        "precinct {precinct} has no protocol held for review with hash {hash}; see GET /api/v1/referendums/{id}/precincts/{precinct}"
                    ))
                })?;
                (c.protocol, c.receipt.signature)
            }
            (None, Some(lines)) => (
                PrecinctProtocol {
                    referendum: rid,
                    precinct,
                    lines,
                },
                None,
            ),
            _ => {
                return Err(Problem::bad_request(
                    "give either accept_conflict (the protocol hash of a version held for review) or lines (the corrected numbers), not both",
                ));
            }
        };
        amend_protocol(&reg, protocol, signature, &req.reason, author).await
    })
    .await?;
    let signed = sign_receipt(&state, &receipt)?;
    Ok((StatusCode::CREATED, axum::Json(signed)).into_response())
}

/// A dismissal of a protocol held for review.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissalRequest {
    /// The protocol hash of the version held for review.
    pub protocol_hash: String,
    /// Why it is dismissed. Required.
    pub reason: String,
}

/// The outcome of a write recorded in the log.
#[derive(Serialize, ToSchema)]
pub struct Recorded {
    /// The log entry's sequence number.
    pub seq: u64,
    /// Its hash.
    pub entry_hash: String,
    /// Its kind, e.g. `conflict_dismissed`.
    pub kind: String,
}

impl From<ashyq_core::LogEntry> for Recorded {
    fn from(e: ashyq_core::LogEntry) -> Self {
        Recorded {
            seq: e.seq,
            kind: e.event.kind().to_owned(),
            entry_hash: e.hash.0,
        }
    }
}

/// Dismisses a protocol held for review: the applied one stands. Territorial operators within
/// their territory; central operators anywhere.
#[utoipa::path(post, path = "/api/v1/referendums/{id}/precincts/{number}/dismissals", tag = "protocols",
    params(("id" = String, Path, description = "Referendum id"), ("number" = u32, Path, description = "Precinct number")),
    request_body = DismissalRequest,
    responses(
        (status = 201, description = "Recorded", body = Recorded),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Outside the operator's territory or role"),
        (status = 404, description = "No such referendum or precinct"),
        (status = 409, description = "The result is certified and locked"),
        (status = 422, description = "No such open conflict, or refused")))]
pub async fn dismiss(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, number)): Path<(String, String)>,
    axum::Json(req): axum::Json<DismissalRequest>,
) -> Result<Response, Problem> {
    let precinct = precinct_number(&number)?;
    let detail = format!(
        "dismiss {} at precinct {precinct} of {id}: {}",
        req.protocol_hash,
        req.reason.trim()
    );
    let author = who.author();
    let rid = referendum_id(&id);
    let action = Action::DismissConflict { precinct };
    let entry = operator_write(&state, &who, action, &detail, |reg| async move {
        reg.dismiss_conflict(
            &rid,
            precinct,
            req.protocol_hash.trim(),
            &req.reason,
            author,
        )
        .await
        .map_err(Problem::from)
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(Recorded::from(entry))).into_response())
}

/// Certifies a final result and locks it (central operators only).
#[utoipa::path(post, path = "/api/v1/referendums/{id}/certification", tag = "protocols",
    params(("id" = String, Path, description = "Referendum id")),
    responses(
        (status = 201, description = "Certified", body = Recorded),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a central operator"),
        (status = 404, description = "No such referendum"),
        (status = 409, description = "Already certified"),
        (status = 422, description = "Not final yet (missing precincts or open conflicts)")))]
pub async fn certify(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let detail = format!("certify {id}");
    let author = who.author();
    let rid = referendum_id(&id);
    let entry = operator_write(
        &state,
        &who,
        Action::CertifyResult,
        &detail,
        |reg| async move { reg.certify(&rid, author).await.map_err(Problem::from) },
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(Recorded::from(entry))).into_response())
}

/// What needs review before certification.
#[derive(Serialize, ToSchema)]
pub struct ReviewDocument {
    /// The referendum.
    pub referendum: String,
    /// Precincts that have not reported, in territory order.
    pub missing: Vec<u32>,
    /// Protocols held for review.
    pub conflicts: Vec<ConflictItem>,
    /// Applied protocols with control-ratio warnings.
    pub warnings: Vec<WarningItem>,
}

/// A protocol held for review.
#[derive(Serialize, ToSchema)]
pub struct ConflictItem {
    /// The precinct.
    pub precinct: u32,
    /// The protocol that arrived.
    pub protocol: PrecinctProtocol,
    /// Its receipt.
    pub receipt: Receipt,
    /// The hash of the protocol applied now.
    pub applied_hash: Option<String>,
}

/// An applied protocol with warnings.
#[derive(Serialize, ToSchema)]
pub struct WarningItem {
    /// The precinct.
    pub precinct: u32,
    /// The warnings.
    pub warnings: Vec<ashyq_core::protocol::Violation>,
}

/// Missing precincts, conflicts and warnings: what the commissions review before certifying.
#[utoipa::path(get, path = "/api/v1/referendums/{id}/review", tag = "protocols",
    params(("id" = String, Path, description = "Referendum id")),
    responses(
        (status = 200, description = "What needs review", body = ReviewDocument),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such referendum")))]
pub async fn review(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("review/{id}"), |l| {
        let rid = referendum_id(&id);
        let conflicts = l
            .open_conflicts(&rid)?
            .map(|c| ConflictItem {
                precinct: c.protocol.precinct.0,
                applied_hash: l
                    .applied(&rid, c.protocol.precinct)
                    .ok()
                    .flatten()
                    .map(|a| a.protocol_hash.clone()),
                protocol: c.protocol.clone(),
                receipt: c.receipt.clone(),
            })
            .collect();
        let warnings = l
            .applied_protocols(&rid)?
            .filter(|a| !a.warnings.is_empty())
            .map(|a| WarningItem {
                precinct: a.protocol.precinct.0,
                warnings: a.warnings.clone(),
            })
            .collect();
        to_json(&ReviewDocument {
            referendum: id.clone(),
            missing: l
                .missing_precincts(&rid)?
                .into_iter()
                .map(|p| p.0)
                .collect(),
            conflicts,
            warnings,
        })
    })
    .await
}
