//! `ashyq publish --out DIR` and `ashyq serve --mirror DIR` from the command line: the mirror
//! is written with the signed tree head beside the pages, publishing again writes nothing,
//! and an `--out` that is a file is refused with a message saying what to give instead.

mod common;

use ashyq_store::testing::TestDb;
use common::{ashyq_on, fails_with, stdout, succeeds};

#[test]
fn publish_writes_the_mirror_and_again_writes_nothing() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    succeeds(ashyq_on(&db).arg("init"));
    let out = dir.path().join("mirror");
    let key = dir.path().join("log.key");
    let first = succeeds(
        ashyq_on(&db)
            .args(["publish", "--out"])
            .arg(&out)
            .arg("--log-key-file")
            .arg(&key),
    );
    assert!(
        stdout(&first).contains("files written"),
        "{}",
        stdout(&first)
    );
    for f in [
        "index.html",
        "index.ru.html",
        "downloads/index.en.html",
        "api/v1/index.json",
        "api/v1/log/head/index.json",
        "api/v1/log/index.jsonl",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let head: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("api/v1/log/head/index.json")).unwrap())
            .unwrap();
    assert_eq!(head["head"]["tree_size"], 1, "{head}");
    assert!(head["signature"].is_string(), "{head}");
    let again = succeeds(
        ashyq_on(&db)
            .args(["publish", "--out"])
            .arg(&out)
            .arg("--log-key-file")
            .arg(&key),
    );
    assert!(
        stdout(&again).contains(" 0 files written"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn an_out_that_is_a_file_is_refused_by_publish_and_by_serve() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    succeeds(ashyq_on(&db).arg("init"));
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let key = dir.path().join("log.key");
    fails_with(
        ashyq_on(&db)
            .args(["publish", "--out"])
            .arg(&file)
            .arg("--log-key-file")
            .arg(&key),
        "is not a directory; give --out a directory",
    );
    fails_with(
        ashyq_on(&db)
            .args(["serve", "--listen", "127.0.0.1:0", "--mirror"])
            .arg(&file)
            .arg("--log-key-file")
            .arg(&key),
        "is not a directory",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}
