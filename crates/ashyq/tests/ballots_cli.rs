//! The remote vote abroad end to end through the CLI: three trustees each run their part from
//! an exported board (as on their own machines), voters encrypt on their device, audit one
//! ballot (Benaloh), cast, check their tracking codes; the tally is decrypted by two of the
//! three; the exported election record verifies, and a changed byte in it is caught.

mod common;

use std::path::{Path, PathBuf};

use ashyq_store::testing::backends;
use common::{ashyq, ashyq_on, stdout, succeeds};

#[test]
fn a_remote_vote_from_the_ceremony_to_the_verified_record() {
    for db in backends() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let board = |cmd: &[&str]| {
            let mut c = ashyq_on(&db);
            c.arg("ballots").args(cmd);
            c
        };
        let export = |name: &str| -> PathBuf {
            let out = path(name);
            succeeds(board(&["export", "--out"]).arg(&out));
            out.join("board.jsonl")
        };
        let record_stdout = |out: &std::process::Output, name: &str| {
            let file = path(name);
            std::fs::write(&file, stdout(out)).unwrap();
            succeeds(board(&["record"]).arg(&file));
        };
        succeeds(&mut board(&[
            "declare",
            "--preset",
            "kz-2026-abroad",
            "--trustees",
            "3",
            "--threshold",
            "2",
        ]));

        // The ceremony: each trustee on "their machine" (their own folder), from the board.
        let b = export("e1");
        for t in 1..=3 {
            let secret = path(&format!("trustee-{t}.secret.json"));
            let out = succeeds(
                ashyq()
                    .args(["trustee", "keygen", "--trustee", &t.to_string(), "--board"])
                    .arg(&b)
                    .arg("--secret")
                    .arg(&secret),
            );
            record_stdout(&out, &format!("commit-{t}.jsonl"));
        }
        let b = export("e2");
        for t in 1..=3 {
            let out = succeeds(
                ashyq()
                    .args(["trustee", "deal", "--board"])
                    .arg(&b)
                    .arg("--secret")
                    .arg(path(&format!("trustee-{t}.secret.json"))),
            );
            record_stdout(&out, &format!("deal-{t}.jsonl"));
        }
        let b = export("e3");
        for t in 1..=3 {
            succeeds(
                ashyq()
                    .args(["trustee", "finish", "--board"])
                    .arg(&b)
                    .arg("--secret")
                    .arg(path(&format!("trustee-{t}.secret.json")))
                    .arg("--share")
                    .arg(path(&format!("trustee-{t}.share.json"))),
            );
        }
        succeeds(&mut board(&["publish-key"]));
        let letters = path("letters.txt");
        succeeds(board(&["credentials", "--count", "3", "--letters"]).arg(&letters));
        succeeds(&mut board(&["open"]));
        let creds: Vec<String> = std::fs::read_to_string(&letters)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();

        // Voters: yes, no, and one who audits a ballot first, then votes yes.
        let b = export("e4");
        let encrypt = |cred: &str, choice: &str, out: &Path, audit: bool| {
            let mut c = ashyq();
            c.args(["ballot", "encrypt", "--board"])
                .arg(&b)
                .args(["--credential", cred, "--choice", choice, "--out"])
                .arg(out);
            if audit {
                c.arg("--audit");
            }
            succeeds(&mut c);
        };
        let mut codes = Vec::new();
        for (i, choice) in ["0", "1", "0"].iter().enumerate() {
            if i == 2 {
                let audit = path("audit.json");
                encrypt(&creds[i], choice, &audit, true);
                succeeds(
                    ashyq()
                        .args(["ballot", "check-audit", "--board"])
                        .arg(&b)
                        .arg(&audit),
                );
                succeeds(board(&["audit"]).arg(&audit));
            }
            let ballot = path(&format!("ballot-{i}.json"));
            encrypt(&creds[i], choice, &ballot, false);
            let out = stdout(&succeeds(board(&["cast"]).arg(&ballot)));
            let code = out
                .split("Tracking code ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .to_string();
            codes.push(code);
        }
        // The same ballot cast twice is refused (its nonces are on the board).
        let again = board(&["cast"])
            .arg(path("ballot-0.json"))
            .output()
            .unwrap();
        assert!(!again.status.success());
        assert!(
            String::from_utf8_lossy(&again.stderr).contains("nonce"),
            "{}",
            String::from_utf8_lossy(&again.stderr)
        );
        for code in &codes {
            assert!(stdout(&succeeds(&mut board(&["check", code]))).contains("counts"));
        }
        succeeds(&mut board(&["close"]));
        succeeds(&mut board(&["tally"]));

        // Two of the three trustees decrypt.
        let b = export("e5");
        for t in [3, 1] {
            let out = succeeds(
                ashyq()
                    .args(["trustee", "decrypt", "--board"])
                    .arg(&b)
                    .arg("--share")
                    .arg(path(&format!("trustee-{t}.share.json"))),
            );
            record_stdout(&out, &format!("decrypt-{t}.jsonl"));
        }
        let result = stdout(&succeeds(&mut board(&["result"])));
        let line = |option: &str| {
            result
                .lines()
                .find(|l| l.trim_start().starts_with(option))
                .unwrap()
                .split_whitespace()
                .last()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            (line("yes"), line("no")),
            ("2".to_string(), "1".to_string()),
            "{result}"
        );

        // The record verifies with nothing else; the board also through `ashyq verify`.
        let record = path("record");
        succeeds(board(&["export", "--out"]).arg(&record));
        let ok = stdout(&succeeds(ashyq().arg("verify-election").arg(&record)));
        assert!(ok.contains("3 ballots (3 counted), 1 audited"), "{ok}");
        assert!(
            stdout(&succeeds(
                ashyq().arg("verify").arg(record.join("board.jsonl"))
            ))
            .contains("ballots log verified")
        );
        // A voter checks their code on the exported board.
        succeeds(
            ashyq()
                .args(["ballot", "check", "--board"])
                .arg(record.join("board.jsonl"))
                .arg(&codes[1]),
        );

        // A changed byte in ballots.jsonl is named; a changed ciphertext in the board too.
        let tampered = path("tampered");
        std::fs::create_dir_all(&tampered).unwrap();
        for f in std::fs::read_dir(&record).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, tampered.join(f.file_name().unwrap())).unwrap();
        }
        let ballots = std::fs::read_to_string(tampered.join("ballots.jsonl")).unwrap();
        let second = ballots.lines().nth(1).unwrap();
        let alpha_at = second.find("\"alpha\":\"").unwrap() + 9;
        let flip = |s: &str, at: usize| {
            let mut b = s.as_bytes().to_vec();
            b[at] = if b[at] == b'0' { b'1' } else { b'0' };
            String::from_utf8(b).unwrap()
        };
        std::fs::write(
            tampered.join("ballots.jsonl"),
            ballots.replacen(second, &flip(second, alpha_at), 1),
        )
        .unwrap();
        let out = ashyq()
            .arg("verify-election")
            .arg(&tampered)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            stdout(&out).contains("ballots.jsonl line 2"),
            "{}",
            stdout(&out)
        );

        let board_text = std::fs::read_to_string(record.join("board.jsonl")).unwrap();
        let cast = board_text
            .lines()
            .find(|l| l.contains("\"ballot_cast\""))
            .unwrap();
        let at = cast.find("\"beta\":\"").unwrap() + 12;
        std::fs::write(
            tampered.join("board.jsonl"),
            board_text.replacen(cast, &flip(cast, at), 1),
        )
        .unwrap();
        let out = ashyq()
            .arg("verify-election")
            .arg(&tampered)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let seq = cast
            .split("\"seq\":")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        assert!(
            stdout(&out).contains(&format!("entry {seq}")),
            "{}",
            stdout(&out)
        );
    }
}
