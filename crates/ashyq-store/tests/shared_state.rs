//! The state server instances share (migration 0012), on SQLite and PostgreSQL: entries
//! expire, are taken exactly once, and failure counts grow in one statement, forget old
//! failures and never pull a delay back.

use ashyq_store::Store;
use ashyq_store::shared_state::StateKind;
use ashyq_store::testing;

#[tokio::test]
async fn entries_expire_and_are_taken_once() {
    for db in testing::backends() {
        let store = Store::open(&db.url).await.unwrap();
        let k = StateKind::Flash;
        store.put_state(k, "d1", "{\"a\":1}", 1_000).await.unwrap();
        assert_eq!(
            store.state(k, "d1", 999).await.unwrap().as_deref(),
            Some("{\"a\":1}")
        );
        assert_eq!(store.state(k, "d1", 1_000).await.unwrap(), None, "expired");
        // Another kind under the same digest is another entry.
        assert_eq!(
            store
                .state(StateKind::CitizenSession, "d1", 0)
                .await
                .unwrap(),
            None
        );
        // Replaced, then taken once.
        store.put_state(k, "d1", "second", 5_000).await.unwrap();
        assert_eq!(
            store.take_state(k, "d1", 10).await.unwrap().as_deref(),
            Some("second")
        );
        assert_eq!(store.take_state(k, "d1", 10).await.unwrap(), None);
        // An expired entry taken is gone and not returned.
        store.put_state(k, "d2", "old", 100).await.unwrap();
        assert_eq!(store.take_state(k, "d2", 200).await.unwrap(), None);
        // Purge removes only what expired.
        store.put_state(k, "d3", "x", 100).await.unwrap();
        store.put_state(k, "d4", "y", 900).await.unwrap();
        assert_eq!(
            store.purge_state(500, 0).await.unwrap(),
            1,
            "{}",
            db.backend()
        );
        assert!(store.state(k, "d4", 500).await.unwrap().is_some());
        store.remove_state(k, "d4").await.unwrap();
        assert_eq!(store.state(k, "d4", 500).await.unwrap(), None);
    }
}

#[tokio::test]
async fn failures_count_up_forget_old_ones_and_only_push_delays_out() {
    for db in testing::backends() {
        let store = Store::open(&db.url).await.unwrap();
        let key = "pair:aigerim@192.0.2.1";
        let f = store.signin_failures(key, 0).await.unwrap();
        assert_eq!((f.count, f.not_before), (0, 0));
        for (n, at) in [(1, 1_000), (2, 2_000), (3, 3_000)] {
            let f = store
                .record_signin_failure(key, at, 0, |c| c * 100)
                .await
                .unwrap();
            assert_eq!(f.count, n);
            assert_eq!(f.not_before, at + (n as i64) * 100);
        }
        // A shorter delay never pulls the wait back in.
        let f = store
            .record_signin_failure(key, 3_001, 0, |_| 0)
            .await
            .unwrap();
        assert_eq!((f.count, f.not_before), (4, 3_300));
        // Failures older than the window start over at one.
        let f = store
            .record_signin_failure(key, 100_000, 50_000, |c| c)
            .await
            .unwrap();
        assert_eq!(f.count, 1, "{}", db.backend());
        assert_eq!(store.signin_failures(key, 200_000).await.unwrap().count, 0);
        // Many at once (as from several instances): every one counted.
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..20 {
            let s = store.clone();
            tasks.spawn(async move {
                s.record_signin_failure("address:192.0.2.9", 1_000 + i, 0, |_| 0)
                    .await
                    .unwrap()
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.unwrap();
        }
        assert_eq!(
            store
                .signin_failures("address:192.0.2.9", 0)
                .await
                .unwrap()
                .count,
            20
        );
        store
            .clear_signin_failures(&["address:192.0.2.9", key])
            .await
            .unwrap();
        assert_eq!(store.signin_failures(key, 0).await.unwrap().count, 0);
    }
}
