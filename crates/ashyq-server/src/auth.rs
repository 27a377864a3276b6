//! Operators over HTTP: signing in and out, API tokens, accounts, the role check in front of
//! every write and the audit trail behind it.
//!
//! A request is an operator's when it carries a token: `Authorization: Bearer ashyq_…` (an
//! API token, for programs) or the `ashyq_session` cookie (a browser signed in with a
//! password; the cookie is `HttpOnly` and `SameSite=Strict`, so another site can neither read
//! it nor make the browser send it). Tokens are kept only as their SHA-256; passwords are
//! Argon2id (`ashyq_core::operator`). Every write an operator asks for — done or refused — is
//! one row of the audit trail: who, when, what, and the outcome.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ashyq_core::author::Author;
use ashyq_core::keys::Commission;
use ashyq_core::operator::{
    Action, ApiToken, AuditOutcome, AuditRecord, Role, TerritorialScope, hash_password, permits,
    verify_password,
};
use ashyq_store::operators::{OperatorRow, TokenKind};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::problem::Problem;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ashyq_session";
/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed per account within [`LOCKOUT`] before further tries are refused.
const MAX_FAILURES: u32 = 5;
/// The window of [`MAX_FAILURES`].
const LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// The value of cookie `name` in the request, if any.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

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
            Role::TerritorialOperator { scope } => Some(match scope {
                TerritorialScope::Region(r) => Commission::Region(r.clone()),
                TerritorialScope::District(d) => Commission::District(d.clone()),
            }),
            Role::Observer => None,
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
        .map_err(|e| Problem::unavailable(format!("{e}; try again in a moment")))?;
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

/// Failed sign-ins per account name, in memory.
#[derive(Default)]
pub struct SignInGuard {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl SignInGuard {
    fn locked(&self, name: &str) -> Option<Duration> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (count, since) = map.get(name)?;
        let elapsed = since.elapsed();
        (*count >= MAX_FAILURES && elapsed < LOCKOUT).then(|| LOCKOUT - elapsed)
    }

    fn failed(&self, name: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| since.elapsed() < LOCKOUT);
        }
        let entry = map.entry(name.to_owned()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= LOCKOUT {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    fn succeeded(&self, name: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
    }
}

/// A sign-in.
#[derive(Deserialize, ToSchema)]
pub struct SignInRequest {
    /// The account name.
    pub name: String,
    /// Its password.
    pub password: String,
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

/// Who is signed in.
#[derive(Serialize, ToSchema)]
pub struct SessionDocument {
    /// The account name.
    pub operator: String,
    /// Its role, in words.
    pub role: String,
    /// Its role, as stored (e.g. `{"role":"central_operator"}`).
    #[schema(value_type = Object)]
    pub role_detail: Role,
    /// `session` for a signed-in browser, `api` for an API token.
    pub kind: String,
}

/// Signs an operator in with name and password: answers a session token (also set as an
/// `HttpOnly` cookie for browsers). After five failed tries an account is locked for 15
/// minutes.
#[utoipa::path(post, path = "/api/v1/session", tag = "operators", request_body = SignInRequest,
    responses(
        (status = 201, description = "Signed in", body = TokenDocument),
        (status = 401, description = "Wrong name or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed tries", body = Problem, content_type = "application/problem+json")))]
