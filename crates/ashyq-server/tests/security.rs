//! Security hardening over HTTP against the real server (issue 16, `docs/security.md`): the
//! security headers on every kind of answer, sign-in that does not tell which accounts exist,
//! and the portal's upload over its limit answered 413 like the API.

use std::time::{Duration, Instant};

use ashyq_core::operator::Role;
use ashyq_server::ServerConfig;
use ashyq_server::headers::{CONTENT_SECURITY_POLICY, HSTS};
use ashyq_store::testing::TestDb;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

mod common;

use common::portal::*;

/// The headers every answer carries, whatever it is.
fn assert_hardened(what: &str, h: &HeaderMap) {
    let get = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(
        get("content-security-policy").as_deref(),
        Some(CONTENT_SECURITY_POLICY),
        "{what}"
    );
    let csp = get("content-security-policy").unwrap();
    for directive in [
        "frame-ancestors 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "default-src 'none'",
    ] {
        assert!(csp.contains(directive), "{what}: {directive} in {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(get("x-frame-options").as_deref(), Some("DENY"), "{what}");
    assert_eq!(
        get("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        get("referrer-policy").as_deref(),
        Some("same-origin"),
        "{what}"
    );
}

fn cache_control(h: &HeaderMap) -> Option<String> {
    h.get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // A page, an API answer, errors of the API and of the pages, an asset, the API's page.
    for (path, status) in [
        ("/", StatusCode::OK),
        ("/r/kz-2026", StatusCode::OK),
        ("/api/v1/referendums", StatusCode::OK),
        ("/api/v1/referendums/nope/results", StatusCode::NOT_FOUND),
        ("/api/v1/no-such-path", StatusCode::NOT_FOUND),
        ("/r/no-such-referendum", StatusCode::NOT_FOUND),
        ("/api/v1/docs", StatusCode::OK),
        ("/assets/style.css", StatusCode::OK),
        ("/portal/sign-in", StatusCode::OK),
    ] {
        let res = http.get(format!("{}{path}", w.base)).send().await.unwrap();
        assert_eq!(res.status(), status, "{path}");
        assert_hardened(path, res.headers());
        assert!(
            res.headers().get("strict-transport-security").is_none(),
            "{path}: no HSTS over plain HTTP"
        );
        let cc = cache_control(res.headers());
        if path.starts_with("/portal") {
            assert_eq!(cc.as_deref(), Some("no-store"), "{path}");
        } else {
            assert_ne!(
                cc.as_deref(),
                Some("no-store"),
                "{path}: public, may be cached"
            );
        }
    }
    // A framework error (a wrong method, a malformed body) is hardened too.
    let res = http
        .delete(format!("{}/api/v1/referendums", w.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_hardened("405", res.headers());
    let res = http
        .post(format!("{}/api/v1/session", w.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_hardened("400", res.headers());

    // Signed in: the portal and every answer to a request with the session is never stored,
    // even a public page; the content-addressed assets stay cacheable.
    let mut b = Browser::new(&w.base);
    b.sign_in("cec").await;
    for path in ["/portal", &dashboard(), "/", "/api/v1/session"] {
        let res = http
            .get(format!("{}{path}", w.base))
            .header("cookie", b.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_hardened(path, res.headers());
        assert_eq!(
            cache_control(res.headers()).as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    let res = http
        .get(format!("{}/assets/style.css", w.base))
        .header("cookie", b.cookie_header())
        .send()
        .await
        .unwrap();
    assert!(
        cache_control(res.headers()).is_some_and(|c| c.contains("immutable")),
        "{:?}",
        res.headers()
    );
    // A bearer token, even a wrong one, is a credential: its answer is not stored either.
    let res = http
        .get(format!("{}/api/v1/session", w.base))
        .bearer_auth(format!("ashyq_{}", "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_hardened("401", res.headers());
    assert_eq!(cache_control(res.headers()).as_deref(), Some("no-store"));
}

#[tokio::test]
async fn strict_transport_security_is_sent_when_served_over_https() {
    let db = TestDb::sqlite();
    let registrar = std::sync::Arc::new(
        ashyq_store::registrar::Registrar::open(&db.url)
            .await
            .unwrap(),
    );
    let config = ServerConfig {
        secure_cookies: true,
        ..ServerConfig::standard()
    };
    let addr = common::spawn_with(registrar, config).await;
    for path in ["/", "/api/v1/referendums", "/api/v1/nope"] {
        let res = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
        assert_hardened(path, res.headers());
        assert_eq!(
            res.headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap()),
            Some(HSTS),
            "{path}"
        );
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A wrong password for an existing account and any password for a name that is no account
/// take the same time and get the same answer. 50 tries each, interleaved so that the load of
/// the machine falls on both alike; the medians must be within 20 % of each other (measured
/// here because the issue asks for exactly this check; the figures are printed).
#[tokio::test]
async fn an_unknown_account_costs_and_reads_like_a_wrong_password() {
    const TRIES: usize = 50;
    let db = TestDb::sqlite();
    // All tries come from one address: the throttle's refusals would hide the timing, so
    // its free failures are raised here (throttling has its own tests, tests/cluster.rs).
    let mut config = common::portal::config();
    config.throttle.address.free_failures = 1_000;
    config.throttle.pair.free_failures = 1_000;
    config.throttle.account.free_failures = 1_000;
    let w = World::with_config(&db, config).await;
    // The 50 tries for known accounts go to ten of them, five each; every unknown name is
    // tried once.
    let names: Vec<String> = (0..10).map(|i| format!("account-{i}")).collect();
    let accounts: Vec<(&str, Role)> = names.iter().map(|n| (n.as_str(), Role::Observer)).collect();
    common::operators(&w.registrar, PASSWORD, &accounts).await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/session", w.base);
    let try_once = |name: String| {
        let http = http.clone();
        let url = url.clone();
        async move {
            let body = json!({"name": name, "password": "not the password at all"});
            let t = Instant::now();
            let res = http.post(&url).json(&body).send().await.unwrap();
            let status = res.status();
            let doc: Value = res.json().await.unwrap();
            (t.elapsed(), status, doc)
        }
    };
    // One untimed try of each kind first: the dummy hash is made on first use.
    try_once("warm-up-nobody".into()).await;
    try_once("watcher".into()).await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let mut answers = Vec::new();
    for i in 0..TRIES {
        // Which goes first alternates, so neither kind always follows the other.
        for known_now in [i % 2 == 0, i % 2 == 1] {
            let name = if known_now {
                names[i / 5].clone()
            } else {
                format!("nobody-{i}")
            };
            let (t, status, doc) = try_once(name).await;
            if known_now { &mut known } else { &mut unknown }.push(t);
            answers.push((status, doc));
        }
    }
    let first = &answers[0];
    for (status, doc) in &answers {
        assert_eq!(*status, StatusCode::UNAUTHORIZED, "{doc}");
        assert_eq!(
            doc, &first.1,
            "the same answer for a known and an unknown name"
        );
    }
    let (k, u) = (median(known), median(unknown));
    let ratio = k.max(u).as_secs_f64() / k.min(u).as_secs_f64();
    eprintln!(
        "sign-in, wrong password: known account median {k:?}, unknown name median {u:?}, ratio {ratio:.3}"
    );
    assert!(
        ratio <= 1.2,
        "known {k:?} vs unknown {u:?}: the time tells whether an account exists"
    );
}

#[tokio::test]
async fn an_upload_over_the_limit_is_answered_413_and_records_nothing() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let mut b = Browser::new(&w.base);
    b.sign_in("cec").await;
    let token = b.form_token(&format!("/portal/r/{ID}/upload")).await;
    let boundary = "ashyq-test-boundary-413";
    let big = "x".repeat(ashyq_server::web::portal::UPLOAD_LIMIT + 1024);
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.json\"\r\nContent-Type: application/json\r\n\r\n{big}\r\n--{boundary}--\r\n"
    );
    let res = b
        .http
        .post(format!("{}/portal/r/{ID}/upload", w.base))
        .header("cookie", b.cookie_header())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_hardened("413", res.headers());
    let page = res.text().await.unwrap();
    assert!(
        page.contains("larger than 2 MB") && page.contains("nothing was recorded"),
        "{page}"
    );
    assert!(
        w.registrar
            .ledger()
            .applied_protocols(&World::rid())
            .unwrap()
            .next()
            .is_none()
    );
}
