//! What the CLI tests share: the `ashyq` binary with a clean environment, on a test database
//! or on none; files written into a test's directory; a command that must succeed.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use ashyq_store::testing::TestDb;
use assert_cmd::Command;

/// The binary, with none of the environment variables it reads from the test's own
/// environment: a developer's `ASHYQ_DATABASE_URL` or digest key never leaks into a test.
pub fn ashyq() -> Command {
    let mut cmd = Command::cargo_bin("ashyq").unwrap();
    for var in [
        "RUST_LOG",
        "ASHYQ_DATABASE_URL",
        "ASHYQ_DIGEST_KEY",
        "ASHYQ_DIGEST_KEY_FILE",
        "ASHYQ_LOG_KEY_FILE",
        "ASHYQ_SERVER",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// [`ashyq`] on the test database `db`.
pub fn ashyq_on(db: &TestDb) -> Command {
    let mut cmd = ashyq();
    cmd.env("ASHYQ_DATABASE_URL", &db.url);
    cmd
}

/// Runs `cmd`, fails the test with its standard error unless it succeeds, and returns what it
/// printed.
pub fn succeeds(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Writes `text` to the file `name` in `dir` and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// What a command printed on standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a command printed on standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `cmd` and fails the test unless the command fails and says `message` on standard
/// error.
pub fn fails_with(cmd: &mut Command, message: &str) {
    cmd.assert()
        .failure()
        .stderr(predicates::str::contains(message));
}

pub mod serving;
