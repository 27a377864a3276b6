//! Citizens' sign-in: an OpenID Connect relying party (OpenID Connect Core 1.0 §3.1, the
//! authorization code flow) with PKCE (RFC 7636, `S256`), `state` and `nonce`, through the
//! `openidconnect` crate — discovery (OpenID Connect Discovery 1.0), the token request, and
//! the ID token's checks (signature against the provider's JWKS, issuer, audience, expiry,
//! nonce, `at_hash`; algorithms limited to RS256, PS256, ES256 and EdDSA). The same code runs
//! against a real provider (the state portal's) and against the development provider of
//! `dev_idp.rs`.
//!
//! The citizen's identity becomes a [`CitizenRef`]: HMAC-SHA-256 of issuer and subject under
//! the server's digest key. The subject itself is never stored, logged or shown.
//!
//! Sessions and sign-ins in progress live in the database (`ashyq_store::shared_state`), so
//! every instance on it knows them and a restart signs nobody out: a random 256-bit id in an
//! `HttpOnly`, `SameSite=Lax` cookie, `Secure` whenever the browser honours it (https, or a
//! loopback address); the database keeps only the SHA-256 of the id. (A signed cookie would
//! need no table, but could not be withdrawn at sign-out; the flow's PKCE verifier and nonce
//! must not reach the browser at all.) Every form that changes
//! something carries the session's CSRF token, checked with the request's origin by
//! `web::form::FormWrite`. The pages of the flow (`/consult/signin`, its callback, sign-out)
//! are `web/consult/signin.rs`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ashyq_core::consult::CitizenRef;
use ashyq_core::iin::IinDigest;
use ashyq_store::Store;
use ashyq_store::shared_state::StateKind;
use axum::http::{HeaderMap, HeaderValue};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, TokenResponse,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::cookies::cookie as read_cookie;

/// An OpenID Connect provider the server signs citizens in with.
#[derive(Clone)]
pub struct IdentityProvider {
    /// What the sign-in button says, e.g. "eGov".
    pub name: String,
    /// The issuer URL; discovery reads `{issuer}/.well-known/openid-configuration`. A path
    /// (`/dev-idp`) names a provider served by this server, under its public origin.
    pub issuer: String,
    /// This server's client id at the provider.
    pub client_id: String,
    /// This server's client secret at the provider (a confidential client), if any.
    pub client_secret: Option<String>,
    /// Whether this is the development provider (then the pages say so).
    pub development: bool,
    /// Subjects at this provider who may moderate proposals (the development provider's test
    /// moderator); moderators are usually configured by pseudonym instead.
    pub moderators: Vec<String>,
    /// The provider's subject is the person's IIN (as the state's eGov provider issues it):
    /// at sign-in it is turned into its register digest at once, so that the person can see
    /// their own entry on the register (`/voter`). The IIN itself is never stored, logged or
    /// shown.
    pub subject_is_iin: bool,
}

impl IdentityProvider {
    /// This provider with its issuer under `origin` when the issuer is a path (a provider
    /// this server serves, such as the development one at `/dev-idp`).
    pub(crate) fn at(&self, origin: &str) -> IdentityProvider {
        let mut p = self.clone();
        if p.issuer.starts_with('/') {
            p.issuer = format!("{origin}{}", p.issuer);
        }
        p
    }
}

impl std::fmt::Debug for IdentityProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityProvider")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<secret>"),
            )
            .field("development", &self.development)
            .field("moderators", &self.moderators.len())
            .finish()
    }
}

/// The session cookie.
pub const SESSION_COOKIE: &str = "ashyq_session";
/// The cookie that ties a sign-in in progress to the browser that started it.
pub const FLOW_COOKIE: &str = "ashyq_signin";
/// The path the provider sends the browser back to.
pub const CALLBACK_PATH: &str = "/consult/signin/callback";

const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);
pub(crate) const FLOW_TTL: Duration = Duration::from_secs(600);
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// A signed-in citizen.
#[derive(Clone, Serialize, Deserialize)]
pub struct Session {
    /// Who (pseudonymised).
    pub citizen: CitizenRef,
    /// The token every form of this session carries.
    pub csrf: String,
    /// Signed in through the development provider.
    pub development: bool,
    /// The person's register digest, when the provider vouched for their IIN
    /// ([`IdentityProvider::subject_is_iin`]); only they see what it finds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voter: Option<IinDigest>,
}

#[derive(Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    return_to: String,
}

/// Sign-in with a provider; sessions and flows in progress are kept in the store.
pub(crate) struct SignIn {
    pub(crate) provider: Option<IdentityProvider>,
    http: openidconnect::reqwest::Client,
    metadata: tokio::sync::Mutex<HashMap<String, (CoreProviderMetadata, Instant)>>,
    store: Store,
}

