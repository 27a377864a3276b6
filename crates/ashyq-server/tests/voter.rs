//! `/voter`: the precinct search for anyone, and a signed-in voter's own entry on the
//! register — on SQLite and PostgreSQL, through the development provider's sign-in as a
//! browser would go through it.

mod common;

use std::sync::Arc;

use ashyq_core::iin::{DigestKey, PreparedDigestKey};
use ashyq_core::register::eligibility::{IneligibleReason, eligibility};
use ashyq_core::register::generate::Population;
use ashyq_core::register::{StoredVoter, Voter, VoterStatus};
use ashyq_core::territory::Territory;
use ashyq_server::ServerConfig;
use ashyq_server::consult::{ConsultConfig, ConsultService};
use ashyq_server::dev_idp::{DevIdp, DevVoter};
use ashyq_store::register::{Operator, RegisterEvent};
use ashyq_store::registrar::Registrar;
use ashyq_store::secretariat::Secretariat;
use ashyq_store::testing::{self, TestDb};
use chrono::NaiveDate;
use common::consult::Client;

const KEY: [u8; 32] = [0x42; 32];

struct World {
    base: String,
    registrar: Arc<Registrar>,
    territory: Territory,
    /// The test voters: who may vote, who holds a certificate, who is too young.
    voters: Vec<Voter>,
    _db: TestDb,
}

fn voting_day() -> NaiveDate {
    ashyq_core::referendum::presets::kz_2026().voting_day
}

/// A server with the kz territory, kz-2026, a register of 3,000 synthetic people and the
/// development provider offering three of them as test voters.
async fn world(db: TestDb) -> World {
    world_with(db, true).await
}

/// The same world; without `register`, the register is never loaded (the test voters still
/// sign in through the provider).
async fn world_with(db: TestDb, register: bool) -> World {
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (territory, _) = common::kz_2026(&registrar, 7).await;
    let day = voting_day();
    let people: Vec<Voter> = Population::new(&territory, 3_000, 11, day).collect();
    let ok = |v: &&Voter| eligibility(&VoterStatus::from(*v), day).is_empty();
    let mut eligible = people.iter().filter(ok);
    let may_vote = eligible.next().unwrap().clone();
    let absentee = eligible.next().unwrap().clone();
    let underage = people
        .iter()
        .find(|v| eligibility(&VoterStatus::from(*v), day).contains(&IneligibleReason::Underage))
        .expect("3,000 people hold someone under 18")
        .clone();
    let key = DigestKey::from_bytes(&KEY).unwrap();
    let prepared = PreparedDigestKey::new(&key);
    let store = registrar.store();
    if register {
        load_register(store, &territory, &prepared, people, &absentee).await;
    }
    let voters = vec![may_vote, absentee, underage];
    let dev_voters = voters
        .iter()
        .enumerate()
        .map(|(i, v)| DevVoter::new(i + 1, v.precinct.0, v.iin))
        .collect();
    let dev_idp = Arc::new(DevIdp::new().unwrap().with_voters(dev_voters));
    let secretariat = Arc::new(Secretariat::open(store.clone()).await.unwrap());
    let service = Arc::new(
        ConsultService::new(
            secretariat,
            ConsultConfig {
                digest_key: key,
                identity_provider: Some(dev_idp.provider()),
                moderators: Vec::new(),
                public_url: None,
            },
        )
        .unwrap(),
    );
    let config = ServerConfig {
        rate_limit: None,
        consult: Some(service),
        dev_idp: Some(dev_idp),
        ..ServerConfig::default()
    };
    let addr = common::spawn_with(registrar.clone(), config).await;
    World {
        base: format!("http://{addr}"),
        registrar,
        territory,
        voters,
        _db: db,
    }
}

/// Whether `text` holds 12 digits in a row (an IIN in clear, or anything like one).
/// Imports `people` into the register and issues `absentee` a certificate for kz-2026.
async fn load_register(
    store: &ashyq_store::Store,
    territory: &Territory,
    prepared: &PreparedDigestKey,
    people: Vec<Voter>,
    absentee: &Voter,
) {
    let day = voting_day();
    store
        .import_register(
            people
                .into_iter()
                .map(|v| StoredVoter::new(v, prepared))
                .collect(),
        )
        .await
        .unwrap();
    let at = day.pred_opt().unwrap().and_hms_opt(9, 0, 0).unwrap();
    store
        .issue_certificate(
            &RegisterEvent {
                id: "kz-2026",
                voting_day: day,
            },
            territory,
            &prepared.digest(&absentee.iin),
            absentee.precinct,
            None,
            None,
            at,
            &Operator {
                name: "test commission",
                at: "2026-03-14T04:00:00Z",
            },
        )
        .await
        .unwrap()
        .unwrap();
}

fn has_twelve_digits(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 12 {
            return true;
        }
    }
    false
}

