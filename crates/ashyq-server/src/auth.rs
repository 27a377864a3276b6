//! Operators' credentials and the bracket around their writes: signing in (Argon2id, with
//! growing delays after failed tries, `throttle.rs`), sessions and API tokens, the role check in front of every write
//! (`authorize`) and the audit record behind it (`audit`). The JSON API of accounts and tokens
//! is `operators.rs`; the write path that brackets every operator's write is `writes.rs`.
//!
//! A request is an operator's when it carries a token: `Authorization: Bearer ashyq_…` (an
//! API token, for programs) or the `ashyq_session` cookie (a browser signed in with a
//! password; the cookie is `HttpOnly` and `SameSite=Strict`, so another site can neither read
//! it nor make the browser send it). Tokens are kept only as their SHA-256; passwords are
//! Argon2id (`ashyq_core::operator`). Every write an operator asks for — done or refused — is
//! one row of the audit trail: who, when, what, and the outcome.

use ashyq_core::author::Author;
use ashyq_core::keys::Commission;
use ashyq_core::operator::{
    Action, ApiToken, AuditOutcome, AuditRecord, Role, TerritorialScope, permits, verify_password,
    verify_password_of_no_account,
};
use ashyq_store::operators::{OperatorRow, TokenKind};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::cookies::cookie;
use crate::limits::ClientAddress;
use crate::problem::Problem;
use crate::throttle;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ashyq_session";

/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;

/// The operator a request comes from.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The account.
    pub account: OperatorRow,
    /// How the request proved it.
    pub kind: TokenKind,
    /// The token's digest, to sign out.
    token: ashyq_core::operator::TokenDigest,
}

impl SignedIn {
    /// The author recorded in the log for this operator's writes.
    pub fn author(&self) -> Author {
        Author {
            name: self.account.name.clone(),
            role: self.account.role.to_string(),
        }
    }

    /// The commission this operator acts for: the central one, or its territory's.
    pub fn commission(&self) -> Option<Commission> {
        match &self.account.role {
            Role::CentralOperator => Some(Commission::Central),
            Role::TerritorialOperator { scope } => Some(scope_commission(scope)),
            Role::Observer | Role::KurultaiSecretariat | Role::AuditBoard { .. } => None,
        }
    }

    /// A token derived from the session for forms (CSRF): unguessable without the session
    /// token, which only the browser holds.
    pub fn form_token(&self) -> String {
        use sha2::{Digest as _, Sha256};
        let mut h = Sha256::new();
        h.update(b"ashyq-form-token/1");
        h.update(self.token.0);
        hex::encode(&h.finalize()[..16])
    }
}

/// Finds the operator of a request from its bearer token or session cookie.
pub(crate) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<SignedIn>, Problem> {
    let presented = match headers.get(header::AUTHORIZATION) {
        Some(v) => {
            let text = v.to_str().unwrap_or("");
            let Some(token) = text.strip_prefix("Bearer ") else {
                return Err(Problem::unauthorized(
                    "the Authorization header must be `Bearer ashyq_…` with an API token; create one with POST /api/v1/tokens or `ashyq operator token`",
                ));
            };
            Some(token.trim())
        }
        None => cookie(headers, SESSION_COOKIE),
    };
    let Some(presented) = presented else {
        return Ok(None);
    };
    let token = ApiToken::parse(presented).map_err(|e| Problem::unauthorized(e.to_string()))?;
    let digest = token.digest();
    let found = state
        .registrar
        .store()
        .token_operator(&digest, Utc::now())
        .await
        .map_err(Problem::store)?;
    match found {
        Some((account, kind)) => Ok(Some(SignedIn {
            account,
            kind,
            token: digest,
        })),
        None => Err(Problem::unauthorized(
            "this token is unknown, expired or its account is disabled: sign in again (POST /api/v1/session) or use a current API token",
        )),
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        signed_in(state, &parts.headers).await?.ok_or_else(|| {
            Problem::unauthorized(
                "this needs a signed-in operator: send `Authorization: Bearer ashyq_…` with an API token, or sign in with POST /api/v1/session",
            )
        })
    }
}

/// Ends the session (or withdraws the API token) `who` came with.
pub(crate) async fn end_session(state: &AppState, who: &SignedIn) -> Result<(), Problem> {
    state
        .registrar
        .store()
        .remove_token(&who.token)
        .await
        .map_err(Problem::store)
}

/// The commission of a territorial operator's territory.
pub(crate) fn scope_commission(scope: &TerritorialScope) -> Commission {
    match scope {
        TerritorialScope::Region(r) => Commission::Region(r.clone()),
        TerritorialScope::District(d) => Commission::District(d.clone()),
    }
}

/// Checks that `who` may do `action`; records the refusal in the audit trail when not.
pub(crate) async fn authorize(
    state: &AppState,
    who: &SignedIn,
    action: &Action,
    detail: &str,
) -> Result<(), Problem> {
    let check = {
        let ledger = state.registrar.ledger();
        permits(&who.account.role, action, ledger.hierarchy())
    };
    match check {
        Ok(()) => Ok(()),
        Err(e) => {
            let p = Problem::forbidden(e.to_string());
            audit(state, who, action.clone(), detail, Err(&p)).await;
            Err(p)
        }
    }
}

