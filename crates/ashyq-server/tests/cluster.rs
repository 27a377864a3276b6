//! Issue 21, stateless instances: what must outlive a request lives in the database, so any
//! instance answers any request — an operator signs in on one instance and writes on another,
//! the note after the write shows on the first; a citizen's session is known everywhere; and
//! sign-in throttling is shared, by growing delays that never lock an owner out. On SQLite
//! and PostgreSQL.

use std::sync::Arc;
use std::time::Instant;

use ashyq_core::keys::{Commission, CommissionSigningKey};
use ashyq_core::signed::SignedProtocol;
use ashyq_core::throttle::{DelayRule, SignInThrottle};
use ashyq_server::ServerConfig;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::{self, TestDb};
use chrono::{TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::json;

mod common;

use common::portal::*;

/// Short delays, so the tests can wait them out: 3 free failures per account and address,
/// 5 per address, 2 per account (then held 100 ms doubling to 400 ms).
fn fast_throttle() -> SignInThrottle {
    let rule = |free_failures, first_delay_ms, max_delay_ms| DelayRule {
        free_failures,
        first_delay_ms,
        max_delay_ms,
        window_ms: 3_600_000,
    };
    SignInThrottle {
        address: rule(5, 300, 5_000),
        pair: rule(3, 300, 5_000),
        account: rule(2, 100, 400),
    }
}

/// Behind a proxy (clients told apart by `X-Forwarded-For`), with the fast throttle.
fn proxied() -> ServerConfig {
    ServerConfig {
        behind_proxy: true,
        throttle: fast_throttle(),
        ..config()
    }
}

/// A password sign-in through the API from `client` (the proxy's `X-Forwarded-For`, whose
/// last address is the one the proxy saw; anything before it is the client's say-so).
async fn sign_in_from(base: &str, client: &str, name: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .header("x-forwarded-for", format!("203.0.113.250, {client}"))
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn failures(w: &World, key: &str) -> ashyq_store::shared_state::Failures {
    w.registrar.store().signin_failures(key, 0).await.unwrap()
}

/// Sleeps until `not_before` (Unix ms) has passed.
async fn wait_until(not_before: i64) {
    let left = not_before - Utc::now().timestamp_millis() + 20;
    if left > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(left as u64)).await;
    }
}

