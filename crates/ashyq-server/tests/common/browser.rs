//! The browser-test kit shared by `browser.rs` and `browser_consult.rs` (included with
//! `#[path]`, so only the browser tests compile it): finding Chromium, chromedriver and
//! axe-core, starting the driver and a headless browser, screenshots under
//! `target/screenshots/`, axe-core checks and waiting for text.
// Each browser test uses only part of the kit.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    pub axe: String,
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The tools, or `None` (with the reason printed) when one is missing; under `CI=true` a
/// missing tool fails the test instead.
pub fn tools() -> Option<Tools> {
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
        eprintln!("skipping the browser tests: {why}");
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
pub struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_driver(path: &Path) -> Driver {
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

pub async fn browser(tools: &Tools, driver: &Driver) -> Client {
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
    // The console, for the Content-Security-Policy violations Chromium reports there.
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

pub async fn screenshot(c: &Client, name: &str) {
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// chromedriver's browser log since the last read (its `POST /session/{id}/se/log`, which
/// fantoccini has no method for): the console messages of the pages.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(r#"{"type":"browser"}"#.into()),
        )
    }
}

/// The Content-Security-Policy violations Chromium reported since the last call.
pub async fn csp_violations(c: &Client) -> Vec<String> {
    let log = c
        .issue_cmd(BrowserLog)
        .await
        .expect("chromedriver's browser log");
    log.as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["message"].as_str())
        .filter(|m| m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
        .map(str::to_owned)
        .collect()
}

/// Fails when the browser reported a CSP violation since the last check: an inline script or
/// style, or a resource the policy does not allow, on `page` (or on the pages before it).
pub async fn no_csp_violation(c: &Client, page: &str) {
    let v = csp_violations(c).await;
    assert!(v.is_empty(), "CSP violations on {page}: {v:#?}");
}

/// The check above can fail: an inline style set on the current page is refused by the
/// policy, and the refusal is in the log.
pub async fn csp_is_enforced_and_seen(c: &Client) {
    no_csp_violation(c, "the page before the control").await;
    c.execute(
        "document.body.setAttribute('style', 'outline: 1px solid red'); return true;",
        vec![],
    )
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let v = csp_violations(c).await;
        if v.iter().any(|m| m.contains("style")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "an inline style was not reported as a CSP violation: {v:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs axe-core on the current page; fails on any serious or critical violation, and on any
/// Content-Security-Policy violation reported since the last check.
pub async fn axe(c: &Client, tools: &Tools, page: &str) {
    no_csp_violation(c, page).await;
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

/// The text of the first match; retried, since the live script may swap the element out
/// between finding it and reading it.
pub async fn text_of(c: &Client, css: &str) -> String {
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

pub async fn wait_for(c: &Client, css: &str, want: &str, secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
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

/// Replaces the text of the first match of `css` with `text`, as typing does.
pub async fn type_into(c: &Client, css: &str, text: &str) {
    let e = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

/// Clicks the first match of `css`.
pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// At 360 px wide, nothing on each page (`path`, screenshot `name`) but the tables' own
/// scroll boxes is wider than the screen; the window is made 1280 × 1400 again after.
pub async fn fits_360(c: &Client, base: &str, pages: &[(&str, &str)]) {
    c.set_window_size(360, 900).await.unwrap();
    for (path, name) in pages {
        c.goto(&format!("{base}{path}")).await.unwrap();
        screenshot(c, name).await;
        no_sideways_scroll(c, path).await;
    }
    c.set_window_size(1280, 1400).await.unwrap();
}

/// Nothing on the page but the tables' own scroll boxes is wider than the window (`what`
/// names the page in the message).
pub async fn no_sideways_scroll(c: &Client, what: &str) {
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    let wide = c
        .execute(
            "return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "{what} scrolls sideways by {overflow} px: {wide}"
    );
}
