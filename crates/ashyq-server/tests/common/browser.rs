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

/// Runs axe-core on the current page; fails on any serious or critical violation.
pub async fn axe(c: &Client, tools: &Tools, page: &str) {
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
