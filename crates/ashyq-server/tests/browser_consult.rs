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

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    axe: String,
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

fn tools() -> Option<Tools> {
    let path = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default))
    };
    let chromium = path("ASHYQ_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = path("ASHYQ_CHROMEDRIVER", "/usr/bin/chromedriver");
    let axe_path = std::env::var_os("ASHYQ_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("axe-core/node_modules/axe-core/axe.min.js"));
    let missing: Vec<String> = [&chromium, &chromedriver, &axe_path]
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() {
        let why = format!(
            "browser tests need {}; install with `apt-get install -y chromium chromium-driver` and `npm install --prefix {} axe-core` (or run .ci/run)",
            missing.join(", "),
            target_dir().join("axe-core").display()
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("under CI=true the browser tests must run: {why}");
        }
        eprintln!("skipping the consultation browser test: {why}");
        return None;
    }
    let axe = std::fs::read_to_string(&axe_path).ok()?;
    Some(Tools {
        chromium,
        chromedriver,
        axe,
    })
}

/// chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_driver(path: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

async fn browser(tools: &Tools, driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": tools.chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1400", "--lang=en", "--hide-scrollbars",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking"],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

async fn screenshot(c: &Client, name: &str) {
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("consult-{name}.png")), png).unwrap();
}

/// Runs axe-core on the current page; fails on any serious or critical violation.
async fn axe(c: &Client, tools: &Tools, page: &str) {
    c.execute(&format!("{}\n;return true;", tools.axe), vec![])
        .await
        .unwrap();
    let out = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, {resultTypes: ["violations"]})
                 .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))
                 .catch(e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));"#,
            vec![],
        )
        .await
        .unwrap();
    let violations = out.as_array().cloned().unwrap_or_default();
    for v in &violations {
        eprintln!(
            "axe on {page}: {} ({}) {} {}",
            v["id"], v["impact"], v["help"], v["nodes"]
        );
    }
    let bad: Vec<&Value> = violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(bad.is_empty(), "axe on {page}: {bad:#?}");
}

async fn text_of(c: &Client, css: &str) -> String {
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
        {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {css}");
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn wait_for_text(c: &Client, css: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let t = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if t.contains(want) {
            return t;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never showed {want:?}; last: {t:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Signs in through the development provider's page as the person whose radio button has
/// id `subject`, starting from the current page's sign-in button.
async fn sign_in(c: &Client, subject: &str) {
    click(c, ".account a.button").await;
    wait_for_text(c, "h1", "Development sign-in").await;
    click(c, &format!("input[id='{subject}']")).await;
    click(c, "form.stack button[type=submit]").await;
    wait_for_text(c, ".account", "Signed in as citizen:").await;
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
        screenshot(&c, &format!("overview-{lang}")).await;
        axe(&c, &tools, &format!("overview ({lang})")).await;
    }

    // An article with its history and word diff, then its old version through the history.
    c.goto(&format!("{base}/consult/article/sec_2__art_8"))
        .await
        .unwrap();
    assert!(text_of(&c, "ol.history").await.contains("merged"));
    let ins = c.find_all(Locator::Css("p.diff ins")).await.unwrap();
    assert!(!ins.is_empty(), "insertions are marked");
    screenshot(&c, "article").await;
    axe(&c, &tools, "article").await;
    click(&c, "details.parallel summary").await;
    assert!(
        text_of(&c, "details.parallel")
            .await
            .contains("Қоғамдық бірлестіктер")
    );
    click(&c, "ol.history a[href*='v=v1-old']").await;
    wait_for_text(&c, "p.meta", "v1-old").await;
    screenshot(&c, "article-v1").await;

    // The comparison of two versions.
    c.goto(&format!("{base}/consult/compare?from=v1-old&to=v2-draft"))
        .await
        .unwrap();
    assert!(
        text_of(&c, "p.lead")
            .await
            .contains("7 of 8 articles changed")
    );
    screenshot(&c, "compare").await;
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
    wait_for_text(&c, "ul.proposals", "P-000006").await;
    screenshot(&c, "search").await;
    axe(&c, &tools, "search").await;

    // A meeting, with the recorded votes of a motion opened.
    c.goto(&format!("{base}/consult/meetings/1")).await.unwrap();
    click(&c, "#motion-1 details.votes summary").await;
    assert!(
        text_of(&c, "#motion-1 details.votes")
            .await
            .contains("Member 001")
    );
    screenshot(&c, "meeting").await;
    axe(&c, &tools, "meeting").await;

    // Sign in from a proposal's page; the browser keeps the Secure, HttpOnly cookie.
    c.goto(&format!("{base}/consult/proposals/16"))
        .await
        .unwrap();
    screenshot(&c, "proposal-anonymous").await;
    axe(&c, &tools, "proposal (anonymous)").await;
    click(&c, ".account a.button").await;
    wait_for_text(&c, "h1", "Development sign-in").await;
    assert!(text_of(&c, ".dev-banner").await.contains("TEST ONLY"));
    screenshot(&c, "dev-idp").await;
    axe(&c, &tools, "development provider").await;
    click(&c, "input[id='dev-citizen-a']").await;
    click(&c, "form.stack button[type=submit]").await;
    wait_for_text(&c, ".account", "Signed in as citizen:").await;
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
    wait_for_text(&c, "p.notice", "Your support is counted.").await;
    screenshot(&c, "proposal-supported").await;
    axe(&c, &tools, "proposal (supported)").await;

    // Propose a change to an article.
    c.goto(&format!("{base}/consult/article/sec_2__art_6"))
        .await
        .unwrap();
    click(&c, "a.button[href^='/consult/propose']").await;
    wait_for_text(&c, "h1", "Propose a change").await;
    screenshot(&c, "propose").await;
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
    wait_for_text(&c, "p.notice", "waits for moderation").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/consult/proposals/18")
    );
    screenshot(&c, "proposal-submitted").await;
    axe(&c, &tools, "proposal (submitted)").await;

    // The test moderator publishes it.
    click(&c, ".account form button").await;
    wait_for_text(&c, ".account", "Sign in").await;
    c.goto(&format!("{base}/consult/moderation")).await.unwrap();
    sign_in(&c, "dev-moderator").await;
    wait_for_text(&c, "h1", "Moderation").await;
    screenshot(&c, "moderation").await;
    axe(&c, &tools, "moderation").await;
    click(&c, "section[aria-labelledby='q-18'] form.inline button").await;
    wait_for_text(&c, "h1", "Moderation").await;
    c.goto(&format!("{base}/consult/proposals/18"))
        .await
        .unwrap();
    wait_for_text(&c, "h1", "Published").await;

    // 360 px wide: nothing but the tables' own scroll boxes is wider than the screen.
    c.set_window_size(360, 900).await.unwrap();
    for (path, name) in [
        ("/consult?lang=kk", "overview-kk-360"),
        ("/consult/article/sec_2__art_8?lang=ru", "article-ru-360"),
        ("/consult/compare?lang=en", "compare-en-360"),
        ("/consult/proposals/1?lang=kk", "proposal-kk-360"),
        ("/consult/meetings/1?lang=ru", "meeting-ru-360"),
        ("/consult/propose?lang=en", "propose-en-360"),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .unwrap();
        screenshot(&c, name).await;
        let wide = c
            .execute(
                "return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap_or(1) <= 0,
            "{path} scrolls sideways by {overflow} px at 360 px: {wide}"
        );
    }
    c.close().await.unwrap();
}
