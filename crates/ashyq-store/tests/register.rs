//! The voter register on both backends (PostgreSQL required under `CI=true`).

use ashyq_core::iin::{DigestKey, Iin, PreparedDigestKey, Sex};
use ashyq_core::register::marks::MarkRefusal;
use ashyq_core::register::{StoredVoter, Voter};
use ashyq_core::territory::PrecinctId;
use ashyq_store::Store;
use ashyq_store::register::split_voter;
use ashyq_store::register::{MarkDesk, MarkOutcome, MarkRequest, Operator, RegisterEvent};
use ashyq_store::testing;

fn hex_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}
use chrono::NaiveDate;

fn voter(year: i32, precinct: u32, in_custody: bool) -> Voter {
    let date = NaiveDate::from_ymd_opt(year, 4, 2).unwrap();
    let iin = (0..)
        .find_map(|s| Iin::from_parts(date, Sex::Male, s))
        .unwrap();
    Voter {
        iin,
        name_kk: "Сейітов Нұрлан".into(),
        name_ru: "Сеитов Нурлан".into(),
        citizenship: "KZ".into(),
        legal_capacity: true,
        in_custody,
        precinct: PrecinctId(precinct),
    }
}

#[tokio::test]
async fn import_marks_turnout_and_audit_on_both_backends() {
    let key = PreparedDigestKey::new(&DigestKey::from_bytes(&[9; 32]).unwrap());
    let people = [
        voter(1980, 1, false),
        voter(1990, 2, false),
        voter(1985, 1, true),
        voter(2010, 2, false),
    ];
    for db in testing::backends() {
        let store = Store::open(&db.url).await.unwrap();
        let rows: Vec<StoredVoter> = people
            .iter()
            .cloned()
            .map(|v| StoredVoter::new(v, &key))
            .collect();
        assert_eq!(store.import_register(rows).await.unwrap(), 4);
        assert_eq!(store.voter_count().await.unwrap(), 4);

        let day = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let counts = store.eligibility_counts(day).await.unwrap();
        assert_eq!((counts.eligible, counts.ineligible), (2, 2));

        let ev = RegisterEvent {
            id: "kz-2026",
            voting_day: day,
        };
        let op = Operator {
            name: "PEC 1",
            at: "2026-03-15T04:00:00.000Z",
        };
        let d0 = key.digest(&people[0].iin);
        let here = MarkRequest {
            digest: d0.clone(),
            precinct: PrecinctId(1),
        };
        let elsewhere = MarkRequest {
            digest: d0.clone(),
            precinct: PrecinctId(2),
        };
        let out = store
            .mark_voted(&ev, &[here.clone(), here, elsewhere], &op)
            .await
            .unwrap();
        assert_eq!(out[0], MarkOutcome::Recorded);
        assert_eq!(out[1], MarkOutcome::AlreadyMarked);
        assert_eq!(
            out[2],
            MarkOutcome::Refused {
                reason: MarkRefusal::MarkedElsewhere {
                    precinct: PrecinctId(1)
                },
                incident: true
            }
        );
        assert_eq!(store.mark_incidents("kz-2026").await.unwrap().len(), 1);

        store
            .close_precinct("kz-2026", PrecinctId(2), &op)
            .await
            .unwrap();
        let d1 = key.digest(&people[1].iin);
        let late = store
            .mark_voted(
                &ev,
                &[MarkRequest {
                    digest: d1,
                    precinct: PrecinctId(2),
                }],
                &op,
            )
            .await
            .unwrap();
        assert!(matches!(
            late[0],
            MarkOutcome::Refused {
                reason: MarkRefusal::ListClosed { .. },
                ..
            }
        ));

        let turnout = store.turnout("kz-2026").await.unwrap();
        let marked: Vec<(u32, u64, u64)> = turnout
            .iter()
            .map(|t| (t.precinct.0, t.on_list, t.marked))
            .collect();
        assert_eq!(marked, [(1, 2, 1), (2, 2, 0)]);

        let list = store
            .voter_list("kz-2026", PrecinctId(1), &op)
            .await
            .unwrap();
        assert_eq!(list.len(), 2);
        for e in &list {
            assert!(e.masked.contains('•'));
        }
        let audit = store.audit_trail().await.unwrap();
        assert!(
            audit
                .iter()
                .any(|a| a.action == "mark" && a.operator == "PEC 1")
        );
        assert!(audit.iter().any(|a| a.action == "export_list"));
        for a in &audit {
            for p in &people {
                assert!(!a.subject.contains(&p.iin.expose()));
            }
        }

        // A second import into a non-empty register is refused.
        let err = store.import_register(Vec::new()).await.unwrap_err();
        assert!(err.to_string().contains("already has 4 people"), "{err}");
        store.close().await;
    }
}

