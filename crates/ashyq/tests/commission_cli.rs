//! The commission's secretariat on a live database (`ashyq commission …`), run as a user
//! would, on SQLite and PostgreSQL: the sample draft and the sample citizens' proposals, then
//! moderation, clustering, a 130-member commission, two meetings, votes that carry and fail,
//! minutes, the amended text and its comparison; every refused command records nothing.

use std::path::Path;

use ashyq_core::consult::{
    Amendment, AmendmentTarget, Choice, ConsultEvent, Consultation, ProposalStatus, VotingRules,
    apply_amendment, sample,
};
use ashyq_core::iin::DigestKey;
use ashyq_core::legal::compare::{self, CompareOptions};
use ashyq_core::legal::{Lang, Parallel};

mod common;
use common::{ashyq, ashyq_on, stderr, stdout};

/// [`common::write`], the path as text for an argument list.
fn write(dir: &Path, name: &str, text: &str) -> String {
    common::write(dir, name, text).to_str().unwrap().to_owned()
}

/// The arguments of the vote on item 1 that accepts `amendment`, with the votes file `votes`.
fn accept_item_1<'a>(amendment: &'a str, votes: &'a str) -> [&'a str; 8] {
    [
        "commission",
        "vote",
        "--item",
        "1",
        "--accept",
        amendment,
        "--votes",
        votes,
    ]
}

/// The votes of `present` members: the first `yes` for, then `no` against, the rest abstain.
fn votes(present: &[u32], yes: usize, no: usize) -> Vec<(u32, Choice)> {
    present
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let c = if k < yes {
                Choice::For
            } else if k < yes + no {
                Choice::Against
            } else {
                Choice::Abstain
            };
            (m, c)
        })
        .collect()
}

fn votes_csv(v: &[(u32, Choice)]) -> String {
    let mut s = String::from("member,choice\n");
    for (m, c) in v {
        let c = match c {
            Choice::For => "for",
            Choice::Against => "against",
            Choice::Abstain => "abstain",
        };
        s.push_str(&format!("{m},{c}\n"));
    }
    s
}

