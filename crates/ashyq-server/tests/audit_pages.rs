//! The public pages of risk-limiting audits (`/audits`): on the certified 2026 demo with an
//! audit whose first round is entered by two members — hand counts equal to the protocols,
//! except one precinct whose every ballot is a "no" on paper — the list, the audit and each
//! contest's page in kk, ru and en show the risk limit, the seed, the sample by round, each
//! member's entries, the discrepancy against the protocol line by line, the risk per round and
//! the conclusion, each as the report (the API's JSON) says; a second round with members who
//! disagree shows the disagreement; the CSV and JSON are linked; the navigation leads there;
//! unknown ids are not-found pages; and every page passes axe-core in Chromium.

use std::sync::Arc;

use ashyq_core::audit::record::{AuditEntry, AuditMethod};
use ashyq_core::audit::report::{AuditReport, Conclusion};
use ashyq_core::audit::{HandCount, RiskLimit};
use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;

mod common;

#[path = "common/browser.rs"]
mod kit;

const SEED: &str = "01382438112797316654";

fn member(name: &str) -> Author {
    Author {
        name: name.into(),
        role: "audit board".into(),
    }
}

fn count_of(p: &PrecinctProtocol) -> HandCount {
    HandCount {
        yes: p.lines.yes,
        no: p.lines.no,
        both_marked: p.lines.both_marked,
        invalid: p.lines.invalid,
    }
}

/// A served, certified kz-2026 with audit `rla` (batch comparison, 5%) whose first round is
/// entered by two members and measured; the precinct whose paper is all "no".
async fn audited(db: &TestDb) -> (String, Arc<Registrar>, Vec<PrecinctProtocol>, u32) {
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (_, protocols) = common::kz_2026(&registrar, 2026).await;
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
        .record(|l| l.record_audit_seed("rla", SEED, cec.clone()))
        .await
        .unwrap();
    registrar
        .record(|l| l.draw_audit_round("rla", &Default::default(), cec.clone()))
        .await
        .unwrap();
    let report = registrar.ledger().audit_report("rla").unwrap();
    // The falsified precinct: the first sampled one with a clear majority for yes.
    let protocol = |n: u32| protocols.iter().find(|p| p.precinct.0 == n).unwrap();
    // One drawn for its own region's contest (not only for the national one).
    let swapped = report
        .contests
        .iter()
        .filter(|c| c.contest != "national")
        .flat_map(|c| c.sample.iter())
        .filter_map(|s| s.item.parse::<u32>().ok())
        .find(|&n| {
            let l = &protocol(n).lines;
            l.yes > l.no + 50
        })
        .unwrap();
    for item in &report.items {
        let mut count = count_of(protocol(item.precinct));
        if item.precinct == swapped {
            count = all_no(protocol(item.precinct));
        }
        for m in ["A. Nurlanova", "B. Seitkali"] {
            registrar
                .enter_audit(
                    "rla",
                    &item.item,
                    AuditEntry::Precinct { count },
                    None,
                    member(m),
                )
                .await
                .unwrap();
        }
    }
    let addr = common::spawn(registrar.clone()).await;
    (format!("http://{addr}"), registrar, protocols, swapped)
}

/// The paper of the falsified precinct: every ballot found is a "no".
fn all_no(p: &PrecinctProtocol) -> HandCount {
    HandCount {
        yes: 0,
        no: p.lines.ballots.ballots_found,
        both_marked: 0,
        invalid: 0,
    }
}

