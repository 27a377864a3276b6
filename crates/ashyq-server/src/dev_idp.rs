//! A minimal OpenID Connect provider for the demo and for tests, served under `/dev-idp` only
//! when the server is started in development mode (`ashyq demo`, `ashyq serve --dev-idp`):
//! then the server's configuration carries a [`DevIdp`], the router mounts its routes, and the
//! consultation signs in with [`DevIdp::provider`] like with any other provider.
//! Anyone can sign in as any of its test persons: it exists so that the relying party's code
//! path (`signin.rs`) runs exactly as it would against the state portal's provider, and its
//! pages say in large letters that it is not a real identity provider.
//!
//! What it implements, and nothing more: the discovery document (OpenID Connect Discovery 1.0
//! §4), the authorization endpoint for the code flow (Core §3.1.2; `response_type=code`, PKCE
//! `S256` required, `state` and `nonce` passed through), the token endpoint (Core §3.1.3;
//! client authentication by HTTP Basic or in the body, single-use codes that expire after a
//! minute, the PKCE verifier checked), and the JWKS of its Ed25519 signing key (ID tokens are
//! signed with EdDSA, RFC 8037). The key and the client secret are new at every start.
//! Messages, tokens and keys are built with the `openidconnect` crate's provider types.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use std::sync::Arc;

use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ed25519_dalek::pkcs8::EncodePrivateKey;
use maud::html;
use openidconnect::core::{
    CoreEdDsaPrivateSigningKey, CoreIdToken, CoreIdTokenClaims, CoreIdTokenFields,
    CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType,
    CoreSubjectIdentifierType, CoreTokenResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, Audience, AuthUrl, EmptyAdditionalClaims, EmptyAdditionalProviderMetadata,
    EmptyExtraTokenFields, IssuerUrl, JsonWebKeyId, JsonWebKeySetUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PrivateSigningKey, ResponseTypes, Scope, StandardClaims, SubjectIdentifier,
    TokenUrl,
};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::consult::ConsultService;
use crate::signin::{CALLBACK_PATH, IdentityProvider, percent_encode, random_hex};
use crate::web::consult::frame::refusal_page;
use crate::web::ctx::{self, Ctx};
use crate::web::form::{Refusal, same_origin};
use crate::web::i18n::Arg;
use crate::web::layout::{self, Page, Section};

/// The path the provider is served under; its issuer is this server's origin and this path.
const ISSUER_PATH: &str = "/dev-idp";

/// The client id of ashyq at the development provider.
pub const CLIENT_ID: &str = "ashyq-dev";
/// The subject of the development provider's test moderator.
pub const MODERATOR_SUBJECT: &str = "dev-moderator";
/// The test persons: subject and the message key of their label.
pub const PERSONS: [(&str, &str); 4] = [
    ("dev-citizen-a", "devidp-person-a"),
    ("dev-citizen-b", "devidp-person-b"),
    ("dev-citizen-c", "devidp-person-c"),
    (MODERATOR_SUBJECT, "devidp-person-moderator"),
];

const CODE_TTL: Duration = Duration::from_secs(60);

struct Grant {
    subject: String,
    redirect_uri: String,
    nonce: Option<String>,
    challenge: String,
    created: Instant,
}

/// Why the development provider could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the development identity provider: {0}")]
pub struct DevIdpError(String);

/// A test voter of the development provider: a person of a synthetic register, whose
/// subject at this provider is their IIN (as at the state's provider). The chooser page and
/// its form name them by `handle` only; the IIN goes into the ID token alone.
#[derive(Clone)]
pub struct DevVoter {
    /// What the form sends, `dev-voter-1`, ….
    pub handle: String,
    /// Their precinct, shown on the chooser.
    pub precinct: u32,
    iin: ashyq_core::iin::Iin,
}

impl DevVoter {
    /// The `n`th test voter (from 1), a person of a synthetic register on `precinct`'s list.
    pub fn new(n: usize, precinct: u32, iin: ashyq_core::iin::Iin) -> DevVoter {
        DevVoter {
            handle: format!("dev-voter-{n}"),
            precinct,
            iin,
        }
    }
}

impl std::fmt::Debug for DevVoter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevVoter")
            .field("handle", &self.handle)
            .field("precinct", &self.precinct)
            .field("iin", &self.iin.masked())
            .finish()
    }
}