#[tokio::test]
async fn an_attacker_slows_only_their_own_address_and_never_locks_the_owner_out() {
    let rules = fast_throttle();
    for db in testing::backends() {
        let w = World::with_config(&db, proxied()).await;
        let attacker = "198.51.100.7";
        let pair = format!("pair:watcher@{attacker}");

        // Three free failures, then each further one makes the next try from that address
        // wait: refused with 429 and Retry-After until the delay has passed.
        for _ in 0..4 {
            let res = sign_in_from(&w.base, attacker, "watcher", "wrong guess").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{}", db.backend());
        }
        let res = sign_in_from(&w.base, attacker, "watcher", PASSWORD).await;
        assert_eq!(
            res.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{}: even the right password waits",
            db.backend()
        );
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry >= 1);
        let doc: serde_json::Value = res.json().await.unwrap();
        assert!(
            doc["detail"]
                .as_str()
                .unwrap()
                .contains("from this address"),
            "{doc}"
        );
        // The refused try was not counted; the spoofed first address was not used.
        assert_eq!(failures(&w, &pair).await.count, 4);
        assert_eq!(failures(&w, "pair:watcher@203.0.113.250").await.count, 0);

        // The delays grow: each failure after waiting out the last doubles the next wait.
        let mut last_delay = 0;
        for n in 4..7u64 {
            let f = failures(&w, &pair).await;
            assert_eq!(f.count, n);
            let delay = f.not_before - f.last_failure;
            assert_eq!(delay, rules.pair.delay_ms(n) as i64, "after {n} failures");
            assert!(delay > last_delay, "{delay} after {last_delay}");
            last_delay = delay;
            wait_until(f.not_before).await;
            let res = sign_in_from(&w.base, attacker, "watcher", "wrong guess").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        // The account itself now owes a hold (7 failures > 2 free), but a hold is never a
        // refusal: the owner, from an address that has not failed, signs in.
        assert!(failures(&w, "account:watcher").await.count >= 7);
        let t = Instant::now();
        let res = sign_in_from(&w.base, "192.0.2.10", "watcher", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", db.backend());
        eprintln!(
            "{}: the owner signed in after {:?} (account hold at most {} ms)",
            db.backend(),
            t.elapsed(),
            rules.account.max_delay_ms
        );
        // Success clears the account's own counts, not the attacker's address.
        assert_eq!(failures(&w, "account:watcher").await.count, 0);
        assert_eq!(failures(&w, &pair).await.count, 7);
    }
}

#[tokio::test]
async fn one_address_guessing_at_many_accounts_is_slowed_for_all_of_them() {
    for db in testing::backends() {
        let w = World::with_config(&db, proxied()).await;
        let guesser = "198.51.100.8";
        // Six names, one try each: no account sees more than one failure, but the address
        // has had five free ones and owes a delay after the sixth.
        for i in 0..6 {
            let res = sign_in_from(&w.base, guesser, &format!("nobody-{i}"), "guess").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        let res = sign_in_from(&w.base, guesser, "cec", PASSWORD).await;
        assert_eq!(
            res.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            db.backend()
        );
        // Every other address is unaffected.
        let res = sign_in_from(&w.base, "192.0.2.11", "cec", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
}

/// A second server on the same database, as behind a load balancer.
async fn another_instance(db: &TestDb, config: ServerConfig) -> String {
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let addr = common::spawn_with(registrar, config).await;
    format!("http://{addr}")
}

#[tokio::test]
async fn failed_sign_ins_on_one_instance_count_on_every_other() {
    for db in testing::backends() {
        let w = World::with_config(&db, proxied()).await;
        let other = another_instance(&db, proxied()).await;
        for _ in 0..4 {
            let res = sign_in_from(&w.base, "198.51.100.9", "cec", "wrong guess").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        let res = sign_in_from(&other, "198.51.100.9", "cec", PASSWORD).await;
        assert_eq!(
            res.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{}: the other instance knows the failures",
            db.backend()
        );
    }
}

#[tokio::test]
async fn an_operator_signs_in_on_one_instance_and_writes_on_another() {
    for db in testing::backends() {
        let w = World::new(&db).await;
        let p = w.protocol(true, 1);
        let k = CommissionSigningKey::from_seed(Commission::Precinct(p.precinct), &[9; 32]);
        w.register_key(&k).await;
        let signed = SignedProtocol::sign(&p, 1, Utc::now() - TimeDelta::minutes(2), &k).unwrap();
        let file = serde_json::to_string(&signed).unwrap();
        // The second instance starts on the database as it now is (a running one follows
        // the log: store tests/registrar.rs).
        let other = another_instance(&db, config()).await;

        // Signed in on the first instance; its session cookie and form token work on the
        // second, which makes the write.
        let mut b = Browser::new(&w.base);
        b.sign_in("almaty-op").await;
        let token = b.form_token(&format!("/portal/r/{ID}/upload")).await;
        b.base = other.clone();
        let a = post_upload(&mut b, &token, &[("p.json", &file)]).await;
        assert_eq!(
            a.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            db.backend(),
            a.body
        );
        let to = a.location.unwrap();

        // The page after the write comes from the first instance and shows the note the
        // second one left — once.
        b.base = w.base.clone();
        let page = b.get(&to).await;
        let note = format!(
            "p.json: the protocol of precinct {} is accepted",
            p.precinct.0
        );
        assert!(page.body.contains(&note), "{}: {}", db.backend(), page.body);
        let again = b.get(&to).await;
        assert!(!again.body.contains(&note), "a note is shown once");
        // The write is in the shared log.
        let stored = w.registrar.store().entries_after(0, 100_000).await.unwrap();
        assert!(
            stored
                .iter()
                .any(|e| e.to_json_line().contains(&p.content_hash())),
            "{}: the protocol is in the log",
            db.backend()
        );
    }
}

#[tokio::test]
async fn a_citizens_session_is_known_to_every_instance_and_ends_everywhere() {
    let server = common::consult::consult_server().await;
    let other = server.another_instance().await;
    let mut a = common::consult::Client::new(&server.base);
    let back = a.sign_in("dev-citizen-a", "/consult").await;
    assert_eq!(back.status, 303, "{}", back.body);
    let signed_in = |body: &str| body.contains("action=\"/consult/signout\"");
    assert!(signed_in(&a.get("/consult").await.body));

    // The same browser on the other instance is signed in too, and signs out there.
    a.base = other.clone();
    let page = a.get("/consult").await;
    assert!(signed_in(&page.body), "{}", page.body);
    let csrf = common::consult::Client::csrf(&page.body);
    let out = a.post("/consult/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303, "{}", out.body);

    // Back on the first instance, with the old cookie: no longer signed in.
    let mut stale = common::consult::Client::new(&server.base);
    stale.cookies = a.cookies.clone();
    let id = {
        let set = a
            .set_cookies
            .iter()
            .find(|c| c.starts_with("ashyq_session=") && !c.contains("Max-Age=0"))
            .expect("the session cookie was set")
            .clone();
        set["ashyq_session=".len()..]
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    stale.cookies.insert("ashyq_session".into(), id);
    let page = stale.get("/consult").await;
    assert!(!signed_in(&page.body), "the session ended everywhere");
}
