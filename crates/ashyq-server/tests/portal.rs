//! The commission portal over HTTP, as a browser without JavaScript uses it: forms, cookies and
//! redirects, against the real server on a random loopback port, on SQLite and PostgreSQL.
//! Sign-in and sign-out, the form token, territorial scoping, accepting and dismissing
//! conflicts, uploading signed protocol files, the entry form (a broken control ratio, then a
//! good protocol) and certification (refused before the result is final, done after).

use ashyq_core::keys::{Commission, CommissionSigningKey};
use ashyq_core::operator::AuditOutcome;
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::signed::SignedProtocol;
use ashyq_store::testing::{self, TestDb};
use chrono::{TimeDelta, Utc};
use reqwest::StatusCode;

mod common;

use common::portal::*;

#[tokio::test]
async fn operators_sign_in_review_conflicts_in_their_territory_and_sign_out() {
    for db in testing::backends() {
        let w = World::new(&db).await;
        let mut b = Browser::new(&w.base);

        // Signed out: the portal sends to the sign-in page; a wrong password is refused.
        let a = b.get("/portal").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.location.as_deref(), Some("/portal/sign-in"));
        let a = b.get("/portal/sign-in").await;
        assert!(a.body.contains("name=\"password\""), "{}", a.body);
        let a = b
            .post(
                "/portal/sign-in",
                &[("name", "almaty-op"), ("password", "not the password")],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(a.body.contains("The name or the password is wrong"));
        assert!(!a.body.contains("not the password"), "no password echoed");
        assert!(b.cookies.is_empty());

        // Two precincts report, then each gets a different protocol: two conflicts, one in
        // the operator's region and one outside it.
        let inside = w.protocol(true, 0);
        let outside = w.protocol(false, 0);
        for p in [&inside, &outside] {
            w.registrar.submit(p.clone()).await.unwrap();
            w.registrar.submit(changed(p, 3)).await.unwrap();
        }
        let held_inside = w.open_conflicts(inside.precinct)[0].clone();
        let held_outside = w.open_conflicts(outside.precinct)[0].clone();

        // The territorial operator sees their region's conflict only, side by side.
        b.sign_in("almaty-op").await;
        let page = b.get(&dashboard()).await;
        assert_eq!(page.status, StatusCode::OK);
        let region_size = {
            let l = w.registrar.ledger();
            let t = l.territory().unwrap();
            let first = &t.regions[0].code;
            t.precincts
                .iter()
                .filter(|p| {
                    t.districts
                        .iter()
                        .any(|d| d.id == p.district && &d.region == first)
                })
                .count()
        };
        assert!(
            page.body.contains(&format!(
                "<dt>Precincts</dt><dd>{}</dd>",
                grouped(region_size)
            )),
            "the counts are the region's: {region_size}"
        );
        assert!(
            page.body
                .contains(&format!("Precinct {}", inside.precinct.0))
        );
        assert!(
            !page
                .body
                .contains(&format!("Precinct {}<", outside.precinct.0))
        );
        assert!(page.body.contains("2 lines differ"), "yes and no differ");
        let region_name = w.territory.regions[0].names.en.clone();
        assert!(
            page.body
                .contains(&format!("Progress in your territory: {region_name} (")),
            "{region_name}"
        );
        assert!(page.body.contains("\u{2212}3") && page.body.contains("+3"));
        assert!(page.body.contains("class=\"differs\""));
        let token = token_in(&page.body);
        let inside_n = inside.precinct.0.to_string();
        let outside_n = outside.precinct.0.to_string();

        // Without the form token (or with another) nothing happens.
        for bad in [
            vec![],
            vec![("form_token", "0123456789abcdef0123456789abcdef")],
        ] {
            let mut form = vec![
                ("precinct", inside_n.as_str()),
                ("protocol_hash", held_inside.as_str()),
                ("reason", "recount"),
            ];
            form.extend(bad);
            let a = b.post(&format!("/portal/r/{ID}/accept"), &form).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert!(a.body.contains("form token"), "{}", a.body);
        }
        assert_eq!(
            w.open_conflicts(inside.precinct),
            std::slice::from_ref(&held_inside)
        );

        // No reason: refused, and it says what to give.
        let page = b
            .decide("accept", &token, &inside_n, &held_inside, "  ")
            .await;
        assert!(page.body.contains("Refused:"), "{}", page.body);
        assert!(page.body.contains("give the reason"));
        assert_eq!(
            w.open_conflicts(inside.precinct),
            std::slice::from_ref(&held_inside)
        );

        // Outside the territory: refused by the role check, and audited.
        let page = b
            .decide("accept", &token, &outside_n, &held_outside, "recount")
            .await;
        assert!(
            page.body.contains("outside that territory"),
            "{}",
            page.body
        );
        assert_eq!(
            w.open_conflicts(outside.precinct),
            std::slice::from_ref(&held_outside)
        );
        let audit = w
            .registrar
            .store()
            .operator_audit_trail(None, 10)
            .await
            .unwrap();
        assert!(audit.iter().any(|(_, r)| r.operator == "almaty-op"
            && matches!(r.outcome, AuditOutcome::Refused { .. })
            && r.detail.contains(&outside_n)));

        // Accepted as an amendment, with the reason: applied, in the history, shown once.
        let page = b
            .decide(
                "accept",
                &token,
                &inside_n,
                &held_inside,
                "the district commission ordered a recount",
            )
            .await;
        assert!(
            page.body.contains(&format!(
                "The new protocol of precinct {inside_n} is applied as an amendment"
            )),
            "{}",
            page.body
        );
        assert_eq!(
            w.applied_hash(inside.precinct).as_deref(),
            Some(held_inside.as_str())
        );
        assert!(w.open_conflicts(inside.precinct).is_empty());
        {
            let l = w.registrar.ledger();
            let h = l.history(&World::rid(), inside.precinct).unwrap();
            let last = h.last().unwrap();
            assert_eq!(last.kind, "protocol_amended");
            assert_eq!(last.author.as_ref().unwrap().name, "almaty-op");
        }
        let again = b.get(&dashboard()).await;
        assert!(
            !again.body.contains("is applied as an amendment"),
            "shown once"
        );

        // A central operator dismisses the conflict outside the region.
        let mut cec = Browser::new(&w.base);
        cec.sign_in("cec").await;
        let token = cec.form_token(&dashboard()).await;
        let page = cec
            .decide(
                "dismiss",
                &token,
                &outside_n,
                &held_outside,
                "a duplicate typed in by mistake",
            )
            .await;
        assert!(
            page.body.contains(&format!(
                "The conflict at precinct {outside_n} is dismissed"
            )),
            "{}",
            page.body
        );
        assert!(w.open_conflicts(outside.precinct).is_empty());
        assert_eq!(
            w.applied_hash(outside.precinct),
            Some(outside.content_hash())
        );

        // An observer sees the dashboard without forms and cannot write.
        w.registrar.submit(changed(&inside, 5)).await.unwrap();
        let held = w.open_conflicts(inside.precinct)[0].clone();
        let mut watcher = Browser::new(&w.base);
        watcher.sign_in("watcher").await;
        let page = watcher.get(&dashboard()).await;
        assert!(page.body.contains("observers have read-only access"));
        assert!(page.body.contains(&format!("Precinct {inside_n}")));
        assert!(
            !page
                .body
                .contains(&format!("action=\"/portal/r/{ID}/accept\""))
        );
        let token = token_in(&page.body);
        let page = watcher
            .decide("accept", &token, &inside_n, &held, "I would like to")
            .await;
        assert!(page.body.contains("observer may not"), "{}", page.body);
        assert_eq!(w.open_conflicts(inside.precinct), [held]);

        // Sign-out ends the session: the old cookie no longer opens the portal.
        let old = b.cookies.clone();
        let token = b.form_token("/portal").await;
        let a = b.post("/portal/sign-out", &[("form_token", &token)]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.location.as_deref(), Some("/portal/sign-in?signed-out=1"));
        assert!(!b.cookies.iter().any(|(k, _)| k == "ashyq_session"));
        b.cookies = old;
        let a = b.get("/portal").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.location.as_deref(), Some("/portal/sign-in?expired=1"));
    }
}