/// The development provider's keys and outstanding codes. The key and the client secret are
/// new for every instance.
pub struct DevIdp {
    key: CoreEdDsaPrivateSigningKey,
    jwks: CoreJsonWebKeySet,
    client_secret: String,
    codes: Mutex<HashMap<String, Grant>>,
    voters: Vec<DevVoter>,
}

impl std::fmt::Debug for DevIdp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevIdp").finish_non_exhaustive()
    }
}

impl DevIdp {
    /// A provider with a new signing key and client secret.
    pub fn new() -> Result<DevIdp, DevIdpError> {
        let fail = DevIdpError;
        let seed = random_hex(32).map_err(|e| fail(e.to_string()))?;
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&seed, &mut bytes).map_err(|e| fail(e.to_string()))?;
        let signing = ed25519_dalek::SigningKey::from_bytes(&bytes);
        let pem = signing
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .map_err(|e| fail(e.to_string()))?;
        let kid = JsonWebKeyId::new(seed[..16].to_owned());
        let key = CoreEdDsaPrivateSigningKey::from_ed25519_pem(&pem, Some(kid)).map_err(fail)?;
        let jwks = CoreJsonWebKeySet::new(vec![key.as_verification_key()]);
        Ok(DevIdp {
            key,
            jwks,
            client_secret: random_hex(16).map_err(|e| fail(e.to_string()))?,
            codes: Mutex::default(),
            voters: Vec::new(),
        })
    }

    /// The same provider offering also `voters` to sign in as.
    pub fn with_voters(mut self, voters: Vec<DevVoter>) -> DevIdp {
        self.voters = voters;
        self
    }

    /// The subject a chosen person signs in with: a test citizen's own, a test voter's IIN.
    fn subject_of(&self, chosen: &str) -> Option<String> {
        if PERSONS.iter().any(|(s, _)| *s == chosen) {
            return Some(chosen.to_owned());
        }
        self.voters
            .iter()
            .find(|v| v.handle == chosen)
            .map(|v| v.iin.expose())
    }

    /// The issuer URL under the server's origin.
    fn issuer(&self, origin: &str) -> String {
        format!("{origin}{ISSUER_PATH}")
    }

    /// The provider as the consultation's relying party sees it (its issuer a path under the
    /// server's origin); its test moderator moderates.
    pub fn provider(&self) -> IdentityProvider {
        IdentityProvider {
            name: "ashyq development sign-in".into(),
            issuer: ISSUER_PATH.into(),
            client_id: CLIENT_ID.into(),
            client_secret: Some(self.client_secret.clone()),
            development: true,
            moderators: vec![MODERATOR_SUBJECT.into()],
            // Its test voters' subjects are their IINs; the test citizens' are not IINs, so
            // they see no register entry.
            subject_is_iin: true,
        }
    }

    fn metadata(&self, origin: &str) -> Option<CoreProviderMetadata> {
        let issuer = self.issuer(origin);
        Some(
            CoreProviderMetadata::new(
                IssuerUrl::new(issuer.clone()).ok()?,
                AuthUrl::new(format!("{issuer}/authorize")).ok()?,
                JsonWebKeySetUrl::new(format!("{issuer}/jwks")).ok()?,
                vec![ResponseTypes::new(vec![CoreResponseType::Code])],
                vec![CoreSubjectIdentifierType::Public],
                vec![CoreJwsSigningAlgorithm::EdDsa],
                EmptyAdditionalProviderMetadata {},
            )
            .set_token_endpoint(Some(TokenUrl::new(format!("{issuer}/token")).ok()?))
            .set_scopes_supported(Some(vec![Scope::new("openid".into())])),
        )
    }
}

/// The routes of `idp` under `/dev-idp` (they answer 404 on a server without a
/// consultation, whose origin is the provider's).
pub(crate) fn routes(idp: Arc<DevIdp>) -> Router<AppState> {
    Router::new()
        .route("/dev-idp/.well-known/openid-configuration", get(discovery))
        .route("/dev-idp/jwks", get(jwks))
        .route("/dev-idp/authorize", get(authorize).post(approve))
        .route("/dev-idp/token", axum::routing::post(token))
        .layer(Extension(idp))
}

/// The consultation this provider signs citizens in for.
fn consultation(state: &AppState) -> Option<&ConsultService> {
    state.consult.as_deref()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    ctx::no_store(
        (
            status,
            Json(serde_json::json!({"error": error, "error_description": description})),
        )
            .into_response(),
    )
}

