//! The web pages in a real browser: Debian's Chromium driven through chromedriver (WebDriver)
//! against the real server on a random loopback port. Opens the national page in each
//! language, drills down to a precinct, follows the count live while protocols are submitted,
//! follows the cartogram's links, checks the layout at 360 px and keyboard focus, and runs
//! axe-core on every page (no serious or critical violation). Screenshots go to
//! `target/screenshots/` (or `$CARGO_TARGET_DIR/screenshots/`).
//!
//! Needs `/usr/bin/chromium`, `/usr/bin/chromedriver` (or `ASHYQ_CHROMIUM`,
//! `ASHYQ_CHROMEDRIVER`) and axe-core (`ASHYQ_AXE_JS`, else
//! `<target>/axe-core/node_modules/axe-core/axe.min.js`, installed by `.ci/run` with
//! `npm install --prefix <target>/axe-core axe-core`). Without them the test says why and is
//! skipped, except under `CI=true`, where it fails.
//!
//! The commission portal has its own test here: sign in as an operator, resolve a conflict
//! by accepting one and dismissing another, enter a protocol with the live control-ratio
//! check, upload a signed file, each page under axe-core, at 360 px and in every language.

mod common;

use std::time::Instant;

use fantoccini::Locator;
use serde_json::json;

#[path = "common/browser.rs"]
mod kit;
use kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_the_pages_work_in_every_language_live_and_accessibly() {
    let Some(tools) = tools() else { return };
    let t0 = Instant::now();
    let phase = |what: &str| {
        eprintln!(
            "browser test: {what} at {:.1} s",
            t0.elapsed().as_secs_f64()
        )
    };
    let (s, protocols) = common::referendum().await;
    let base = s.base.clone();
    let (first, rest) = protocols.split_at(4_000);
    s.registrar.submit_batch(first.to_vec()).await.unwrap();
    let driver = start_driver(&tools.chromedriver);
    let c = browser(&tools, &driver).await;
    phase("Chromium started");

    // The national page in each language.
    for (lang, question, reported) in [
        (
            "kk",
            "Бюллетеньдегі сұрақ",
            "10\u{a0}459 учаскенің 4\u{a0}000 учаскесінен",
        ),
        ("ru", "Вопрос в бюллетене", "4\u{a0}000 из 10\u{a0}459"),
        ("en", "The question on the ballot", "4,000 of 10,459"),
    ] {
        c.goto(&format!("{base}/?lang={lang}")).await.unwrap();
        let html_lang = c
            .find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap();
        assert_eq!(html_lang.as_deref(), Some(lang));
        assert!(text_of(&c, "figure.question").await.contains(question));
        // WebDriver's element text turns no-break spaces into spaces.
        let progress = text_of(&c, "#progress").await.replace('\u{a0}', " ");
        assert!(
            progress.contains(&reported.replace('\u{a0}', " ")),
            "{progress}"
        );
        screenshot(&c, &format!("national-{lang}")).await;
        axe(&c, &tools, &format!("national ({lang})")).await;
    }
    // The CSP check above is live: a violation would be seen (then the log is clear again).
    csp_is_enforced_and_seen(&c).await;

    phase("three languages checked");
    // The language is remembered: a page without ?lang= stays in English.
    c.goto(&format!("{base}/verify")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, "Check it yourself");

    // Live: the count moves while protocols are submitted, without reloading the page.
    c.goto(&format!("{base}/")).await.unwrap();
    c.execute("window.__same_page = true; return true;", vec![])
        .await
        .unwrap();
    wait_for(&c, "#progress", "4,000 of 10,459", 5).await;
    let (second, third) = rest.split_at(3_000);
    s.registrar.submit_batch(second.to_vec()).await.unwrap();
    wait_for(&c, "#progress", "7,000 of 10,459", 15).await;
    s.registrar.submit_batch(third.to_vec()).await.unwrap();
    wait_for(&c, "#progress", "10,459 of 10,459", 15).await;
    assert!(text_of(&c, ".fig.yes").await.contains("7,954,667"));
    assert!(text_of(&c, "#progress").await.contains("Final count"));
    let same = c
        .execute("return window.__same_page === true;", vec![])
        .await
        .unwrap();
    assert_eq!(same, json!(true), "updated in place, not reloaded");
    screenshot(&c, "national-en-final").await;
    phase("live count followed");

    // The cartogram: 21 tiles, each a link to its region; the turnout colouring too.
    let hrefs: Vec<String> = serde_json::from_value(
        c.execute(
            "return [...document.querySelectorAll('svg.cartogram a')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert_eq!(hrefs.len(), 21);
    assert!(hrefs.contains(&"/r/kz-2026/region/KZ-43".to_owned()));
    assert!(hrefs.contains(&"/r/kz-2026/region/ABROAD".to_owned()));
    c.goto(&format!("{base}/r/kz-2026?by=turnout"))
        .await
        .unwrap();
    assert!(
        text_of(&c, "p.toggle strong").await.contains("turnout"),
        "the current measure is marked"
    );
    phase("turnout page open");
    screenshot(&c, "national-turnout").await;
    axe(&c, &tools, "national by turnout").await;
    click(&c, "svg.cartogram a[href='/r/kz-2026/region/KZ-43']").await;
    wait_for(&c, "h1", "Kyzylorda Region", 5).await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/region/KZ-43")
    );
    phase("region open");
    screenshot(&c, "region-KZ-43").await;
    axe(&c, &tools, "region").await;

    // Drill down: district, then precinct.
    click(&c, "table a[href*='/district/']").await;
    wait_for(&c, "nav.crumbs", "Kyzylorda Region", 5).await;
    phase("district open");
    screenshot(&c, "district").await;
    axe(&c, &tools, "district").await;
    click(&c, "table a[href*='/precinct/']").await;
    wait_for(&c, "h1", "Precinct №", 5).await;
    let lines = c
        .find_all(Locator::Css("table.lines tbody tr"))
        .await
        .unwrap();
    assert_eq!(lines.len(), 12, "every protocol line");
    assert!(text_of(&c, "main").await.contains("Protocol accepted"));
    phase("precinct open");
    screenshot(&c, "precinct").await;
    axe(&c, &tools, "precinct").await;

    phase("drilled down");
    // The other pages.
    for (path, name) in [
        ("/downloads", "downloads"),
        ("/verify", "verify"),
        ("/r/kz-2026/precinct/0", "not-found"),
        ("/?lang=ru", "national-ru-final"),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        screenshot(&c, name).await;
        axe(&c, &tools, name).await;
    }

    // Keyboard: the first Tab reaches the skip link, and it is visible when focused.
    c.goto(&format!("{base}/?lang=en")).await.unwrap();
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{e004}")
        .await
        .unwrap();
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("skip")
    );
    let top = c
        .execute(
            "return document.activeElement.getBoundingClientRect().top;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        top.as_f64().unwrap() >= 0.0,
        "the focused skip link is on screen"
    );

    // 360 px wide: nothing but the tables' own scroll boxes is wider than the screen.
    fits_360(
        &c,
        &base,
        &[
            ("/?lang=kk", "national-kk-360"),
            ("/r/kz-2026/region/KZ-75?lang=ru", "region-ru-360"),
            ("/verify?lang=en", "verify-en-360"),
        ],
    )
    .await;

    // An election: votes, seats, the what-if form.
    phase("360 px checked");
    let e = common::election().await;
    phase("election set up");
    c.goto(&format!("{}/e/{}?lang=en", e.base, common::ELECTION))
        .await
        .unwrap();
    assert!(text_of(&c, "main").await.contains("Amanat"));
    screenshot(&c, "election").await;
    axe(&c, &tools, "election").await;
    c.goto(&format!("{}/e/{}/what-if", e.base, common::ELECTION))
        .await
        .unwrap();
    let select = c.find(Locator::Css("select#method")).await.unwrap();
    select.select_by_value("dhondt").await.unwrap();
    let input = c.find(Locator::Css("input#threshold")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("7").await.unwrap();
    click(&c, "form.whatif button").await;
    wait_for(&c, "caption", "D'Hondt", 5).await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .query()
            .unwrap()
            .contains("method=dhondt")
    );
    screenshot(&c, "what-if").await;
    axe(&c, &tools, "what-if").await;

    phase("what-if checked");
    c.close().await.unwrap();
}

