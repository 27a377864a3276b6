//! A presidential round's protocols arriving the two ways the referendum's do, against the
//! real server on SQLite and PostgreSQL: signed by the precinct commission and sent to
//! `POST /api/v1/elections/{id}/protocols` (accepted once, the same receipt again, a conflict
//! held for review, every bad document refused with nothing recorded, each answer checked
//! against the OpenAPI document), and typed from the paper protocol into the portal's entry
//! form (`/portal/p/{id}/enter`: one line per candidate, the control ratios checked, the
//! operator's territory enforced, the entry attributed in the log). The log then verifies
//! offline, signatures checked again from it alone.

use std::sync::Arc;

use ashyq_core::keys::{Commission, CommissionSigningKey};
use ashyq_core::operator::{Role, TerritorialScope};
use ashyq_core::president::PresidentialProtocol;
use ashyq_core::signed::SignedPresidentialProtocol;
use ashyq_core::territory::{PrecinctId, Territory};
use ashyq_core::transparency::SignedReceipt;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;

mod common;

#[path = "common/browser.rs"]
mod kit;

#[path = "common/contract.rs"]
mod contract;

use common::portal::{Browser, PASSWORD};
use contract::Contract;

const ID: &str = "president-2022";
/// The precincts the scenario leaves unreported.
const HELD: [u32; 4] = [1, 2, 3, 10_459];

/// After the polls of 20 November 2022 closed (20:00 at UTC+5).
fn after_close() -> DateTime<Utc> {
    "2022-11-20T16:30:00Z".parse().unwrap()
}

fn region_of(t: &Territory, precinct: u32) -> ashyq_core::territory::RegionCode {
    let p = t.precincts.iter().find(|p| p.id.0 == precinct).unwrap();
    let d = t.districts.iter().find(|d| d.id == p.district).unwrap();
    d.region.clone()
}

/// The precinct's key, registered by the CEC from before election day.
async fn precinct_key(registrar: &Registrar, precinct: u32) -> CommissionSigningKey {
    let k = CommissionSigningKey::from_seed(
        Commission::Precinct(PrecinctId(precinct)),
        &[precinct as u8 + 40; 32],
    );
    common::register_key(registrar, &k, "2022-01-01T00:00:00Z").await;
    k
}

/// The entry form's fields for a protocol: lines 1–8, `candidate_k`, against all, invalid.
fn form_fields(p: &PresidentialProtocol) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = p
        .ballots
        .named()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    for (k, v) in p.votes.iter().enumerate() {
        f.push((format!("candidate_{}", k + 1), v.votes.to_string()));
    }
    f.push(("against_all".into(), p.against_all.to_string()));
    f.push(("invalid".into(), p.invalid.to_string()));
    f
}

/// Records the numbers `fields` for `precinct` through the entry form at `path`.
async fn post_entry(
    b: &mut Browser,
    path: &str,
    token: &str,
    precinct: &str,
    fields: &[(String, String)],
) -> common::portal::Answer {
    let mut form: Vec<(&str, &str)> = vec![
        ("form_token", token),
        ("precinct", precinct),
        ("step", "record"),
    ];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    b.post(path, &form).await
}

fn applied_hash(registrar: &Registrar, precinct: u32) -> Option<String> {
    registrar
        .ledger()
        .presidential_applied(
            &ashyq_core::contest::ContestId(ID.into()),
            PrecinctId(precinct),
        )
        .unwrap()
        .map(|a| a.protocol_hash.clone())
}

/// The 2022 round with the precincts of [`HELD`] unreported, a territorial operator
/// `region-op` for precinct 1's region, and precinct 1's key registered.
struct World {
    registrar: Arc<Registrar>,
    held: Vec<PresidentialProtocol>,
    base: String,
    k1: CommissionSigningKey,
}

impl World {
    async fn new(db: &testing::TestDb) -> World {
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let (territory, held) = common::kz_2022_presidential_without(&registrar, &HELD).await;
        let inside = region_of(&territory, 1);
        assert_ne!(
            region_of(&territory, 10_459),
            inside,
            "one precinct outside"
        );
        common::operators(
            &registrar,
            PASSWORD,
            &[(
                "region-op",
                Role::TerritorialOperator {
                    scope: TerritorialScope::Region(inside),
                },
            )],
        )
        .await;
        let k1 = precinct_key(&registrar, 1).await;
        let addr = common::portal::spawn(registrar.clone()).await;
        World {
            registrar,
            held,
            base: format!("http://{addr}"),
            k1,
        }
    }