async fn discovery(
    State(state): State<AppState>,
    Extension(idp): Extension<Arc<DevIdp>>,
) -> Response {
    let Some(svc) = consultation(&state) else {
        return crate::problem::Problem::not_found(
            "the development identity provider signs in for the consultation; this server serves none",
        )
        .into_response();
    };
    match idp.metadata(svc.origin()) {
        Some(m) => Json(m).into_response(),
        None => oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "the server's public URL is not valid",
        ),
    }
}

async fn jwks(Extension(idp): Extension<Arc<DevIdp>>) -> Response {
    Json(&idp.jwks).into_response()
}

/// Checks an authorization request; `Err` is a message for a page (never a redirect to an
/// unchecked `redirect_uri`).
fn check_request(svc: &ConsultService, q: &HashMap<String, String>) -> Result<(), &'static str> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != CLIENT_ID {
        return Err("unknown client_id");
    }
    if get("redirect_uri") != format!("{}{CALLBACK_PATH}", svc.origin()) {
        return Err("redirect_uri is not the one registered for this client");
    }
    if get("response_type") != "code" {
        return Err("only response_type=code is supported");
    }
    if !get("scope").split(' ').any(|s| s == "openid") {
        return Err("scope must include openid");
    }
    if get("code_challenge_method") != "S256" || get("code_challenge").len() < 43 {
        return Err("PKCE with code_challenge_method=S256 is required");
    }
    if get("state").is_empty() {
        return Err("state is required");
    }
    Ok(())
}

fn dev_page(ctx: Ctx, status: StatusCode, body: maud::Markup) -> Response {
    let tr = ctx.tr();
    let page = Page::new(tr.t("devidp-title"), Section::None, "/dev-idp/authorize");
    ctx::no_store(ctx::html(ctx, status, layout::document(ctx, &page, body)))
}

/// `GET /dev-idp/authorize`: the page where a tester picks who to be.
async fn authorize(
    State(state): State<AppState>,
    Extension(idp): Extension<Arc<DevIdp>>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let tr = ctx.tr();
    let Some(svc) = consultation(&state) else {
        return layout::not_found(ctx, None);
    };
    if let Err(why) = check_request(svc, &q) {
        let body = html! {
            p.dev-banner role="note" { (tr.t("devidp-banner")) }
            h1 { (tr.t("devidp-title")) }
            p.error { (tr.t("devidp-bad-request")) " " code { (why) } }
        };
        return dev_page(ctx, StatusCode::BAD_REQUEST, body);
    }
    let keep = [
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
    ];
    let body = html! {
        p.dev-banner role="note" { (tr.t("devidp-banner")) }
        h1 { (tr.t("devidp-title")) }
        p { (tr.t("devidp-intro")) }
        form.stack method="post" action="/dev-idp/authorize" {
            @for k in keep {
                @if let Some(v) = q.get(k) {
                    input type="hidden" name=(k) value=(v);
                }
            }
            fieldset {
                legend { (tr.t("devidp-choose")) }
                @for (i, (subject, label)) in PERSONS.iter().enumerate() {
                    div.choice {
                        @if i == 0 {
                            input type="radio" name="subject" id=(subject) value=(subject) checked;
                        } @else {
                            input type="radio" name="subject" id=(subject) value=(subject);
                        }
                        " "
                        label for=(subject) { (tr.t(label)) }
                    }
                }
                @for (i, v) in idp.voters.iter().enumerate() {
                    div.choice {
                        input type="radio" name="subject" id=(v.handle) value=(v.handle);
                        " "
                        label for=(v.handle) {
                            (tr.a("devidp-person-voter", &[
                                ("n", Arg::N((i + 1) as u64)),
                                ("precinct", Arg::S(v.precinct.to_string())),
                            ]))
                        }
                    }
                }
            }
            button type="submit" { (tr.t("devidp-continue")) }
        }
    };
    dev_page(ctx, StatusCode::OK, body)
}