/// Many terminals marking at once through the desk's group commit: the same person asked
/// for at two precincts gets exactly one ballot, an idempotent mark changes nothing, and an
/// abandoned import leaves an empty register that a later import fills.
#[tokio::test]
async fn desk_group_commit_gives_one_ballot_per_person_on_both_backends() {
    let key = PreparedDigestKey::new(&DigestKey::from_bytes(&[7; 32]).unwrap());
    let people: Vec<Voter> = (0..40)
        .map(|i| {
            let date = NaiveDate::from_ymd_opt(1960 + i, 1 + (i as u32 % 12), 3).unwrap();
            let iin = (0..)
                .find_map(|s| Iin::from_parts(date, Sex::Female, s))
                .unwrap();
            Voter {
                iin,
                name_kk: "Әлиева Айгүл".into(),
                name_ru: "Алиева Айгуль".into(),
                citizenship: "KZ".into(),
                legal_capacity: true,
                in_custody: false,
                precinct: PrecinctId(1 + (i as u32 % 2)),
            }
        })
        .collect();
    for db in testing::backends() {
        let store = Store::open(&db.url).await.unwrap();
        let rows = || -> Vec<StoredVoter> {
            people
                .iter()
                .cloned()
                .map(|v| StoredVoter::new(v, &key))
                .collect()
        };
        // Abandoned after the list lines (the caller found problems): nothing stays.
        let (list_tx, list_rx) = tokio::sync::mpsc::channel(1);
        let (key_tx, key_rx) = tokio::sync::oneshot::channel();
        let mut lists = Vec::new();
        for (i, v) in rows().into_iter().enumerate() {
            let raw = hex_bytes(v.digest.as_str());
            lists.push(split_voter(v, raw, i as u64 + 1, i as u32 + 1).unwrap().0);
        }
        list_tx.send(lists).await.unwrap();
        drop(list_tx);
        key_tx.send(None).unwrap();
        assert_eq!(store.import_voters(list_rx, key_rx).await.unwrap(), None);
        assert_eq!(store.voter_count().await.unwrap(), 0);
        assert!(store.turnout("kz-2026").await.unwrap().is_empty());
        // The same person twice is refused before anything is written.
        let mut twice = rows();
        twice.push(twice[3].clone());
        let err = store.import_register(twice).await.unwrap_err();
        assert!(err.to_string().contains("same IIN"), "{err}");
        assert_eq!(store.import_register(rows()).await.unwrap(), 40);

        let day = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let ev = RegisterEvent {
            id: "kz-2026",
            voting_day: day,
        };
        // Two desks on two stores, as two server instances on one database would have:
        // each keeps its own book of who is marked and must catch up with the other's marks.
        let other_store = Store::open(&db.url).await.unwrap();
        let desks = [
            std::sync::Arc::new(MarkDesk::new(store.clone(), &ev)),
            std::sync::Arc::new(MarkDesk::new(other_store.clone(), &ev)),
        ];
        // Each person asked for at home and at the other precinct, and at home again, by
        // concurrent terminals of both desks.
        let mut tasks = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let home = p.precinct;
            let other = PrecinctId(3 - home.0);
            for (k, at) in [home, other, home].into_iter().enumerate() {
                let desk = std::sync::Arc::clone(&desks[(i + k) % 2]);
                let digest = key.digest(&p.iin);
                tasks.push(tokio::spawn(async move {
                    let op = Operator {
                        name: "PEC",
                        at: "2026-03-15T05:00:00.000Z",
                    };
                    let out = desk
                        .mark(
                            MarkRequest {
                                digest,
                                precinct: at,
                            },
                            &op,
                        )
                        .await
                        .unwrap();
                    (i, at == home, out)
                }));
            }
        }
        let mut recorded = vec![0; people.len()];
        for t in tasks {
            let (i, at_home, out) = t.await.unwrap();
            match out {
                MarkOutcome::Recorded => {
                    assert!(
                        at_home,
                        "a ballot was given away from home without a certificate"
                    );
                    recorded[i] += 1;
                }
                MarkOutcome::AlreadyMarked => assert!(at_home),
                MarkOutcome::Refused { .. } => {}
            }
        }
        assert!(recorded.iter().all(|&n| n == 1), "{recorded:?}");
        let marked: u64 = store
            .turnout("kz-2026")
            .await
            .unwrap()
            .iter()
            .map(|t| t.marked)
            .sum();
        assert_eq!(marked, 40);
        let marks = store
            .audit_trail()
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.action == "mark")
            .count();
        assert_eq!(marks, 120);
        // A marker reading the log afresh sees every mark of the desks.
        let again = store
            .mark_voted(
                &ev,
                &[MarkRequest {
                    digest: key.digest(&people[5].iin),
                    precinct: people[5].precinct,
                }],
                &Operator {
                    name: "PEC",
                    at: "2026-03-15T06:00:00.000Z",
                },
            )
            .await
            .unwrap();
        assert_eq!(again, [MarkOutcome::AlreadyMarked]);
        drop(desks);
        other_store.close().await;
        store.close().await;
    }
}