async fn page(base: &str, path: &str) -> (u16, String) {
    let r = reqwest::get(format!("{base}{path}")).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A number as the English pages write it (1,234,567).
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the English page says of a conclusion.
fn conclusion_en(c: &Conclusion) -> String {
    match c {
        Conclusion::NotDrawn => "Not drawn yet".into(),
        Conclusion::RoundOpen { round } => format!("Round {round} is open for entries"),
        Conclusion::Confirmed => "Confirmed at risk ≤ 5%".into(),
        Conclusion::DrawMore { next } => format!("Escalate: draw {} more", group(*next)),
        Conclusion::Escalate => "Full hand count of the contest".into(),
    }
}

fn report(registrar: &Registrar) -> AuditReport {
    registrar.ledger().audit_report("rla").unwrap()
}

#[tokio::test]
async fn the_audit_its_contests_samples_entries_and_risks_are_pages_in_three_languages() {
    for db in ashyq_store::testing::backends() {
        pages_on(db).await;
    }
}

async fn pages_on(db: TestDb) {
    let (base, registrar, protocols, swapped) = audited(&db).await;
    let r = report(&registrar);
    assert_eq!(r.rounds_measured, 1, "the first round is measured");

    // The navigation leads to the list; the list to the audit.
    let (_, home) = page(&base, "/?lang=en").await;
    assert!(
        home.contains("<a href=\"/audits\">Audits</a>"),
        "{home:.2000}"
    );
    for (lang, title, link) in [
        ("en", "Risk-limiting audits", "Audit"),
        ("ru", "Аудиты с ограничением риска", "Аудит"),
        ("kk", "Тәуекелі шектелген аудиттер", "Аудит"),
    ] {
        let (status, html) = page(&base, &format!("/audits?lang={lang}")).await;
        assert_eq!(status, 200, "{lang}");
        assert!(html.contains(title), "{lang}");
        assert!(html.contains(link), "{lang}");
        assert!(html.contains("<a href=\"/audits/rla\">rla</a>"), "{lang}");
        assert!(html.contains("aria-current=\"page\">"), "{lang}");
    }

    // The audit: its seed, risk limit and every contest with its conclusion as reported.
    let confirmed = r
        .contests
        .iter()
        .filter(|c| c.conclusion == Conclusion::Confirmed)
        .count();
    assert!(confirmed > 0, "honest counts confirm contests");
    for lang in ["kk", "ru", "en"] {
        let (status, html) = page(&base, &format!("/audits/rla?lang={lang}")).await;
        assert_eq!(status, 200, "{lang}");
        assert!(
            html.contains(&format!("<code id=\"seed\">{SEED}</code>")),
            "{lang}"
        );
        assert_eq!(
            html.matches("<a href=\"/audits/rla/").count(),
            r.contests.len(),
            "{lang}: a row per contest"
        );
        assert!(
            html.contains("href=\"/api/v1/audits/rla/report.csv\""),
            "{lang}"
        );
        assert!(html.contains("href=\"/api/v1/audits/rla\""), "{lang}");
    }
    let (_, html) = page(&base, "/audits/rla?lang=en").await;
    assert_eq!(
        html.matches("Confirmed at risk ≤ 5%").count(),
        confirmed,
        "{html:.3000}"
    );

    // The swapped precinct's contest: not confirmed, its discrepancy line by line, both
    // members' entries, the risk of round 1 as the report gives it.
    let item = r.items.iter().find(|i| i.precinct == swapped).unwrap();
    let contest = r
        .contests
        .iter()
        .find(|c| c.contest == item.region)
        .unwrap();
    // A taint of 1 in the round: the contest draws more.
    assert!(
        matches!(contest.conclusion, Conclusion::DrawMore { .. }),
        "{:?}",
        contest.conclusion
    );
    let (status, html) = page(&base, &format!("/audits/rla/{}?lang=en", item.region)).await;
    assert_eq!(status, 200);
    let conclusion = html.split("id=\"conclusion\"").nth(1).unwrap();
    assert!(
        conclusion.contains(&conclusion_en(&contest.conclusion)),
        "{conclusion:.400}"
    );
    let p = protocols.iter().find(|p| p.precinct.0 == swapped).unwrap();
    let (yes, no, found) = (p.lines.yes, p.lines.no, p.lines.ballots.ballots_found);
    let list = html.split("id=\"discrepancy-list\"").nth(1).unwrap();
    for line in [
        format!("Yes: protocol {}, paper 0 (-{yes})", group(yes)),
        format!(
            "No: protocol {}, paper {} (+{})",
            group(no),
            group(found),
            found - no
        ),
    ] {
        assert!(list.contains(&line), "{line} not in {list:.600}");
    }
    assert!(html.contains(&format!(
        "<a href=\"/r/kz-2026/precinct/{swapped}\">{swapped}</a>"
    )));
    assert!(html.contains(&format!("A. Nurlanova: yes 0 · no {}", group(found))));
    assert!(html.contains("B. Seitkali: yes"));
    assert!(html.contains("differs from the protocol"));
    let risk = &contest.risk[0];
    let shown = format!("{}.{:04}%", risk.risk_ppm / 10_000, risk.risk_ppm % 10_000);
    assert!(html.contains(&shown), "{shown}");
    // Every draw of the contest is on the page, with its ticket.
    for s in &contest.sample {
        assert!(
            html.contains(&s.ticket),
            "ticket {} of {}",
            s.ticket,
            s.item
        );
    }
    // The national contest in Russian and Kazakh.
    for (lang, word) in [("ru", "Вся страна"), ("kk", "Бүкіл ел")] {
        let (status, html) = page(&base, &format!("/audits/rla/national?lang={lang}")).await;
        assert_eq!(status, 200, "{lang}");
        assert!(html.contains(word), "{lang}");
        assert!(html.contains(SEED), "{lang}");
    }
    // A confirmed contest says so, with the risk reached.
    let ok = r
        .contests
        .iter()
        .find(|c| c.conclusion == Conclusion::Confirmed)
        .unwrap();
    let (_, html) = page(&base, &format!("/audits/rla/{}?lang=en", ok.contest)).await;
    assert!(html.contains("Confirmed at risk ≤ 5%"));
    assert!(html.contains("id=\"no-discrepancy\""));

    // The links are served: the report as CSV and JSON.
    let (status, csv) = page(&base, "/api/v1/audits/rla/report.csv").await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("contest,risk_limit,seed,round,"));
    let (status, _) = page(&base, "/api/v1/audits/rla").await;
    assert_eq!(status, 200);

    // A second round, where the two members disagree on a precinct: both entries are shown.
    {
        let open = contest;
        let cec = Author {
            name: "CEC secretary".into(),
            role: "central commission".into(),
        };
        registrar
            .record(|l| l.draw_audit_round("rla", &Default::default(), cec.clone()))
            .await
            .unwrap();
        let r2 = report(&registrar);
        let new = r2
            .contests
            .iter()
            .find(|c| c.contest == open.contest)
            .unwrap()
            .sample
            .iter()
            .find(|s| s.round == 2 && r.item(&s.item).is_none())
            .unwrap()
            .item
            .clone();
        let n: u32 = new.parse().unwrap();
        let honest = count_of(protocols.iter().find(|p| p.precinct.0 == n).unwrap());
        let mut other = honest;
        other.yes -= 1;
        other.no += 1;
        for (m, count) in [("A. Nurlanova", honest), ("B. Seitkali", other)] {
            registrar
                .enter_audit("rla", &new, AuditEntry::Precinct { count }, None, member(m))
                .await
                .unwrap();
        }
        let (_, html) = page(&base, &format!("/audits/rla/{}?lang=en", open.contest)).await;
        assert!(html.contains("Round 2 is open for entries"));
        assert!(html.contains("id=\"round-2\""));
        assert!(html.contains("the members disagree"));
        assert!(html.contains(&format!("B. Seitkali: yes {}", group(other.yes))));
    }

    for path in [
        "/audits/no-such",
        "/audits/rla/KZ-00",
        "/audits/no-such/national",
    ] {
        let (status, html) = page(&base, &format!("{path}?lang=en")).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("No audit has this id"), "{path}");
    }
}

