//! Shared set-up of the web tests: a real server on a random loopback port over a fresh
//! SQLite database, with the 2026 referendum or a small party-list election.
#![allow(dead_code)]

pub mod consult;
pub mod portal;

use std::net::SocketAddr;
use std::sync::Arc;

use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::iin::DigestKey;
use ashyq_core::operator::{Role, hash_password};
use ashyq_core::party::check_application;
use ashyq_core::party::list::check_list;
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::referendum::presets;
use ashyq_core::seats::TieSeed;
use ashyq_core::territory::Territory;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{election, profile, scenario};
use ashyq_server::ServerConfig;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;
use chrono::NaiveDate;
use rand::SeedableRng;

/// A running server.
pub struct Server {
    pub base: String,
    pub registrar: Arc<Registrar>,
    _db: TestDb,
}

/// Serves `registrar` with the standard configuration on a random loopback port.
pub async fn spawn(registrar: Arc<Registrar>) -> SocketAddr {
    spawn_with(registrar, ServerConfig::standard()).await
}

/// Serves `registrar` with `config` on a random loopback port.
pub async fn spawn_with(registrar: Arc<Registrar>, config: ServerConfig) -> SocketAddr {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(ashyq_server::serve_with(
        registrar,
        "127.0.0.1:0".parse().unwrap(),
        config,
        move |a| {
            let _ = tx.send(a);
        },
    ));
    rx.await.unwrap()
}

/// The kz territory and kz-2026 defined in `registrar`, no protocol yet; returns the
/// territory and the scenario's protocols drawn with `seed` (whose totals are the official
/// figures).
pub async fn kz_2026(registrar: &Registrar, seed: u64) -> (Territory, Vec<PrecinctProtocol>) {
    let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
    let protocols = scenario::referendum_2026(&territory, seed).unwrap();
    registrar.load_territory(territory.clone()).await.unwrap();
    registrar
        .create_referendum(presets::kz_2026())
        .await
        .unwrap();
    (territory, protocols)
}

/// The 2022 presidential scenario through the submission path: the kz territory, the round
/// `president-2022` called, its six candidates nominated and registered, every precinct's
/// protocol in (the CEC final figures of 22 November 2022). Returns the territory.
pub async fn kz_2022_presidential(registrar: &Registrar) -> Territory {
    kz_2022_presidential_without(registrar, &[]).await.0
}

/// The same, with the precincts `held` left unreported: their protocols are returned, for a
/// test to send them another way (signed, or through the portal's form).
pub async fn kz_2022_presidential_without(
    registrar: &Registrar,
    held: &[u32],
) -> (Territory, Vec<ashyq_core::president::PresidentialProtocol>) {
    let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
    registrar.load_territory(territory.clone()).await.unwrap();
    let id = ContestId("president-2022".into());
    let key = DigestKey::from_bytes(&[4; 32]).unwrap();
    let sc = ashyq_core::president::scenario::kz_2022(
        &territory,
        &id,
        &TieSeed::new("seed").unwrap(),
        &key,
        1,
    )
    .unwrap();
    let op = Author {
        name: "CEC operator".into(),
        role: "central commission operator".into(),
    };
    registrar
        .record(|l| l.call_presidential(sc.definition.clone()))
        .await
        .unwrap();
    for c in &sc.candidates {
        registrar
            .record(|l| l.nominate_candidate(&id, c.nomination.clone(), op.clone()))
            .await
            .unwrap();
        registrar
            .record(|l| {
                l.register_candidate(&id, &c.nomination.name, c.signatures.clone(), op.clone())
            })
            .await
            .unwrap();
    }
    let (kept, sent): (Vec<_>, Vec<_>) = sc
        .protocols
        .into_iter()
        .partition(|p| held.contains(&p.precinct.0));
    for chunk in sent.chunks(1_000) {
        for r in registrar.submit_presidential(chunk).await.unwrap() {
            r.unwrap();
        }
    }
    (territory, kept)
}

