//! The presidential round's pages (`/p/{id}`): the 2022 scenario through the submission path,
//! then the outcome with its numbers, the votes with the CEC's published shares, the tile map
//! by leading candidate and by turnout, the regions, the candidates' registration records,
//! drill-down to a region and a precinct whose figures are the API's, in kk, ru and en; unknown
//! ids as not-found pages; and every page under axe-core in Chromium.

use std::sync::Arc;

use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;
use serde_json::Value;

mod common;

#[path = "common/browser.rs"]
mod kit;

async fn served() -> (String, ashyq_core::territory::Territory, TestDb) {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let territory = common::kz_2022_presidential(&registrar).await;
    let addr = common::spawn(registrar).await;
    (format!("http://{addr}"), territory, db)
}

async fn page(base: &str, path: &str) -> (u16, String) {
    let r = reqwest::get(format!("{base}{path}")).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_round_its_regions_and_precincts_are_pages_in_three_languages() {
    let (base, territory, _db) = served().await;
    for (lang, elected, share, took_part) in [
        ("en", "Elected: Kassym-Jomart Tokayev", "81.31%", "77.79%"),
        ("ru", "Избран: Kassym-Jomart Tokayev", "81,31", "77,79"),
        ("kk", "Сайланды: Kassym-Jomart Tokayev", "81,31", "77,79"),
    ] {
        let (status, html) = page(&base, &format!("/p/president-2022?lang={lang}")).await;
        assert_eq!(status, 200, "{lang}");
        // The outcome names the winner and the share of those who took part (the rule's
        // base, 8,300,046); the table gives the CEC's shares over the 7,940,478 votes for
        // candidates and against all.
        let outcome = html.split("id=\"outcome\"").nth(1).unwrap();
        assert!(outcome.contains(elected), "{lang}: {outcome:.300}");
        assert!(outcome.contains(took_part), "{lang}: {outcome:.300}");
        assert!(html.contains(share), "{lang}");
        // One tile per region, each linking to its page; six registered candidates.
        assert_eq!(
            html.matches("<a href=\"/p/president-2022/region/").count(),
            2 * territory.regions.len(),
            "{lang}: a tile and a table row per region"
        );
        assert_eq!(
            html.matches("class=\"badge nominee-registered\"").count(),
            6
        );
        assert!(!html.contains("criterion-not-met"), "{lang}");
    }
    let (_, turnout) = page(&base, "/p/president-2022?by=turnout&lang=en").await;
    assert!(turnout.contains("Turnout by region"));
    assert!(turnout.contains("href=\"/p/president-2022\""));

    // A region lists its precincts; a precinct shows the protocol the API serves.
    let region = &territory.regions[0];
    let (status, html) = page(
        &base,
        &format!("/p/president-2022/region/{}?lang=en", region.code.0),
    )
    .await;
    assert_eq!(status, 200);
    let number = html
        .split("href=\"/p/president-2022/precinct/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let (status, html) = page(
        &base,
        &format!("/p/president-2022/precinct/{number}?lang=en"),
    )
    .await;
    assert_eq!(status, 200);
    let api: Value = reqwest::get(format!(
        "{base}/api/v1/elections/president-2022/round/precincts/{number}"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let protocol = &api["applied"]["protocol"];
    for v in protocol["votes"].as_array().unwrap() {
        let votes = v["votes"].as_u64().unwrap();
        let shown = format!(
            "<th scope=\"row\">{}</th><td class=\"num\">{}</td>",
            v["candidate"].as_str().unwrap(),
            group(votes)
        );
        assert!(html.contains(&shown), "{shown} not on the precinct page");
    }
    assert!(html.contains(api["applied"]["protocol_hash"].as_str().unwrap()));

    for path in [
        "/p/no-such",
        "/p/president-2022/region/KZ-00",
        "/p/president-2022/precinct/abc",
        "/p/president-2022/precinct/99999999",
        "/p/no-such/precinct/1",
    ] {
        let (status, _) = page(&base, path).await;
        assert_eq!(status, 404, "{path}");
    }
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

/// The round's pages follow the count live: they name the round for the page script, and
/// the event stream's progress events carry the round (`presidential`) with its precincts
/// reported, which is what the script compares.
#[tokio::test]
async fn the_rounds_pages_follow_the_event_stream() {
    let (base, _, _db) = served().await;
    let (status, body) = page(&base, "/p/president-2022?lang=en").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("data-live=\"president-2022\""),
        "the page is live"
    );
    let mut sse = reqwest::get(format!("{base}/api/v1/events")).await.unwrap();
    let mut seen = String::new();
    while !seen.contains("\n\n") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), sse.chunk())
            .await
            .expect("a first event at once")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let data = seen
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .expect("a data line");
    let v: Value = serde_json::from_str(data).unwrap();
    let rounds = v["presidential"]
        .as_array()
        .expect("the presidential rounds");
    assert_eq!(rounds.len(), 1, "{v}");
    assert_eq!(rounds[0]["id"], "president-2022");
    assert_eq!(rounds[0]["precincts"], 10_459);
    assert_eq!(rounds[0]["precincts_reported"], 10_459);
    assert_eq!(rounds[0]["open_conflicts"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_the_presidential_pages_are_accessible() {
    let Some(tools) = kit::tools() else { return };
    let (base, territory, _db) = served().await;
    let driver = kit::start_driver(&tools.chromedriver);
    let c = kit::browser(&tools, &driver).await;
    let region = &territory.regions[0].code.0;
    let first = territory
        .precincts
        .iter()
        .find(|p| {
            territory
                .districts
                .iter()
                .any(|d| d.id == p.district && d.region.0 == *region)
        })
        .unwrap()
        .id
        .0;
    for (path, name) in [
        ("/p/president-2022?lang=kk".to_owned(), "president-kk"),
        ("/p/president-2022?lang=en".to_owned(), "president-en"),
        (
            "/p/president-2022?by=turnout&lang=ru".to_owned(),
            "president-turnout-ru",
        ),
        (
            format!("/p/president-2022/region/{region}?lang=en"),
            "president-region",
        ),
        (
            format!("/p/president-2022/precinct/{first}?lang=kk"),
            "president-precinct",
        ),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        kit::screenshot(&c, name).await;
        kit::axe(&c, &tools, &path).await;
    }
    c.close().await.unwrap();
}
