//! The Kurultai's public pages and feeds: on a house of 69 deputies convened from the test
//! election, with a Chair, a committee, three bills (one amended, one returned with
//! objections, one from the People's Council) and their roll calls —
//! - the house page names the factions, officers, committees, the Vice President and the
//!   People's Council;
//! - the tracker searches with the index (the amended text's new words find the bill, words
//!   only in the old version no longer do) and filters by status, initiator and committee;
//! - a bill's page shows its timeline, deadlines, objections, versions and the diff;
//! - a roll call's page shows each deputy's vote, and its counts by faction add up to the
//!   ledger's counts;
//! - a deputy's page shows their attendance, computed here from the ballots the test cast;
//! - the Atom feeds parse (`atom_syndication`) with one entry per step, unique ids;
//! - unknown ids and bad queries are not-found pages or ignored filters, never errors;
//! - every page passes axe-core in Chromium in kk, ru and en.

use std::collections::{BTreeMap, HashSet};

use ashyq_core::author::Author;
use ashyq_core::kurultai::{
    ActKind, Ballot, BillId, CommitteeId, CouncilProposal, Initiator, KurultaiEvent, KurultaiRules,
    MemberId, Office, Proposer, ReadingOutcome, RecordedVote, Sitting,
};
use ashyq_core::legal::{Act, markdown};
use ashyq_core::territory::Names;
use ashyq_store::registrar::Registrar;
use chrono::{Days, NaiveDate};

mod common;

#[path = "common/browser.rs"]
mod kit;

fn who() -> Author {
    Author::new("secretariat", "kurultai secretariat")
}

fn text(work: &str, en: &str, ru: &str, article: &str) -> Act {
    markdown::parse(&format!(
        "---\nwork: {work}\nversion: v\ntitle.en: {en}\ntitle.ru: {ru}\ntitle.kk: {en} (kk)\n---\n\n# Article 1\nen: {article}\nru: {article}\n\n# Article 2\nen: Synthetic test text.\n"
    ))
    .unwrap()
}

/// The i-th sitting member's ballot: every 7th absent, every 10th against, every 13th
/// abstains, the rest for.
fn usual(i: usize) -> Ballot {
    match i {
        i if i % 7 == 2 => Ballot::Absent,
        i if i % 10 == 3 => Ballot::No,
        i if i % 13 == 4 => Ballot::Abstain,
        _ => Ballot::Yes,
    }
}

fn roll(s: &Sitting, on: NaiveDate, motion: &str) -> RecordedVote {
    RecordedVote::new(
        on,
        motion,
        s.members
            .keys()
            .enumerate()
            .map(|(i, m)| (m.clone(), usual(i)))
            .collect(),
    )
}

async fn step(r: &Registrar, ev: KurultaiEvent) {
    r.record(|l| l.decide_kurultai(ev.clone())).await.unwrap();
}

const DAY0: &str = "2026-09-15";