/// Operator accounts with their roles, all with `password`.
pub async fn operators(registrar: &Registrar, password: &str, accounts: &[(&str, Role)]) {
    let mut rng = rand_chacha::ChaCha20Rng::from_seed([5; 32]);
    for (name, role) in accounts {
        let hash = hash_password(password, &mut rng).unwrap();
        registrar
            .store()
            .create_operator(name, role, &hash, "2026-03-01T00:00:00Z")
            .await
            .unwrap();
    }
}

/// The 2026 territory and the referendum defined, no protocol yet; returns the scenario's
/// protocols (whose totals are the official figures).
pub async fn referendum() -> (Server, Vec<PrecinctProtocol>) {
    referendum_on(TestDb::sqlite()).await
}

/// The same on `db` (either backend).
pub async fn referendum_on(db: TestDb) -> (Server, Vec<PrecinctProtocol>) {
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (_, protocols) = kz_2026(&registrar, 2026).await;
    let addr = spawn(registrar.clone()).await;
    (
        Server {
            base: format!("http://{addr}"),
            registrar,
            _db: db,
        },
        protocols,
    )
}

pub const ELECTION: &str = "kurultai-test";
const SEED: &str = "televised draw 2026-08-31: 07 19 23 41 44";

/// A smaller territory (3,020 precincts, 8.5 M voters) with the 2023 party-list votes counted and the seats
/// allocated (69 seats, as in 2023).
pub async fn election() -> Server {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let spec = TerritorySpec {
        domestic_precincts: 3_000,
        abroad_precincts: 20,
        abroad_countries: 10,
        registered_voters: 8_500_000,
        ..TerritorySpec::default()
    };
    let territory: Territory = generate(&profile::kz(), &spec).unwrap();
    registrar.load_territory(territory.clone()).await.unwrap();
    let id = ContestId(ELECTION.into());
    let rules = registrar.ledger().party_rules();
    let sc =
        election::scenario::kurultai_2023_votes(&territory, &id, rules.min_members.max(1), 45, 7)
            .unwrap();
    let key = DigestKey::from_bytes(&[9; 32]).unwrap();
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    for app in &sc.applications {
        registrar
            .record(|l| {
                let p =
                    check_application(app, l.parties(), &l.party_rules(), date(2026, 6, 1), &key)?;
                l.register_party(p)
            })
            .await
            .unwrap();
    }
    let mut def = election::ElectionDefinition::kurultai(
        id.clone(),
        date(2026, 8, 30),
        date(2026, 8, 20),
        &TieSeed::new(SEED).unwrap(),
    );
    def.rules.seats = election::scenario::KZ_2023_LIST_SEATS;
    registrar
        .record(|l| l.create_election(def.clone()))
        .await
        .unwrap();
    for list in &sc.lists {
        registrar
            .record(|l| {
                let e = l.election(&id)?;
                let checked = check_list(
                    list,
                    &e.lists,
                    &e.definition.list_rules,
                    date(2026, 8, 30),
                    &key,
                )?;
                l.register_list(&id, checked)
            })
            .await
            .unwrap();
    }
    for p in sc.protocols {
        registrar.submit_party_list(p).await.unwrap();
    }
    let author = Author {
        name: "A. Operator".into(),
        role: "central commission operator".into(),
    };
    registrar
        .record(|l| l.allocate_seats(&id, TieSeed::new(SEED).unwrap(), author.clone()))
        .await
        .unwrap();
    let addr = spawn(registrar.clone()).await;
    Server {
        base: format!("http://{addr}"),
        registrar,
        _db: db,
    }
}

/// Registers `key` as its commission's signing key from `valid_from`, as the CEC would.
#[allow(dead_code)]
pub async fn register_key(
    registrar: &Registrar,
    key: &ashyq_core::keys::CommissionSigningKey,
    valid_from: &str,
) {
    use ashyq_core::keys::{Commission, KeyEvent, KeyRegistered};
    registrar
        .manage_key(KeyEvent::KeyRegistered(KeyRegistered {
            commission: key.commission().clone(),
            public_key: key.public(),
            valid_from: valid_from.parse().unwrap(),
            by: Commission::Central,
            author: Author {
                name: "cec".into(),
                role: "central operator".into(),
            },
        }))
        .await
        .unwrap();
}
