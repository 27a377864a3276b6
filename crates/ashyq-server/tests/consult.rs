//! The consultation over HTTP against the real server with the sample consultation: the pages
//! in three languages, the sign-in round trip through the development identity provider (the
//! real OpenID Connect relying party on one side), proposing, supporting once, moderating, the
//! JSON API, and bad input of every kind answered without a server error.

mod common;

use common::consult::{Client, consult_server};
use serde_json::Value;

async fn page(c: &mut Client, path: &str) -> String {
    let a = c.get(path).await;
    assert_eq!(a.status, 200, "{path}: {}", a.body);
    assert_eq!(a.content_type, "text/html; charset=utf-8", "{path}");
    a.body
}

#[tokio::test]
async fn the_pages_show_the_act_its_history_the_proposals_and_the_meetings_in_each_language() {
    let s = consult_server().await;
    let mut c = Client::new(&s.base);

    // The overview in each language, with the statistics counted by the program.
    let en = page(&mut c, "/consult?lang=en").await;
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("Public consultation on the draft"));
    assert!(
        en.contains("7 of 8 articles changed (5 in their text)"),
        "{en}"
    );
    assert!(en.contains("v3-adopted"));
    assert!(
        en.contains("Development mode"),
        "the test provider is announced"
    );
    let ru = page(&mut c, "/consult?lang=ru").await;
    assert!(ru.contains("Изменено 7 из 8 статей"), "{ru}");
    assert!(ru.contains("Конституционная комиссия"));
    let kk = page(&mut c, "/consult?lang=kk").await;
    assert!(kk.contains("Жобаны қоғамдық талқылау"));
    assert!(kk.contains("8 баптың 7 бабы өзгерді"), "{kk}");

    // The act's table of contents: sections and articles, proposals counted per article.
    let act = page(&mut c, "/consult/act?lang=en").await;
    assert!(
        act.contains("Section 2. The individual and the citizen"),
        "{act}"
    );
    assert!(act.contains("5 proposals"), "article 8 has five");
    let kk_act = page(&mut c, "/consult/act?v=v2-draft&lang=kk").await;
    assert!(kk_act.contains("8-бап"), "Kazakh article numbers");

    // An article: text, history through the versions with the word diff, proposals, decisions.
    let art = page(&mut c, "/consult/article/sec_2__art_8?lang=en").await;
    assert!(art.contains("<h1>Article 8</h1>"), "{art}");
    assert!(
        art.contains("A political party is registered when it has at least five thousand members.")
    );
    assert!(
        art.contains("(merged)"),
        "v1 articles 5 and 6 became article 8"
    );
    assert!(art.contains("<del>") && art.contains("<ins>"), "word diff");
    assert!(
        art.contains("no law may raise this threshold"),
        "the adopted amendment"
    );
    assert!(art.contains("Decision 1"));
    assert!(
        art.contains("/consult/proposals/1\""),
        "the proposals behind it"
    );
    assert!(
        art.contains("lang=\"kk\""),
        "the parallel text is marked with its language"
    );
    // The same article in the old version points to the same proposals (traceability).
    let old = page(&mut c, "/consult/article/sec_2__art_6?v=v1-old&lang=en").await;
    assert!(old.contains("/consult/proposals/1\""), "{old}");
    assert!(old.contains("Decision 1"));

    // The comparison page.
    let cmp = page(&mut c, "/consult/compare?from=v1-old&to=v2-draft&lang=en").await;
    assert!(cmp.contains("Changes from v1-old to v2-draft"));
    for kind in ["renumbered", "merged", "added", "removed"] {
        assert!(cmp.contains(kind), "{kind}: {cmp}");
    }

    // Proposals: the list, search in Russian with a stemmed word form, a Kazakh query without
    // Kazakh letters.
    let list = page(&mut c, "/consult/proposals?lang=en").await;
    assert!(
        list.contains("14 proposals found"),
        "published ones only: {list}"
    );
    assert!(!list.contains("P-000017"), "waiting for moderation");
    let found = page(
        &mut c,
        "/consult/proposals?q=%D0%BF%D0%B0%D1%80%D1%82%D0%B8%D0%B8&lang=en",
    )
    .await;
    assert!(found.contains("P-000001"), "партии finds партия: {found}");
    let kk_found = page(
        &mut c,
        "/consult/proposals?q=%D0%BC%D1%8B%D0%BD%D0%B3%D0%B0&lang=en",
    )
    .await;
    assert!(
        kk_found.contains("P-000004"),
        "мынга finds мыңға: {kk_found}"
    );
    let rejected = page(&mut c, "/consult/proposals?status=rejected&lang=en").await;
    assert!(
        rejected.contains("P-000012") && !rejected.contains("кредиты"),
        "{rejected}"
    );

    // A proposal with its public timeline, cluster and decision.
    let p1 = page(&mut c, "/consult/proposals/1?lang=en").await;
    for want in [
        "Proposal P-000001",
        "Awaiting moderation",
        "Published",
        "meeting 1, item 1",
        "Accepted by decision 1",
        "Similar proposals",
        "40",
    ] {
        assert!(p1.contains(want), "{want}: {p1}");
    }
    let p16 = page(&mut c, "/consult/proposals/16?lang=en").await;
    assert!(p16.contains("Sign in to support this proposal"), "{p16}");
    // Refused by moderation: the reason is public, the text is not.
    let p12 = page(&mut c, "/consult/proposals/P-000012?lang=en").await;
    assert!(p12.contains("advertising or spam"), "{p12}");
    assert!(!p12.contains("кредиты"), "the refused text stays private");
    let p17 = page(&mut c, "/consult/proposals/17?lang=ru").await;
    assert!(p17.contains("Ожидает модерации"));
    assert!(!p17.contains("высшей ценностью"), "not published yet");

    // The commission and a meeting: attendance, quorum, recorded votes, decisions, minutes.
    let com = page(&mut c, "/consult/meetings?lang=en").await;
    assert!(
        com.contains("130 members; a meeting is quorate with 87 present."),
        "{com}"
    );
    assert!(com.contains("Member 130"));
    let m1 = page(&mut c, "/consult/meetings/1?lang=en").await;
    for want in [
        "116 of 130 members present",
        "quorum 87:",
        "quorate",
        "For 95, against 14, abstained 7, did not vote 0; 59 votes for were needed.",
        "Carried: decision 1.",
        "Not carried.",
        "How each member voted",
        "Member 009",
        "minutes-1.md",
    ] {
        assert!(m1.contains(want), "{want}: {m1}");
    }
    let m2 = page(&mut c, "/consult/meetings/2?lang=ru").await;
    assert!(m2.contains("Не принято."), "the motion that failed");
    let md = c.get("/consult/meetings/1/minutes.md").await;
    assert_eq!(md.status, 200);
    assert!(md.content_type.starts_with("text/markdown"));
    assert!(md.body.contains("of 130 members; quorum 87"), "{}", md.body);

    // Unknown things are 404 pages that say what was not found.
    for path in [
        "/consult/proposals/999",
        "/consult/proposals/abc",
        "/consult/article/sec_9__art_99",
        "/consult/act?v=v9",
        "/consult/compare?from=v1-old&to=v9",
        "/consult/meetings/7",
        "/consult/meetings/-1",
        "/consult/meetings/1/minutes.md/x",
    ] {
        let a = c.get(path).await;
        assert_eq!(a.status, 404, "{path}");
        assert!(a.content_type.starts_with("text/html"), "{path}");
    }
}