/// The house of the test: its steps, recorded through the ledger's decisions.
async fn house(r: &Registrar) -> Sitting {
    let day0: NaiveDate = DAY0.parse().unwrap();
    let d = |n: u64| day0 + Days::new(n);
    step(
        r,
        KurultaiEvent::Convened {
            election: ashyq_core::contest::ContestId(common::ELECTION.into()),
            first_session: day0,
            rules: KurultaiRules::default(),
            author: who(),
        },
    )
    .await;
    let s = r.ledger().kurultai_sitting().unwrap();
    let ids: Vec<MemberId> = s.members.keys().cloned().collect();
    step(
        r,
        KurultaiEvent::OfficerVoted {
            office: Office::Chair,
            candidate: ids[0].clone(),
            vote: roll(&s, day0, "Election of the Chair"),
            author: who(),
        },
    )
    .await;
    step(
        r,
        KurultaiEvent::CommitteeFormed {
            committee: CommitteeId("budget".into()),
            name: Names {
                kk: "Бюджет және қаржы".into(),
                ru: "По бюджету и финансам".into(),
                en: "Budget and Finance".into(),
            },
            chair: ids[1].clone(),
            members: ids[1..12].to_vec(),
            on: d(1),
            author: who(),
        },
    )
    .await;
    for i in 1..=3 {
        step(
            r,
            KurultaiEvent::CouncilMemberJoined {
                member: MemberId(format!("pc-{i}")),
                name: format!("Council member {i}"),
                block: "experts".into(),
                on: d(1),
                author: who(),
            },
        )
        .await;
    }
    step(
        r,
        KurultaiEvent::CouncilSessionHeld {
            session: 0,
            on: d(2),
            author: who(),
        },
    )
    .await;
    step(
        r,
        KurultaiEvent::CouncilInitiativeVoted {
            initiative: 0,
            session: 0,
            proposal: CouncilProposal::Bill {
                title: Names {
                    kk: "Қоғамдық бақылау туралы".into(),
                    ru: "Об общественном контроле".into(),
                    en: "On public oversight".into(),
                },
            },
            vote: RecordedVote::new(
                d(2),
                "To submit a bill on public oversight",
                (1..=3)
                    .map(|i| (MemberId(format!("pc-{i}")), Ballot::Yes))
                    .collect(),
            ),
            author: who(),
        },
    )
    .await;
    let bills = [
        (
            "bill-2026-001",
            Initiator::Government,
            "On the republican budget",
            "О республиканском бюджете",
            "The budget covers pensions.",
        ),
        (
            "bill-2026-002",
            Initiator::Deputies {
                members: ids[5..8].to_vec(),
            },
            "On access to information",
            "О доступе к информации",
            "Everyone may request information.",
        ),
        (
            "bill-2026-003",
            Initiator::PeoplesCouncil { initiative: 1 },
            "On public oversight",
            "Об общественном контроле",
            "Citizens oversee public bodies.",
        ),
    ];
    for (id, initiator, en, ru, article) in &bills {
        step(
            r,
            KurultaiEvent::BillIntroduced {
                bill: BillId((*id).into()),
                kind: ActKind::Law,
                priority: false,
                initiator: initiator.clone(),
                committee: CommitteeId("budget".into()),
                text: text(id, en, ru, article),
                on: d(3),
                author: who(),
            },
        )
        .await;
    }
    let reading = |bill: &str, n: u8, on: NaiveDate| KurultaiEvent::ReadingVoted {
        bill: BillId(bill.into()),
        reading: n,
        outcome: ReadingOutcome::NotPassed,
        vote: roll(&s, on, &format!("Reading {n} of {bill}")),
        author: who(),
    };
    // Bill 1: a carried amendment (pensions → scholarships), then the first reading.
    step(
        r,
        KurultaiEvent::AmendmentVoted {
            bill: BillId("bill-2026-001".into()),
            proposer: Proposer::Committee {
                committee: CommitteeId("budget".into()),
            },
            reading: 0,
            text: text(
                "bill-2026-001",
                "On the republican budget",
                "О республиканском бюджете",
                "The budget covers scholarships.",
            ),
            vote: roll(&s, d(4), "Amendment to Article 1"),
            author: who(),
        },
    )
    .await;
    step(r, reading("bill-2026-001", 1, d(5))).await;
    // Bill 2: three readings, sent, returned with objections.
    for n in 1..=3 {
        step(r, reading("bill-2026-002", n, d(5 + u64::from(n)))).await;
    }
    step(
        r,
        KurultaiEvent::Transmitted {
            bill: BillId("bill-2026-002".into()),
            on: d(10),
            author: who(),
        },
    )
    .await;
    step(
        r,
        KurultaiEvent::Returned {
            bill: BillId("bill-2026-002".into()),
            on: d(15),
            objections: "Article 1 is too broad.".into(),
            author: who(),
        },
    )
    .await;
    s
}

async fn get(base: &str, path: &str) -> (u16, String) {
    let res = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// The text of every element with `id="…"` up to its closing tag (the pages' own ids).
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let rest = &html[start..];
    let end = [rest.find("</table>"), rest.find("</p>")]
        .into_iter()
        .flatten()
        .min()
        .unwrap();
    &rest[..end]
}

