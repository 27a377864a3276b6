//! The consultation's pages in a real browser: Debian's Chromium through chromedriver against
//! the real server with the sample consultation. Reads the overview in each language, an
//! article with its history and word diff, a comparison, a search, a meeting with its
//! recorded votes; signs in through the development identity provider (cookies as Chromium
//! keeps them), supports a proposal, sends one, and moderates as the test moderator; checks
//! every page with axe-core (no serious or critical violation) and the layout at 360 px.
//! Screenshots go to `target/screenshots/consult-*.png`.
//!
//! Needs the same tools as `browser.rs` (Chromium, chromedriver, axe-core); without them it
//! says why and is skipped, except under `CI=true`, where it fails.

mod common;

use fantoccini::{Client, Locator};

#[path = "common/browser.rs"]
mod kit;
use kit::*;

/// Signs in through the development provider's page as the person whose radio button has
/// id `subject`, starting from the current page's sign-in button.
async fn sign_in(c: &Client, subject: &str) {
    click(c, ".account a.button").await;
    wait_for(c, "h1", "Development sign-in", 10).await;
    click(c, &format!("input[id='{subject}']")).await;
    click(c, "form.stack button[type=submit]").await;
    wait_for(c, ".account", "Signed in as citizen:", 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_citizen_reads_signs_in_proposes_and_supports_and_a_moderator_publishes() {
    let Some(tools) = tools() else { return };
    let s = common::consult::consult_server().await;
    let base = s.base.clone();
    let driver = start_driver(&tools.chromedriver);
    let c = browser(&tools, &driver).await;

    // The overview in each language.
    for (lang, h1) in [
        ("kk", "Жобаны қоғамдық талқылау"),
        ("ru", "Общественное обсуждение проекта"),
        ("en", "Public consultation on the draft"),
    ] {
        c.goto(&format!("{base}/consult?lang={lang}"))
            .await
            .unwrap();
        assert_eq!(text_of(&c, "h1").await, h1);
        screenshot(&c, &format!("consult-overview-{lang}")).await;
        axe(&c, &tools, &format!("overview ({lang})")).await;
    }

    // An article with its history and word diff, then its old version through the history.
    c.goto(&format!("{base}/consult/article/sec_2__art_8"))
        .await
        .unwrap();
    assert!(text_of(&c, "ol.history").await.contains("merged"));
    let ins = c.find_all(Locator::Css("p.diff ins")).await.unwrap();
    assert!(!ins.is_empty(), "insertions are marked");
    screenshot(&c, "consult-article").await;
    axe(&c, &tools, "article").await;
    click(&c, "details.parallel summary").await;
    assert!(
        text_of(&c, "details.parallel")
            .await
            .contains("Қоғамдық бірлестіктер")
    );
    click(&c, "ol.history a[href*='v=v1-old']").await;
    wait_for(&c, "p.meta", "v1-old", 10).await;
    screenshot(&c, "consult-article-v1").await;

    // The comparison of two versions.
    c.goto(&format!("{base}/consult/compare?from=v1-old&to=v2-draft"))
        .await
        .unwrap();
    assert!(
        text_of(&c, "p.lead")
            .await
            .contains("7 of 8 articles changed")
    );
    screenshot(&c, "consult-compare").await;
    axe(&c, &tools, "compare").await;

    // Search from the form.
    c.goto(&format!("{base}/consult/proposals")).await.unwrap();
    c.find(Locator::Css("input#q"))
        .await
        .unwrap()
        .send_keys("курултай")
        .await
        .unwrap();
    click(&c, "form.search button").await;
    wait_for(&c, "ul.proposals", "P-000006", 10).await;
    screenshot(&c, "consult-search").await;
    axe(&c, &tools, "search").await;

    // A meeting, with the recorded votes of a motion opened.
    c.goto(&format!("{base}/consult/meetings/1")).await.unwrap();
    click(&c, "#motion-1 details.votes summary").await;
    assert!(
        text_of(&c, "#motion-1 details.votes")
            .await
            .contains("Member 001")
    );
    screenshot(&c, "consult-meeting").await;
    axe(&c, &tools, "meeting").await;

    // Sign in from a proposal's page; the browser keeps the Secure, HttpOnly cookie.
    c.goto(&format!("{base}/consult/proposals/16"))
        .await
        .unwrap();
    screenshot(&c, "consult-proposal-anonymous").await;
    axe(&c, &tools, "proposal (anonymous)").await;
    click(&c, ".account a.button").await;
    wait_for(&c, "h1", "Development sign-in", 10).await;
    assert!(text_of(&c, ".dev-banner").await.contains("TEST ONLY"));
    screenshot(&c, "consult-dev-idp").await;
    axe(&c, &tools, "development provider").await;
    click(&c, "input[id='dev-citizen-a']").await;
    click(&c, "form.stack button[type=submit]").await;
    wait_for(&c, ".account", "Signed in as citizen:", 10).await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/consult/proposals/16")
    );
    let cookie = c.execute("return document.cookie;", vec![]).await.unwrap();
    assert!(
        !cookie.as_str().unwrap_or("").contains("ashyq_session"),
        "the session cookie is HttpOnly: {cookie}"
    );
    click(&c, "div.actions button[type=submit]").await;
    wait_for(&c, "p.notice", "Your support is counted.", 10).await;
    screenshot(&c, "consult-proposal-supported").await;
    axe(&c, &tools, "proposal (supported)").await;

    // Propose a change to an article.
    c.goto(&format!("{base}/consult/article/sec_2__art_6"))
        .await
        .unwrap();
    click(&c, "a.button[href^='/consult/propose']").await;
    wait_for(&c, "h1", "Propose a change", 10).await;
    screenshot(&c, "consult-propose").await;
    axe(&c, &tools, "propose").await;
    c.find(Locator::Css("textarea#text"))
        .await
        .unwrap()
        .send_keys(
            "Право на свободу слова включает свободу искать и распространять информацию в сети.",
        )
        .await
        .unwrap();
    c.find(Locator::Css("select#lang"))
        .await
        .unwrap()
        .select_by_value("ru")
        .await
        .unwrap();
    click(&c, "form.stack button[type=submit]").await;
    wait_for(&c, "p.notice", "waits for moderation", 10).await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/consult/proposals/18")
    );
    screenshot(&c, "consult-proposal-submitted").await;
    axe(&c, &tools, "proposal (submitted)").await;

    // The test moderator publishes it.
    click(&c, ".account form button").await;
    wait_for(&c, ".account", "Sign in", 10).await;
    c.goto(&format!("{base}/consult/moderation")).await.unwrap();
    sign_in(&c, "dev-moderator").await;
    wait_for(&c, "h1", "Moderation", 10).await;
    screenshot(&c, "consult-moderation").await;
    axe(&c, &tools, "moderation").await;
    click(&c, "section[aria-labelledby='q-18'] form.inline button").await;
    wait_for(&c, "h1", "Moderation", 10).await;
    c.goto(&format!("{base}/consult/proposals/18"))
        .await
        .unwrap();
    wait_for(&c, "h1", "Published", 10).await;

    // 360 px wide: nothing but the tables' own scroll boxes is wider than the screen.
    fits_360(
        &c,
        &base,
        &[
            ("/consult?lang=kk", "overview-kk-360"),
            ("/consult/article/sec_2__art_8?lang=ru", "article-ru-360"),
            ("/consult/compare?lang=en", "compare-en-360"),
            ("/consult/proposals/1?lang=kk", "proposal-kk-360"),
            ("/consult/meetings/1?lang=ru", "meeting-ru-360"),
            ("/consult/propose?lang=en", "propose-en-360"),
        ],
    )
    .await;
    c.close().await.unwrap();
}