/// Writes one audit record: the outcome of `action` asked by `who`.
pub(crate) async fn audit(
    state: &AppState,
    who: &SignedIn,
    action: Action,
    detail: &str,
    outcome: Result<(), &Problem>,
) {
    let record = AuditRecord {
        at: Utc::now(),
        operator: who.account.name.clone(),
        role: who.account.role.clone(),
        action,
        detail: detail.chars().take(500).collect(),
        outcome: match outcome {
            Ok(()) => AuditOutcome::Done,
            Err(p) => AuditOutcome::Refused {
                reason: p.detail.chars().take(500).collect(),
            },
        },
    };
    if let Err(e) = state.registrar.store().audit_operator_write(&record).await {
        // The write itself has happened (or been refused); losing its audit row is logged
        // loudly rather than hidden.
        tracing::error!(operator = %record.operator, "the audit record could not be written: {e}");
    }
}

/// A session or an API token, shown once.
#[derive(Serialize, ToSchema)]
pub struct TokenDocument {
    /// The account name.
    pub operator: String,
    /// Its role, in words.
    pub role: String,
    /// The token: send it as `Authorization: Bearer …`. Shown only now.
    pub token: String,
    /// When it stops working (none: until withdrawn).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Checks a password and opens a session: the token text and its document.
pub(crate) async fn check_password_and_open_session(
    state: &AppState,
    name: &str,
    password: &str,
    client: &ClientAddress,
) -> Result<(String, TokenDocument), Problem> {
    let wrong = || {
        Problem::unauthorized(
            "the name or the password is wrong (names are lower case); after several failed tries each further try waits longer",
        )
    };
    throttle::before_try(state, name, client).await?;
    let account = state
        .registrar
        .store()
        .operator(name)
        .await
        .map_err(Problem::store)?;
    let account = account.filter(|a| !a.disabled);
    // Argon2 takes tens of milliseconds of CPU: off the async threads. A name that is no
    // (enabled) account is checked against a dummy hash, so it costs as long and answers the
    // same as a wrong password: neither the time nor the text tells which names exist.
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let password = zeroize::Zeroizing::new(password.to_owned());
    let checked = tokio::task::spawn_blocking(move || match &stored {
        Some(stored) => verify_password(&password, stored),
        None => Ok(verify_password_of_no_account(&password)),
    })
    .await
    .map_err(|e| Problem::unavailable(format!("password check interrupted: {e}")))?;
    let ok = checked.unwrap_or_else(|e| {
        // A damaged record is the administrator's to fix; the client is told only "wrong".
        tracing::error!(operator = %name, "the stored password hash is unusable: {e}");
        false
    });
    throttle::after_try(state, name, client, ok && account.is_some()).await?;
    let Some(account) = account.filter(|_| ok) else {
        return Err(wrong());
    };
    let now = Utc::now();
    let expires = now + chrono::TimeDelta::hours(SESSION_HOURS);
    let token = new_token();
    state
        .registrar
        .store()
        .add_token(
            &account.name,
            &token.digest(),
            TokenKind::Session,
            "web session",
            now,
            Some(expires),
        )
        .await
        .map_err(Problem::store)?;
    let doc = TokenDocument {
        operator: account.name.clone(),
        role: account.role.to_string(),
        token: token.reveal().to_owned(),
        expires_at: Some(expires),
    };
    Ok((token.reveal().to_owned(), doc))
}

pub(crate) fn new_token() -> ApiToken {
    let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
    ApiToken::generate(&mut rng)
}

/// The `Set-Cookie` value for the session cookie (`None`: clear it).
pub(crate) fn session_cookie(state: &AppState, token: Option<&str>, max_age: i64) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"),
    }
}

/// Parses a role as the CLI and the API write it.
pub fn parse_role(text: &str) -> Result<Role, String> {
    match text.trim() {
        "central" => Ok(Role::CentralOperator),
        "observer" => Ok(Role::Observer),
        "kurultai-secretariat" => Ok(Role::KurultaiSecretariat),
        board if board.starts_with("audit-board:") => Ok(Role::AuditBoard {
            region: ashyq_core::territory::RegionCode(
                board["audit-board:".len()..].trim().to_owned(),
            ),
        }),
        other => match Commission::parse(other) {
            Ok(Commission::Region(r)) => Ok(Role::TerritorialOperator {
                scope: TerritorialScope::Region(r),
            }),
            Ok(Commission::District(d)) => Ok(Role::TerritorialOperator {
                scope: TerritorialScope::District(d),
            }),
            _ => Err(format!(
                "{:?} is not a role: write central, observer, kurultai-secretariat, audit-board:CODE, region:CODE (e.g. region:KZ-75) or district:ID (e.g. district:KZ-75-03)",
                other.chars().take(60).collect::<String>()
            )),
        },
    }
}