/// The page shows none of the test voters' IINs (in clear, masked or as the register's
/// digest) nor their names. (Random tokens in forms may well hold 12 digits in a row, so the
/// check is by person.)
fn no_personal_data(w: &World, page: &str) {
    let key = PreparedDigestKey::new(&DigestKey::from_bytes(&KEY).unwrap());
    for v in &w.voters {
        assert!(!page.contains(&v.iin.expose()));
        assert!(!page.contains(key.digest(&v.iin).as_str()));
        assert!(!page.contains(&v.iin.masked()), "a masked IIN on the page");
        assert!(
            !page.contains(&v.name_ru) && !page.contains(&v.name_kk),
            "a name on the page"
        );
    }
}

#[tokio::test]
async fn anyone_finds_a_precinct_by_number_address_or_place() {
    for db in testing::backends() {
        let backend = db.backend();
        let w = world(db).await;
        let mut c = Client::new(&w.base);
        let p = &w.territory.precincts[2_000];
        let page = c.get(&format!("/voter?lang=en&q={}", p.id.0)).await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        assert_eq!(page.cache_control, "no-store");
        assert!(
            page.body
                .contains(&format!("/r/kz-2026/precinct/{}\"", p.id.0)),
            "{backend}: the precinct and its link"
        );
        // An address with its district, in Russian.
        let index = ashyq_core::territory::TerritoryIndex::new(&w.territory).unwrap();
        let district = &w.territory.districts[index.placement(p.id).unwrap().district];
        let q = format!("{} {}", p.name, district.names.ru);
        let url = format!("/voter?lang=ru&q={}", urlencoding(&q));
        let page = c.get(&url).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Найти участок по адресу или месту"));
        assert!(
            page.body.contains(&format!("/precinct/{}\"", p.id.0)),
            "{q}"
        );
        // Nothing found, and nothing to search for, each said plainly.
        let none = c.get("/voter?lang=en&q=zzqqxx+nowhere").await;
        assert_eq!(none.status, 200);
        assert!(none.body.contains("No precinct matches every word"));
        let empty = c.get("/voter?lang=en&q=+").await;
        assert!(
            empty
                .body
                .contains("Type an address, a place or a precinct number")
        );
        // Signed out: the way to sign in, back to this page.
        assert!(none.body.contains("href=\"/consult/signin?return=/voter\""));
        no_personal_data(&w, &none.body);
    }
}

#[tokio::test]
async fn a_signed_in_voter_sees_their_own_entry_and_nobody_elses() {
    for db in testing::backends() {
        let backend = db.backend();
        let w = world(db).await;
        // The provider's chooser names test voters by handle, never by IIN.
        let mut c = Client::new(&w.base);
        let start = c.get("/consult/signin?return=/voter").await;
        let chooser = c.get(start.location.as_deref().unwrap()).await;
        assert!(chooser.body.contains("dev-voter-1"));
        no_personal_data(&w, &chooser.body);

        for (n, voter) in w.voters.iter().enumerate() {
            let mut c = Client::new(&w.base);
            let back = c.sign_in(&format!("dev-voter-{}", n + 1), "/voter").await;
            assert_eq!(back.status, 303, "{backend}: {}", back.body);
            assert_eq!(back.location.as_deref(), Some("/voter"));
            let page = c.get("/voter?lang=en").await;
            assert_eq!(page.status, 200, "{backend}: {}", page.body);
            assert_eq!(page.cache_control, "no-store");
            let precinct = format!("/r/kz-2026/precinct/{}\"", voter.precinct.0);
            assert!(
                page.body.contains(&precinct),
                "{backend}: voter {n}'s precinct"
            );
            assert!(page.body.contains("15 March 2026, 07:00–20:00 local time"));
            match n {
                0 => {
                    assert!(page.body.contains("Yes: you may vote there."));
                    assert!(page.body.contains("None issued to you."));
                    assert!(page.body.contains("apply in writing"));
                }
                1 => assert!(
                    page.body
                        .contains("Certificate No. 00001 for kz-2026 was issued to you (valid)"),
                    "{backend}: {}",
                    page.body
                ),
                _ => {
                    assert!(
                        page.body
                            .contains("You are on the register but may not vote")
                    );
                    assert!(page.body.contains("you are under 18 on voting day"));
                }
            }
            no_personal_data(&w, &page.body);
        }

        // A test citizen whose subject is no IIN is told so, and sees no entry.
        let mut c = Client::new(&w.base);
        c.sign_in("dev-citizen-a", "/voter").await;
        let page = c.get("/voter?lang=en").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("did not vouch for your IIN"),
            "{backend}"
        );

        // Every own-entry look-up is in the register's audit trail, by pseudonym and digest.
        let trail = w.registrar.store().audit_trail().await.unwrap();
        let lookups: Vec<_> = trail
            .iter()
            .filter(|e| e.action == "lookup" && e.operator.starts_with("citizen:"))
            .collect();
        assert_eq!(lookups.len(), 3, "{backend}: one per voter's page view");
        let key = PreparedDigestKey::new(&DigestKey::from_bytes(&KEY).unwrap());
        for (e, v) in lookups.iter().zip(&w.voters) {
            assert_eq!(e.subject, key.digest(&v.iin).as_str());
        }
        for e in &trail {
            let digest = ashyq_core::iin::IinDigest::try_from(e.subject.clone()).is_ok();
            assert!(digest || !has_twelve_digits(&e.subject), "{}", e.subject);
            assert!(!has_twelve_digits(&e.operator));
        }
    }
}