/// `POST /dev-idp/authorize`: issues a code and sends the browser back to the client.
async fn approve(
    State(state): State<AppState>,
    Extension(idp): Extension<Arc<DevIdp>>,
    ctx: Ctx,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let tr = ctx.tr();
    let Some(svc) = consultation(&state) else {
        return layout::not_found(ctx, None);
    };
    // Only a form on this provider's own page may approve (no cross-site posts).
    if !same_origin(&state, &headers) {
        return refusal_page(ctx, &Refusal::CrossSite);
    }
    let chosen = form.get("subject").map(String::as_str).unwrap_or("");
    let subject = idp.subject_of(chosen);
    let bad = check_request(svc, &form)
        .err()
        .or_else(|| subject.is_none().then_some("unknown test person"));
    if let Some(why) = bad {
        let body = html! {
            p.dev-banner role="note" { (tr.t("devidp-banner")) }
            h1 { (tr.t("devidp-title")) }
            p.error { (tr.t("devidp-bad-request")) " " code { (why) } }
        };
        return dev_page(ctx, StatusCode::BAD_REQUEST, body);
    }
    let Ok(code) = random_hex(32) else {
        return oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "no randomness",
        );
    };
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    {
        let mut codes = idp.codes.lock().unwrap_or_else(|p| p.into_inner());
        codes.retain(|_, g| g.created.elapsed() < CODE_TTL);
        codes.insert(
            code.clone(),
            Grant {
                subject: subject.unwrap_or_default(),
                redirect_uri: get("redirect_uri"),
                nonce: form.get("nonce").cloned(),
                challenge: get("code_challenge"),
                created: Instant::now(),
            },
        );
    }
    let to = format!(
        "{}?code={code}&state={}",
        get("redirect_uri"),
        percent_encode(&get("state"))
    );
    ctx::see_other(&to, &[])
}

/// The client credentials of a token request: HTTP Basic (RFC 6749 §2.3.1, the form-encoded
/// id and secret) or the body.
fn client_credentials(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Option<(String, String)> {
    use base64::Engine;
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(basic.trim())
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (id, secret) = text.split_once(':')?;
        let decode = |s: &str| form_urlencoded_decode(s);
        return Some((decode(id)?, decode(secret)?));
    }
    Some((
        form.get("client_id")?.clone(),
        form.get("client_secret")?.clone(),
    ))
}

/// `application/x-www-form-urlencoded` decoding of one value.
fn form_urlencoded_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let h = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(h, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// `POST /dev-idp/token`: exchanges a code for an ID token.
async fn token(
    State(state): State<AppState>,
    Extension(idp): Extension<Arc<DevIdp>>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let Some(svc) = consultation(&state) else {
        return crate::problem::Problem::not_found(
            "the development identity provider signs in for the consultation; this server serves none",
        )
        .into_response();
    };
    let Some((id, secret)) = client_credentials(&headers, &form) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication is required",
        );
    };
    if id != CLIENT_ID || !bool::from(secret.as_bytes().ct_eq(idp.client_secret.as_bytes())) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        );
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only authorization_code",
        );
    }
    let code = form.get("code").map(String::as_str).unwrap_or("");
    let grant = idp
        .codes
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(code)
        .filter(|g| g.created.elapsed() < CODE_TTL);
    let Some(grant) = grant else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "unknown, used or expired code",
        );
    };
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "redirect_uri differs from the authorization request",
        );
    }
    let verifier = PkceCodeVerifier::new(form.get("code_verifier").cloned().unwrap_or_default());
    let expected = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
    if !bool::from(
        expected
            .as_str()
            .as_bytes()
            .ct_eq(grant.challenge.as_bytes()),
    ) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "the PKCE code_verifier does not match the code_challenge",
        );
    }
    let issuer = idp.issuer(svc.origin());
    let Ok(issuer) = IssuerUrl::new(issuer) else {
        return oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "bad issuer",
        );
    };
    let Ok(access) = random_hex(32) else {
        return oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "no randomness",
        );
    };
    let access = AccessToken::new(access);
    let now = chrono::Utc::now();
    let claims = CoreIdTokenClaims::new(
        issuer,
        vec![Audience::new(CLIENT_ID.into())],
        now + chrono::TimeDelta::minutes(5),
        now,
        StandardClaims::new(SubjectIdentifier::new(grant.subject)),
        EmptyAdditionalClaims {},
    )
    .set_nonce(grant.nonce.map(Nonce::new));
    let id_token = match CoreIdToken::new(
        claims,
        &idp.key,
        CoreJwsSigningAlgorithm::EdDsa,
        Some(&access),
        None,
    ) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "the development provider could not sign an ID token");
            return oauth_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "cannot sign",
            );
        }
    };
    let mut body = CoreTokenResponse::new(
        access,
        CoreTokenType::Bearer,
        CoreIdTokenFields::new(Some(id_token), EmptyExtraTokenFields {}),
    );
    body.set_expires_in(Some(&Duration::from_secs(300)));
    ctx::no_store(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_decode() {
        assert_eq!(form_urlencoded_decode("a%20b+c").as_deref(), Some("a b c"));
        assert_eq!(form_urlencoded_decode("%zz"), None);
        assert_eq!(form_urlencoded_decode("%4"), None);
    }
}
