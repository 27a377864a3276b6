//! The voter register on both backends (PostgreSQL required under `CI=true`).

use ashyq_core::iin::{DigestKey, Iin, PreparedDigestKey, Sex};
use ashyq_core::register::marks::MarkRefusal;
use ashyq_core::register::{StoredVoter, Voter};
use ashyq_core::territory::PrecinctId;
use ashyq_store::Store;
use ashyq_store::register::{
    ImportRow, MarkDesk, MarkOutcome, MarkRequest, Operator, RegisterEvent,
};
use ashyq_store::testing;
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
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        let rows: Vec<ImportRow> = people
            .iter()
            .cloned()
            .map(|v| ImportRow::from(StoredVoter::new(v, &key)))
            .collect();
        tx.send(rows).await.unwrap();
        drop(tx);
        assert_eq!(store.import_voters(rx, || true).await.unwrap(), Some(4));
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

        // A second import into a non-empty register is refused; an abandoned one leaves nothing.
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        drop(tx);
        assert!(store.import_voters(rx, || true).await.is_err());
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
        let rows = || -> Vec<ImportRow> {
            people
                .iter()
                .cloned()
                .map(|v| ImportRow::from(StoredVoter::new(v, &key)))
                .collect()
        };
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        tx.send(rows()).await.unwrap();
        drop(tx);
        assert_eq!(store.import_voters(rx, || false).await.unwrap(), None);
        assert_eq!(store.voter_count().await.unwrap(), 0);
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        tx.send(rows()).await.unwrap();
        drop(tx);
        assert_eq!(store.import_voters(rx, || true).await.unwrap(), Some(40));

        let day = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let ev = RegisterEvent {
            id: "kz-2026",
            voting_day: day,
        };
        let desk = std::sync::Arc::new(MarkDesk::new(store.clone(), &ev));
        // Each person asked for at home and at the other precinct, and at home again, by
        // concurrent terminals.
        let mut tasks = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let home = p.precinct;
            let other = PrecinctId(3 - home.0);
            for at in [home, other, home] {
                let desk = std::sync::Arc::clone(&desk);
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
        drop(desk);
        store.close().await;
    }
}