#[test]
fn the_secretariat_runs_the_commission_on_a_live_database() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../ashyq-core/data/");
    let key = DigestKey::from_bytes(&[0x5a; 32]).unwrap();
    let s = sample::build(&key).unwrap();
    // The sample's log up to its clustering: the draft opened, the citizens' proposals,
    // their moderation (one still waiting) and supports.
    let cut = s
        .consultation
        .log
        .iter()
        .position(|e| matches!(e.event, ConsultEvent::ClustersFormed { .. }))
        .unwrap();
    let prefix = &s.consultation.log[..cut];
    let before = Consultation::replay(prefix).unwrap();
    let pending: Vec<_> = before
        .proposals
        .values()
        .filter(|p| *p.status() == ProposalStatus::Submitted)
        .map(|p| p.id)
        .collect();
    assert_eq!(pending.len(), 1, "the sample has one proposal waiting");
    let art8 = s.draft.article_by_num("8").unwrap().eid.clone();
    let on_art8: Vec<String> = before
        .proposals
        .values()
        .filter(|p| *p.status() == ProposalStatus::Published && p.target.eid() == Some(&art8))
        .map(|p| p.id.to_string())
        .collect();
    let elsewhere = before
        .proposals
        .values()
        .find(|p| *p.status() == ProposalStatus::Published && p.target.eid() != Some(&art8))
        .unwrap()
        .id
        .to_string();
    assert!(!on_art8.is_empty());

    for db in ashyq_store::testing::backends() {
        let b = db.backend();
        eprintln!("running the commission's cycle on {b}");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let run = |args: &[&str]| ashyq_on(&db).args(args).output().unwrap();
        let ok = |args: &[&str]| {
            let o = run(args);
            assert!(o.status.success(), "{b}: {args:?} failed: {}", stderr(&o));
            stdout(&o)
        };
        let log_len = || {
            let s = ok(&["commission", "status"]);
            let line = s.lines().next().unwrap().to_owned();
            line.strip_prefix("Consultation log: ")
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or_else(|| panic!("{b}: {line}"))
        };
        // Refused: nothing recorded, exit status not 0, a message that says what to do.
        let refused = |args: &[&str], says: &[&str]| {
            let n = log_len();
            let o = run(args);
            assert!(!o.status.success(), "{b}: {args:?} should be refused");
            let e = stderr(&o);
            for s in says {
                assert!(e.contains(s), "{b}: {args:?}: {e:?} does not say {s:?}");
            }
            assert!(!e.contains("panicked"), "{b}: {e}");
            assert_eq!(log_len(), n, "{b}: {args:?} recorded something");
        };

        // The sample draft and proposals, as a secretariat would receive them.
        let log = d.join("sample-prefix.jsonl");
        let text: String = prefix
            .iter()
            .map(|e| serde_json::to_string(e).unwrap() + "\n")
            .collect();
        std::fs::write(&log, text).unwrap();
        let out = ok(&["consult", "import", log.to_str().unwrap()]);
        assert!(
            out.contains(&format!("{} entries imported", prefix.len())),
            "{b}: {out}"
        );
        let out = ok(&["consult", "import", log.to_str().unwrap()]);
        assert!(out.contains("0 entries imported"), "{b}: {out}");
        ok(&["act", "import", &format!("{data}sample-act-v2.md")]);
        let status = ok(&["commission", "status"]);
        assert!(status.contains("waiting for moderation 1"), "{b}: {status}");
        assert!(
            status.contains("Commission: not constituted"),
            "{b}: {status}"
        );

        let votes_file = write(d, "early.csv", "member,choice\n1,for\n");
        refused(
            &[
                "commission",
                "vote",
                "--item",
                "1",
                "--reject",
                "No.",
                "--votes",
                &votes_file,
            ],
            &["not constituted", "ashyq commission constitute"],
        );

        // Moderation.
        let p = pending[0].to_string();
        let out = ok(&[
            "commission",
            "moderate",
            &p,
            "--publish",
            "--moderator",
            "Secretariat (test)",
        ]);
        assert!(out.contains(&format!("{p} published")), "{b}: {out}");
        refused(
            &[
                "commission",
                "moderate",
                &p,
                "--reject",
                "spam",
                "--moderator",
                "X",
            ],
            &["not waiting for moderation", "published"],
        );
        refused(
            &[
                "commission",
                "moderate",
                "P-009999",
                "--publish",
                "--moderator",
                "X",
            ],
            &["P-009999 (the last is"],
        );
        refused(
            &[
                "commission",
                "moderate",
                &p,
                "--reject",
                "other",
                "--moderator",
                "X",
            ],
            &["--reason"],
        );

        // Clustering.
        let out = ok(&["commission", "cluster"]);
        assert!(out.contains("clusters"), "{b}: {out}");
        refused(
            &["commission", "cluster"],
            &["no published proposal is waiting"],
        );

        // The commission.
        let bad = write(
            d,
            "bad-members.csv",
            "number,name,region\n1,A,Astana\n2,,Almaty\n",
        );
        refused(
            &["commission", "constitute", &bad],
            &["bad-members.csv", "line 3", "\"name\""],
        );
        let mut members = String::from("number,name,region,group\n");
        for i in 1..=130 {
            members.push_str(&format!(
                "{i},Member {i:03},region {},jurists\n",
                (i - 1) % 20 + 1
            ));
        }
        let members = write(d, "members.csv", &members);
        refused(
            &["commission", "constitute", &members, "--quorum", "3/2"],
            &["--quorum", "num ≤ den"],
        );
        let rules = VotingRules::default();
        let quorum = rules.tally(130, 0, &[]).quorum_needed;
        let out = ok(&["commission", "constitute", &members]);
        assert!(out.contains("130 members"), "{b}: {out}");
        assert!(
            out.contains(&format!("{quorum} members make a quorum")),
            "{b}: {out}"
        );
        refused(
            &["commission", "constitute", &members],
            &["already constituted"],
        );

        // Meeting 1, with three absent.
        let absent = [9u32, 18, 27];
        let present: Vec<u32> = (1..=130).filter(|m| !absent.contains(m)).collect();
        let few = format!("1-{}", quorum - 1);
        let meeting = |extra: &[&str]| {
            let mut a = vec![
                "commission",
                "convene",
                "--date",
                "2026-02-03",
                "--title",
                "Parties (test meeting)",
                "--broadcast",
                "https://example.invalid/live/1",
            ];
            a.extend_from_slice(extra);
            a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        };
        let args = meeting(&["--present", &few]);
        refused(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            &["quorum", "--inquorate"],
        );
        let args = meeting(&["--present", "1-86,131"]);
        refused(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            &["131 is not a member"],
        );
        let args = meeting(&["--absent", "9,18,27"]);
        let out = ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(
            out.contains(&format!("Meeting 1 recorded: {} of 130", present.len())),
            "{b}: {out}"
        );

        // Agenda.
        let mut args = vec![
            "commission",
            "agenda",
            "--title",
            "Party membership threshold",
        ];
        for p in &on_art8 {
            args.extend(["--proposal", p.as_str()]);
        }
        let out = ok(&args);
        assert!(out.contains("Meeting 1, item 1"), "{b}: {out}");
        let out = ok(&[
            "commission",
            "agenda",
            "--title",
            "Something else",
            "--proposal",
            &elsewhere,
        ]);
        assert!(out.contains("Meeting 1, item 2"), "{b}: {out}");
        refused(
            &["commission", "agenda", "--title", "X", "--cluster", "999"],
            &["cluster 999"],
        );

        // A vote that carries: the amendment to article 8.
        let amendment = format!(
            "---\nreplace: {art8}\n---\nkk: Саяси партия кемінде үш мың мүшесі болған кезде тіркеледі.\nru: Политическая партия регистрируется при наличии не менее трёх тысяч членов.\nen: A political party is registered when it has at least three thousand members.\n"
        );
        let amendment_file = write(d, "amendment.md", &amendment);
        let v1 = votes(&present, 100, 20);
        let t1 = rules.tally(130, present.len() as u64, &v1);
        assert!(t1.carried);
        let v1_file = write(d, "votes-1.csv", &votes_csv(&v1));
        // Refused first: a non-member, an absent member, a bad line, an amendment to nothing.
        let mut nonmember = votes_csv(&v1);
        nonmember.push_str("131,for\n");
        let nonmember = write(d, "votes-nonmember.csv", &nonmember);
        refused(
            &accept_item_1(&amendment_file, &nonmember),
            &[&format!("line {}", v1.len() + 2), "131 is not a member"],
        );
        let mut absentee = votes_csv(&v1);
        absentee.push_str("9,for\n");
        let absentee = write(d, "votes-absent.csv", &absentee);
        refused(
            &accept_item_1(&amendment_file, &absentee),
            &["member 9", "not recorded as present"],
        );
        let badvote = write(d, "votes-bad.csv", "member,choice\n1,for\n2,maybe\n");
        refused(
            &accept_item_1(&amendment_file, &badvote),
            &[
                "votes-bad.csv",
                "line 3",
                "\"choice\"",
                "for, against or abstain",
            ],
        );
        let nowhere = write(
            d,
            "amendment-nowhere.md",
            "---\nreplace: sec_99__art_99\n---\nru: Текст статьи.\n",
        );
        refused(
            &accept_item_1(&nowhere, &v1_file),
            &["does not apply", "sec_99__art_99"],
        );
        refused(
            &[
                "commission",
                "vote",
                "--item",
                "7",
                "--reject",
                "No.",
                "--votes",
                &v1_file,
            ],
            &["meeting 1 has no item 7"],
        );
        let out = ok(&accept_item_1(&amendment_file, &v1_file));
        assert!(
            out.contains(&format!(
                "For {}, against {}, abstained {}",
                t1.yes, t1.no, t1.abstain
            )),
            "{b}: {out}"
        );
        assert!(
            out.contains("— CARRIED") && out.contains("Decision 1"),
            "{b}: {out}"
        );

        // A vote that fails on the majority.
        let v2 = votes(&present, 40, 60);
        let t2 = rules.tally(130, present.len() as u64, &v2);
        assert!(t2.quorate && !t2.carried);
        let v2_file = write(d, "votes-2.csv", &votes_csv(&v2));
        let reason = "The draft already settles it (test).";
        let out = ok(&[
            "commission",
            "vote",
            "--item",
            "2",
            "--reject",
            reason,
            "--votes",
            &v2_file,
        ]);
        assert!(
            out.contains(&format!(
                "NOT CARRIED: {} for, {} needed",
                t2.yes, t2.votes_needed
            )),
            "{b}: {out}"
        );

        // Meeting 2 without a quorum (attendance from a file), recorded as such: its vote, on
        // an amendment given as JSON, cannot carry.
        let present2: Vec<u32> = (1..u32::try_from(quorum).unwrap()).collect();
        let mut sheet = String::from("member,name\n");
        for m in &present2 {
            sheet.push_str(&format!("{m},Member {m:03}\n"));
        }
        let bad_sheet = write(d, "attendance-bad.csv", &format!("{sheet}131,Nobody\n"));
        let args = meeting(&["--attendance", &bad_sheet, "--inquorate"]);
        refused(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            &[
                &format!("line {}", present2.len() + 2),
                "131 is not a member",
            ],
        );
        let sheet = write(d, "attendance.csv", &sheet);
        let args = meeting(&["--attendance", &sheet]);
        refused(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            &["--inquorate"],
        );
        let args = meeting(&["--attendance", &sheet, "--inquorate"]);
        let out = ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(
            out.contains("Meeting 2 recorded") && out.contains("NOT quorate"),
            "{b}: {out}"
        );
        ok(&[
            "commission",
            "agenda",
            "--title",
            "Again",
            "--proposal",
            &elsewhere,
        ]);
        let art7 = s.draft.article_by_num("7").unwrap().eid.clone();
        let new_article = serde_json::json!({
            "target": {"kind": "insert_article", "after": art7, "num": "7-1"},
            "text": {"ru": "Государство гарантирует защиту персональных данных."}
        });
        let json_file = write(d, "amendment.json", &new_article.to_string());
        let v3 = votes(&present2, present2.len(), 0);
        let v3_file = write(d, "votes-3.csv", &votes_csv(&v3));
        let out = ok(&accept_item_1(&json_file, &v3_file));
        assert!(out.contains("NOT CARRIED: no quorum"), "{b}: {out}");
        assert!(
            out.contains(&format!("a new article 7-1 after {art7}")),
            "{b}: {out}"
        );

        // Minutes.
        let m1 = ok(&["commission", "minutes", "--meeting", "1"]);
        assert!(m1.contains("Decision 1: amendment adopted"), "{b}: {m1}");
        assert!(m1.contains("не менее трёх тысяч членов"), "{b}: {m1}");
        assert!(
            m1.contains("Motion 2") && m1.contains("not carried"),
            "{b}: {m1}"
        );
        let m2 = d.join("minutes-2.md");
        ok(&[
            "commission",
            "minutes",
            "--meeting",
            "2",
            "--out",
            m2.to_str().unwrap(),
        ]);
        let m2 = std::fs::read_to_string(m2).unwrap();
        assert!(
            m2.contains("NOT present") && !m2.contains("Decision"),
            "{b}: {m2}"
        );
        refused(&["commission", "minutes", "--meeting", "5"], &["meeting 5"]);

        // Status.
        let st = ok(&["commission", "status"]);
        assert!(st.contains("Decisions: 1"), "{b}: {st}");
        assert!(
            st.contains(&format!("decision 1 (meeting 1, item 1): amend {art8}")),
            "{b}: {st}"
        );

        // The amended text, stored and compared.
        let out = ok(&[
            "commission",
            "publish",
            "--version",
            "v3-commission",
            "--date",
            "2026-02-12",
        ]);
        assert!(out.contains("stored as version"), "{b}: {out}");
        let mut expected = s.draft.clone();
        let mut text = Parallel::default();
        text.set(
            Lang::Ru,
            "Политическая партия регистрируется при наличии не менее трёх тысяч членов.",
        );
        apply_amendment(
            &mut expected,
            &Amendment {
                target: AmendmentTarget::Replace { eid: art8.clone() },
                text,
            },
        )
        .unwrap();
        let summary = compare::compare(&s.draft, &expected, Lang::Ru, CompareOptions::default())
            .stats
            .summary();
        let diff = ok(&["act", "diff", &s.draft.version, "v3-commission"]);
        assert!(
            diff.contains(&summary),
            "{b}: {diff} does not say {summary}"
        );
        assert!(diff.contains("{+") && diff.contains("трёх"), "{b}: {diff}");

        // The log exports and verifies, with the decision.
        let exported = d.join("consult.jsonl");
        ok(&["consult", "export", "--log", exported.to_str().unwrap()]);
        let v = ashyq()
            .args(["consult", "verify"])
            .arg(&exported)
            .output()
            .unwrap();
        assert!(v.status.success(), "{b}: {}", stderr(&v));
        let vs = stdout(&v);
        assert!(
            vs.contains(&format!("verified {} entries", log_len())),
            "{b}: {vs}"
        );
        assert!(vs.contains("3 motions, 1 decisions"), "{b}: {vs}");
        // Another consultation's log is not imported over this one.
        let other = d.join("other.jsonl");
        let first = serde_json::to_string(&s.consultation.log[0]).unwrap();
        std::fs::write(&other, first.replace("2026-01-02", "2026-01-03") + "\n").unwrap();
        refused(
            &["consult", "import", other.to_str().unwrap()],
            &["nothing was imported"],
        );
    }
}