pub async fn sign_in(
    State(state): State<AppState>,
    axum::Json(req): axum::Json<SignInRequest>,
) -> Result<Response, Problem> {
    let (token, doc) = check_password_and_open_session(&state, &req.name, &req.password).await?;
    let cookie = session_cookie(&state, Some(&token), SESSION_HOURS * 3600);
    let mut res = (StatusCode::CREATED, axum::Json(doc)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// Checks a password and opens a session: the token text and its document.
pub(crate) async fn check_password_and_open_session(
    state: &AppState,
    name: &str,
    password: &str,
) -> Result<(String, TokenDocument), Problem> {
    let wrong = || {
        Problem::unauthorized(
            "the name or the password is wrong (names are lower case); after five failed tries the account is locked for 15 minutes",
        )
    };
    if let Some(wait) = state.sign_in_guard.locked(name) {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!(
                "too many failed sign-ins for this account; try again in {} minutes, or ask a central operator to reset the password",
                wait.as_secs().div_ceil(60)
            ),
        ));
    }
    let account = state
        .registrar
        .store()
        .operator(name)
        .await
        .map_err(|e| Problem::unavailable(format!("{e}; try again in a moment")))?;
    let Some(account) = account.filter(|a| !a.disabled) else {
        state.sign_in_guard.failed(name);
        return Err(wrong());
    };
    // Argon2 takes tens of milliseconds of CPU: off the async threads.
    let stored = account.password_hash.clone();
    let password = zeroize::Zeroizing::new(password.to_owned());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| Problem::unavailable(format!("password check interrupted: {e}")))?
        .map_err(|e| Problem::unauthorized(e.to_string()))?;
    if !ok {
        state.sign_in_guard.failed(name);
        return Err(wrong());
    }
    state.sign_in_guard.succeeded(name);
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
        .map_err(|e| Problem::unavailable(format!("{e}; try again in a moment")))?;
    let doc = TokenDocument {
        operator: account.name.clone(),
        role: account.role.to_string(),
        token: token.reveal().to_owned(),
        expires_at: Some(expires),
    };
    Ok((token.reveal().to_owned(), doc))
}

fn new_token() -> ApiToken {
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

/// Who the request's token belongs to.
#[utoipa::path(get, path = "/api/v1/session", tag = "operators",
    responses(
        (status = 200, description = "The signed-in operator", body = SessionDocument),
        (status = 401, description = "No or an invalid token", body = Problem, content_type = "application/problem+json")))]
pub async fn whoami(who: SignedIn) -> axum::Json<SessionDocument> {
    axum::Json(SessionDocument {
        operator: who.account.name.clone(),
        role: who.account.role.to_string(),
        role_detail: who.account.role.clone(),
        kind: match who.kind {
            TokenKind::Api => "api".into(),
            TokenKind::Session => "session".into(),
        },
    })
}

/// Signs out: the token presented stops working.
#[utoipa::path(delete, path = "/api/v1/session", tag = "operators",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No or an invalid token", body = Problem, content_type = "application/problem+json")))]
pub async fn sign_out(State(state): State<AppState>, who: SignedIn) -> Result<Response, Problem> {
    state
        .registrar
        .store()
        .remove_token(&who.token)
        .await
        .map_err(|e| Problem::unavailable(format!("{e}; try again in a moment")))?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&state, None, 0)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// A new API token.
#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// What it is for, e.g. "results dashboard" (shown in audits, never secret).
    #[schema(min_length = 1, max_length = 100)]
    pub label: String,
}

/// Creates an API token for the signed-in operator; it is shown only in this answer.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "operators", request_body = TokenRequest,
    responses(
        (status = 201, description = "The new token", body = TokenDocument),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")))]
pub async fn create_token(
    State(state): State<AppState>,
    who: SignedIn,
    axum::Json(req): axum::Json<TokenRequest>,
) -> Result<Response, Problem> {
    let label = req.label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(Problem::bad_request(
            "give the token a label of 1 to 100 characters saying what it is for",
        ));
    }
    let token = new_token();
    state
        .registrar
        .store()
        .add_token(
            &who.account.name,
            &token.digest(),
            TokenKind::Api,
            label,
            Utc::now(),
            None,
        )
        .await
        .map_err(|e| Problem::unavailable(format!("{e}; try again in a moment")))?;
    audit(
        &state,
        &who,
        Action::ManageOperators,
        &format!("created API token {label:?}"),
        Ok(()),
    )
    .await;
    Ok((
        StatusCode::CREATED,
        axum::Json(TokenDocument {
            operator: who.account.name.clone(),
            role: who.account.role.to_string(),
            token: token.reveal().to_owned(),
            expires_at: None,
        }),
    )
        .into_response())
}

