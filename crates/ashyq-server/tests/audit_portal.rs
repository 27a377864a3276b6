//! The audit boards' entry in the portal (`/portal/audits`), in a browser without JavaScript:
//! a board sees the sampled precincts of its region only; two members enter blind — the second
//! sees that the first entered, not what — and a disagreement is shown to both; when they
//! agree the item is agreed in the log, entered through the one write path in each member's
//! name. Each refusal — the same entry twice, a board outside the item's territory, an item
//! not sampled, a count larger than the ballots found, a field that is not a number, a form
//! without its token — is shown with its reason and records nothing. Observers read only.

use std::sync::Arc;

use ashyq_core::audit::RiskLimit;
use ashyq_core::audit::record::AuditMethod;
use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::operator::Role;
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::territory::RegionCode;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;
use reqwest::StatusCode;

mod common;

use common::portal::{Browser, PASSWORD, token_in};

struct Audited {
    base: String,
    registrar: Arc<Registrar>,
    protocols: Vec<PrecinctProtocol>,
    /// The board's region and a sampled precinct there.
    region: String,
    item: String,
    /// A sampled precinct of another region.
    elsewhere: String,
}

async fn audited(db: &TestDb) -> Audited {
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (territory, protocols) = common::kz_2026(&registrar, 2026).await;
    registrar.submit_batch(protocols.clone()).await.unwrap();
    let rid = ContestId("kz-2026".into());
    let cec = Author {
        name: "CEC secretary".into(),
        role: "central commission".into(),
    };
    registrar.certify(&rid, cec.clone()).await.unwrap();
    registrar
        .record(|l| {
            l.define_audit(
                "rla",
                &rid,
                RiskLimit::default(),
                AuditMethod::BatchComparison,
                cec.clone(),
            )
        })
        .await
        .unwrap();
    registrar
        .record(|l| l.record_audit_seed("rla", "01382438112797316654", cec.clone()))
        .await
        .unwrap();
    registrar
        .record(|l| l.draw_audit_round("rla", &Default::default(), cec.clone()))
        .await
        .unwrap();
    let report = registrar.ledger().audit_report("rla").unwrap();
    let first = report
        .items
        .iter()
        .find(|i| i.region != "ABROAD")
        .unwrap()
        .clone();
    let elsewhere = report
        .items
        .iter()
        .find(|i| i.region != first.region)
        .unwrap()
        .item
        .clone();
    let board = |r: &str| Role::AuditBoard {
        region: RegionCode(r.to_owned()),
    };
    let other = territory
        .regions
        .iter()
        .find(|r| r.code.0 != first.region)
        .unwrap()
        .code
        .0
        .clone();
    common::operators(
        &registrar,
        PASSWORD,
        &[
            ("board-a", board(&first.region)),
            ("board-b", board(&first.region)),
            ("board-other", board(&other)),
            ("watcher", Role::Observer),
        ],
    )
    .await;
    let addr = common::portal::spawn(registrar.clone()).await;
    Audited {
        base: format!("http://{addr}"),
        registrar,
        protocols,
        region: first.region.clone(),
        item: first.item.clone(),
        elsewhere,
    }
}

fn count_form<'a>(token: &'a str, item: &'a str, c: &'a [String; 4]) -> Vec<(&'a str, &'a str)> {
    vec![
        ("form_token", token),
        ("item", item),
        ("yes", &c[0]),
        ("no", &c[1]),
        ("both_marked", &c[2]),
        ("invalid", &c[3]),
    ]
}

const PAGE: &str = "/portal/audits/rla";
const ENTER: &str = "/portal/audits/rla/enter";

#[tokio::test]
async fn two_board_members_enter_blind_see_their_disagreement_and_agree() {
    for db in ashyq_store::testing::backends() {
        portal_on(db).await;
    }
}

