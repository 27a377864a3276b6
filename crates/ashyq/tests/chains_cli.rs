//! Every chain is exported and verified the same way: the public log, the consultation's and
//! the register's audit trail, each checked by its own rules in one `ashyq verify`, and a
//! changed entry in any of them named.

mod common;

use ashyq_store::testing::backends;
use common::{ashyq, ashyq_on, stdout, succeeds};

#[test]
fn the_three_chains_export_and_verify_and_a_changed_act_is_caught() {
    for db in backends() {
        let b = db.backend();
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        succeeds(ashyq_on(&db).arg("init"));
        let register = path("register.csv");
        // A made-up digest key of this test only (the register keeps IINs as keyed digests).
        let key = "ab".repeat(32);
        let on_register = |args: &[&str]| {
            let mut cmd = ashyq_on(&db);
            cmd.env("ASHYQ_DIGEST_KEY", &key).arg("register").args(args);
            cmd
        };
        succeeds(on_register(&["generate", "--count", "3000", "--output"]).arg(&register));
        succeeds(on_register(&["import"]).arg(&register));
        // Two audited acts: a list printed, a list locked.
        succeeds(&mut on_register(&[
            "list",
            "--precinct",
            "1",
            "--operator",
            "pec-1",
        ]));
        succeeds(&mut on_register(&[
            "close",
            "--precinct",
            "1",
            "--operator",
            "pec-1",
        ]));
        let (log, trail) = (path("log.jsonl"), path("register-log.jsonl"));
        succeeds(
            ashyq_on(&db)
                .args(["export", "--log"])
                .arg(&log)
                .arg("--register-log")
                .arg(&trail),
        );
        let acts = std::fs::read_to_string(&trail).unwrap();
        assert_eq!(acts.lines().count(), 2, "{b}: {acts}");
        assert!(
            acts.contains("\"export_list\"") && acts.contains("\"close_precinct\""),
            "{b}"
        );
        let consult = path("consult");
        succeeds(ashyq().args(["consult", "demo", "--out"]).arg(&consult));
        let out = succeeds(
            ashyq()
                .arg("verify")
                .arg(&trail)
                .arg(consult.join("consult-log.jsonl"))
                .arg(&log),
        );
        let text = stdout(&out);
        assert!(text.contains("register log verified"), "{b}: {text}");
        assert!(text.contains("consultation log verified"), "{b}: {text}");
        assert!(text.contains("Log verified:"), "{b}: {text}");
        // The first act rewritten: its hash no longer covers it.
        std::fs::write(&trail, acts.replacen("pec-1", "someone else", 1)).unwrap();
        let out = ashyq().arg("verify").arg(&trail).output().unwrap();
        assert!(!out.status.success(), "{b}");
        let text = stdout(&out);
        assert!(
            text.contains("register log") && text.contains("entry 1"),
            "{b}: {text}"
        );
        // A file that is no log at all is named.
        std::fs::write(path("other.jsonl"), "{\"not\": \"a log\"}\n").unwrap();
        let out = ashyq()
            .arg("verify")
            .arg(path("other.jsonl"))
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is not an entry of any ashyq log"),
            "{b}"
        );
    }
}
