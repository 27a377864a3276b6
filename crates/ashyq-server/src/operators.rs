//! The operators' JSON API: signing in and out, API tokens, accounts, the audit trail. Every
//! change of an account goes through `writes::operator_write` (authorised, audited).

use ashyq_core::operator::{Action, AuditRecord, Role, hash_password};
use ashyq_store::operators::{OperatorRow, TokenKind};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{
    SESSION_HOURS, SignedIn, TokenDocument, audit, check_password_and_open_session, end_session,
    new_token, parse_role, scope_commission, session_cookie,
};
use crate::problem::Problem;
use crate::writes::operator_write;

/// A sign-in.
#[derive(Deserialize, ToSchema)]
pub struct SignInRequest {
    /// The account name.
    pub name: String,
    /// Its password.
    pub password: String,
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
/// `HttpOnly` cookie for browsers). Failed tries cost growing delays: from one client
/// address (429 with `Retry-After`), and for an account from everywhere (the answer is held a
/// few seconds at most, so nobody can lock an owner out).
#[utoipa::path(post, path = "/api/v1/session", tag = "operators", request_body = SignInRequest,
    responses(
        (status = 201, description = "Signed in", body = TokenDocument),
        (status = 401, description = "Wrong name or password"),
        (status = 429, description = "Too many failed tries from this client address: wait for Retry-After")))]
pub async fn sign_in(
    State(state): State<AppState>,
    client: crate::limits::ClientAddress,
    axum::Json(req): axum::Json<SignInRequest>,
) -> Result<Response, Problem> {
    let (token, doc) =
        check_password_and_open_session(&state, &req.name, &req.password, &client).await?;
    let cookie = session_cookie(&state, Some(&token), SESSION_HOURS * 3600);
    let mut res = (StatusCode::CREATED, axum::Json(doc)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// Who the request's token belongs to.
#[utoipa::path(get, path = "/api/v1/session", tag = "operators",
    responses(
        (status = 200, description = "The signed-in operator", body = SessionDocument),
        (status = 401, description = "No or an invalid token")))]
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
        (status = 401, description = "No or an invalid token")))]
pub async fn sign_out(State(state): State<AppState>, who: SignedIn) -> Result<Response, Problem> {
    end_session(&state, &who).await?;
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
        (status = 401, description = "Not signed in")))]
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
        .map_err(Problem::store)?;
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
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a central operator")))]
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
        .map_err(Problem::store)?;
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

/// Creates an operator account (central operators only).
#[utoipa::path(post, path = "/api/v1/operators", tag = "operators", request_body = NewOperator,
    responses(
        (status = 201, description = "Created", body = OperatorDocument),
        (status = 400, description = "A bad name, role or password"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a central operator"),
        (status = 409, description = "The name is taken")))]
pub async fn create_operator(
    State(state): State<AppState>,
    who: SignedIn,
    axum::Json(req): axum::Json<NewOperator>,
) -> Result<Response, Problem> {
    let detail = format!("create operator {:?} as {:?}", req.name, req.role);
    let doc = operator_write(
        &state,
        &who,
        Action::ManageOperators,
        &detail,
        |reg| async move {
            let role = parse_role(&req.role).map_err(Problem::bad_request)?;
            if let Role::TerritorialOperator { scope } = &role {
                reg.ledger()
                    .hierarchy()
                    .parent(&scope_commission(scope))
                    .map_err(|e| Problem::bad_request(e.to_string()))?;
            }
            let password = zeroize::Zeroizing::new(req.password);
            let hash = tokio::task::spawn_blocking(move || {
                let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
                hash_password(&password, &mut rng)
            })
            .await
            .map_err(|e| Problem::unavailable(format!("password hashing interrupted: {e}")))?
            .map_err(|e| Problem::bad_request(e.to_string()))?;
            let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            reg.store()
                .create_operator(&req.name, &role, &hash, &now)
                .await
                .map_err(store_problem)?;
            Ok(OperatorDocument {
                name: req.name,
                role: role.to_string(),
                role_detail: role,
                disabled: false,
                created_at: now,
            })
        },
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(doc)).into_response())
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
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a central operator, or disabling one's own account"),
        (status = 404, description = "No such account")))]
pub async fn change_operator(
    State(state): State<AppState>,
    who: SignedIn,
    Path(name): Path<String>,
    axum::Json(req): axum::Json<OperatorChange>,
) -> Result<axum::Json<OperatorDocument>, Problem> {
    let detail = format!("set operator {name:?} disabled={}", req.disabled);
    let own = name == who.account.name;
    operator_write(
        &state,
        &who,
        Action::ManageOperators,
        &detail,
        |reg| async move {
            if own && req.disabled {
                return Err(Problem::forbidden(
                    "an operator cannot disable their own account; ask another central operator",
                ));
            }
            let store = reg.store();
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
        },
    )
    .await
    .map(axum::Json)
}

fn store_problem(e: ashyq_store::StoreError) -> Problem {
    use ashyq_store::StoreError as E;
    match e {
        E::BadOperatorName(_) => Problem::bad_request(e.to_string()),
        E::OperatorExists(_) => Problem::new(StatusCode::CONFLICT, "exists", e.to_string()),
        E::NoSuchOperator(_) => Problem::not_found(e.to_string()),
        other => Problem::store(other),
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
        (status = 401, description = "Not signed in")))]
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
        .map_err(Problem::store)?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|(id, record)| AuditDocument { id, record })
            .collect(),
    ))
}