/// Types into a field, replacing what it held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_an_operator_signs_in_and_resolves_conflicts_in_the_portal() {
    use ashyq_core::contest::ContestId;
    use ashyq_core::keys::{Commission, CommissionSigningKey, KeyEvent, KeyRegistered};
    use ashyq_core::operator::{Role, hash_password};
    use rand::SeedableRng;

    let Some(tools) = tools() else { return };
    let (s, protocols) = common::referendum().await;
    let base = s.base.clone();
    let rid = ContestId("kz-2026".into());
    let password = "a long enough test password";
    let mut rng = rand_chacha::ChaCha20Rng::from_seed([3; 32]);
    let hash = hash_password(password, &mut rng).unwrap();
    s.registrar
        .store()
        .create_operator("cec", &Role::CentralOperator, &hash, "2026-03-01T00:00:00Z")
        .await
        .unwrap();
    // All but three precincts report; two of them then send other numbers (conflicts).
    let (held_back, reported) = protocols.split_at(3);
    s.registrar.submit_batch(reported.to_vec()).await.unwrap();
    let mut changed = Vec::new();
    for p in &reported[..2] {
        let mut q = p.clone();
        q.lines.yes -= 4;
        q.lines.no += 4;
        s.registrar.submit(q.clone()).await.unwrap();
        changed.push(q);
    }
    // One precinct commission has a key and will have its signed file uploaded.
    let signed = &held_back[2];
    let key = CommissionSigningKey::from_seed(Commission::Precinct(signed.precinct), &[8; 32]);
    s.registrar
        .manage_key(KeyEvent::KeyRegistered(KeyRegistered {
            commission: Commission::Precinct(signed.precinct),
            public_key: key.public(),
            valid_from: "2026-03-01T00:00:00Z".parse().unwrap(),
            by: Commission::Central,
            author: ashyq_core::author::Author {
                name: "cec".into(),
                role: "central operator".into(),
            },
        }))
        .await
        .unwrap();
    let doc = ashyq_core::signed::SignedProtocol::sign(
        signed,
        1,
        chrono::Utc::now() - chrono::TimeDelta::minutes(1),
        &key,
    )
    .unwrap();
    let file = tempfile::Builder::new()
        .prefix("protocol-")
        .suffix(".json")
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    let driver = start_driver(&tools.chromedriver);
    let c = browser(&tools, &driver).await;

    // Signed out, the portal asks to sign in; the form is found by its fields, not its words.
    c.goto(&format!("{base}/portal?lang=en")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/portal/sign-in")
    );
    screenshot(&c, "portal-sign-in").await;
    axe(&c, &tools, "portal sign-in").await;
    type_into(&c, "input[name=name]", "cec").await;
    type_into(&c, "input[name=password]", password).await;
    click(&c, "form[action='/portal/sign-in'] button").await;
    wait_for(&c, "h1", "Commission portal", 10).await;
    axe(&c, &tools, "portal home").await;
    click(&c, "a[href='/portal/r/kz-2026']").await;
    wait_for(&c, "#conflicts", "2 lines differ", 5).await;
    screenshot(&c, "portal-dashboard").await;
    axe(&c, &tools, "portal dashboard").await;

    // Accept the first conflict as an amendment, with a reason.
    let first = changed[0].precinct.0;
    let accept =
        format!("article.conflict:has(a[href$='/precinct/{first}']) form[action$='/accept']");
    type_into(
        &c,
        &format!("{accept} textarea"),
        "recount ordered by the district commission",
    )
    .await;
    click(&c, &format!("{accept} button")).await;
    wait_for(&c, ".note", "is applied as an amendment", 10).await;
    screenshot(&c, "portal-accepted").await;
    axe(&c, &tools, "portal after accepting").await;
    assert_eq!(
        s.registrar
            .ledger()
            .applied(&rid, changed[0].precinct)
            .unwrap()
            .unwrap()
            .protocol_hash,
        changed[0].content_hash()
    );

    // Dismiss the second: the applied protocol stands.
    let second = changed[1].precinct.0;
    let dismiss =
        format!("article.conflict:has(a[href$='/precinct/{second}']) form[action$='/dismiss']");
    type_into(&c, &format!("{dismiss} textarea"), "sent twice by mistake").await;
    click(&c, &format!("{dismiss} button")).await;
    wait_for(&c, ".note", "is dismissed", 10).await;
    assert_eq!(
        s.registrar
            .ledger()
            .referendum(&rid)
            .unwrap()
            .open_conflict_count(),
        0
    );

    // Enter a missing precinct's protocol: the check runs live as the numbers are typed.
    let entered = &held_back[0];
    c.goto(&format!("{base}/portal/r/kz-2026/enter"))
        .await
        .unwrap();
    type_into(&c, "#precinct", &entered.precinct.0.to_string()).await;
    for (name, value) in entered.lines.named() {
        let v = if name == "yes" { value + 7 } else { value };
        type_into(&c, &format!("#{name}"), &v.to_string()).await;
    }
    wait_for(&c, "#check", "KR-4", 10).await;
    screenshot(&c, "portal-enter-broken").await;
    axe(&c, &tools, "portal entry form with a broken ratio").await;
    type_into(&c, "#yes", &entered.lines.yes.to_string()).await;
    wait_for(&c, "#check", "Every control ratio holds", 10).await;
    click(&c, "button[value=record]").await;
    wait_for(&c, ".note", "is recorded as your entry", 10).await;
    screenshot(&c, "portal-entered").await;
    axe(&c, &tools, "portal entered").await;

    // Upload a commission's signed file.
    c.goto(&format!("{base}/portal/r/kz-2026/upload"))
        .await
        .unwrap();
    axe(&c, &tools, "portal upload").await;
    c.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    click(&c, "form[enctype] button").await;
    wait_for(&c, ".note", "is accepted", 10).await;
    screenshot(&c, "portal-uploaded").await;
    axe(&c, &tools, "portal uploaded").await;

    // The precinct page shows the signature, and the operator's entry (a tall window, so the
    // screenshot holds the history too).
    c.set_window_size(1280, 2400).await.unwrap();
    c.goto(&format!("{base}/r/kz-2026/precinct/{}", signed.precinct.0))
        .await
        .unwrap();
    wait_for(
        &c,
        "main",
        "Signed by the precinct commission, version 1",
        5,
    )
    .await;
    screenshot(&c, "precinct-signed").await;
    axe(&c, &tools, "precinct with a signature").await;
    c.goto(&format!("{base}/r/kz-2026/precinct/{first}"))
        .await
        .unwrap();
    screenshot(&c, "precinct-amended").await;
    axe(&c, &tools, "precinct with an amendment").await;
    c.goto(&format!("{base}/r/kz-2026/precinct/{}", entered.precinct.0))
        .await
        .unwrap();
    wait_for(
        &c,
        "main",
        "Entered from the paper protocol by operator cec",
        5,
    )
    .await;
    screenshot(&c, "precinct-entered").await;
    c.set_window_size(1280, 1400).await.unwrap();

    // Every language, and 360 px wide.
    for lang in ["kk", "ru"] {
        c.goto(&format!("{base}/portal/r/kz-2026?lang={lang}"))
            .await
            .unwrap();
        screenshot(&c, &format!("portal-dashboard-{lang}")).await;
        axe(&c, &tools, &format!("portal dashboard ({lang})")).await;
    }
    let precinct = format!("/r/kz-2026/precinct/{}?lang=en", signed.precinct.0);
    fits_360(
        &c,
        &base,
        &[
            ("/portal/r/kz-2026?lang=kk", "portal-dashboard-kk-360"),
            ("/portal/r/kz-2026/enter?lang=ru", "portal-enter-ru-360"),
            ("/portal/r/kz-2026/upload?lang=en", "portal-upload-en-360"),
            (&precinct, "precinct-signed-360"),
        ],
    )
    .await;
    c.close().await.unwrap();
}
