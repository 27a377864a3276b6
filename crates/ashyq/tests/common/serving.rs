//! `ashyq serve` under load, as the crash and failover tests run it: the 2026 referendum with
//! its precincts' keys registered, signed protocols to send, servers started as processes on
//! a loopback port of their own (and killed when dropped, also when the test panics).

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use ashyq_core::keys::{
    Commission, CommissionPublicKey, CommissionSigningKey, KeyEvent, KeyRegistered,
};
use ashyq_core::referendum::{ReferendumDefinition, presets};
use ashyq_core::signed::SignedProtocol;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{author::Author, profile, scenario};
use ashyq_store::registrar::Registrar;
use serde_json::Value;

/// A running `ashyq serve` process; SIGKILLed when dropped.
pub struct Serving {
    /// The process.
    pub child: Child,
    /// Its base URL, `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
}

impl Serving {
    /// SIGKILL, and waits for the process to end.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `ashyq serve` on `db` with the log key `key`, on a free loopback port, with the
/// rate limit off and `extra` arguments, and returns it once it printed its address.
pub fn serve(db: &str, key: &Path, extra: &[&str]) -> Serving {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ashyq"))
        .args([
            "--database-url",
            db,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-limit",
            "0",
        ])
        .args(extra)
        .arg("--log-key-file")
        .arg(key)
        .env_remove("ASHYQ_DATABASE_URL")
        .env_remove("ASHYQ_LOG_KEY_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the ashyq binary starts");
    let stdout = child.stdout.take().expect("piped");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a first line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    Serving { child, base }
}

/// The test's signing key of a precinct's commission (derived from its number).
pub fn key_of(precinct: u32) -> CommissionSigningKey {
    let mut seed = [3u8; 32];
    seed[..4].copy_from_slice(&precinct.to_be_bytes());
    CommissionSigningKey::from_seed(
        Commission::Precinct(ashyq_core::territory::PrecinctId(precinct)),
        &seed,
    )
}

/// The 2026 referendum, ready for submissions on a database.
pub struct Night {
    /// The referendum.
    pub def: ReferendumDefinition,
    /// The signed protocols of the first precincts, as JSON request bodies.
    pub bodies: Vec<String>,
    /// The public half of the log key in the key file.
    pub log_public: CommissionPublicKey,
}

/// Loads the territory and the 2026 referendum into `db`, registers the keys of the first
/// `load` precincts, creates the log key file `key_file` and signs their protocols. Done by
/// this process, before any server starts.
pub async fn prepare_night(db: &str, key_file: &Path, load: usize) -> Night {
    let (log_key, _) = ashyq_server::transparency::load_or_create_log_key(key_file).unwrap();
    let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
    let protocols = scenario::referendum_2026(&territory, 2026).unwrap();
    let def = presets::kz_2026();
    let registrar = Registrar::open(db).await.unwrap();
    registrar.load_territory(territory.clone()).await.unwrap();
    registrar.create_referendum(def.clone()).await.unwrap();
    let author = Author {
        name: "test".into(),
        role: "central".into(),
    };
    let changes: Vec<KeyEvent> = protocols[..load]
        .iter()
        .map(|p| {
            let k = key_of(p.precinct.0);
            KeyEvent::KeyRegistered(KeyRegistered {
                commission: k.commission().clone(),
                public_key: k.public(),
                valid_from: "2026-03-01T00:00:00Z".parse().unwrap(),
                by: Commission::Central,
                author: author.clone(),
            })
        })
        .collect();
    registrar.manage_keys(&changes).await.unwrap();
    registrar.store().close().await;
    let signed_at = def.polls_close_utc() + chrono::TimeDelta::minutes(20);
    let bodies = protocols[..load]
        .iter()
        .map(|p| {
            let doc = SignedProtocol::sign(p, 1, signed_at, &key_of(p.precinct.0)).unwrap();
            serde_json::to_string(&doc).unwrap()
        })
        .collect();
    Night {
        def,
        bodies,
        log_public: log_key.public(),
    }
}

/// POSTs one signed protocol to the referendum; the status and the JSON answer.
pub async fn post_protocol(
    http: &reqwest::Client,
    base: &str,
    body: &str,
) -> Result<(u16, Value), reqwest::Error> {
    let res = http
        .post(format!("{base}/api/v1/referendums/kz-2026/protocols"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.json().await?))
}

/// GETs `url`, which must succeed, as JSON.
pub async fn get_json(http: &reqwest::Client, url: String) -> Value {
    let res = http.get(&url).send().await.unwrap();
    assert!(res.status().is_success(), "{url}: {}", res.status());
    res.json().await.unwrap()
}