/// An operator account as listed (never its password hash).
#[derive(Serialize, ToSchema)]
pub struct OperatorDocument {
    /// Login name.
    pub name: String,
    /// Role, in words.
    pub role: String,
    /// Role, as stored.
    #[schema(value_type = Object)]
    pub role_detail: Role,
    /// Whether it is disabled.
    pub disabled: bool,
    /// When it was created.
    pub created_at: String,
}

impl From<OperatorRow> for OperatorDocument {
    fn from(o: OperatorRow) -> Self {
        OperatorDocument {
            role: o.role.to_string(),
            name: o.name,
            role_detail: o.role,
            disabled: o.disabled,
            created_at: o.created_at,
        }
    }
}

/// Every operator account (central operators only).
#[utoipa::path(get, path = "/api/v1/operators", tag = "operators",
    responses(
        (status = 200, description = "The accounts", body = [OperatorDocument]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a central operator", body = Problem, content_type = "application/problem+json")))]
pub async fn operators(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<axum::Json<Vec<OperatorDocument>>, Problem> {
    if who.account.role != Role::CentralOperator {
        return Err(Problem::forbidden(format!(
            "the role {} may not list operator accounts; ask an operator of the Central Election Commission",
            who.account.role
        )));
    }
    let list = state
        .registrar
        .store()
        .operators()
        .await
        .map_err(|e| Problem::unavailable(format!("{e}; try again in a moment")))?;
    Ok(axum::Json(
        list.into_iter().map(OperatorDocument::from).collect(),
    ))
}

/// A new operator account.
#[derive(Deserialize, ToSchema)]
pub struct NewOperator {
    /// Login name: 1–64 lower-case letters, digits, `.`, `_`, `-`.
    #[schema(pattern = r"^[a-z0-9._-]{1,64}$")]
    pub name: String,
    /// `central`, `observer`, `region:KZ-75` or `district:KZ-75-03` (a territorial operator).
    #[schema(pattern = r"^(central|observer|(region|district):[A-Za-z0-9_-]{1,64})$")]
    pub role: String,
    /// 12 to 1,024 characters.
    #[schema(min_length = 12, max_length = 1024)]
    pub password: String,
}

/// Parses a role as the CLI and the API write it.
pub fn parse_role(text: &str) -> Result<Role, String> {
    match text.trim() {
        "central" => Ok(Role::CentralOperator),
        "observer" => Ok(Role::Observer),
        other => match Commission::parse(other) {
            Ok(Commission::Region(r)) => Ok(Role::TerritorialOperator {
                scope: TerritorialScope::Region(r),
            }),
            Ok(Commission::District(d)) => Ok(Role::TerritorialOperator {
                scope: TerritorialScope::District(d),
            }),
            _ => Err(format!(
                "{:?} is not a role: write central, observer, region:CODE (e.g. region:KZ-75) or district:ID (e.g. district:KZ-75-03)",
                other.chars().take(60).collect::<String>()
            )),
        },
    }
}

/// Creates an operator account (central operators only).
#[utoipa::path(post, path = "/api/v1/operators", tag = "operators", request_body = NewOperator,
    responses(
        (status = 201, description = "Created", body = OperatorDocument),
        (status = 400, description = "A bad name, role or password", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a central operator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json")))]
pub async fn create_operator(
    State(state): State<AppState>,
    who: SignedIn,
    axum::Json(req): axum::Json<NewOperator>,
) -> Result<Response, Problem> {
    let detail = format!("create operator {:?} as {:?}", req.name, req.role);
    authorize(&state, &who, &Action::ManageOperators, &detail).await?;
    let result = async {
        let role = parse_role(&req.role).map_err(Problem::bad_request)?;
        if let Role::TerritorialOperator { scope } = &role {
            let c = match scope {
                TerritorialScope::Region(r) => Commission::Region(r.clone()),
                TerritorialScope::District(d) => Commission::District(d.clone()),
            };
            state
                .registrar
                .ledger()
                .hierarchy()
                .parent(&c)
                .map_err(|e| Problem::bad_request(e.to_string()))?;
        }
        let password = zeroize::Zeroizing::new(req.password.clone());
        let hash = tokio::task::spawn_blocking(move || {
            let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
            hash_password(&password, &mut rng)
        })
        .await
        .map_err(|e| Problem::unavailable(format!("password hashing interrupted: {e}")))?
        .map_err(|e| Problem::bad_request(e.to_string()))?;
        let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        state
            .registrar
            .store()
            .create_operator(&req.name, &role, &hash, &now)
            .await
            .map_err(store_problem)?;
        Ok(OperatorDocument {
            name: req.name.clone(),
            role: role.to_string(),
            role_detail: role,
            disabled: false,
            created_at: now,
        })
    }
    .await;
    audit(
        &state,
        &who,
        Action::ManageOperators,
        &detail,
        result.as_ref().map(drop),
    )
    .await;
    Ok((StatusCode::CREATED, axum::Json(result?)).into_response())
}

/// A change to an account.
#[derive(Deserialize, ToSchema)]
pub struct OperatorChange {
    /// Disable (true) or enable (false) the account.
    pub disabled: bool,
}

/// Disables or re-enables an account (central operators only). A disabled account's sessions
/// and tokens stop working at once.
#[utoipa::path(patch, path = "/api/v1/operators/{name}", tag = "operators", request_body = OperatorChange,
    params(("name" = String, Path, description = "The account name")),
    responses(
        (status = 200, description = "Changed", body = OperatorDocument),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a central operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json")))]
pub async fn change_operator(
    State(state): State<AppState>,
    who: SignedIn,
    Path(name): Path<String>,
    axum::Json(req): axum::Json<OperatorChange>,
) -> Result<axum::Json<OperatorDocument>, Problem> {
    let detail = format!("set operator {name:?} disabled={}", req.disabled);
    authorize(&state, &who, &Action::ManageOperators, &detail).await?;
    let store = state.registrar.store();
    let result = async {
        if name == who.account.name && req.disabled {
            return Err(Problem::bad_request(
                "an operator cannot disable their own account; ask another central operator",
            ));
        }
        store
            .set_operator_disabled(&name, req.disabled)
            .await
            .map_err(store_problem)?;
        store
            .operator(&name)
            .await
            .map_err(store_problem)?
            .map(OperatorDocument::from)
            .ok_or_else(|| Problem::not_found(format!("there is no operator named {name}")))
    }
    .await;
    audit(
        &state,
        &who,
        Action::ManageOperators,
        &detail,
        result.as_ref().map(drop),
    )
    .await;
    result.map(axum::Json)
}

fn store_problem(e: ashyq_store::StoreError) -> Problem {
    use ashyq_store::StoreError as E;
    match e {
        E::BadOperatorName(_) => Problem::bad_request(e.to_string()),
        E::OperatorExists(_) => Problem::new(StatusCode::CONFLICT, "exists", e.to_string()),
        E::NoSuchOperator(_) => Problem::not_found(e.to_string()),
        other => Problem::unavailable(format!("{other}; try again in a moment")),
    }
}

/// A page of the audit trail.
#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only records with an id below this one (to page back).
    before: Option<u64>,
    /// How many, at most 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// One audited write.
#[derive(Serialize, ToSchema)]
pub struct AuditDocument {
    /// Its number.
    pub id: u64,
    /// The record.
    #[schema(value_type = Object)]
    pub record: AuditRecord,
}

/// The audit trail of operators' writes, newest first (any signed-in operator, observers
/// included).
#[utoipa::path(get, path = "/api/v1/audit", tag = "operators", params(AuditQuery),
    responses(
        (status = 200, description = "Audit records", body = [AuditDocument]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")))]
pub async fn audit_trail(
    State(state): State<AppState>,
    _who: SignedIn,
    Query(q): Query<AuditQuery>,
) -> Result<axum::Json<Vec<AuditDocument>>, Problem> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Problem::bad_request(format!(
            "limit {limit} is out of range: ask for 1 to 500 records, and page back with `before`"
        )));
    }
    let rows = state
        .registrar
        .store()
        .operator_audit_trail(q.before, limit)
        .await
        .map_err(|e| Problem::unavailable(format!("{e}; try again in a moment")))?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|(id, record)| AuditDocument { id, record })
            .collect(),
    ))
}