async fn portal_on(db: TestDb) {
    let w = audited(&db).await;
    let p = w
        .protocols
        .iter()
        .find(|p| p.precinct.0.to_string() == w.item)
        .unwrap();
    let l = &p.lines;
    let honest = [l.yes, l.no, l.both_marked, l.invalid].map(|n| n.to_string());
    let off = [l.yes - 1, l.no + 1, l.both_marked, l.invalid].map(|n| n.to_string());
    let head = || w.registrar.ledger().head().map(|h| h.0);

    // The board's first page leads to its audits; the audit lists its region's items only.
    let mut a = Browser::new(&w.base);
    a.sign_in("board-a").await;
    let home = a.get("/portal").await;
    assert!(
        home.body.contains("href=\"/portal/audits\""),
        "{}",
        home.body
    );
    let list = a.get("/portal/audits").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("href=\"/portal/audits/rla\""));
    assert!(list.body.contains("round 1:"), "{}", list.body);
    let page = a.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("id=\"item-{}\"", w.item)));
    assert!(
        !page.body.contains(&format!("id=\"item-{}\"", w.elsewhere)),
        "another region's item is not the board's"
    );
    let report = w.registrar.ledger().audit_report("rla").unwrap();
    let mine = report.items.iter().filter(|i| i.region == w.region).count();
    assert_eq!(
        page.body.matches("<article class=\"conflict\"").count(),
        mine
    );
    let token = token_in(&page.body);

    // Member A enters the honest count.
    let before = head();
    let done = a.submit(ENTER, &count_form(&token, &w.item, &honest)).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        done.body.contains("it waits for a second member"),
        "{}",
        done.body
    );
    assert!(done.body.contains(&format!("you: yes {}", grouped(l.yes))));
    assert_eq!(head(), before.map(|s| s + 1));

    // The same entry twice is refused, with the reason, and records nothing.
    let again = a.post(ENTER, &count_form(&token, &w.item, &honest)).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("Nothing was recorded"),
        "{}",
        again.body
    );
    assert!(again.body.contains("already entered"), "{}", again.body);
    // Not a number.
    let bad = ["12".to_owned(), "x".into(), "0".into(), "".into()];
    let not_number = a.post(ENTER, &count_form(&token, &w.item, &bad)).await;
    assert_eq!(not_number.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        not_number
            .body
            .contains("Enter whole numbers in: No, Invalid"),
        "{}",
        not_number.body
    );
    // More ballots than the boxes held.
    let found = l.ballots.ballots_found;
    let many = [(found + 1).to_string(), "0".into(), "0".into(), "0".into()];
    let too_many = a.post(ENTER, &count_form(&token, &w.item, &many)).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_many.body.contains("the protocol found"),
        "{}",
        too_many.body
    );
    // A precinct that is not in the sample.
    let unsampled = w
        .protocols
        .iter()
        .map(|p| p.precinct.0.to_string())
        .find(|n| report.item(n).is_none())
        .unwrap();
    let outside_sample = a
        .post(ENTER, &count_form(&token, &unsampled, &honest))
        .await;
    assert!(outside_sample.status.is_client_error());
    assert!(
        outside_sample.body.contains("not in the sample")
            || outside_sample.body.contains("outside"),
        "{}",
        outside_sample.body
    );
    // A form without its token.
    let mut no_token = count_form(&token, &w.item, &honest);
    no_token.remove(0);
    let refused = a.post(ENTER, &no_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        head(),
        before.map(|s| s + 1),
        "no refusal recorded anything"
    );

    // A board of another region: refused, nothing recorded.
    let mut other = Browser::new(&w.base);
    other.sign_in("board-other").await;
    let t = other.form_token("/portal/audits").await;
    let outside = other.post(ENTER, &count_form(&t, &w.item, &honest)).await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN, "{}", outside.body);
    assert!(outside.body.contains("Nothing was recorded"));
    assert_eq!(head(), before.map(|s| s + 1));

    // Member B sees that A entered, not what; B's count differs: both see both.
    let mut b = Browser::new(&w.base);
    b.sign_in("board-b").await;
    let page = b.get(PAGE).await;
    assert!(
        page.body
            .contains("board-a has entered (hidden until you enter too)")
    );
    assert!(
        !page
            .body
            .contains(&format!("board-a: yes {}", grouped(l.yes)))
    );
    let tb = token_in(&page.body);
    let disputed = b.submit(ENTER, &count_form(&tb, &w.item, &off)).await;
    assert!(
        disputed.body.contains("differs from another member"),
        "{}",
        disputed.body
    );
    assert!(
        disputed
            .body
            .contains(&format!("board-a: yes {}", grouped(l.yes)))
    );
    assert!(
        disputed.body.contains("The members’ entries differ")
            || disputed.body.contains("The members' entries differ")
    );
    let seen_by_a = a.get(PAGE).await;
    assert!(
        seen_by_a
            .body
            .contains(&format!("board-b: yes {}", grouped(l.yes - 1)))
    );
    assert!(seen_by_a.body.contains("entries differ"));
    // B counts again and agrees with A.
    let agreed = b.submit(ENTER, &count_form(&tb, &w.item, &honest)).await;
    assert!(agreed.body.contains("two members agree"), "{}", agreed.body);
    assert!(agreed.body.contains("Agreed: yes"));
    {
        let l2 = w.registrar.ledger();
        let audit = l2.audit("rla").unwrap();
        assert!(audit.agreed(&w.item).is_some());
        let names: Vec<&str> = audit.entries[&w.item]
            .iter()
            .map(|(a, _)| a.name.as_str())
            .collect();
        assert_eq!(names, ["board-a", "board-b", "board-b"]);
    }

    // An observer reads, with no form.
    let mut watcher = Browser::new(&w.base);
    watcher.sign_in("watcher").await;
    let page = watcher.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("this account reads only"));
    assert!(!page.body.contains("action=\"/portal/audits/rla/enter\""));

    // Without a session: to the sign-in page.
    let mut anon = Browser::new(&w.base);
    let to = anon.get(PAGE).await;
    assert_eq!(to.status, StatusCode::SEE_OTHER);
}

fn grouped(n: u64) -> String {
    common::portal::grouped(n as usize)
}