    fn protocol(&self, precinct: u32) -> PresidentialProtocol {
        self.held
            .iter()
            .find(|p| p.precinct.0 == precinct)
            .unwrap()
            .clone()
    }
}

#[tokio::test]
async fn presidential_protocols_arrive_signed_or_entered_in_the_portal_by_the_same_rules() {
    for db in testing::backends() {
        let w = World::new(&db).await;
        let (registrar, base, k1) = (&w.registrar, &w.base, &w.k1);
        let protocol = |n: u32| w.protocol(n);
        let mut contract = Contract::of(base).await;
        let http = reqwest::Client::new();
        let path = format!("/api/v1/elections/{ID}/protocols");
        let head = || registrar.ledger().head().map(|(s, _)| s);

        // A signed protocol: 200 with the log's signed receipt, naming the document.
        let p1 = protocol(1);
        let doc = SignedPresidentialProtocol::sign(&p1, 1, after_close(), k1).unwrap();
        let hash = doc
            .verify_with(&k1.public())
            .unwrap()
            .document_hash()
            .to_owned();
        let text = serde_json::to_string(&doc).unwrap();
        let post = |body: String| {
            http.post(format!("{base}{path}"))
                .header("content-type", "application/json")
                .body(body)
        };
        let (status, body) = contract.send("post", &path, post(text.clone())).await;
        assert_eq!(status, 200, "{body}");
        let receipt = SignedReceipt::parse(&body).unwrap();
        assert_eq!(receipt.receipt.precinct, PrecinctId(1));
        assert_eq!(
            receipt.receipt.document_hash.as_deref(),
            Some(hash.as_str())
        );
        assert_eq!(applied_hash(registrar, 1), Some(p1.content_hash()));
        // The same document again: the same receipt, nothing new in the log.
        let before = head();
        let (status, again) = contract.send("post", &path, post(text.clone())).await;
        assert_eq!((status, &again), (200, &body));
        assert_eq!(head(), before);
        // The precinct's page says who signed.
        let page = reqwest::get(format!("{base}/p/{ID}/precinct/1?lang=en"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Signed by the precinct commission, version 1"),
            "{page}"
        );
        assert!(page.contains(&k1.key_id().0));

        // Other numbers, version 2: held for review (409 carrying the receipt).
        let mut moved = p1.clone();
        moved.votes[0].votes -= 3;
        moved.votes[1].votes += 3;
        let v2 = SignedPresidentialProtocol::sign(&moved, 2, after_close(), k1).unwrap();
        let (status, body) = contract
            .send("post", &path, post(serde_json::to_string(&v2).unwrap()))
            .await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("recorded for review"), "{body}");
        assert_eq!(applied_hash(registrar, 1), Some(p1.content_hash()));

        // Bad documents: each refused with its reason, nothing recorded.
        let before = head();
        let mut forged = doc.clone();
        forged.statement.protocol.votes[0].votes += 1;
        let (status, body) = contract
            .send("post", &path, post(serde_json::to_string(&forged).unwrap()))
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("signature does not match"), "{body}");
        let other_round = "/api/v1/elections/president-2029/protocols";
        let (status, body) = contract
            .send(
                "post",
                other_round,
                http.post(format!("{base}{other_round}"))
                    .header("content-type", "application/json")
                    .body(text.clone()),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains(&format!("send it to /api/v1/elections/{ID}/protocols")));
        // A precinct whose key is not registered; a referendum's document; not JSON.
        let k2 = CommissionSigningKey::from_seed(Commission::Precinct(PrecinctId(2)), &[9; 32]);
        let stray = SignedPresidentialProtocol::sign(&protocol(2), 1, after_close(), &k2).unwrap();
        let (status, body) = contract
            .send("post", &path, post(serde_json::to_string(&stray).unwrap()))
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = contract
            .send("post", &path, post("{\"statement\": {}}".into()))
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(head(), before, "nothing recorded");

        // The portal: the round is listed, its form has a line per candidate.
        let mut op = Browser::new(base);
        op.sign_in("region-op").await;
        let home = op.get("/portal").await;
        assert!(
            home.body.contains(&format!("/portal/p/{ID}/enter")),
            "{}",
            home.body
        );
        let enter = format!("/portal/p/{ID}/enter");
        let page = op.get(&enter).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("9. Votes for"), "{}", page.body);
        assert!(page.body.contains("16. Invalid ballots"));
        assert!(page.body.contains("The 16 lines of the protocol"));
        for c in &p1.votes {
            assert!(page.body.contains(&format!("Votes for {}", c.candidate)));
        }
        let token = common::portal::token_in(&page.body);
        let p2 = protocol(2);
        let fields = form_fields(&p2);
        // A candidate's line that breaks the count: explained, nothing recorded.
        let mut bad = fields.clone();
        let i = bad.iter().position(|(k, _)| k == "candidate_1").unwrap();
        bad[i].1 = (p2.votes[0].votes + 1).to_string();
        let a = post_entry(&mut op, &enter, &token, "2", &bad).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
        assert!(a.body.contains("KR-4"), "{}", a.body);
        assert_eq!(applied_hash(registrar, 2), None);
        // The check alone, as the script asks for it.
        let mut q = format!("{enter}/check?precinct=2");
        for (k, v) in &fields {
            q.push_str(&format!("&{k}={v}"));
        }
        let a = op.get(&q).await;
        assert!(a.body.contains("Every control ratio holds."), "{}", a.body);
        assert!(a.body.contains("has not reported yet"));
        // Recorded as the operator's entry; the precinct page names the operator.
        let a = post_entry(&mut op, &enter, &token, "2", &fields).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let landed = op.get(a.location.as_deref().unwrap()).await;
        assert!(
            landed
                .body
                .contains("The protocol of precinct 2 is recorded as your entry"),
            "{}",
            landed.body
        );
        assert_eq!(applied_hash(registrar, 2), Some(p2.content_hash()));
        {
            let l = registrar.ledger();
            let round = l
                .presidential(&ashyq_core::contest::ContestId(ID.into()))
                .unwrap();
            let h = round.book().history(PrecinctId(2));
            assert_eq!(h[0].entered_by.as_ref().unwrap().name, "region-op");
        }
        let page = reqwest::get(format!("{base}/p/{ID}/precinct/2?lang=en"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Entered from the paper protocol by operator region-op"));
        // Outside the operator's territory: refused, nothing recorded.
        let far = protocol(10_459);
        let a = post_entry(&mut op, &enter, &token, "10459", &form_fields(&far)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        assert_eq!(applied_hash(registrar, 10_459), None);
        // A round that does not exist.
        let a = op.get("/portal/p/president-2099/enter").await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);

        // The whole log verifies offline, both signatures checked again from it alone.
        let log = reqwest::get(format!("{base}/api/v1/log"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let report = ashyq_core::verify::verify_log(&log).unwrap();
        assert_eq!(Some(report.entries), head());
        assert!(
            contract.checked >= 6,
            "answers checked: {}",
            contract.checked
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_presidential_protocol_is_entered_with_the_live_check_accessibly() {
    let Some(tools) = kit::tools() else { return };
    let db = testing::TestDb::sqlite();
    let w = World::new(&db).await;
    let entered = w.protocol(3);
    let driver = kit::start_driver(&tools.chromedriver);
    let c = kit::browser(&tools, &driver).await;
    c.goto(&format!("{}/portal/sign-in?lang=en", w.base))
        .await
        .unwrap();
    kit::type_into(&c, "input[name=name]", "region-op").await;
    kit::type_into(&c, "input[name=password]", PASSWORD).await;
    kit::click(&c, "form[action='/portal/sign-in'] button").await;
    kit::wait_for(&c, "h1", "Commission portal", 10).await;
    kit::click(&c, &format!("a[href='/portal/p/{ID}/enter']")).await;
    kit::wait_for(&c, "h1", "Enter a protocol", 10).await;
    kit::axe(&c, &tools, "presidential entry form").await;
    // Typed with one candidate's line off by 5: the live check names KR-4.
    kit::type_into(&c, "#precinct", "3").await;
    for (i, (name, value)) in form_fields(&entered).into_iter().enumerate() {
        let v = if i == 8 {
            (value.parse::<u64>().unwrap() + 5).to_string()
        } else {
            value
        };
        kit::type_into(&c, &format!("#{name}"), &v).await;
    }
    kit::wait_for(&c, "#check", "KR-4", 10).await;
    kit::screenshot(&c, "portal-president-enter-broken").await;
    kit::axe(&c, &tools, "presidential entry form with a broken ratio").await;
    kit::type_into(&c, "#candidate_1", &entered.votes[0].votes.to_string()).await;
    kit::wait_for(&c, "#check", "Every control ratio holds", 10).await;
    kit::click(&c, "button[value=record]").await;
    kit::wait_for(&c, ".note", "is recorded as your entry", 10).await;
    kit::screenshot(&c, "portal-president-entered").await;
    kit::axe(&c, &tools, "presidential entry recorded").await;
    assert_eq!(applied_hash(&w.registrar, 3), Some(entered.content_hash()));
    c.close().await.unwrap();
}