/// Migrations 5 and 6 carry a register and its marks over from the layout of migration 2: the
/// same people, a list line each, numbered in digest order; the same mark, numbered 1. Run as
/// SQL on both backends, from tables made by migration 2's own text.
#[tokio::test]
async fn migrations_5_and_6_carry_the_register_over_on_both_backends() {
    const OLD: &str = include_str!("../migrations/0002_register.sql");
    const SPLIT: &str = include_str!("../migrations/0005_register_split.sql");
    const LOG: &str = include_str!("../migrations/0006_marks_log.sql");
    let a = "a".repeat(64);
    let b = "b".repeat(64);
    let people = format!(
        "INSERT INTO voters VALUES ('{b}', '85•••••••••1', 'Бек', 'Бек', '1985-04-02', 'm', 'KZ', 1, 0, 7);
         INSERT INTO voters VALUES ('{a}', '90•••••••••2', 'Әли', 'Али', '1990-01-03', 'f', 'KZ', 1, 1, 8);
         INSERT INTO voting_marks VALUES ('kz-2026', '{a}', 8, '2026-03-15T05:00:00.000Z', NULL);"
    );
    type Lists = Vec<(i64, i64, String, i64, String)>;
    type Keys = Vec<(String, i64, i64, String, i64)>;
    type Marks = Vec<(i64, String, i64)>;
    let lists_q = "SELECT CAST(id AS BIGINT), precinct, iin_masked, birth_year, sex FROM voter_lists ORDER BY id";
    let keys_q = "SELECT iin_digest, CAST(list_id AS BIGINT), precinct, birth_date, in_custody FROM voters ORDER BY iin_digest";
    let marks_q = "SELECT CAST(seq AS BIGINT), iin_digest, precinct FROM voting_marks";
    for db in testing::backends() {
        // The same statements on either pool.
        macro_rules! migrate_and_read {
            ($pool:expr) => {{
                let pool = $pool;
                for sql in [OLD, people.as_str(), SPLIT, LOG] {
                    sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                }
                let out: (Lists, Keys, Marks) = (
                    sqlx::query_as(lists_q).fetch_all(&pool).await.unwrap(),
                    sqlx::query_as(keys_q).fetch_all(&pool).await.unwrap(),
                    sqlx::query_as(marks_q).fetch_all(&pool).await.unwrap(),
                );
                pool.close().await;
                out
            }};
        }
        let (lists, keys, marks) = if db.backend() == "sqlite" {
            let options: sqlx::sqlite::SqliteConnectOptions = db.url.parse().unwrap();
            migrate_and_read!(
                sqlx::SqlitePool::connect_with(options.create_if_missing(true))
                    .await
                    .unwrap()
            )
        } else {
            migrate_and_read!(sqlx::PgPool::connect(&db.url).await.unwrap())
        };
        assert_eq!(
            lists,
            [
                (1, 8, "90•••••••••2".to_owned(), 1990, "f".to_owned()),
                (2, 7, "85•••••••••1".to_owned(), 1985, "m".to_owned())
            ],
            "{}",
            db.backend()
        );
        assert_eq!(
            keys,
            [
                (a.clone(), 1, 8, "1990-01-03".to_owned(), 1),
                (b.clone(), 2, 7, "1985-04-02".to_owned(), 0)
            ],
            "{}",
            db.backend()
        );
        assert_eq!(marks, [(1, a.clone(), 8)], "{}", db.backend());
    }
}

/// On SQLite the store keeps `voters` WITHOUT ROWID (set up in code after the migrations).
#[tokio::test]
async fn sqlite_keeps_the_register_keyed_by_digest_without_rowid() {
    let db = testing::TestDb::sqlite();
    let store = Store::open(&db.url).await.unwrap();
    store.close().await;
    // Opening again leaves it as it is.
    let store = Store::open(&db.url).await.unwrap();
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let (sql,): (String,) =
        sqlx::query_as("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'voters'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(sql.contains("WITHOUT ROWID"), "{sql}");
    assert!(sql.contains("list_id"), "{sql}");
    pool.close().await;
}