#[tokio::test]
async fn a_citizen_signs_in_through_the_provider_proposes_supports_once_and_a_moderator_publishes()
{
    let s = consult_server().await;
    let mut a = Client::new(&s.base);

    // Without a session, the forms send you to sign in.
    let form = page(&mut a, "/consult/propose?lang=en").await;
    assert!(form.contains("Sign in first"), "{form}");

    // The sign-in round trip: RP → provider → RP, with PKCE, state and nonce.
    let back = a.sign_in("dev-citizen-a", "/consult/proposals/16").await;
    assert_eq!(back.status, 303, "{}", back.body);
    assert_eq!(back.location.as_deref(), Some("/consult/proposals/16"));
    let session_cookie = a
        .set_cookies
        .iter()
        .find(|c| c.starts_with("ashyq_session="))
        .expect("a session cookie")
        .clone();
    for attr in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session_cookie.contains(attr), "{attr}: {session_cookie}");
    }
    assert!(
        !a.cookies.contains_key("ashyq_signin"),
        "the sign-in cookie is removed"
    );
    let p16 = a.get("/consult/proposals/16?lang=en").await;
    assert_eq!(p16.status, 200);
    // The security layer answers every credentialed request with `no-store`, which
    // forbids every cache, shared or private.
    assert_eq!(
        p16.cache_control, "no-store",
        "personal pages are not cached"
    );
    assert!(p16.body.contains("Signed in as citizen:"), "{}", p16.body);
    assert!(p16.body.contains("test identity"));
    assert!(
        !p16.body.contains("dev-citizen-a"),
        "the subject is never shown"
    );
    let csrf = Client::csrf(&p16.body);

    // Support: once.
    let r = a
        .post("/consult/proposals/16/support", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let p16 = page(&mut a, "/consult/proposals/16?supported=1&lang=en").await;
    assert!(p16.contains("Your support is counted."));
    assert!(p16.contains("You support this proposal."));
    let again = a
        .post("/consult/proposals/16/support?lang=en", &[("csrf", &csrf)])
        .await;
    assert_eq!(again.status, 409);
    assert!(
        again.body.contains("You support this proposal."),
        "{}",
        again.body
    );
    let supports =
        s.service.consultation().proposals[&ashyq_core::consult::ProposalId(16)].supports;
    assert_eq!(supports, 4, "3 in the sample + 1");

    // Forms without the token, from another site, or without a session are refused.
    let r = a
        .post("/consult/proposals/14/support", &[("csrf", "x")])
        .await;
    assert_eq!(r.status, 403);
    let r = a
        .post_with(
            "/consult/proposals/14/support",
            &[("csrf", &csrf)],
            ("Origin", "https://evil.example"),
        )
        .await;
    assert_eq!(r.status, 403);
    let mut anonymous = Client::new(&s.base);
    let r = anonymous
        .post("/consult/proposals/14/support", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 401);

    // Propose: bad input is shown again with the reason and the text kept.
    let r = a
        .post(
            "/consult/propose?lang=en",
            &[
                ("csrf", &csrf),
                ("target", "sec_2__art_6"),
                ("lang", "ru"),
                ("text", "кратко"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("10 to 10,000 characters"), "{}", r.body);
    assert!(r.body.contains("кратко"), "the input is kept");
    let r = a
        .post(
            "/consult/propose",
            &[
                ("csrf", &csrf),
                ("target", "sec_9__art_99"),
                ("lang", "ru"),
                ("text", "достаточно длинный текст"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    let text = "Закрепить право на мирные собрания без предварительного разрешения.";
    let r = a
        .post(
            "/consult/propose",
            &[
                ("csrf", &csrf),
                ("target", "new:sec_2__art_6"),
                ("lang", "ru"),
                ("text", text),
                ("rationale", "Собрания — основа гражданского общества."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some("/consult/proposals/18?submitted=1")
    );
    let mine = page(&mut a, "/consult/proposals/18?submitted=1&lang=en").await;
    assert!(mine.contains("waits for moderation"));
    assert!(mine.contains(text), "the author sees the text");
    assert!(mine.contains("Withdraw my proposal"));

    // Another citizen does not see it before moderation, and may not moderate.
    let mut b = Client::new(&s.base);
    b.sign_in("dev-citizen-b", "/consult").await;
    let seen = page(&mut b, "/consult/proposals/18?lang=en").await;
    assert!(!seen.contains(text));
    let b_csrf = Client::csrf(&seen);
    let r = b
        .post(
            "/consult/proposals/18/moderate",
            &[("csrf", &b_csrf), ("action", "publish")],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = b.get("/consult/moderation").await;
    assert_eq!(r.status, 403);

    // The test moderator publishes it; then it is searchable and open for support.
    let mut m = Client::new(&s.base);
    m.sign_in("dev-moderator", "/consult/moderation").await;
    let queue = page(&mut m, "/consult/moderation?lang=en").await;
    assert!(
        queue.contains("P-000017") && queue.contains("P-000018"),
        "{queue}"
    );
    let m_csrf = Client::csrf(&queue);
    let r = m
        .post(
            "/consult/proposals/18/moderate",
            &[("csrf", &m_csrf), ("action", "publish")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // A refusal needs a reason; "other" needs it in words.
    let r = m
        .post(
            "/consult/proposals/17/moderate",
            &[
                ("csrf", &m_csrf),
                ("action", "reject"),
                ("reason", "other"),
                ("detail", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    let r = m
        .post(
            "/consult/proposals/17/moderate",
            &[
                ("csrf", &m_csrf),
                ("action", "reject"),
                ("reason", "duplicate"),
                ("detail", "P-000001"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let p17 = page(&mut b, "/consult/proposals/17?lang=en").await;
    assert!(
        p17.contains("a repeat of P-000001 by the same author"),
        "{p17}"
    );
    let found = page(
        &mut b,
        "/consult/proposals?q=%D1%81%D0%BE%D0%B1%D1%80%D0%B0%D0%BD%D0%B8%D1%8F&lang=en",
    )
    .await;
    assert!(
        found.contains("P-000018"),
        "собрания finds the new proposal: {found}"
    );
    let p18 = page(&mut b, "/consult/proposals/18?lang=en").await;
    assert!(p18.contains(text));
    let r = b
        .post("/consult/proposals/18/support", &[("csrf", &b_csrf)])
        .await;
    assert_eq!(r.status, 303);
    // The author cannot support their own proposal.
    let r = a
        .post("/consult/proposals/18/support?lang=en", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("This is your proposal"), "{}", r.body);

    // Everything is in the consultation's log, with pseudonyms only.
    {
        let c = s.service.consultation();
        let log = serde_json::to_string(&c.log).unwrap();
        assert!(!log.contains("dev-citizen"), "no subject in the log");
        assert_eq!(
            c.proposals[&ashyq_core::consult::ProposalId(18)].supports,
            1
        );
        Consultation::replay(&c.log).unwrap();
    }

    // Sign out: the session is gone.
    let r = a.post("/consult/signout", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 303);
    let after = page(&mut a, "/consult?lang=en").await;
    assert!(!after.contains("Signed in as"));
    let r = a
        .post("/consult/proposals/14/support", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 401);
}

use ashyq_core::consult::Consultation;

#[tokio::test]
async fn a_sign_in_that_does_not_belong_to_this_browser_or_is_replayed_is_refused() {
    let s = consult_server().await;
    let mut a = Client::new(&s.base);
    // A callback without a sign-in started in this browser.
    let r = a
        .get("/consult/signin/callback?code=abc&state=xyz&lang=en")
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("not started in this browser"), "{}", r.body);
    // The provider's error answer.
    let r = a
        .get("/consult/signin/callback?error=access_denied&lang=en")
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("cancelled"));

    // A state that does not match.
    let start = a.get("/consult/signin?return=/consult").await;
    let authorize = start.location.unwrap();
    let page = a.get(&authorize).await;
    let mut form = common::consult::hidden_fields(&page.body);
    form.push(("subject".into(), "dev-citizen-c".into()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let approved = a.post("/dev-idp/authorize", &fields).await;
    let callback = approved.location.unwrap();
    let tampered = callback.replace("state=", "state=x");
    let r = a.get(&tampered).await;
    assert_eq!(r.status, 400, "{}", r.body);
    // The flow is used up: the genuine callback now fails too (a code is good once).
    let r = a.get(&callback).await;
    assert_eq!(r.status, 400);

    // The provider checks its requests: an unregistered redirect_uri is never redirected to.
    let evil = authorize.replace(
        "redirect_uri=http%3A%2F%2F127.0.0.1",
        "redirect_uri=https%3A%2F%2Fevil.example%2F127.0.0.1",
    );
    let r = a.get(&format!("{evil}&lang=en")).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("redirect_uri"), "{}", r.body);
    assert!(r.location.is_none());
    let no_pkce = authorize.replace("code_challenge_method=S256", "code_challenge_method=plain");
    assert_eq!(a.get(&no_pkce).await.status, 400);

    // The token endpoint: unknown client, wrong code.
    let r = a
        .post(
            "/dev-idp/token",
            &[("grant_type", "authorization_code"), ("code", "x")],
        )
        .await;
    assert_eq!(r.status, 401);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"], "invalid_client");

    // Discovery and keys are published for the relying party.
    let d = a.get("/dev-idp/.well-known/openid-configuration").await;
    let d: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(d["issuer"], format!("{}/dev-idp", s.base));
    assert_eq!(d["id_token_signing_alg_values_supported"][0], "EdDSA");
    let k = a.get("/dev-idp/jwks").await;
    let k: Value = serde_json::from_str(&k.body).unwrap();
    assert_eq!(k["keys"][0]["kty"], "OKP");
    assert!(k["keys"][0].get("d").is_none(), "no private key material");
}

#[tokio::test]
async fn the_api_serves_the_same_data_and_is_described_in_openapi() {
    let s = consult_server().await;
    let mut c = Client::new(&s.base);
    let json = |a: common::consult::Answer| -> Value {
        assert_eq!(a.status, 200, "{}", a.body);
        serde_json::from_str(&a.body).unwrap()
    };
    let summary = json(c.get("/api/v1/consult").await);
    assert_eq!(summary["versions"].as_array().unwrap().len(), 3);
    assert_eq!(summary["versions"][1]["open_draft"], true);
    assert_eq!(summary["proposals"], 14);
    assert_eq!(summary["members"], 130);
    assert_eq!(summary["decisions"], 5);
    let act = json(c.get("/api/v1/consult/acts/v2-draft").await);
    assert_eq!(act["version"], "v2-draft");
    let art = json(
        c.get("/api/v1/consult/acts/v1-old/articles/sec_2__art_6?lang=en")
            .await,
    );
    assert_eq!(art["draft_eids"][0], "sec_2__art_8");
    assert_eq!(art["history"].as_array().unwrap().len(), 3);
    assert!(art["proposals"].as_array().unwrap().len() >= 5);
    assert_eq!(art["decisions"][0]["number"], 1);
    let cmp = json(
        c.get("/api/v1/consult/compare?from=v1-old&to=v2-draft&lang=ru")
            .await,
    );
    assert_eq!(cmp["stats"]["changed"], 7);
    assert_eq!(cmp["stats"]["old_articles"], 8);
    let list = json(
        c.get("/api/v1/consult/proposals?q=%D0%BF%D0%B0%D1%80%D1%82%D0%B8%D1%8F")
            .await,
    );
    assert!(list["total"].as_u64().unwrap() >= 3);
    let p = json(c.get("/api/v1/consult/proposals/P-000001").await);
    assert_eq!(p["decisions"][0]["number"], 1);
    assert!(
        p["proposal"].get("author").is_none(),
        "no author in the API"
    );
    let pending = json(c.get("/api/v1/consult/proposals/17").await);
    assert!(
        pending["proposal"]["text"].is_null(),
        "not published: no text"
    );
    let meetings = json(c.get("/api/v1/consult/meetings").await);
    assert_eq!(meetings["members"].as_array().unwrap().len(), 130);
    let m = json(c.get("/api/v1/consult/meetings/1").await);
    assert_eq!(m["motions"].as_array().unwrap().len(), 5);
    assert_eq!(m["motions"][0]["tally"]["quorum_needed"], 87);
    assert!(m["minutes"].as_str().unwrap().contains("quorum 87"));

    // Errors are problem documents with a detail that says how to fix the request.
    for (path, status, detail) in [
        (
            "/api/v1/consult/acts/v9",
            404,
            "versions: v1-old, v2-draft, v3-adopted",
        ),
        (
            "/api/v1/consult/acts/v2-draft/articles/x",
            404,
            "no article",
        ),
        (
            "/api/v1/consult/acts/v2-draft/articles/sec_2__art_8?lang=de",
            400,
            "use lang=kk, ru or en",
        ),
        ("/api/v1/consult/compare?from=v1-old", 400, ""),
        ("/api/v1/consult/proposals?status=lost", 400, "use one of"),
        ("/api/v1/consult/proposals?page=0", 400, "from 1"),
        ("/api/v1/consult/proposals?page=-3", 400, ""),
        ("/api/v1/consult/proposals/x1", 404, "P-000042"),
        ("/api/v1/consult/meetings/one", 400, "meeting number"),
        ("/api/v1/consult/meetings/9", 404, "no meeting 9"),
    ] {
        let a = c.get(path).await;
        assert_eq!(a.status, status, "{path}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json", "{path}");
        assert!(a.body.contains(detail), "{path}: {}", a.body);
    }

    let doc = json(c.get("/api/v1/openapi.json").await);
    for path in [
        "/api/v1/consult",
        "/api/v1/consult/acts/{version}",
        "/api/v1/consult/acts/{version}/articles/{eid}",
        "/api/v1/consult/compare",
        "/api/v1/consult/proposals",
        "/api/v1/consult/proposals/{id}",
        "/api/v1/consult/meetings",
        "/api/v1/consult/meetings/{number}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    for schema in [
        "ProposalDocument",
        "MeetingDocument",
        "Comparison",
        "HistoryStep",
        "Unit",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}

#[tokio::test]
async fn no_input_makes_the_server_fail() {
    let s = consult_server().await;
    let mut c = Client::new(&s.base);
    c.sign_in("dev-citizen-a", "/consult").await;
    let csrf = Client::csrf(&c.get("/consult").await.body);
    let long = "я".repeat(20_000);
    let gets = [
        "/consult/article/%00",
        "/consult/article/sec_2__art_8?v=%FF",
        "/consult/act?v=",
        "/consult/compare?from=&to=",
        "/consult/compare?from=v2-draft&to=v2-draft",
        "/consult/proposals?q=%22%28%29%5B%5D%7B%7D%3A%5E~*%3F%5C%2F+AND+OR+NOT",
        "/consult/proposals?q=%F0%9F%98%80&status=%00&page=99999999999999999999",
        "/consult/proposals?page=abc",
        "/consult/proposals/P-999999999999",
        "/consult/proposals/18446744073709551616",
        "/consult/meetings/4294967296",
        "/consult/signin?return=https://evil.example",
        "/consult/signin?return=%2F%2Fevil.example",
        "/consult/propose?target=%3Cscript%3E",
        "/dev-idp/authorize",
        "/dev-idp/authorize?client_id=ashyq-dev",
        "/api/v1/consult/acts/%2e%2e",
        "/api/v1/consult/proposals?q=%28%28%28",
    ];
    for path in gets {
        let a = c.get(path).await;
        assert!(a.status < 500, "{path}: {} {}", a.status, a.body);
    }
    let sign_in = c.get("/consult/signin?return=https://evil.example").await;
    // Redirected to the provider with the local fallback, never to the other site.
    assert!(
        !sign_in
            .location
            .unwrap_or_default()
            .starts_with("https://evil")
    );
    let posts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("/consult/propose", vec![("csrf", &csrf)]),
        (
            "/consult/propose",
            vec![
                ("csrf", &csrf),
                ("target", "sec_2__art_8"),
                ("lang", "xx"),
                ("text", "длинный текст предложения"),
            ],
        ),
        (
            "/consult/propose",
            vec![
                ("csrf", &csrf),
                ("target", "new:"),
                ("lang", "ru"),
                ("text", "длинный текст предложения"),
            ],
        ),
        (
            "/consult/propose",
            vec![
                ("csrf", &csrf),
                ("target", "sec_2__art_8"),
                ("lang", "ru"),
                ("text", &long),
            ],
        ),
        ("/consult/proposals/abc/support", vec![("csrf", &csrf)]),
        ("/consult/proposals/999/support", vec![("csrf", &csrf)]),
        ("/consult/proposals/12/support", vec![("csrf", &csrf)]),
        ("/consult/proposals/999/withdraw", vec![("csrf", &csrf)]),
        ("/consult/proposals/1/withdraw", vec![("csrf", &csrf)]),
        (
            "/consult/proposals/1/moderate",
            vec![("csrf", &csrf), ("action", "zap")],
        ),
        ("/dev-idp/authorize", vec![("subject", "nobody")]),
        ("/dev-idp/token", vec![("grant_type", "password")]),
        ("/consult/signout", vec![]),
    ];
    for (path, form) in &posts {
        let a = c.post(path, form).await;
        assert!(a.status < 500, "{path}: {} {}", a.status, a.body);
    }
    // A body that is not a form.
    let r = reqwest::Client::new()
        .post(format!("{}/consult/propose", s.base))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(r.status().as_u16() < 500);
}

#[tokio::test]
async fn a_server_without_a_consultation_says_so() {
    let (s, _) = common::referendum().await;
    let r = reqwest::get(format!("{}/consult?lang=en", s.base))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("does not hold a public consultation")
    );
    let r = reqwest::get(format!("{}/api/v1/consult", s.base))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = reqwest::get(format!("{}/dev-idp/jwks", s.base))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn the_server_follows_what_the_secretariat_records_from_another_process() {
    use ashyq_core::consult::{ConsultEvent, ProposalId};
    use ashyq_store::Store;
    use ashyq_store::secretariat::Secretariat;

    let s = consult_server().await;
    let mut c = Client::new(&s.base);
    let list = page(&mut c, "/consult/proposals?lang=en").await;
    assert!(list.contains("14 proposals found"), "{list}");
    assert!(!list.contains("P-000017"), "waiting for moderation");

    // `ashyq commission moderate 17 --publish` from another process: its own store and
    // secretariat on the same database.
    let other = Secretariat::open(Store::open(&s.db.url).await.unwrap())
        .await
        .unwrap();
    other
        .record(|_| {
            Ok(ConsultEvent::ProposalPublished {
                id: ProposalId(17),
                moderator: "secretariat".into(),
            })
        })
        .await
        .unwrap();
    let stale = page(&mut c, "/consult/proposals?lang=en").await;
    assert!(!stale.contains("P-000017"), "not yet followed");

    s.service.follow().await.unwrap();
    let list = page(&mut c, "/consult/proposals?lang=en").await;
    assert!(list.contains("15 proposals found"), "{list}");
    assert!(list.contains("P-000017"), "{list}");
    // Following again with nothing new changes nothing.
    s.service.follow().await.unwrap();
    let again = page(&mut c, "/consult/proposals?lang=en").await;
    assert!(again.contains("15 proposals found"), "{again}");
}
