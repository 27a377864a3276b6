//! Per-client rate limits: a token bucket per client address (GCRA, the `governor` crate).
//! Over the limit, a request gets 429 with `Retry-After` and a problem document; nothing else
//! happens. The client is the peer address of the connection; behind a reverse proxy, give
//! the proxy its own, larger limit instead.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::problem::Problem;

/// A rate limit per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per second a client may make on average.
    pub per_second: NonZeroU32,
    /// Requests a client may make at once before the average applies.
    pub burst: NonZeroU32,
}

impl Default for RateLimit {
    /// 100 requests per second with bursts of 200: far above a person with a browser or a
    /// script polling results, far below what would slow the server for others.
    fn default() -> Self {
        RateLimit {
            per_second: NonZeroU32::new(100).expect("non-zero"),
            burst: NonZeroU32::new(200).expect("non-zero"),
        }
    }
}

/// The limiter shared by every request.
#[derive(Clone)]
pub struct Limiter(Arc<DefaultKeyedRateLimiter<IpAddr>>, bool);

impl Limiter {
    /// A limiter with `limit` per client address; `behind_proxy`: the client is the one
    /// the reverse proxy names (see [`ClientAddress`]).
    pub fn new(limit: RateLimit, behind_proxy: bool) -> Self {
        let quota = Quota::per_second(limit.per_second).allow_burst(limit.burst);
        Limiter(Arc::new(RateLimiter::keyed(quota)), behind_proxy)
    }
}

/// The client a request comes from: the peer of the connection or, when the server is
/// configured to run behind a reverse proxy (`--behind-proxy`), the last address of
/// `X-Forwarded-For` — the one the proxy itself appended, which a client cannot forge.
/// Without either (a router used directly, in tests) it is the unspecified address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    pub(crate) fn of(
        extensions: &axum::http::Extensions,
        headers: &axum::http::HeaderMap,
        behind_proxy: bool,
    ) -> ClientAddress {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        if !behind_proxy {
            return ClientAddress(peer);
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back();
        ClientAddress(forwarded.unwrap_or(peer))
    }
}

impl std::fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl axum::extract::FromRequestParts<crate::AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress::of(
            &parts.extensions,
            &parts.headers,
            state.config.behind_proxy,
        ))
    }
}

/// The middleware: checks the client's bucket before the request goes on.
pub async fn limit(State(limiter): State<Limiter>, req: Request, next: Next) -> Response {
    // Without connection info (a router used directly, as in some tests) every request
    // shares one bucket: still limited, never an error.
    let ip = ClientAddress::of(req.extensions(), req.headers(), limiter.1).0;
    match limiter.0.check_key(&ip) {
        Ok(()) => {
            // Forget idle clients now and then so the table does not grow without bound.
            if limiter.0.len() > 100_000 {
                limiter.0.retain_recent();
            }
            next.run(req).await
        }
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut res = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                format!(
                    "too many requests from {ip}; wait {secs} s (see Retry-After) and slow down"
                ),
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
    }
}
