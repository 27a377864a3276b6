//! The consultation's persistence on SQLite and PostgreSQL: its log and the act versions are
//! stored, read back identical, replayed by the secretariat, and can be neither changed nor
//! removed.

use ashyq_core::consult::{ConsultEvent, ModerationReason, ProposalId, sample};
use ashyq_core::iin::DigestKey;
use ashyq_core::legal::Lang;
use ashyq_store::consult::ActStored;
use ashyq_store::secretariat::{Secretariat, SecretariatError};
use ashyq_store::testing::{self, TestDb};
use ashyq_store::{Store, StoreError};
use sqlx::{Connection, Executor};

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

async fn open(db: &TestDb) -> Store {
    Store::open(&db.url)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", db.backend()))
}

fn key() -> DigestKey {
    DigestKey::from_bytes(&[0x5a; 32]).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_consultation_is_stored_replayed_and_continued() {
    let s = sample::build(&key()).unwrap();
    for db in testing::backends() {
        let b = db.backend();
        let store = open(&db).await;
        let sec = Secretariat::open(store.clone()).await.unwrap();
        assert!(sec.consultation().log.is_empty(), "{b}");
        for act in [&s.old, &s.draft, &s.adopted] {
            assert!(matches!(
                sec.add_act_version(act).await.unwrap(),
                ActStored::New(_)
            ));
        }
        // The same version again changes nothing; other text under its label is refused.
        assert_eq!(
            sec.add_act_version(&s.draft).await.unwrap(),
            ActStored::Known(2),
            "{b}"
        );
        let mut changed = s.draft.clone();
        changed.title.set(Lang::En, "Another title");
        let err = sec.add_act_version(&changed).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("give the new text another version label"),
            "{b}: {err}"
        );
        sec.import(&s.consultation.log).await.unwrap();
        assert_eq!(
            store.consult_entries_after(0, 100_000).await.unwrap(),
            s.consultation.log,
            "{b}: read back identical"
        );
        // A new command goes through the rules, then the store.
        let moderator = "moderator 1".to_string();
        let entry = sec
            .record(|_| {
                Ok(ConsultEvent::ProposalRejected {
                    id: ProposalId(17),
                    moderator: moderator.clone(),
                    reason: ModerationReason::OffTopic,
                })
            })
            .await
            .unwrap();
        assert_eq!(entry.seq, s.consultation.log.len() as u64 + 1);
        // A refused command records nothing.
        let err = sec
            .record(|c| {
                Ok(ConsultEvent::ProposalSupported {
                    id: ProposalId(1),
                    by: c.proposals[&ProposalId(1)].author.clone(),
                })
            })
            .await
            .unwrap_err();
        assert!(matches!(err, SecretariatError::Refused(_)), "{b}: {err}");
        assert_eq!(
            store
                .chain_head(&ashyq_store::chain::CONSULT_LOG)
                .await
                .unwrap()
                .map(|h| h.0),
            Some(entry.seq),
            "{b}"
        );
        // Importing the same log again does not continue the chain.
        assert!(sec.import(&s.consultation.log[..1]).await.is_err(), "{b}");
        drop(sec);
        // Reopened: the same state, the versions in their order.
        let again = Secretariat::open(open(&db).await).await.unwrap();
        let c = again.consultation();
        assert_eq!(c.log.len(), s.consultation.log.len() + 1, "{b}");
        assert_eq!(c.decisions, s.consultation.decisions, "{b}");
        let versions: Vec<String> = again.acts().iter().map(|a| a.act.version.clone()).collect();
        assert_eq!(versions, ["v1-old", "v2-draft", "v3-adopted"], "{b}");
        assert_eq!(again.acts()[1].act, s.draft, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_that_does_not_continue_the_head_writes_nothing() {
    let s = sample::build(&key()).unwrap();
    let log = &s.consultation.log;
    for db in testing::backends() {
        let b = db.backend();
        let store = open(&db).await;
        // Starting anywhere but seq 1 on an empty log.
        let err = store.append_consult(&log[1..3]).await.unwrap_err();
        assert!(matches!(err, StoreError::HeadMoved { .. }), "{b}: {err}");
        // A gap inside the batch.
        let gap = vec![log[0].clone(), log[2].clone()];
        let err = store.append_consult(&gap).await.unwrap_err();
        assert!(
            matches!(err, StoreError::BrokenChain { seq: 3, .. }),
            "{b}: {err}"
        );
        assert_eq!(
            store
                .chain_head(&ashyq_store::chain::CONSULT_LOG)
                .await
                .unwrap(),
            None,
            "{b}"
        );
        store.append_consult(&log[..10]).await.unwrap();
        // Twice the same batch: the head moved.
        let err = store.append_consult(&log[..10]).await.unwrap_err();
        assert!(matches!(err, StoreError::HeadMoved { .. }), "{b}: {err}");
        store.append_consult(&log[10..]).await.unwrap();
        assert_eq!(
            store
                .chain_head(&ashyq_store::chain::CONSULT_LOG)
                .await
                .unwrap(),
            log.last().map(|e| (e.seq, e.hash.clone())),
            "{b}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_refuses_to_change_the_consultation() {
    let s = sample::build(&key()).unwrap();
    for db in testing::backends() {
        let b = db.backend();
        let store = open(&db).await;
        store.append_consult(&s.consultation.log).await.unwrap();
        store
            .store_act_version(&s.draft, "2026-01-02T09:00:00Z")
            .await
            .unwrap();
        for sql in [
            "UPDATE consult_log SET kind = 'x' WHERE seq = 2",
            "DELETE FROM consult_log WHERE seq = 3",
            "DELETE FROM consult_log",
            "UPDATE act_versions SET act = '{}'",
            "DELETE FROM act_versions",
        ] {
            let err = raw_execute(&db.url, sql).await.expect_err(sql);
            assert!(err.to_string().contains("append-only"), "{b}: {sql}: {err}");
        }
        if b == "postgres" {
            for t in ["consult_log", "act_versions"] {
                let err = raw_execute(&db.url, &format!("TRUNCATE {t}"))
                    .await
                    .unwrap_err();
                assert!(err.to_string().contains("append-only"), "{b}: {err}");
            }
        }
        drop(store);
        // Reopening does not duplicate the triggers; the data is intact.
        let store = open(&db).await;
        assert_eq!(
            store.consult_entries_after(0, 100_000).await.unwrap(),
            s.consultation.log,
            "{b}"
        );
        assert_eq!(store.act_versions().await.unwrap().len(), 1, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_altered_behind_the_stores_back_stops_the_replay() {
    let s = sample::build(&key()).unwrap();
    for db in testing::backends() {
        let b = db.backend();
        let store = open(&db).await;
        store.append_consult(&s.consultation.log).await.unwrap();
        let disable = if b == "postgres" {
            "ALTER TABLE consult_log DISABLE TRIGGER consult_log_append_only"
        } else {
            "DROP TRIGGER consult_log_no_update"
        };
        raw_execute(&db.url, disable).await.unwrap();
        // The event's text changed, its hash kept: the replay names the entry.
        raw_execute(
            &db.url,
            "UPDATE consult_log SET event = REPLACE(event, 'пяти тысяч', 'десяти тысяч') WHERE seq = 2",
        )
        .await
        .unwrap();
        let err = Secretariat::open(store).await.err().expect("refused");
        assert!(
            matches!(err, SecretariatError::Corrupt { .. }),
            "{b}: {err}"
        );
        assert!(err.to_string().contains("log entry 2"), "{b}: {err}");
    }
}