fn lines_form(values: &[String]) -> Vec<(&'static str, &str)> {
    ashyq_core::protocol::ProtocolLines::FIELDS
        .iter()
        .copied()
        .zip(values.iter().map(String::as_str))
        .collect()
}

fn values(p: &PrecinctProtocol) -> Vec<String> {
    p.lines.named().iter().map(|(_, v)| v.to_string()).collect()
}

#[tokio::test]
async fn signed_files_are_uploaded_protocols_entered_and_the_result_certified() {
    for db in testing::backends() {
        let w = World::new(&db).await;
        let signed = w.protocol(true, 1);
        let unregistered = w.protocol(true, 2);
        let key = |p: &PrecinctProtocol, seed: u8| {
            CommissionSigningKey::from_seed(Commission::Precinct(p.precinct), &[seed; 32])
        };
        let k = key(&signed, 1);
        w.register_key(&k).await;
        let at = Utc::now() - TimeDelta::minutes(2);
        let doc = |p: &PrecinctProtocol, version, k: &CommissionSigningKey| {
            serde_json::to_string(&SignedProtocol::sign(p, version, at, k).unwrap()).unwrap()
        };

        // Upload: one accepted, one conflict held for review, one with an unregistered key,
        // one that is not a signed protocol; each file gets its own outcome.
        let mut op = Browser::new(&w.base);
        op.sign_in("almaty-op").await;
        let token = op.form_token(&format!("/portal/r/{ID}/upload")).await;
        let v1 = doc(&signed, 1, &k);
        let v2 = doc(&changed(&signed, 2), 2, &k);
        let stray = doc(&unregistered, 1, &key(&unregistered, 2));
        let page = upload(
            &mut op,
            &token,
            &[
                ("p1.json", &v1),
                ("p1-v2.json", &v2),
                ("stray.json", &stray),
                ("notes.json", "{\"hello\": 1}"),
            ],
        )
        .await;
        let n = signed.precinct.0;
        assert!(
            page.body.contains(&format!(
                "p1.json: the protocol of precinct {n} is accepted"
            )),
            "{}",
            page.body
        );
        assert!(page.body.contains(&format!(
            "p1-v2.json: precinct {n} had reported other numbers; this protocol is recorded for review"
        )));
        assert!(page.body.contains("stray.json: not recorded."));
        assert!(page.body.contains("not registered"), "{}", page.body);
        assert!(page.body.contains("notes.json: not recorded."));
        assert_eq!(w.applied_hash(signed.precinct), Some(signed.content_hash()));
        assert_eq!(w.open_conflicts(signed.precinct).len(), 1);
        assert_eq!(w.applied_hash(unregistered.precinct), None);
        // The same file again is known; a file for another region is outside the territory.
        let other = w.protocol(false, 1);
        let ko = key(&other, 3);
        let page = upload(
            &mut op,
            &token,
            &[("p1.json", &v1), ("other.json", &doc(&other, 1, &ko))],
        )
        .await;
        assert!(page.body.contains("was already recorded"), "{}", page.body);
        assert!(page.body.contains("other.json: not recorded."));
        assert!(page.body.contains("outside that territory"));
        // Without the form token, no file is looked at.
        let boundary = "b0";
        let res = op
            .http
            .post(format!("{}/portal/r/{ID}/upload", op.base))
            .header("cookie", op.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(multipart_body(boundary, "", &[("p.json", &stray)]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        // The precinct page shows the commission's signature and the receipt's links.
        let page = op.get(&format!("/r/{ID}/precinct/{n}?lang=en")).await.body;
        assert!(
            page.contains("Signed by the precinct commission, version 1"),
            "{page}"
        );
        assert!(page.contains(&k.public().key_id().0));
        assert!(page.contains("/api/v1/log/proofs/inclusion?leaf_index="));
        assert!(page.contains("href=\"/verify\""));

        // The entry form: a broken control ratio is explained and nothing is recorded.
        let entered = w.protocol(true, 3);
        let en = entered.precinct.0.to_string();
        let token = op.form_token(&format!("/portal/r/{ID}/enter")).await;
        let mut bad = values(&entered);
        bad[8] = (entered.lines.yes + 1).to_string();
        let mut form = vec![
            ("form_token", token.as_str()),
            ("precinct", en.as_str()),
            ("step", "record"),
        ];
        form.extend(lines_form(&bad));
        let a = op.post(&format!("/portal/r/{ID}/enter"), &form).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.body.contains("KR-4"), "{}", a.body);
        assert!(a.body.contains("Ballots found (line 8) must equal"));
        assert!(a.body.contains("cannot be recorded"));
        assert!(a.body.contains(&format!("value=\"{}\"", bad[8])), "kept");
        assert_eq!(w.applied_hash(entered.precinct), None);
        // The live check answers the same, as a fragment.
        let mut q = format!("/portal/r/{ID}/enter/check?precinct={en}");
        for (f, v) in lines_form(&bad) {
            q.push_str(&format!("&{f}={v}"));
        }
        let a = op.get(&q).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("KR-4") && !a.body.contains("<html"));
        // A letter where a number goes is named.
        let a = op
            .get(&format!(
                "/portal/r/{ID}/enter/check?precinct={en}&voters_on_list=12a"
            ))
            .await;
        assert!(a.body.contains("1. Voters on the list"), "{}", a.body);

        // The check button, then recording the good numbers.
        let good = values(&entered);
        let mut form = vec![
            ("form_token", token.as_str()),
            ("precinct", en.as_str()),
            ("step", "check"),
        ];
        form.extend(lines_form(&good));
        let a = op.post(&format!("/portal/r/{ID}/enter"), &form).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("Every control ratio holds."), "{}", a.body);
        assert!(
            a.body
                .contains("has not reported yet: this protocol would be applied")
        );
        assert_eq!(
            w.applied_hash(entered.precinct),
            None,
            "a check records nothing"
        );
        form[2] = ("step", "record");
        let page = op.submit(&format!("/portal/r/{ID}/enter"), &form).await;
        assert!(
            page.body.contains(&format!(
                "The protocol of precinct {en} is recorded as your entry"
            )),
            "{}",
            page.body
        );
        assert_eq!(
            w.applied_hash(entered.precinct),
            Some(entered.content_hash())
        );
        {
            let l = w.registrar.ledger();
            let h = l.history(&World::rid(), entered.precinct).unwrap();
            assert_eq!(h[0].entered_by.as_ref().unwrap().name, "almaty-op");
        }
        let page = op.get(&format!("/r/{ID}/precinct/{en}?lang=en")).await.body;
        assert!(page.contains("Entered from the paper protocol by operator almaty-op"));
        // Outside the territory: refused, nothing recorded.
        let other = w.protocol(false, 2);
        let on = other.precinct.0.to_string();
        let ov = values(&other);
        let mut form = vec![
            ("form_token", token.as_str()),
            ("precinct", on.as_str()),
            ("step", "record"),
        ];
        form.extend(lines_form(&ov));
        let a = op.post(&format!("/portal/r/{ID}/enter"), &form).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(a.body.contains("outside that territory"));
        assert_eq!(w.applied_hash(other.precinct), None);

        // Certification: territorial operators never; the CEC not before the result is final.
        let a = op.get(&dashboard()).await;
        assert!(
            a.body
                .contains("Only operators of the Central Election Commission certify")
        );
        let page = op
            .submit(
                &format!("/portal/r/{ID}/certify"),
                &[("form_token", &token_in(&a.body))],
            )
            .await;
        assert!(page.body.contains("The result was not certified."));
        let mut cec = Browser::new(&w.base);
        cec.sign_in("cec").await;
        let page = cec.get(&dashboard()).await;
        assert!(page.body.contains("Not yet possible"), "{}", page.body);
        assert!(page.body.contains("disabled"));
        let token = token_in(&page.body);
        let page = cec.certify(&token).await;
        assert!(
            page.body.contains("cannot be certified yet"),
            "{}",
            page.body
        );

        // Every precinct reports and the held conflict is dismissed: then it certifies.
        let rest: Vec<PrecinctProtocol> = w
            .protocols
            .iter()
            .filter(|p| w.applied_hash(p.precinct).is_none())
            .cloned()
            .collect();
        w.registrar.submit_batch(rest).await.unwrap();
        let held = w.open_conflicts(signed.precinct)[0].clone();
        let sn = signed.precinct.0.to_string();
        cec.decide(
            "dismiss",
            &token,
            &sn,
            &held,
            "version 2 was sent by mistake",
        )
        .await;
        let page = cec.get(&dashboard()).await;
        assert!(
            page.body
                .contains("the result is final and can be certified")
        );
        let page = cec.certify(&token).await;
        assert!(
            page.body.contains("The result is certified and locked"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Certified "));
        // Locked: the entry form's check says so before anyone types in vain.
        let a = op
            .get(&format!("/portal/r/{ID}/enter/check?precinct={en}"))
            .await;
        assert!(a.body.contains("certified and locked"), "{}", a.body);
        assert!(
            w.registrar
                .ledger()
                .referendum(&World::rid())
                .unwrap()
                .certification()
                .is_some()
        );
    }
}

#[tokio::test]
async fn the_portal_speaks_each_language() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let mut b = Browser::new(&w.base);
    b.sign_in("cec").await;
    for (lang, words) in [
        ("kk", "Комиссиялар порталы"),
        ("ru", "Портал комиссий"),
        ("en", "Commission portal"),
    ] {
        let page = b.get(&format!("/portal/r/{ID}/enter?lang={lang}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("<html lang=\"{lang}\">")));
        assert!(page.body.contains(words), "{lang}");
        // The sign-in page too (no session needed).
        let page = Browser::new(&w.base)
            .get(&format!("/portal/sign-in?lang={lang}"))
            .await;
        assert!(page.body.contains(&format!("<html lang=\"{lang}\">")));
    }
    // A warning's numbers in the page's language: three ballots fewer found than issued.
    let mut p = w.protocol(true, 0);
    p.lines.ballots.ballots_found -= 3;
    p.lines.yes -= 3;
    let mut q = format!(
        "/portal/r/{ID}/enter/check?lang=ru&precinct={}",
        p.precinct.0
    );
    for (f, v) in p.lines.named() {
        q.push_str(&format!("&{f}={v}"));
    }
    let a = b.get(&q).await;
    assert!(a.body.contains("KW-1"), "{}", a.body);
    assert!(a.body.contains("не хватает 3"), "{}", a.body);
    assert!(a.body.contains("Все контрольные соотношения выполняются"));
    // An unknown referendum is a page, not an error.
    let page = b.get("/portal/r/no-such-vote").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
