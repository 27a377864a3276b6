//! The store on both backends: every test loops over `testing::backends()` (SQLite always,
//! PostgreSQL when reachable; required under `CI=true`).

use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::protocol::BallotLines;
use ashyq_core::protocol::{PrecinctProtocol, ProtocolLines};
use ashyq_core::territory::PrecinctId;
use ashyq_core::{Event, LogEntry, LogHash};
use ashyq_store::testing::{self, TestDb};
use ashyq_store::{Store, StoreError};
use sqlx::{Connection, Executor, Row};

const REF: &str = "kz-2026";

fn protocol(precinct: u32, yes: u64) -> PrecinctProtocol {
    protocol_in(REF, precinct, yes)
}

fn protocol_in(referendum: &str, precinct: u32, yes: u64) -> PrecinctProtocol {
    let no = 100;
    let found = yes + no;
    PrecinctProtocol {
        referendum: ContestId(referendum.into()),
        precinct: PrecinctId(precinct),
        lines: ProtocolLines {
            ballots: BallotLines {
                voters_on_list: 3000,
                voters_added_on_day: 12,
                voters_added_absentee: 3,
                absentee_certificates_issued: 1,
                ballots_received: 3000,
                ballots_issued: found,
                ballots_cancelled: 3000 - found,
                ballots_found: found,
            },
            yes,
            no,
            both_marked: 0,
            invalid: 0,
        },
    }
}

fn accepted(p: &PrecinctProtocol) -> Event {
    Event::ProtocolAccepted {
        protocol: p.clone(),
        protocol_hash: p.content_hash(),
        warnings: vec![],
        signature: None,
        entered_by: None,
    }
}

fn amended(p: &PrecinctProtocol, replaces: &PrecinctProtocol) -> Event {
    Event::ProtocolAmended {
        protocol: p.clone(),
        protocol_hash: p.content_hash(),
        replaces_hash: replaces.content_hash(),
        reason: "recount".into(),
        author: author(),
        warnings: vec![],
        signature: None,
    }
}

fn conflict(p: &PrecinctProtocol, applied: &PrecinctProtocol) -> Event {
    Event::ProtocolConflict {
        protocol: p.clone(),
        protocol_hash: p.content_hash(),
        applied_hash: applied.content_hash(),
        signature: None,
        entered_by: None,
    }
}

fn dismissed(p: &PrecinctProtocol) -> Event {
    Event::ConflictDismissed {
        referendum: p.referendum.clone(),
        precinct: p.precinct,
        protocol_hash: p.content_hash(),
        reason: "typo".into(),
        author: author(),
    }
}

fn author() -> Author {
    Author {
        name: "operator".into(),
        role: "central commission operator".into(),
    }
}

/// Seals `events` as the entries after `head`; `tag` varies `recorded_at` so that two
/// writers produce different entries.
fn seal(head: Option<(u64, LogHash)>, tag: &str, events: Vec<Event>) -> Vec<LogEntry> {
    let (mut seq, mut prev) = head.unwrap_or((0, LogHash::genesis()));
    events
        .into_iter()
        .map(|event| {
            seq += 1;
            let entry = LogEntry::seal(
                seq,
                prev.clone(),
                format!("2026-03-15T20:00:00.{tag}Z"),
                event,
            );
            prev = entry.hash.clone();
            entry
        })
        .collect()
}

fn accepted_run(first_precinct: u32, n: u32) -> Vec<Event> {
    (first_precinct..first_precinct + n)
        .map(|i| accepted(&protocol(i, 1000 + u64::from(i % 500))))
        .collect()
}

/// Runs one statement directly through sqlx, outside the store.
async fn raw_execute(url: &str, sql: &str) -> Result<u64, sqlx::Error> {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        let done = conn.execute(sql).await?.rows_affected();
        conn.close().await?;
        Ok(done)
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        let done = conn.execute(sql).await?.rows_affected();
        conn.close().await?;
        Ok(done)
    }
}