#[tokio::test]
async fn the_house_its_bills_votes_deputies_and_committees_are_public_pages() {
    let server = common::election().await;
    let base = server.base.clone();

    // Before the house is convened, every page says so.
    let (status, html) = get(&base, "/kurultai?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("has not been convened"), "{html}");

    let sitting = house(&server.registrar).await;
    let ids: Vec<MemberId> = sitting.members.keys().cloned().collect();

    // The house.
    for lang in ["kk", "ru", "en"] {
        let (status, html) = get(&base, &format!("/kurultai?lang={lang}")).await;
        assert_eq!(status, 200, "{lang}");
        assert!(
            html.contains(r#"href="/kurultai" aria-current="page""#),
            "{lang}: the navigation marks the Kurultai"
        );
        assert!(html.contains("/kurultai/committees/budget"), "{lang}");
        assert!(
            html.contains(&format!("/kurultai/deputies/{}", ids[0].0)),
            "{lang}: the Chair is linked"
        );
        assert!(
            html.contains("/kurultai/bills/bill-2026-003"),
            "{lang}: the Council's initiative became the bill"
        );
    }
    let (_, html) = get(&base, "/kurultai?lang=en").await;
    let mut factions: BTreeMap<&str, u64> = BTreeMap::new();
    for (party, _) in sitting.members.values() {
        *factions.entry(party).or_default() += 1;
    }
    let table = section(&html, "factions");
    for (party, n) in &factions {
        assert!(
            table.contains(&format!(
                "<th scope=\"row\">{party}</th><td class=\"num\">{n}</td>"
            )),
            "{party} with {n} seats in {table}"
        );
    }
    assert!(html.contains("Chair"));
    assert!(html.contains("The People&#39;s Council") || html.contains("The People's Council"));

    // The tracker: everything, then searched, then filtered.
    let (status, html) = get(&base, "/kurultai/bills?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("3 bills"), "{html}");
    let (_, html) = get(&base, "/kurultai/bills?lang=en&q=scholarships").await;
    assert!(html.contains("1 bill<"), "{html}");
    assert!(html.contains("/kurultai/bills/bill-2026-001"));
    // "pensions" was only in the text before the amendment.
    let (_, html) = get(&base, "/kurultai/bills?lang=en&q=pensions").await;
    assert!(html.contains("0 bills"), "{html}");
    // Russian word forms match by stem.
    let (_, html) = get(
        &base,
        "/kurultai/bills?lang=ru&q=%D0%B8%D0%BD%D1%84%D0%BE%D1%80%D0%BC%D0%B0%D1%86%D0%B8%D1%8F",
    )
    .await;
    assert!(
        html.contains("/kurultai/bills/bill-2026-002"),
        "информация finds «информации»"
    );
    assert!(!html.contains("/kurultai/bills/bill-2026-001\""));
    let (_, html) = get(&base, "/kurultai/bills?lang=en&status=returned").await;
    assert!(
        html.contains("1 bill<") && html.contains("bill-2026-002"),
        "{html}"
    );
    let (_, html) = get(&base, "/kurultai/bills?lang=en&initiator=peoples_council").await;
    assert!(
        html.contains("1 bill<") && html.contains("bill-2026-003"),
        "{html}"
    );
    let (_, html) = get(
        &base,
        "/kurultai/bills?lang=en&committee=budget&status=in_readings",
    )
    .await;
    assert!(html.contains("2 bills"), "{html}");
    // The filter's choices survive in the language links.
    assert!(
        html.contains("status=in_readings&amp;committee=budget&amp;lang=kk"),
        "{html}"
    );
    // An unknown filter value is ignored, not an error.
    let (status, html) = get(&base, "/kurultai/bills?lang=en&status=nonsense&page=0").await;
    assert_eq!(status, 200);
    assert!(html.contains("3 bills"));

    // A bill: the returned one.
    let (status, html) = get(&base, "/kurultai/bills/bill-2026-002?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("Returned with objections"));
    assert!(html.contains("Article 1 is too broad."));
    assert!(
        html.contains("The President&#39;s signature or return")
            || html.contains("The President's signature or return")
    );
    for step in [
        "Introduced",
        "Vote on a reading",
        "Sent to the President",
        "Returned by the President with objections",
    ] {
        assert!(html.contains(step), "{step}");
    }
    // The amended one: two versions and the diff between them.
    let (_, html) = get(&base, "/kurultai/bills/bill-2026-001?lang=en").await;
    assert!(html.contains("Version 2"));
    assert!(html.contains("Changes from version 1"));
    assert!(html.contains("<del>"), "the diff strikes the old words");
    assert!(html.contains("<ins>"), "and marks the new");
    assert!(html.contains("scholarships"));

    // A roll call: the counts by faction add up to the ledger's.
    let k = server.registrar.ledger().kurultai().clone();
    let v = k
        .votes()
        .iter()
        .find(|v| v.bill.as_ref().is_some_and(|b| b.0 == "bill-2026-002"))
        .unwrap()
        .clone();
    let (status, html) = get(&base, &format!("/kurultai/votes/{}?lang=en", v.vote.number)).await;
    assert_eq!(status, 200);
    let total = section(&html, "by-faction");
    let foot = &total[total.find("<tfoot>").unwrap()..];
    let c = v.vote.counts;
    assert!(
        foot.contains(&format!(
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            c.yes, c.no, c.abstain, c.absent, c.not_voting
        )),
        "{foot}"
    );
    let mut by_faction: BTreeMap<&str, [u64; 5]> = BTreeMap::new();
    for (i, (m, (party, _))) in sitting.members.iter().enumerate() {
        let b = usual(i);
        assert_eq!(v.vote.ballot_of(m), Some(b));
        by_faction.entry(party).or_default()[Ballot::ALL.iter().position(|x| *x == b).unwrap()] +=
            1;
    }
    for (party, n) in &by_faction {
        let row = format!(
            "<th scope=\"row\">{party}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            n[0], n[1], n[2], n[3], n[4]
        );
        assert!(total.contains(&row), "{row} in {total}");
    }
    // Every deputy's vote is listed, absences as such.
    assert_eq!(
        html.matches("class=\"kurultai-ballot-absent\"").count() as u64,
        c.absent
    );
    assert_eq!(
        html.matches("class=\"kurultai-ballot-yes\"").count() as u64,
        c.yes
    );

    // A deputy: attendance over the roll calls, from the ballots cast here.
    let absent_one = sitting
        .members
        .keys()
        .enumerate()
        .find(|(i, _)| usual(*i) == Ballot::Absent)
        .unwrap();
    let roll_calls = k.votes().iter().filter(|v| !v.council).count();
    let (status, html) = get(
        &base,
        &format!("/kurultai/deputies/{}?lang=en", absent_one.1.0),
    )
    .await;
    assert_eq!(status, 200);
    let att = section(&html, "attendance");
    assert!(
        att.contains(&format!("Present at 0.0% of {roll_calls} roll calls")),
        "{att}"
    );
    assert!(att.contains(&format!("absent from {roll_calls}")), "{att}");
    let (_, html) = get(&base, &format!("/kurultai/deputies/{}?lang=en", ids[0].0)).await;
    let att = section(&html, "attendance");
    assert!(
        att.contains(&format!("Present at 100.0% of {roll_calls} roll calls")),
        "{att}"
    );
    assert!(html.matches("/kurultai/votes/").count() >= roll_calls);
    let (status, html) = get(&base, "/kurultai/deputies?lang=en").await;
    assert_eq!(status, 200);
    for id in &ids {
        assert!(
            html.contains(&format!("/kurultai/deputies/{}\"", id.0)),
            "{} listed",
            id.0
        );
    }

    // The committee.
    let (status, html) = get(&base, "/kurultai/committees/budget?lang=ru").await;
    assert_eq!(status, 200);
    assert!(html.contains("По бюджету и финансам"));
    assert!(html.contains("11 членов"), "{html}");
    for b in ["bill-2026-001", "bill-2026-002", "bill-2026-003"] {
        assert!(html.contains(&format!("/kurultai/bills/{b}")));
    }

    // The list of roll calls.
    let (status, html) = get(&base, "/kurultai/votes?lang=kk").await;
    assert_eq!(status, 200);
    for v in k.votes() {
        assert!(html.contains(&format!("/kurultai/votes/{}\"", v.vote.number)));
    }
}

#[tokio::test]
async fn the_feeds_are_atom_with_an_entry_per_step() {
    let server = common::election().await;
    let base = server.base.clone();
    let sitting = house(&server.registrar).await;
    let k = server.registrar.ledger().kurultai().clone();
    let read = |body: String| body.parse::<atom_syndication::Feed>().unwrap();

    let res = reqwest::get(format!(
        "{base}/kurultai/bills/bill-2026-002/feed.atom?lang=ru"
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = read(res.text().await.unwrap());
    let bill = k.bill(&BillId("bill-2026-002".into())).unwrap();
    assert_eq!(feed.entries().len(), bill.timeline.len());
    assert_eq!(feed.title().as_str(), "О доступе к информации");
    assert_eq!(feed.lang(), Some("ru"));
    let ids: HashSet<&str> = feed.entries().iter().map(|e| e.id()).collect();
    assert_eq!(ids.len(), feed.entries().len(), "ids are unique");
    // Newest first, each linked to its page, the feed to itself.
    assert!(
        feed.entries()[0]
            .title()
            .as_str()
            .contains("Возвращён Президентом")
    );
    assert!(
        feed.links()
            .iter()
            .any(|l| l.rel() == "self" && l.href() == "/kurultai/bills/bill-2026-002/feed.atom")
    );
    for e in feed.entries() {
        assert!(!e.links().is_empty());
        assert!(e.updated() <= feed.updated());
    }

    let member = sitting.members.keys().next().unwrap();
    let feed = read(
        get(
            &base,
            &format!("/kurultai/deputies/{}/feed.atom?lang=en", member.0),
        )
        .await
        .1,
    );
    let theirs = k.ballots_of(member).len();
    assert_eq!(feed.entries().len(), theirs.min(50));
    assert!(
        feed.entries()[0].title().as_str().contains(": Yes — "),
        "{:?}",
        feed.entries()[0].title()
    );

    let feed = read(
        get(&base, "/kurultai/committees/budget/feed.atom?lang=kk")
            .await
            .1,
    );
    let steps: usize = k.bills().map(|b| b.timeline.len()).sum();
    assert_eq!(feed.entries().len(), steps.min(50));
    assert_eq!(feed.title().as_str(), "Бюджет және қаржы");
}

#[tokio::test]
async fn unknown_ids_are_not_found_pages_and_never_errors() {
    let server = common::election().await;
    let base = server.base.clone();
    house(&server.registrar).await;
    for path in [
        "/kurultai/bills/no-such-bill",
        "/kurultai/bills/no-such-bill/feed.atom",
        "/kurultai/votes/0",
        "/kurultai/votes/99999999999999999999",
        "/kurultai/votes/abc",
        "/kurultai/deputies/nobody",
        "/kurultai/deputies/nobody/feed.atom",
        "/kurultai/committees/none",
        "/kurultai/committees/none/feed.atom",
    ] {
        let (status, html) = get(&base, &format!("{path}?lang=en")).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            html.contains("No ") && html.contains(" has "),
            "{path}: {html}"
        );
    }
    for path in [
        "/kurultai/bills?q=%22%28%29AND%20OR&lang=en",
        "/kurultai/bills?q=&status=&initiator=&committee=&page=-1",
        "/kurultai/votes?page=abc",
        "/kurultai/deputies/x?page=999999",
    ] {
        let (status, _) = get(&base, path).await;
        assert!(status == 200 || status == 404, "{path}: {status}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_the_kurultai_pages_are_accessible() {
    let Some(tools) = kit::tools() else { return };
    let server = common::election().await;
    let base = server.base.clone();
    let sitting = house(&server.registrar).await;
    let member = sitting.members.keys().nth(3).unwrap().0.clone();
    let driver = kit::start_driver(&tools.chromedriver);
    let c = kit::browser(&tools, &driver).await;
    for (path, name) in [
        ("/kurultai?lang=kk".to_owned(), "kurultai-kk"),
        ("/kurultai/bills?lang=ru".to_owned(), "kurultai-bills-ru"),
        (
            "/kurultai/bills?q=budget&lang=en".to_owned(),
            "kurultai-search-en",
        ),
        (
            "/kurultai/bills/bill-2026-001?lang=en".to_owned(),
            "kurultai-bill-en",
        ),
        (
            "/kurultai/bills/bill-2026-002?lang=kk".to_owned(),
            "kurultai-bill-kk",
        ),
        ("/kurultai/votes?lang=ru".to_owned(), "kurultai-votes-ru"),
        ("/kurultai/votes/2?lang=en".to_owned(), "kurultai-vote-en"),
        (
            "/kurultai/deputies?lang=kk".to_owned(),
            "kurultai-deputies-kk",
        ),
        (
            format!("/kurultai/deputies/{member}?lang=ru"),
            "kurultai-deputy-ru",
        ),
        (
            "/kurultai/committees/budget?lang=en".to_owned(),
            "kurultai-committee-en",
        ),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        kit::screenshot(&c, name).await;
        kit::axe(&c, &tools, &path).await;
        kit::no_csp_violation(&c, &path).await;
    }
    // The tracker's form works without JavaScript: choose a status and submit.
    c.goto(&format!("{base}/kurultai/bills?lang=en"))
        .await
        .unwrap();
    c.find(fantoccini::Locator::Css(
        "#f-status option[value='returned']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    kit::click(&c, "#bill-filters button").await;
    let found = kit::wait_for(&c, "#found", "1 bill", 10).await;
    assert!(found.contains("1 bill"), "{found}");
    kit::fits_360(
        &c,
        &base,
        &[
            ("/kurultai?lang=en", "kurultai"),
            ("/kurultai/bills/bill-2026-001?lang=en", "kurultai-bill"),
            ("/kurultai/votes/2?lang=en", "kurultai-vote"),
        ],
    )
    .await;
    c.close().await.unwrap();
}