/// Unix milliseconds `ttl` from now.
fn expiry(ttl: Duration) -> i64 {
    now_ms().saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Why a sign-in failed. Messages never contain a token, a code or a subject.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignInError {
    #[error("no identity provider is configured on this server")]
    NotConfigured,
    #[error(
        "the identity provider {0} cannot be reached or its discovery document is not valid: {1}"
    )]
    Discovery(String, String),
    #[error("the identity provider did not issue a token: {0}")]
    Token(String),
    #[error("the identity provider's ID token does not check out: {0}")]
    IdToken(String),
    #[error("this sign-in was not started in this browser, or it took more than 10 minutes")]
    Expired,
    #[error("the answer does not belong to this sign-in (state mismatch)")]
    State,
    #[error("the operating system's random number generator failed")]
    Random,
    #[error("{0}")]
    Store(String),
}

/// `n` random bytes from the operating system, hex encoded.
pub(crate) fn random_hex(n: usize) -> Result<String, SignInError> {
    use rand::TryRngCore;
    let mut buf = vec![0u8; n];
    rand::rngs::OsRng
        .try_fill_bytes(&mut buf)
        .map_err(|_| SignInError::Random)?;
    Ok(hex::encode(buf))
}

fn digest(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// Whether browsers keep a `Secure` cookie for this origin: https, or plain http on a
/// loopback address (a secure context).
pub(crate) fn secure_origin(origin: &str) -> bool {
    let host = origin
        .strip_prefix("http://")
        .map(|h| h.rsplit_once(':').map_or(h, |(h, _)| h));
    match host {
        None => origin.starts_with("https://"),
        Some(h) => h == "localhost" || h.starts_with("127.") || h == "[::1]",
    }
}

/// A `Set-Cookie` value; `max_age` 0 removes the cookie.
pub(crate) fn cookie(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(s) = max_age {
        c.push_str(&format!("; Max-Age={s}"));
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// A path on this server to come back to after signing in (never another site).
pub(crate) fn safe_return(path: Option<&str>) -> String {
    match path {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() < 512
                && !p.chars().any(|c| c.is_control()) =>
        {
            p.to_owned()
        }
        _ => "/consult".to_owned(),
    }
}

impl SignIn {
    /// Sign-in with `provider`; `Err` when the HTTP client for it cannot be built.
    pub(crate) fn new(provider: Option<IdentityProvider>, store: Store) -> Result<SignIn, String> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would open the server up to SSRF (openidconnect's advice).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(SignIn {
            provider,
            http,
            metadata: tokio::sync::Mutex::default(),
            store,
        })
    }

    /// The session of this request, if it has a live one. A store that cannot be read
    /// counts as no session (the page then offers to sign in), and is logged.
    pub(crate) async fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let id = read_cookie(headers, SESSION_COOKIE)?;
        match self
            .store
            .state(StateKind::CitizenSession, &digest(id), now_ms())
            .await
        {
            Ok(found) => found.and_then(|json| serde_json::from_str(&json).ok()),
            Err(e) => {
                tracing::error!("citizens' sessions cannot be read: {e}");
                None
            }
        }
    }

    pub(crate) async fn start_session(
        &self,
        citizen: CitizenRef,
        development: bool,
        voter: Option<IinDigest>,
    ) -> Result<String, SignInError> {
        let id = random_hex(32)?;
        let session = Session {
            citizen,
            csrf: random_hex(32)?,
            development,
            voter,
        };
        let json =
            serde_json::to_string(&session).map_err(|e| SignInError::Store(e.to_string()))?;
        self.store
            .put_state(
                StateKind::CitizenSession,
                &digest(&id),
                &json,
                expiry(SESSION_TTL),
            )
            .await
            .map_err(|e| SignInError::Store(e.to_string()))?;
        Ok(id)
    }

    pub(crate) async fn end_session(&self, headers: &HeaderMap) {
        if let Some(id) = read_cookie(headers, SESSION_COOKIE)
            && let Err(e) = self
                .store
                .remove_state(StateKind::CitizenSession, &digest(id))
                .await
        {
            tracing::error!("a citizen's session could not be ended: {e}");
        }
    }

    async fn metadata(&self, issuer: &str) -> Result<CoreProviderMetadata, SignInError> {
        let mut cache = self.metadata.lock().await;
        if let Some((m, at)) = cache.get(issuer)
            && at.elapsed() < METADATA_TTL
        {
            return Ok(m.clone());
        }
        let url = IssuerUrl::new(issuer.to_owned())
            .map_err(|e| SignInError::Discovery(issuer.to_owned(), e.to_string()))?;
        let m = CoreProviderMetadata::discover_async(url, &self.http)
            .await
            .map_err(|e| SignInError::Discovery(issuer.to_owned(), discovery_reason(&e)))?;
        cache.insert(issuer.to_owned(), (m.clone(), Instant::now()));
        Ok(m)
    }

    fn client(
        provider: &IdentityProvider,
        metadata: CoreProviderMetadata,
        redirect: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        SignInError,
    > {
        let redirect = RedirectUrl::new(redirect.to_owned())
            .map_err(|e| SignInError::Token(format!("the callback URL is not valid: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            provider.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a sign-in: returns the provider's authorization URL and the flow id for the
    /// browser's cookie.
    pub(crate) async fn begin(
        &self,
        provider: &IdentityProvider,
        redirect: &str,
        return_to: String,
    ) -> Result<(String, String), SignInError> {
        let metadata = self.metadata(&provider.issuer).await?;
        let client = Self::client(provider, metadata, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            // `openid` is always requested (the crate adds it); no other scope is needed: the
            // subject is all the consultation uses.
            .set_pkce_challenge(challenge)
            .url();
        let flow = random_hex(32)?;
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            return_to,
        };
        let json =
            serde_json::to_string(&pending).map_err(|e| SignInError::Store(e.to_string()))?;
        self.store
            .put_state(
                StateKind::SignInFlow,
                &digest(&flow),
                &json,
                expiry(FLOW_TTL),
            )
            .await
            .map_err(|e| SignInError::Store(e.to_string()))?;
        Ok((url.to_string(), flow))
    }

    /// Finishes a sign-in: checks `state`, exchanges the code (with the PKCE verifier) and
    /// checks the ID token. Returns the issuer and subject, and where to go back to.
    pub(crate) async fn finish(
        &self,
        provider: &IdentityProvider,
        redirect: &str,
        flow: &str,
        state: &str,
        code: &str,
    ) -> Result<(String, String, String), SignInError> {
        // Taken once: a second callback with the same flow (a replay, or another instance)
        // finds nothing.
        let p: Pending = self
            .store
            .take_state(StateKind::SignInFlow, &digest(flow), now_ms())
            .await
            .map_err(|e| SignInError::Store(e.to_string()))?
            .and_then(|json| serde_json::from_str(&json).ok())
            .ok_or(SignInError::Expired)?;
        if !bool::from(p.state.as_bytes().ct_eq(state.as_bytes())) {
            return Err(SignInError::State);
        }
        let metadata = self.metadata(&provider.issuer).await?;
        let client = Self::client(provider, metadata, redirect)?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SignInError::Token(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(p.verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| SignInError::Token(token_reason(&e)))?;
        let id_token = token
            .id_token()
            .ok_or_else(|| SignInError::IdToken("the token response has no ID token".into()))?;
        let verifier = client.id_token_verifier().set_allowed_algs([
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::RsaSsaPssSha256,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EdDsa,
        ]);
        let claims = id_token
            .claims(&verifier, &Nonce::new(p.nonce))
            .map_err(|e| SignInError::IdToken(e.to_string()))?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token
                .signing_alg()
                .map_err(|e| SignInError::IdToken(e.to_string()))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| SignInError::IdToken(e.to_string()))?;
            let actual = AccessTokenHash::from_token(token.access_token(), alg, key)
                .map_err(|e| SignInError::IdToken(e.to_string()))?;
            if actual != *expected {
                return Err(SignInError::IdToken(
                    "at_hash does not match the access token".into(),
                ));
            }
        }
        Ok((
            claims.issuer().as_str().to_owned(),
            claims.subject().as_str().to_owned(),
            p.return_to,
        ))
    }
}

fn discovery_reason<E: std::error::Error>(e: &E) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

fn token_reason<RE: std::error::Error + 'static, T: openidconnect::ErrorResponse + 'static>(
    e: &openidconnect::RequestTokenError<RE, T>,
) -> String {
    use openidconnect::RequestTokenError as E;
    match e {
        // An OAuth error answer (RFC 6749 §5.2) names the error; it carries no token.
        E::ServerResponse(r) => format!("the provider answered {r}"),
        E::Request(inner) => format!(
            "the provider cannot be reached: {}",
            discovery_reason(inner)
        ),
        // The body of an unparsable answer may contain a token: it is not repeated.
        E::Parse(..) => "the provider's answer is not a token response".into(),
        E::Other(s) => s.clone(),
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(
            safe_return(Some("/consult/proposals/3")),
            "/consult/proposals/3"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "javascript:x",
            "",
        ] {
            assert_eq!(safe_return(Some(bad)), "/consult", "{bad}");
        }
        assert_eq!(safe_return(None), "/consult");
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_where_browsers_keep_them() {
        assert!(secure_origin("https://consult.example.kz"));
        assert!(secure_origin("http://127.0.0.1:8080"));
        assert!(secure_origin("http://localhost:8080"));
        assert!(!secure_origin("http://192.168.1.5:8080"));
        let c = cookie(SESSION_COOKIE, "abc", None, true);
        assert_eq!(
            c.to_str().unwrap(),
            "ashyq_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; ashyq_session=xyz"),
        );
        assert_eq!(read_cookie(&h, SESSION_COOKIE), Some("xyz"));
        assert_eq!(read_cookie(&h, FLOW_COOKIE), None);
    }
}