#[tokio::test]
async fn without_a_register_or_a_sign_in_the_page_says_so_and_still_searches() {
    // A signed-in voter on a server that holds no register: told so, nothing looked up.
    let w = world_with(TestDb::sqlite(), false).await;
    let mut c = Client::new(&w.base);
    c.sign_in("dev-voter-1", "/voter").await;
    let page = c.get("/voter?lang=en").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("This server holds no voter register"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("you may vote there"));
    no_personal_data(&w, &page.body);
    let trail = w.registrar.store().audit_trail().await.unwrap();
    assert!(
        trail.iter().all(|e| e.action != "lookup"),
        "nothing looked up"
    );

    // A server with no sign-in at all: it says so, and the search answers.
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (territory, _) = common::kz_2026(&registrar, 7).await;
    let config = ServerConfig {
        rate_limit: None,
        ..ServerConfig::default()
    };
    let addr = common::spawn_with(registrar, config).await;
    let precinct = &territory.precincts[0];
    let page = reqwest::get(format!("http://{addr}/voter?lang=en&q={}", precinct.id.0))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("This server offers no sign-in"), "{body}");
    assert!(
        body.contains(&format!("/r/kz-2026/precinct/{}\"", precinct.id.0)),
        "{body}"
    );
}

#[tokio::test]
async fn own_entry_lookups_are_limited_per_citizen() {
    let w = world(TestDb::sqlite()).await;
    let mut c = Client::new(&w.base);
    c.sign_in("dev-voter-1", "/voter").await;
    let limit = ashyq_server::web::voter::LOOKUPS_PER_HOUR;
    for i in 0..limit {
        let page = c.get("/voter?lang=en").await;
        assert_eq!(page.status, 200, "look-up {i}");
    }
    let page = c.get("/voter?lang=en").await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert!(page.body.contains("more than 30 times in the last hour"));
    // The search still answers, and the refusal looked nothing up.
    assert!(page.body.contains("Find a precinct by address or place"));
    let trail = w.registrar.store().audit_trail().await.unwrap();
    let n = trail
        .iter()
        .filter(|e| e.action == "lookup" && e.operator.starts_with("citizen:"))
        .count();
    assert_eq!(n as u64, limit);
}

fn urlencoding(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[path = "common/browser.rs"]
mod kit;

/// The page in real Chromium, in each language, signed out with a search, then signed in as
/// a test voter through the development provider: axe-core finds no serious or critical
/// violation, and at 360 px nothing scrolls sideways. Screenshots: `voter-*.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_the_voter_page_is_accessible_signed_out_and_in() {
    use kit::*;
    let Some(tools) = tools() else { return };
    let w = world(TestDb::sqlite()).await;
    let base = w.base.clone();
    let driver = start_driver(&tools.chromedriver);
    let c = browser(&tools, &driver).await;
    for (lang, h1) in [
        ("kk", "Менің учаскем"),
        ("ru", "Мой участок"),
        ("en", "My precinct"),
    ] {
        c.goto(&format!("{base}/voter?lang={lang}&q=School+No.+1"))
            .await
            .unwrap();
        assert_eq!(text_of(&c, "h1").await, h1);
        screenshot(&c, &format!("voter-search-{lang}")).await;
        axe(&c, &tools, &format!("voter search ({lang})")).await;
    }
    // Sign in from the page's own button, as the first test voter.
    c.goto(&format!("{base}/voter?lang=en")).await.unwrap();
    click(&c, "section.own a.button").await;
    wait_for(&c, "h1", "Development sign-in", 10).await;
    axe(&c, &tools, "development provider with test voters").await;
    click(&c, "input[id='dev-voter-1']").await;
    click(&c, "form.stack button[type=submit]").await;
    let own = wait_for(&c, "section.own", "Yes: you may vote there.", 10).await;
    assert!(
        own.contains(&format!("№ {}", w.voters[0].precinct.0)),
        "{own}"
    );
    screenshot(&c, "voter-own-en").await;
    axe(&c, &tools, "voter's own entry").await;
    fits_360(
        &c,
        &base,
        &[
            ("/voter?lang=kk", "voter-own-kk-360"),
            ("/voter?lang=ru&q=School", "voter-search-ru-360"),
        ],
    )
    .await;
}
