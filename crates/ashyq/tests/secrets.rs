//! Secret keys at rest (issue 16, `docs/security.md`): the digest key and the log's signing key
//! are files readable by their owner only, refused when others may read them, and never in
//! the database.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use ashyq_store::testing::TestDb;

mod common;
use common::{ashyq, ashyq_on, stderr, stdout, succeeds};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `ashyq consult citizen-ref` with the digest key file `key`: the quickest use of the key.
fn citizen_ref(key: &Path) -> assert_cmd::Command {
    let mut cmd = ashyq();
    cmd.args([
        "consult",
        "citizen-ref",
        "--issuer",
        "https://idp.example.kz",
        "--subject",
        "5f83e0ca",
        "--digest-key-file",
    ])
    .arg(key);
    cmd
}

#[test]
fn the_digest_key_is_created_private_and_refused_when_others_may_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("digest.key");
    let out = succeeds(ashyq().args(["keys", "digest-key"]).arg(&key));
    assert!(stdout(&out).contains("mode 0600"), "{}", stdout(&out));
    assert_eq!(mode(&key), 0o600);
    let text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(text.len(), 64);
    assert!(text.bytes().all(|b| b.is_ascii_hexdigit()), "{text}");
    // Never overwritten.
    let again = ashyq()
        .args(["keys", "digest-key"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("never overwritten"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&key).unwrap(), text);
    // Usable while private; refused, with the fix, once group or others may read it.
    let pseudonym = stdout(&succeeds(&mut citizen_ref(&key)));
    assert_eq!(pseudonym.trim().len(), 64, "{pseudonym}");
    for loose in [0o644, 0o640] {
        chmod(&key, loose);
        let out = citizen_ref(&key).output().unwrap();
        assert!(!out.status.success());
        let e = stderr(&out);
        assert!(
            e.contains(&format!("{loose:04o}")) && e.contains("chmod 600"),
            "{e}"
        );
        assert!(!e.contains(&text), "the key never appears in an error");
    }
}

#[test]
fn serve_refuses_a_log_key_that_others_may_read() {
    let db = TestDb::sqlite();
    succeeds(ashyq_on(&db).arg("init"));
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("log.key");
    let (_, created) = ashyq_server::transparency::load_or_create_log_key(&key).unwrap();
    assert!(created);
    assert_eq!(mode(&key), 0o600);
    chmod(&key, 0o644);
    let out = ashyq_on(&db)
        .args(["serve", "--listen", "127.0.0.1:0", "--log-key-file"])
        .arg(&key)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", stdout(&out));
    let e = stderr(&out);
    assert!(e.contains("chmod 600") && e.contains("log.key"), "{e}");
    assert!(
        stdout(&out).is_empty(),
        "it never listened: {}",
        stdout(&out)
    );
}

/// Every byte of the SQLite database (with its write-ahead log) at `url`.
fn database_bytes(url: &str) -> Vec<u8> {
    let file = url.strip_prefix("sqlite://").unwrap();
    let mut all = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(b) = std::fs::read(format!("{file}{suffix}")) {
            all.extend(b);
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_digest_key_never_reaches_the_database() {
    let db = TestDb::sqlite();
    succeeds(ashyq_on(&db).arg("init"));
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("digest.key");
    succeeds(ashyq().args(["keys", "digest-key"]).arg(&key));
    let voters = dir.path().join("voters.csv");
    succeeds(
        ashyq_on(&db)
            .args(["register", "generate", "--count", "200", "--output"])
            .arg(&voters),
    );
    succeeds(
        ashyq_on(&db)
            .args(["register", "import", "--digest-key-file"])
            .arg(&key)
            .arg(&voters),
    );
    let hex = std::fs::read_to_string(&key).unwrap();
    let raw: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let stored = database_bytes(&db.url);
    assert!(stored.len() > 4096, "the register was stored");
    assert!(!contains(&stored, hex.as_bytes()), "the key in hex");
    assert!(!contains(&stored, hex.to_uppercase().as_bytes()));
    assert!(!contains(&stored, &raw), "the key's bytes");
}