/// Fetches rows of text columns directly through sqlx.
async fn raw_strings(url: &str, sql: &str) -> Vec<Vec<String>> {
    let strings = |n: usize, get: &dyn Fn(usize) -> String| (0..n).map(get).collect::<Vec<_>>();
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap();
        rows.iter()
            .map(|r| strings(r.len(), &|i| r.get::<String, _>(i)))
            .collect()
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap();
        rows.iter()
            .map(|r| strings(r.len(), &|i| r.get::<String, _>(i)))
            .collect()
    }
}

async fn open(db: &TestDb) -> Store {
    let store = Store::open(&db.url)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", db.backend()));
    assert_eq!(store.backend(), db.backend());
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_read_back_identical() {
    for db in testing::backends() {
        let store = open(&db).await;
        let b = db.backend();
        assert_eq!(store.head().await.unwrap(), None, "{b}");
        assert_eq!(store.entry_count().await.unwrap(), 0, "{b}");
        store.append(&[]).await.unwrap();

        let (p1, p1b) = (protocol(1, 900), protocol(1, 901));
        let entries = seal(
            None,
            "1",
            vec![accepted(&p1), conflict(&p1b, &p1), dismissed(&p1b)],
        );
        store.append(&entries).await.unwrap();
        let more = seal(store.head().await.unwrap(), "2", vec![amended(&p1b, &p1)]);
        store.append(&more).await.unwrap();
        let all: Vec<LogEntry> = entries.iter().chain(&more).cloned().collect();

        let back = store.entries_after(0, 100).await.unwrap();
        assert_eq!(back, all, "{b}");
        for e in &back {
            assert_eq!(e.computed_hash(), e.hash, "{b}: seq {}", e.seq);
        }
        assert_eq!(
            store.entries_after(1, 2).await.unwrap(),
            all[1..3].to_vec(),
            "{b}"
        );
        assert_eq!(store.entries_after(4, 10).await.unwrap(), vec![], "{b}");
        assert_eq!(
            store.entries_after(u64::MAX, 10).await.unwrap(),
            vec![],
            "{b}"
        );
        assert_eq!(store.entry_count().await.unwrap(), 4, "{b}");
        assert_eq!(
            store.head().await.unwrap(),
            Some((4, all[3].hash.clone())),
            "{b}"
        );

        // The columns hold the entry's fields; `event` is the event's canonical JSON.
        let rows = raw_strings(
            &db.url,
            "SELECT prev, hash, kind, recorded_at, event FROM event_log ORDER BY seq",
        )
        .await;
        for (row, e) in rows.iter().zip(&all) {
            assert_eq!(
                row,
                &vec![
                    e.prev.0.clone(),
                    e.hash.0.clone(),
                    e.event.kind().to_owned(),
                    e.recorded_at.clone(),
                    serde_json::to_string(&e.event).unwrap()
                ],
                "{b}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_batches_are_refused_and_write_nothing() {
    for db in testing::backends() {
        let store = open(&db).await;
        let b = db.backend();
        let first = seal(None, "1", accepted_run(1, 2));
        store.append(&first).await.unwrap();
        let head = store.head().await.unwrap();
        let good = seal(head.clone(), "2", accepted_run(10, 3));

        // Wrong prev on the first entry.
        let wrong_prev = seal(
            Some((2, LogHash("ab".repeat(32)))),
            "2",
            accepted_run(10, 3),
        );
        match store.append(&wrong_prev).await {
            Err(StoreError::HeadMoved {
                expected_seq: 3,
                expected_prev,
                found_seq: 3,
                found_prev,
            }) => {
                assert_eq!(expected_prev, first[1].hash, "{b}");
                assert_eq!(found_prev, LogHash("ab".repeat(32)), "{b}");
            }
            other => panic!("{b}: {other:?}"),
        }
        // A gap after the head.
        let gap = seal(Some((3, first[1].hash.clone())), "2", accepted_run(10, 3));
        let err = store.append(&gap).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::HeadMoved {
                    expected_seq: 3,
                    found_seq: 4,
                    ..
                }
            ),
            "{b}: {err:?}"
        );
        assert!(
            err.to_string().contains("nothing was written"),
            "{b}: {err}"
        );
        // A gap inside the batch.
        let mut inner_gap = good.clone();
        inner_gap.remove(1);
        let err = store.append(&inner_gap).await.unwrap_err();
        assert!(
            matches!(err, StoreError::BrokenChain { seq: 5, .. }),
            "{b}: {err:?}"
        );
        // A wrong prev inside the batch (re-sealed, so only the link is wrong).
        let mut inner_prev = good.clone();
        inner_prev[2] = LogEntry::seal(
            5,
            LogHash::genesis(),
            good[2].recorded_at.clone(),
            good[2].event.clone(),
        );
        let err = store.append(&inner_prev).await.unwrap_err();
        assert!(
            matches!(err, StoreError::BrokenChain { seq: 5, .. }),
            "{b}: {err:?}"
        );
        assert!(err.to_string().contains("is not the hash"), "{b}: {err}");
        // (Whether each hash matches its content is the ledger's check, before an entry
        // reaches the store and on every replay: see ashyq-core's tests.)
        // A replayed old batch.
        let err = store.append(&first).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::HeadMoved {
                    expected_seq: 3,
                    found_seq: 1,
                    ..
                }
            ),
            "{b}: {err:?}"
        );

        assert_eq!(store.entry_count().await.unwrap(), 2, "{b}");
        assert_eq!(store.head().await.unwrap(), head, "{b}");
        assert_eq!(store.current_protocols(REF).await.unwrap().len(), 2, "{b}");
        store.append(&good).await.unwrap();
        assert_eq!(store.entry_count().await.unwrap(), 5, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_concurrent_appenders_exactly_one_wins() {
    for db in testing::backends() {
        let b = db.backend();
        // Two stores on one database, like two server instances.
        let (one, two) = (open(&db).await, open(&db).await);
        one.append(&seal(None, "0", accepted_run(1, 1)))
            .await
            .unwrap();
        let mut next_precinct = 100;
        for round in 0..5 {
            let head = one.head().await.unwrap();
            let a = seal(head.clone(), "1", accepted_run(next_precinct, 300));
            let c = seal(head.clone(), "2", accepted_run(next_precinct, 300));
            next_precinct += 300;
            let (ra, rc) = tokio::join!(one.append(&a), two.append(&c));
            let (winner, loser) = match (ra, rc) {
                (Ok(()), Err(e)) => (&a, e),
                (Err(e), Ok(())) => (&c, e),
                other => panic!("{b}: round {round}: {other:?}"),
            };
            let expected = head.as_ref().map_or(1, |(s, _)| s + 1);
            assert!(
                matches!(&loser, StoreError::HeadMoved { expected_seq, found_seq, .. }
                    if *expected_seq == expected + 300 && *found_seq == expected),
                "{b}: round {round}: {loser:?}"
            );
            let last = winner.last().unwrap();
            assert_eq!(
                two.head().await.unwrap(),
                Some((last.seq, last.hash.clone())),
                "{b}"
            );
        }
        let all = two.entries_after(0, 10_000).await.unwrap();
        assert_eq!(all.len(), 1 + 5 * 300, "{b}");
        let mut prev = LogHash::genesis();
        for (i, e) in all.iter().enumerate() {
            assert_eq!(e.seq, i as u64 + 1, "{b}");
            assert_eq!(e.prev, prev, "{b}");
            assert_eq!(e.computed_hash(), e.hash, "{b}");
            prev = e.hash.clone();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projections_follow_the_protocol_events() {
    for db in testing::backends() {
        let store = open(&db).await;
        let b = db.backend();
        let (p1, p2, p3) = (protocol(1, 500), protocol(2, 600), protocol(3, 700));
        let (p1x, p2x, p3x) = (protocol(1, 501), protocol(2, 601), protocol(3, 701));
        let other = protocol_in("other", 1, 42);
        let entries = seal(
            None,
            "1",
            vec![
                accepted(&p1),       // 1
                accepted(&p2),       // 2
                conflict(&p1x, &p1), // 3: not applied
                dismissed(&p1x),     // 4
                amended(&p2x, &p2),  // 5: replaces p2
                accepted(&other),    // 6: another referendum
                accepted(&p3),       // 7
                amended(&p3x, &p3),  // 8: amended in the same batch as accepted
            ],
        );
        store.append(&entries).await.unwrap();
        let current = store.current_protocols(REF).await.unwrap();
        assert_eq!(
            current,
            vec![
                (p1.clone(), p1.content_hash(), 1),
                (p2x.clone(), p2x.content_hash(), 5),
                (p3x.clone(), p3x.content_hash(), 8),
            ],
            "{b}"
        );
        assert_eq!(
            store.current_protocols("other").await.unwrap(),
            vec![(other.clone(), other.content_hash(), 6)]
        );
        assert_eq!(
            store.current_protocols("none").await.unwrap(),
            vec![],
            "{b}"
        );
        let statuses = raw_strings(
            &db.url,
            "SELECT status FROM protocols WHERE referendum = 'kz-2026' ORDER BY precinct",
        )
        .await;
        assert_eq!(
            statuses,
            vec![vec!["accepted"], vec!["amended"], vec!["amended"]],
            "{b}"
        );

        // An amendment in a later batch replaces again.
        let p2y = protocol(2, 602);
        store
            .append(&seal(
                store.head().await.unwrap(),
                "2",
                vec![amended(&p2y, &p2x)],
            ))
            .await
            .unwrap();
        let current = store.current_protocols(REF).await.unwrap();
        assert_eq!(current[1], (p2y.clone(), p2y.content_hash(), 9), "{b}");

        // A precinct's history is its entries in the log, in order.
        let log = store.entries_after(0, 1_000).await.unwrap();
        let history = |precinct: u32| -> Vec<(String, &'static str, String)> {
            log.iter()
                .filter_map(|e| match &e.event {
                    Event::ProtocolAccepted {
                        protocol,
                        protocol_hash,
                        ..
                    }
                    | Event::ProtocolConflict {
                        protocol,
                        protocol_hash,
                        ..
                    }
                    | Event::ProtocolAmended {
                        protocol,
                        protocol_hash,
                        ..
                    } if protocol.precinct.0 == precinct => Some((
                        protocol.referendum.0.clone(),
                        e.event.kind(),
                        protocol_hash.clone(),
                    )),
                    Event::ConflictDismissed {
                        referendum,
                        precinct: p,
                        protocol_hash,
                        ..
                    } if p.0 == precinct => {
                        Some((referendum.0.clone(), e.event.kind(), protocol_hash.clone()))
                    }
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            history(1),
            vec![
                (REF.to_owned(), "protocol_accepted", p1.content_hash()),
                (REF.to_owned(), "protocol_conflict", p1x.content_hash()),
                (REF.to_owned(), "conflict_dismissed", p1x.content_hash()),
                (
                    "other".to_owned(),
                    "protocol_accepted",
                    other.content_hash()
                ),
            ],
            "{b}"
        );
        let kinds: Vec<&str> = history(2).into_iter().map(|(_, k, _)| k).collect();
        assert_eq!(
            kinds,
            ["protocol_accepted", "protocol_amended", "protocol_amended"]
        );

        // A second first protocol for an applied precinct is refused, and nothing is written.
        let before = store.entry_count().await.unwrap();
        let dup = seal(
            store.head().await.unwrap(),
            "3",
            vec![accepted(&protocol(4, 1)), accepted(&p1x)],
        );
        let err = store.append(&dup).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Projection { seq: 11, .. }),
            "{b}: {err:?}"
        );
        assert!(err.to_string().contains("applied at seq 1"), "{b}: {err}");
        let dup = seal(
            store.head().await.unwrap(),
            "3",
            vec![accepted(&protocol(4, 1)), accepted(&protocol(4, 2))],
        );
        let err = store.append(&dup).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Projection { seq: 11, .. }),
            "{b}: {err:?}"
        );
        assert_eq!(store.entry_count().await.unwrap(), before, "{b}");
        assert_eq!(store.current_protocols(REF).await.unwrap().len(), 3, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_refuses_to_change_the_log() {
    for db in testing::backends() {
        let store = open(&db).await;
        let b = db.backend();
        let entries = seal(None, "1", accepted_run(1, 3));
        store.append(&entries).await.unwrap();
        for sql in [
            "UPDATE event_log SET kind = 'x' WHERE seq = 2",
            "DELETE FROM event_log WHERE seq = 3",
            "DELETE FROM event_log",
        ] {
            let err = raw_execute(&db.url, sql).await.expect_err(sql);
            assert!(err.to_string().contains("append-only"), "{b}: {sql}: {err}");
        }
        if b == "postgres" {
            let err = raw_execute(&db.url, "TRUNCATE event_log CASCADE")
                .await
                .unwrap_err();
            assert!(err.to_string().contains("append-only"), "{b}: {err}");
        }
        assert_eq!(store.entries_after(0, 10).await.unwrap(), entries, "{b}");
        // Reopening does not duplicate the triggers or fail.
        drop(store);
        let store = open(&db).await;
        assert_eq!(store.entry_count().await.unwrap(), 3, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_altered_behind_the_stores_back_is_named() {
    for db in testing::backends() {
        let store = open(&db).await;
        let b = db.backend();
        store
            .append(&seal(None, "1", accepted_run(1, 3)))
            .await
            .unwrap();
        let disable = if b == "postgres" {
            "ALTER TABLE event_log DISABLE TRIGGER event_log_append_only"
        } else {
            "DROP TRIGGER event_log_no_update"
        };
        raw_execute(&db.url, disable).await.unwrap();
        raw_execute(
            &db.url,
            "UPDATE event_log SET event = '{\"type\":' WHERE seq = 2",
        )
        .await
        .unwrap();
        let err = store.entries_after(0, 10).await.unwrap_err();
        assert!(matches!(err, StoreError::CorruptRow { .. }), "{b}: {err:?}");
        assert!(
            err.to_string().contains("event_log entry seq 2"),
            "{b}: {err}"
        );
        assert_eq!(store.entries_after(2, 10).await.unwrap().len(), 1, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reopened_sqlite_file_keeps_its_data() {
    let db = TestDb::sqlite();
    let path = db.url.trim_start_matches("sqlite://").to_owned();
    let entries = seal(None, "1", accepted_run(1, 5));
    {
        let store = Store::open(&db.url).await.unwrap();
        store.append(&entries).await.unwrap();
        store.close().await;
    }
    // Every accepted spelling of the same file.
    for url in [db.url.clone(), format!("sqlite:{path}"), path.clone()] {
        let store = Store::open(&url).await.unwrap();
        assert_eq!(store.backend(), "sqlite");
        assert_eq!(store.entries_after(0, 100).await.unwrap(), entries, "{url}");
        assert_eq!(
            store.current_protocols(REF).await.unwrap().len(),
            5,
            "{url}"
        );
        store.close().await;
    }
    let store = Store::open(&path).await.unwrap();
    let more = seal(store.head().await.unwrap(), "2", accepted_run(6, 1));
    store.append(&more).await.unwrap();
    assert_eq!(store.entry_count().await.unwrap(), 6);
    let mode = raw_strings(&db.url, "PRAGMA journal_mode").await;
    assert_eq!(mode, vec![vec!["wal"]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_baseline_inserts_every_row() {
    for db in testing::backends() {
        let store = open(&db).await;
        let b = db.backend();
        // More rows than one statement holds on either backend (1927 / 3855 per statement).
        let protocols: Vec<PrecinctProtocol> = (1..=5_000).map(|i| protocol(i, 1000)).collect();
        store.insert_baseline(&protocols).await.unwrap();
        assert_eq!(store.baseline_count().await.unwrap(), 5_000, "{b}");
        let rows = raw_strings(
            &db.url,
            "SELECT protocol_hash FROM bench_protocols WHERE precinct = 4321",
        )
        .await;
        assert_eq!(rows, vec![vec![protocols[4320].content_hash()]], "{b}");
        // A duplicate precinct fails the whole transaction.
        let err = store.insert_baseline(&protocols[..10]).await.unwrap_err();
        assert!(err.to_string().contains("bench_protocols"), "{b}: {err}");
        assert_eq!(store.baseline_count().await.unwrap(), 5_000, "{b}");
        store.clear_baseline().await.unwrap();
        assert_eq!(store.baseline_count().await.unwrap(), 0, "{b}");
        store.insert_baseline(&protocols[..10]).await.unwrap();
        assert_eq!(store.baseline_count().await.unwrap(), 10, "{b}");
        store.insert_baseline(&[]).await.unwrap();
        // The baseline does not touch the log.
        assert_eq!(store.entry_count().await.unwrap(), 0, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_urls_get_clear_errors_without_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(String, &str)> = vec![
        (
            "postgres://ashyq:hunter2@127.0.0.1:1/ashyq".into(),
            "is PostgreSQL running? check --database-url",
        ),
        (
            "postgresql://ashyq:hunter2@127.0.0.1:1/ashyq?sslmode=disable".into(),
            "is PostgreSQL running?",
        ),
        (
            "postgres://ashyq:hunter2@127.0.0.1:notaport/ashyq".into(),
            "--database-url",
        ),
        ("mysql://root:hunter2@localhost/db".into(), "not supported"),
        ("".into(), "empty"),
        ("sqlite::memory:".into(), "in-memory"),
        (
            format!("{}/missing/ashyq.db", dir.path().display()),
            "does not exist",
        ),
        (format!("sqlite://{}", dir.path().display()), "directory"),
    ];
    for (url, expected) in cases {
        let err = Store::open(&url).await.unwrap_err().to_string();
        assert!(err.contains(expected), "{url}: {err}");
        assert!(!err.contains("hunter2"), "{url}: {err}");
        assert!(err.contains("--database-url"), "{url}: {err}");
    }
    // A file that is not a SQLite database.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "this is not a database, just some text that is long enough ....................................................................................................").unwrap();
    let err = Store::open(&junk.display().to_string())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a database"), "{err}");
    // A reachable server, a database that does not exist, and a password.
    if let Some(db) = TestDb::postgres() {
        let url = db
            .url
            .replacen("postgres://postgres@", "postgres://postgres:hunter2@", 1);
        let url = url[..url.rfind('/').unwrap()].to_owned() + "/ashyq_no_such_database";
        let err = Store::open(&url).await.unwrap_err().to_string();
        assert!(err.contains("ashyq_no_such_database"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("postgres:***@"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbered_placeholders_bind_by_number_on_both_backends() {
    for db in testing::backends() {
        let sql = "SELECT $2 AS second, $1 AS first, $2 AS again";
        let got: (i64, i64, i64) = if db.backend() == "postgres" {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query_as(sql)
                .bind(1i64)
                .bind(2i64)
                .fetch_one(&mut conn)
                .await
                .unwrap()
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&format!("{}?mode=rwc", db.url))
                .await
                .unwrap();
            sqlx::query_as(sql)
                .bind(1i64)
                .bind(2i64)
                .fetch_one(&mut conn)
                .await
                .unwrap()
        };
        assert_eq!(got, (2, 1, 2), "{}", db.backend());
    }
}

/// Ingest timings (printed, not asserted): run with `--nocapture` to see them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_larger_than_one_statement_are_written_whole() {
    // 10,000 entries exceed one multi-row INSERT on both backends (bind-parameter limits), so
    // the batch is split into statements inside one transaction. Speed is measured by
    // `ashyq bench ingest`, not here.
    for db in testing::backends() {
        let store = open(&db).await;
        let b = db.backend();
        let entries = seal(None, "1", accepted_run(1, 10_000));
        store.append(&entries).await.unwrap();
        assert_eq!(store.entry_count().await.unwrap(), 10_000, "{b}");
        assert_eq!(
            store.current_protocols(REF).await.unwrap().len(),
            10_000,
            "{b}"
        );
        assert_eq!(
            store.entries_after(0, 20_000).await.unwrap(),
            entries,
            "{b}"
        );
        let protocols: Vec<PrecinctProtocol> = (1..=10_459).map(|i| protocol(i, 1000)).collect();
        store.insert_baseline(&protocols).await.unwrap();
        assert_eq!(store.baseline_count().await.unwrap(), 10_459, "{b}");
    }
}
