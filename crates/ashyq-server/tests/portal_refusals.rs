//! What the commission portal refuses, over HTTP against the real server: forms sent from
//! another site's page (by `Origin` or `Referer`), and garbage of every kind — each answered
//! with a page that says what was wrong, never a server error, and nothing recorded.

use ashyq_store::testing::TestDb;
use reqwest::StatusCode;

mod common;

use common::portal::*;

#[tokio::test]
async fn forms_sent_from_another_site_are_refused_and_change_nothing() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let p = w.protocol(true, 0);
    w.registrar.submit(p.clone()).await.unwrap();
    w.registrar.submit(changed(&p, 3)).await.unwrap();
    let held = w.open_conflicts(p.precinct)[0].clone();
    let mut b = Browser::new(&w.base);

    // Signing in from another site's page is refused: no session.
    let a = b
        .post_with(
            "/portal/sign-in",
            &[("name", "cec"), ("password", PASSWORD)],
            &[("Origin", "https://evil.example")],
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert!(
        a.body.contains("sent from a page of another site"),
        "{}",
        a.body
    );
    assert!(b.cookies.is_empty(), "{:?}", b.cookies);

    b.sign_in("cec").await;
    let token = b.form_token(&dashboard()).await;
    let n = p.precinct.0.to_string();
    let form = [
        ("form_token", token.as_str()),
        ("precinct", n.as_str()),
        ("protocol_hash", held.as_str()),
        ("reason", "the district commission ordered a recount"),
    ];
    let dismiss = format!("{}/dismiss", dashboard());
    // With the session and its token, but from another site: by its Origin, or (a browser
    // that sent none, or `null`) by its Referer.
    for headers in [
        &[("Origin", "https://evil.example")][..],
        &[("Origin", "http://127.0.0.1:1")][..],
        &[("Referer", "https://evil.example/a-page")][..],
        &[("Origin", "null"), ("Referer", "https://evil.example/")][..],
    ] {
        let a = b.post_with(&dismiss, &form, headers).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{headers:?}: {}", a.body);
        assert!(
            a.body.contains("sent from a page of another site")
                && a.body.contains("Nothing was changed"),
            "{headers:?}: {}",
            a.body
        );
        assert_eq!(
            w.open_conflicts(p.precinct),
            vec![held.clone()],
            "{headers:?}"
        );
    }
    let refused = w
        .registrar
        .store()
        .operator_audit_trail(None, 100)
        .await
        .unwrap();
    assert!(
        refused
            .iter()
            .all(|(_, r)| !r.detail.starts_with("dismiss")),
        "a refused form is not a write: {refused:?}"
    );

    // The same form from the portal's own page goes through.
    let own = w.base.clone();
    let referer = format!("{own}{}", dashboard());
    let a = b
        .post_with(&dismiss, &form, &[("Origin", &own), ("Referer", &referer)])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(w.open_conflicts(p.precinct).is_empty());
}

#[tokio::test]
async fn garbage_in_the_portal_gets_an_answer_never_a_server_error() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let mut b = Browser::new(&w.base);
    b.sign_in("almaty-op").await;
    let token = b.form_token(&dashboard()).await;
    let long = "9".repeat(5_000);
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/portal/r/{ID}/accept"),
            vec![("form_token", &token), ("precinct", "abc")],
        ),
        (
            format!("/portal/r/{ID}/accept"),
            vec![
                ("form_token", &token),
                ("precinct", &long),
                ("protocol_hash", &long),
                ("reason", &long),
            ],
        ),
        (
            format!("/portal/r/{ID}/dismiss"),
            vec![
                ("form_token", &token),
                ("precinct", "1"),
                ("protocol_hash", "nope"),
                ("reason", "x"),
            ],
        ),
        (
            "/portal/r/no-such/dismiss".into(),
            vec![
                ("form_token", &token),
                ("precinct", "1"),
                ("protocol_hash", "nope"),
                ("reason", "x"),
            ],
        ),
        (
            "/portal/r/no-such/certify".into(),
            vec![("form_token", &token)],
        ),
        (
            format!("/portal/r/{ID}/enter"),
            vec![
                ("form_token", &token),
                ("step", "record"),
                ("precinct", "-1"),
                ("yes", "1e9"),
            ],
        ),
        (
            format!("/portal/r/{ID}/enter"),
            vec![
                ("form_token", &token),
                ("step", "record"),
                ("precinct", "99999999"),
            ],
        ),
        (
            "/portal/r/no-such/enter".into(),
            vec![("form_token", &token), ("step", "check")],
        ),
        (
            "/portal/sign-in".into(),
            vec![("name", &long), ("password", &long)],
        ),
        (
            format!("/portal/r/{ID}/upload"),
            vec![("form_token", &token)],
        ),
    ];
    for (path, form) in &forms {
        let a = b.post(path, form).await;
        assert!(
            a.status.is_success() || a.status.is_redirection() || a.status.is_client_error(),
            "{path}: {}",
            a.status
        );
        assert!(!a.body.contains(PASSWORD));
    }
    // A precinct number beyond the territory is named in the check; every line out of range too.
    let mut q = format!("/portal/r/{ID}/enter/check?precinct=99999999");
    for f in ashyq_core::protocol::ProtocolLines::FIELDS {
        q.push_str(&format!("&{f}=20000000"));
    }
    let a = b.get(&q).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.body.contains("There is no precinct 99999999"),
        "{}",
        a.body
    );
    assert!(a.body.contains("KR-0"), "{}", a.body);
    for path in [
        "/portal/r/%ZZ/enter",
        "/portal/r/kz-2026/enter/check?precinct=%FF%FE",
        "/portal/r/kz-2026/enter?voters_on_list=%00",
    ] {
        let a = b.get(path).await;
        assert!(a.status.as_u16() < 500, "{path}: {}", a.status);
    }
    // Nothing of that was recorded.
    assert!(
        w.registrar
            .ledger()
            .applied_protocols(&World::rid())
            .unwrap()
            .next()
            .is_none()
    );
}
