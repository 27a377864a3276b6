//! The registrar: two instances on one database (as two servers on one PostgreSQL) stay
//! consistent, and what a registrar holds in memory is always what the store holds.

use ashyq_core::contest::ContestId;
use ashyq_core::protocol::BallotLines;
use ashyq_core::protocol::{PrecinctProtocol, ProtocolLines};
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::referendum::presets;
use ashyq_core::territory::{
    District, DistrictId, Names, Precinct, PrecinctId, Region, RegionCode, Territory, UnitKind,
};
use ashyq_store::registrar::{Registrar, RegistrarError};
use ashyq_store::testing;

fn territory() -> Territory {
    Territory {
        profile: "test".into(),
        country: Names::same("Testland"),
        utc_offset_minutes: 300,
        source: "hand-made for tests".into(),
        regions: vec![Region {
            code: RegionCode("KZ-43".into()),
            kind: UnitKind::Oblys,
            names: Names::same("Kyzylorda"),
            centre: String::new(),
        }],
        districts: vec![District {
            id: DistrictId("KZ-43-01".into()),
            region: RegionCode("KZ-43".into()),
            names: Names::same("District 1"),
        }],
        precincts: (1..=3)
            .map(|i| Precinct {
                id: PrecinctId(i),
                district: DistrictId("KZ-43-01".into()),
                name: format!("School No. {i}"),
                registered_voters: 1000,
            })
            .collect(),
    }
}

fn protocol(precinct: u32, yes: u64) -> PrecinctProtocol {
    PrecinctProtocol {
        referendum: ContestId("kz-2026".into()),
        precinct: PrecinctId(precinct),
        lines: ProtocolLines {
            ballots: BallotLines {
                voters_on_list: 1000,
                ballots_received: 1000,
                ballots_issued: 800,
                ballots_cancelled: 200,
                ballots_found: 800,
                ..Default::default()
            },
            yes,
            no: 800 - yes,
            ..Default::default()
        },
    }
}

#[tokio::test]
async fn two_instances_on_one_database_take_turns_and_agree() {
    for db in testing::backends() {
        let a = Registrar::open(&db.url).await.unwrap();
        a.load_territory(territory()).await.unwrap();
        a.create_referendum(presets::kz_2026()).await.unwrap();
        // `b` starts now and does not see what `a` records next.
        let b = Registrar::open(&db.url).await.unwrap();
        let ra = a.submit(protocol(1, 700)).await.unwrap();
        // `b` decides on a stale state; the store refuses its append (HeadMoved), `b` catches
        // up from the store and decides again on the fresh state.
        let rb = b.submit(protocol(2, 600)).await.unwrap();
        assert_eq!((ra.seq, rb.seq), (3, 4), "{}", db.backend());
        // The same document through the other instance: the same receipt, nothing new.
        b.catch_up().await.unwrap();
        assert_eq!(b.submit(protocol(1, 700)).await.unwrap(), ra);
        // A different document for precinct 1 through `b`: a conflict, not applied.
        let conflict = b.submit(protocol(1, 650)).await.unwrap();
        assert_eq!(conflict.status, ReceiptStatus::Conflict);
        a.catch_up().await.unwrap();
        let id = ContestId("kz-2026".into());
        let (ta, tb) = (
            a.ledger().results(&id).unwrap(),
            b.ledger().results(&id).unwrap(),
        );
        assert_eq!(ta, tb);
        assert_eq!(ta.national.lines.yes, 1300);
        assert_eq!(ta.open_conflicts, 1);
        // A third instance replaying the store from scratch sees exactly the same.
        let c = Registrar::open(&db.url).await.unwrap();
        assert_eq!(c.ledger().results(&id).unwrap(), ta);
        assert_eq!(
            c.ledger().head().map(|(s, h)| (s, h.clone())),
            a.ledger().head().map(|(s, h)| (s, h.clone()))
        );
    }
}

#[tokio::test]
async fn a_refused_command_records_nothing_anywhere() {
    for db in testing::backends() {
        let r = Registrar::open(&db.url).await.unwrap();
        r.load_territory(territory()).await.unwrap();
        r.create_referendum(presets::kz_2026()).await.unwrap();
        let before = r.store().entry_count().await.unwrap();
        let mut bad = protocol(1, 700);
        bad.lines.ballots.ballots_found = 801;
        let err = r.submit(bad).await.unwrap_err();
        assert!(matches!(err, RegistrarError::Refused(_)), "{err}");
        let results = r
            .submit_batch(vec![protocol(1, 700), protocol(9, 700), protocol(2, 600)])
            .await
            .unwrap();
        assert!(results[0].is_ok() && results[1].is_err() && results[2].is_ok());
        assert_eq!(r.store().entry_count().await.unwrap(), before + 2);
        let again = Registrar::open(&db.url).await.unwrap();
        let id = ContestId("kz-2026".into());
        assert_eq!(
            again.ledger().results(&id).unwrap(),
            r.ledger().results(&id).unwrap()
        );
    }
}

/// A follower polls only once a minute here, so if it takes in another instance's append
/// within seconds, it was woken by PostgreSQL's NOTIFY; on SQLite it waits for its poll.
#[tokio::test]
async fn a_follower_on_postgresql_is_woken_by_another_instances_append() {
    let Some(db) = testing::TestDb::postgres() else {
        return;
    };
    let a = Registrar::open(&db.url).await.unwrap();
    a.load_territory(territory()).await.unwrap();
    a.create_referendum(presets::kz_2026()).await.unwrap();
    let b = std::sync::Arc::new(Registrar::open(&db.url).await.unwrap());
    let mut heads = b.journal().subscribe();
    let _following =
        ashyq_store::journal::follow(&b, std::time::Duration::from_secs(60), |r: &Registrar| {
            r.journal()
        });
    // The follower's first poll is at once; let it pass and start listening.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let receipt = a.submit(protocol(1, 700)).await.unwrap();
    let woke = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while *heads.borrow_and_update() < receipt.seq {
            heads.changed().await.unwrap();
        }
    })
    .await;
    assert!(
        woke.is_ok(),
        "the follower did not take in seq {} before its next poll",
        receipt.seq
    );
    let id = ContestId("kz-2026".into());
    assert_eq!(
        b.ledger().results(&id).unwrap(),
        a.ledger().results(&id).unwrap()
    );
}
