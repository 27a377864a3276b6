//! The web pages over HTTP against the real server: languages, drill-down, the cartogram,
//! error pages, asset caching, the weight of the national page, elections and what-if.

mod common;

use std::io::Read;

use ashyq_core::protocol::PrecinctProtocol;
use reqwest::header;

async fn get(url: &str) -> reqwest::Response {
    reqwest::get(url).await.unwrap()
}

async fn text(url: &str) -> (u16, String) {
    let r = get(url).await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[tokio::test]
async fn the_national_page_speaks_each_language_and_drills_down_to_a_precinct() {
    let (s, protocols) = common::referendum().await;
    let base = &s.base;

    // Before any protocol: the page works and says so.
    let (status, page) = text(&format!("{base}/?lang=en")).await;
    assert_eq!(status, 200);
    assert!(page.contains("0 of 10,459 precincts reported"), "{page}");
    assert!(page.contains("Preliminary"));

    s.registrar.submit_batch(protocols.clone()).await.unwrap();

    // English: comma grouping, decimal point, the official figures, validity and adoption.
    let r = get(&format!("{base}/?lang=en")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    let en = r.text().await.unwrap();
    assert!(en.contains("<html lang=\"en\">"));
    assert!(
        en.contains("Do you adopt the new Constitution"),
        "the question"
    );
    assert!(en.contains("7,954,667"), "yes votes");
    assert!(en.contains("87.15%"), "yes share of participants");
    assert!(en.contains("73.12%"), "turnout");
    assert!(en.contains("10,459 of 10,459 precincts reported (100.0%)"));
    assert!(en.contains("Final count"));
    assert!(en.contains("turnout 73.12% is more than the required 50%"));
    assert!(en.contains("Adopted"));
    assert!(en.contains("15 March 2026"));

    // Russian and Kazakh: no-break space grouping and the decimal comma, translated text.
    let (_, ru) = text(&format!("{base}/?lang=ru")).await;
    assert!(ru.contains("<html lang=\"ru\">"));
    assert!(ru.contains("7\u{a0}954\u{a0}667"));
    assert!(ru.contains("87,15\u{a0}%"));
    assert!(ru.contains("Референдум состоялся") || ru.contains("Состоялся"));
    assert!(ru.contains("15 марта 2026"));
    assert!(ru.contains("Вопрос в бюллетене"));
    let (_, kk) = text(&format!("{base}/?lang=kk")).await;
    assert!(kk.contains("<html lang=\"kk\">"));
    assert!(kk.contains("7\u{a0}954\u{a0}667"));
    assert!(kk.contains("87,15%"));
    assert!(kk.contains("Бюллетеньдегі сұрақ"));
    assert!(kk.contains("2026 жылғы 15 наурыз"));

    // The cookie is remembered; without one, Accept-Language decides; then Kazakh.
    let client = reqwest::Client::new();
    let page = |req: reqwest::RequestBuilder| async move {
        req.send().await.unwrap().text().await.unwrap()
    };
    let with_cookie = page(
        client
            .get(format!("{base}/"))
            .header(header::COOKIE, "x=1; lang=ru"),
    )
    .await;
    assert!(with_cookie.contains("<html lang=\"ru\">"));
    let accept = page(
        client
            .get(format!("{base}/"))
            .header(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,en;q=0.8"),
    )
    .await;
    assert!(accept.contains("<html lang=\"en\">"));
    let default = page(client.get(format!("{base}/"))).await;
    assert!(default.contains("<html lang=\"kk\">"));
    let unknown = page(client.get(format!("{base}/?lang=xx"))).await;
    assert!(
        unknown.contains("<html lang=\"kk\">"),
        "an unknown language falls back"
    );

    // The cartogram: one link per region, city and abroad, each to a page that exists.
    let links: Vec<&str> = en
        .split("<a href=\"/r/kz-2026/region/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    // The cartogram is the SVG titled as the tile map (the yes/no bar is an SVG too).
    let title = en.find("<title>Tile map of the regions").unwrap();
    let start = en[..title].rfind("<svg").unwrap();
    let svg = &en[start..start + en[start..].find("</svg>").unwrap()];
    assert_eq!(count(svg, "<a href=\"/r/kz-2026/region/"), 21);
    assert!(svg.contains("<title>Tile map of the regions"));
    for code in &links {
        let (status, _) = text(&format!("{base}/r/kz-2026/region/{code}?lang=en")).await;
        assert_eq!(status, 200, "{code}");
    }
    let (_, turnout) = text(&format!("{base}/r/kz-2026?by=turnout&lang=en")).await;
    assert!(turnout.contains("coloured by turnout"));
    assert_ne!(
        &turnout[turnout.find("<svg").unwrap()..turnout.find("</svg>").unwrap()],
        svg,
        "colours change with the measure"
    );

    // Names that start in lower case ("город Алматы") are capitalised as headings.
    let (_, almaty) = text(&format!("{base}/r/kz-2026/region/KZ-75?lang=ru")).await;
    assert!(almaty.contains("<h1>Город Алматы</h1>"));

    // Region → district → precinct.
    let (_, region) = text(&format!("{base}/r/kz-2026/region/KZ-43?lang=en")).await;
    assert!(region.contains("<h1>Kyzylorda Region</h1>"));
    let district = region
        .split("href=\"/r/kz-2026/district/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (status, dpage) = text(&format!("{base}/r/kz-2026/district/{district}?lang=en")).await;
    assert_eq!(status, 200);
    assert!(
        dpage.contains("Kyzylorda Region"),
        "breadcrumb to the region"
    );
    let precinct = dpage
        .split("href=\"/r/kz-2026/precinct/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let (status, ppage) = text(&format!("{base}/r/kz-2026/precinct/{precinct}?lang=en")).await;
    assert_eq!(status, 200);
    assert!(ppage.contains(&format!("<h1>Precinct № {precinct}</h1>")));
    for line in [
        "Voters on the list",
        "Ballots issued to voters",
        "Votes \"yes\"",
        "Ballots with both answers marked",
        "Invalid ballots",
    ] {
        assert!(ppage.contains(&line.replace('"', "&quot;")), "{line}");
    }
    assert!(ppage.contains("Receipt") && ppage.contains("accepted"));
    assert!(
        ppage.contains("Commission signature"),
        "the slot for issue 4"
    );
    assert!(ppage.contains("Protocol accepted"), "history");
}

#[tokio::test]
async fn a_conflict_shows_in_the_precincts_history_and_in_the_district() {
    let (s, protocols) = common::referendum().await;
    let base = &s.base;
    let first: PrecinctProtocol = protocols[0].clone();
    s.registrar.submit(first.clone()).await.unwrap();
    let mut other = first.clone();
    other.lines.yes -= 1;
    other.lines.invalid += 1;
    let _ = s.registrar.submit(other).await;
    let n = first.precinct.0;
    let (_, page) = text(&format!("{base}/r/kz-2026/precinct/{n}?lang=en")).await;
    assert!(page.contains("Protocol accepted"));
    assert!(
        page.contains("Different protocol received (conflict)"),
        "{page}"
    );
    let (_, national) = text(&format!("{base}/?lang=en")).await;
    assert!(national.contains("1 conflict awaits review"));
    let (_, ru) = text(&format!("{base}/?lang=ru")).await;
    assert!(ru.contains("1 расхождение ждёт рассмотрения"));

    // An amendment replaces the numbers; the page shows it with its reason and author, and
    // the history keeps every step.
    let mut fixed = first.clone();
    fixed.lines.yes -= 2;
    fixed.lines.invalid += 2;
    s.registrar
        .amend(
            fixed.clone(),
            "recount <ordered> by the TEC",
            ashyq_core::author::Author {
                name: "A. Operator".into(),
                role: "territorial commission operator".into(),
            },
        )
        .await
        .unwrap();
    let (_, page) = text(&format!("{base}/r/kz-2026/precinct/{n}?lang=en")).await;
    assert!(page.contains("Protocol amended"), "{page}");
    assert!(
        page.contains("recount &lt;ordered&gt; by the TEC"),
        "escaped reason"
    );
    assert!(page.contains("A. Operator (territorial commission operator)"));
    assert!(page.contains("amended"), "receipt status");
    let shown_yes = format!(
        "<td class=\"num\">{}</td>",
        ashyq_server::web::format::integer(ashyq_server::web::i18n::Lang::En, fixed.lines.yes)
    );
    assert!(
        page.contains(&shown_yes),
        "the amended numbers are the protocol shown"
    );
}

#[tokio::test]
async fn unknown_things_get_a_not_found_page_never_an_error() {
    let (s, _) = common::referendum().await;
    let base = &s.base;
    for path in [
        "/r/nope",
        "/r/kz-2026/region/KZ-00",
        "/r/kz-2026/region/%3Cscript%3E",
        "/r/kz-2026/district/none",
        "/r/kz-2026/precinct/abc",
        "/r/kz-2026/precinct/-1",
        "/r/kz-2026/precinct/99999999999999999999",
        "/r/kz-2026/precinct/999999",
        "/e/nope",
        "/e/nope/what-if?method=x",
        "/no/such/page",
        "/assets/nope.css",
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = get(&format!("{base}{path}{sep}lang=en")).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(
            r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let body = r.text().await.unwrap();
        assert!(body.contains("Page not found"), "{path}");
        assert!(!body.contains("<script>"), "{path}: text is escaped");
    }
    // The API keeps its problem documents and its JSON index.
    let r = get(&format!("{base}/api/v1/nope")).await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let index: serde_json::Value = get(&format!("{base}/api/v1")).await.json().await.unwrap();
    assert_eq!(index["name"], "ashyq");
    // Odd query strings are ignored, not refused.
    for q in ["by=%FF", "lang=", "lang=en&lang=ru", "by=turnout&&&", "%%%"] {
        let (status, _) = text(&format!("{base}/r/kz-2026?{q}")).await;
        assert_eq!(status, 200, "{q}");
    }
}

/// The national page with its CSS and script, as a browser fetches them with gzip.
#[tokio::test]
async fn the_national_page_weighs_under_60_kb_compressed_and_assets_are_cached() {
    let (s, protocols) = common::referendum().await;
    s.registrar.submit_batch(protocols).await.unwrap();
    let base = &s.base;
    // No automatic decompression in this client: we count the bytes on the wire.
    let client = reqwest::Client::new();
    let fetch = |path: String| {
        let client = client.clone();
        async move {
            let r = client
                .get(path)
                .header(header::ACCEPT_ENCODING, "gzip")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let gz = r
                .headers()
                .get(header::CONTENT_ENCODING)
                .is_some_and(|v| v == "gzip");
            let cache = r
                .headers()
                .get(header::CACHE_CONTROL)
                .map(|v| v.to_str().unwrap().to_owned());
            let bytes = r.bytes().await.unwrap();
            (gz, cache, bytes)
        }
    };
    let (gz, _, page) = fetch(format!("{base}/?lang=ru")).await;
    assert!(gz, "the page is compressed");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&page[..])
        .read_to_string(&mut html)
        .unwrap();
    let asset = |kind: &str| {
        let start = html.find(&format!("/assets/{kind}")).unwrap();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let (css_url, js_url) = (asset("style.css"), asset("live.js"));
    let mut total = page.len();
    for url in [&css_url, &js_url] {
        let (gz, cache, bytes) = fetch(format!("{base}{url}")).await;
        assert!(gz, "{url} is compressed");
        assert_eq!(
            cache.as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        total += bytes.len();
    }
    eprintln!(
        "national page: {} bytes of HTML ({} compressed), with CSS and JS {total} bytes compressed",
        html.len(),
        page.len()
    );
    assert!(total < 60 * 1024, "{total} bytes");
    // No request leaves the server: no absolute URL in a src or href.
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(!html.contains("href=\"//") && !html.contains("src=\"//"));
}

#[tokio::test]
async fn the_election_page_shows_votes_seats_and_deputies_and_what_if_recomputes() {
    let s = common::election().await;
    let base = &s.base;
    let e = common::ELECTION;
    let (status, page) = text(&format!("{base}/e/{e}?lang=en")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Amanat"));
    assert!(page.contains("3,431,510"), "the 2023 Amanat votes");
    assert!(page.contains("Against all"));
    assert!(page.contains("<svg"), "hemicycle");
    assert!(page.contains("69 seats"));
    assert!(page.contains("Deputies holding a mandate now"));
    // No IIN, even masked, on a public page.
    assert!(!page.to_lowercase().contains("iin"));
    // The home page shows the election when there is no referendum.
    let (_, home) = text(&format!("{base}/?lang=en")).await;
    assert!(home.contains("3,431,510"));

    let (status, default) = text(&format!("{base}/e/{e}/what-if?lang=en")).await;
    assert_eq!(status, 200);
    let (status, dhondt) = text(&format!(
        "{base}/e/{e}/what-if?method=dhondt&threshold=7&lang=en"
    ))
    .await;
    assert_eq!(status, 200);
    assert!(
        dhondt.contains("Seats with D&#39;Hondt and a threshold of 7%")
            || dhondt.contains("Seats with D'Hondt and a threshold of 7%"),
        "{dhondt}"
    );
    assert_ne!(seats_column(&default), seats_column(&dhondt));
    assert!(dhondt.contains("<option value=\"dhondt\" selected>"));
    // Bad input: a message, the election's own rules, still 200.
    let (status, bad) = text(&format!(
        "{base}/e/{e}/what-if?method=nope&threshold=abc&lang=en"
    ))
    .await;
    assert_eq!(status, 200);
    assert!(bad.contains("Unknown method"));
    assert!(bad.contains("The threshold must be a percentage"));
    let (status, _) = text(&format!("{base}/e/{e}/what-if?threshold=100&lang=en")).await;
    assert_eq!(status, 200);
}

/// The `<strong>` seat numbers of a what-if table, in party order.
fn seats_column(page: &str) -> Vec<String> {
    page.split("<td class=\"num\"><strong>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn downloads_and_check_it_yourself_pages_link_to_the_real_files() {
    let (s, _) = common::referendum().await;
    let base = &s.base;
    let (status, page) = text(&format!("{base}/downloads?lang=en")).await;
    assert_eq!(status, 200);
    for href in page
        .split("href=\"/api/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
    {
        let r = get(&format!("{base}/api/{href}")).await;
        assert_eq!(r.status(), 200, "{href}");
    }
    assert!(page.contains("results.csv?level=district"));
    let (status, verify) = text(&format!("{base}/verify?lang=ru")).await;
    assert_eq!(status, 200);
    assert!(verify.contains("ashyq verify log.jsonl"));
    assert!(verify.contains("ashyq export --log log.jsonl"));
    assert!(verify.contains("Проверьте сами"));
}