#[tokio::test]
async fn the_referendum_pages_link_to_their_audits_and_show_an_amendment() {
    for db in ashyq_store::testing::backends() {
        referendum_pages_on(db).await;
    }
}

async fn referendum_pages_on(db: TestDb) {
    let (base, registrar, protocols, swapped) = audited(&db).await;
    let r = report(&registrar);
    let national = &r.contests[0];
    let item = r.items.iter().find(|i| i.precinct == swapped).unwrap();
    let region = item.region.clone();
    let contest = r.contests.iter().find(|c| c.contest == region).unwrap();
    // The national page links to the audit's national contest, the region's page to the
    // region's, each with its conclusion, in every language.
    for (lang, heading) in [
        ("en", "Risk-limiting audits"),
        ("ru", "Аудиты с ограничением риска"),
        ("kk", "Тәуекелі шектелген аудиттер"),
    ] {
        for (path, c) in [
            ("/r/kz-2026".to_owned(), national),
            (format!("/r/kz-2026/region/{region}"), contest),
        ] {
            let (status, html) = page(&base, &format!("{path}?lang={lang}")).await;
            assert_eq!(status, 200, "{lang} {path}");
            let section = html
                .split("id=\"referendum-audits\"")
                .nth(1)
                .unwrap_or_else(|| panic!("{lang} {path}: no audits section"));
            let section = section.split("</ul>").next().unwrap();
            assert!(html.contains(heading), "{lang} {path}");
            assert!(
                section.contains(&format!("<a href=\"/audits/rla/{}\">", c.contest)),
                "{lang} {path}: {section}"
            );
            assert_eq!(
                section.matches("<li>").count(),
                1,
                "{lang} {path}: {section}"
            );
            if lang == "en" {
                assert!(
                    section.contains(&conclusion_en(&c.conclusion)),
                    "{path}: {section}"
                );
            }
        }
    }
    let (_, html) = page(&base, "/r/kz-2026?lang=en").await;
    assert!(html.contains("Certified"), "certified before the amendment");
    assert!(!html.contains("amended by audit"));

    // The region escalates (rounds of no draws until the fifth), and the full hand count of
    // the falsified precinct amends the certified protocol.
    let cec = Author {
        name: "CEC secretary".into(),
        role: "central commission".into(),
    };
    while !registrar.ledger().audit("rla").unwrap().escalated(&region) {
        let sizes = std::collections::BTreeMap::from([(region.clone(), 0u64)]);
        registrar
            .record(|l| l.draw_audit_round("rla", &sizes, cec.clone()))
            .await
            .unwrap();
        registrar
            .record(|l| l.measure_audit_round("rla", cec.clone()))
            .await
            .unwrap();
    }
    let p = protocols.iter().find(|p| p.precinct.0 == swapped).unwrap();
    registrar
        .record(|l| {
            l.record_hand_count(
                "rla",
                &region,
                swapped,
                all_no(p),
                "RLA rla escalated the region; counted in full by the regional board",
                cec.clone(),
            )
        })
        .await
        .unwrap();
    for (lang, words) in [
        ("en", "Certified, amended by audit"),
        ("ru", "Итоги утверждены, исправлены по аудиту"),
        ("kk", "Нәтиже бекітілді, аудит бойынша түзетілді"),
    ] {
        for path in [
            "/r/kz-2026".to_owned(),
            format!("/r/kz-2026/region/{region}"),
        ] {
            let (_, html) = page(&base, &format!("{path}?lang={lang}")).await;
            let badge = html.split("id=\"progress\"").nth(1).unwrap();
            assert!(
                badge.contains("status-certified-amended") && badge.contains(words),
                "{lang} {path}: {badge:.300}"
            );
        }
    }
    // The region's audit link now says the contest is counted in full.
    let (_, html) = page(&base, &format!("/r/kz-2026/region/{region}?lang=en")).await;
    let section = html.split("id=\"referendum-audits\"").nth(1).unwrap();
    assert!(section.contains("Full hand count"), "{section:.400}");
    // And the results JSON says so.
    let v: serde_json::Value = reqwest::get(format!("{base}/api/v1/referendums/kz-2026/results"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "certified_amended_by_audit", "{v}");
}

#[tokio::test]
async fn without_an_audit_the_list_says_so() {
    let (server, _) = common::referendum().await;
    let (status, html) = page(&server.base, "/audits?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("No audit has been defined yet."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_the_audit_pages_are_accessible() {
    let Some(tools) = kit::tools() else { return };
    let db = TestDb::sqlite();
    let (base, registrar, _, swapped) = audited(&db).await;
    let region = report(&registrar)
        .items
        .iter()
        .find(|i| i.precinct == swapped)
        .unwrap()
        .region
        .clone();
    let driver = kit::start_driver(&tools.chromedriver);
    let c = kit::browser(&tools, &driver).await;
    for (path, name) in [
        ("/audits?lang=kk".to_owned(), "audits-kk"),
        ("/audits/rla?lang=en".to_owned(), "audit-en"),
        ("/audits/rla?lang=ru".to_owned(), "audit-ru"),
        (
            "/audits/rla/national?lang=kk".to_owned(),
            "audit-national-kk",
        ),
        (format!("/audits/rla/{region}?lang=en"), "audit-region-en"),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        kit::screenshot(&c, name).await;
        kit::axe(&c, &tools, &path).await;
    }
    kit::fits_360(
        &c,
        &base,
        &[
            ("/audits/rla?lang=en", "audit"),
            ("/audits/rla/national?lang=en", "national"),
        ],
    )
    .await;
    c.close().await.unwrap();
}
