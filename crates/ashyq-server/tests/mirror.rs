//! The static mirror (`ashyq_server::mirror`): every public page and document as files laid
//! out as the URLs, each the very bytes the server answers at the same head; a new head
//! rewrites only what it changed, through temporary files that never remain; an output
//! that cannot be written is refused with a message saying why.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ashyq_core::contest::ContestId;
use ashyq_core::keys::{Commission, CommissionSigningKey};
use ashyq_core::profile;
use ashyq_core::protocol::{BallotLines, PrecinctProtocol, ProtocolLines};
use ashyq_core::referendum::presets;
use ashyq_core::territory::Territory;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_server::ServerConfig;
use ashyq_server::mirror::{Mirror, MirrorError};
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;

/// A small territory (305 precincts) with kz-2026 defined, and one valid protocol for each
/// precinct.
async fn small_referendum(registrar: &Registrar) -> (Territory, Vec<PrecinctProtocol>) {
    let spec = TerritorySpec {
        domestic_precincts: 300,
        abroad_precincts: 5,
        abroad_countries: 3,
        registered_voters: 305_000,
        ..TerritorySpec::default()
    };
    let territory = generate(&profile::kz(), &spec).unwrap();
    let protocols = territory
        .precincts
        .iter()
        .map(|p| {
            let on_list = p.registered_voters;
            let received = on_list.div_ceil(10) * 10;
            let issued = on_list * 6 / 10;
            let yes = issued * 7 / 10;
            let invalid = u64::from(issued > 2);
            PrecinctProtocol {
                referendum: ContestId("kz-2026".into()),
                precinct: p.id,
                lines: ProtocolLines {
                    ballots: BallotLines {
                        voters_on_list: on_list,
                        voters_added_on_day: 0,
                        voters_added_absentee: 0,
                        absentee_certificates_issued: 0,
                        ballots_received: received,
                        ballots_issued: issued,
                        ballots_cancelled: received - issued,
                        ballots_found: issued,
                    },
                    yes,
                    no: issued - yes - invalid,
                    both_marked: 0,
                    invalid,
                },
            }
        })
        .collect();
    registrar.load_territory(territory.clone()).await.unwrap();
    registrar
        .create_referendum(presets::kz_2026())
        .await
        .unwrap();
    (territory, protocols)
}

/// A URL, the headers to send with it, and the file that must hold its answer.
type Case<'a> = (String, Vec<(&'a str, &'a str)>, String);

fn config() -> ServerConfig {
    let key = CommissionSigningKey::from_seed(Commission::Central, &[9; 32]);
    ServerConfig {
        rate_limit: None,
        ..ServerConfig::with_log_key(key)
    }
}

/// Every file under `dir` with its inode (a rename puts a new inode in place).
fn inodes(dir: &Path) -> HashMap<PathBuf, u64> {
    fn walk(root: &Path, dir: &Path, out: &mut HashMap<PathBuf, u64>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walk(root, &e.path(), out);
            } else {
                let rel = e.path().strip_prefix(root).unwrap().to_owned();
                out.insert(rel, e.metadata().unwrap().ino());
            }
        }
    }
    let mut out = HashMap::new();
    walk(dir, dir, &mut out);
    out
}

fn no_temporary_files(dir: &Path) {
    let left: Vec<_> = inodes(dir)
        .into_keys()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".ashyq-tmp-"))
        })
        .collect();
    assert!(left.is_empty(), "temporary files remain: {left:?}");
}

/// The body `GET url` answers on the served server, with these extra headers.
async fn served(base: &str, url: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut req = reqwest::Client::new().get(format!("{base}{url}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    assert!(res.status().is_success(), "{url}: {}", res.status());
    res.bytes().await.unwrap().to_vec()
}

fn on_disk(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

async fn serve(registrar: Arc<Registrar>) -> String {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(ashyq_server::serve_with(
        registrar,
        "127.0.0.1:0".parse().unwrap(),
        config(),
        move |a| {
            let _ = tx.send(a);
        },
    ));
    format!("http://{}", rx.await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_writes_every_page_and_document_as_the_server_answers_it() {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (territory, protocols) = small_referendum(&registrar).await;
    for p in &protocols[..150] {
        registrar.submit(p.clone()).await.unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let mut mirror = Mirror::open(out.path(), registrar.clone(), &config()).unwrap();
    let mut calls = 0;
    let p = mirror
        .update(&mut |_, _| calls += 1)
        .await
        .unwrap()
        .expect("a first update");
    assert!(p.full);
    assert!(calls > 0);
    let files = inodes(out.path());
    assert_eq!(p.written, files.len(), "every written file is on disk");
    // Every precinct's page in three languages and its JSON; every region and district.
    for pr in &territory.precincts {
        for lang in ["kk", "ru", "en"] {
            let f = format!("r/kz-2026/precinct/{}/index.{lang}.html", pr.id.0);
            assert!(files.contains_key(Path::new(&f)), "{f}");
        }
        let f = format!(
            "api/v1/referendums/kz-2026/precincts/{}/index.json",
            pr.id.0
        );
        assert!(files.contains_key(Path::new(&f)), "{f}");
    }
    for d in &territory.districts {
        let f = format!("r/kz-2026/district/{}/index.html", d.id.0);
        assert!(files.contains_key(Path::new(&f)), "{f}");
    }
    no_temporary_files(out.path());

    // The same bytes as the server answers at this head: pages by Accept-Language, by
    // ?lang= and with no preference; JSON, CSV variants, NIST XML, the signed head, the log.
    let base = serve(registrar.clone()).await;
    let region = &territory.regions[3].code.0;
    let precinct = protocols[10].precinct.0;
    let cases: Vec<Case> = vec![
        ("/".into(), vec![], "index.html".into()),
        ("/?lang=ru".into(), vec![], "index.ru.html".into()),
        (
            "/r/kz-2026".into(),
            vec![("accept-language", "en")],
            "r/kz-2026/index.en.html".into(),
        ),
        (
            "/r/kz-2026?by=turnout".into(),
            vec![("accept-language", "kk")],
            "r/kz-2026/index.by=turnout.kk.html".into(),
        ),
        (
            format!("/r/kz-2026/region/{region}"),
            vec![("accept-language", "ru")],
            format!("r/kz-2026/region/{region}/index.ru.html"),
        ),
        (
            format!("/r/kz-2026/precinct/{precinct}"),
            vec![("cookie", "lang=en")],
            format!("r/kz-2026/precinct/{precinct}/index.en.html"),
        ),
        ("/downloads".into(), vec![], "downloads/index.html".into()),
        // The signed datasets of that page, beside it.
        (
            "/downloads/kz-2026-results.csv".into(),
            vec![],
            "downloads/kz-2026-results.csv".into(),
        ),
        (
            "/downloads/kz-2026-results.nist.json.sig.json".into(),
            vec![],
            "downloads/kz-2026-results.nist.json.sig.json".into(),
        ),
        (
            "/downloads/log.jsonl".into(),
            vec![],
            "downloads/log.jsonl".into(),
        ),
        (
            "/downloads/catalog.jsonld".into(),
            vec![],
            "downloads/catalog.jsonld".into(),
        ),
        (
            "/downloads/log-key.pub".into(),
            vec![],
            "downloads/log-key.pub".into(),
        ),
        (
            "/api/v1/referendums/kz-2026/results".into(),
            vec![],
            "api/v1/referendums/kz-2026/results/index.json".into(),
        ),
        (
            "/api/v1/referendums/kz-2026/results/tree".into(),
            vec![],
            "api/v1/referendums/kz-2026/results/tree/index.json".into(),
        ),
        (
            "/api/v1/referendums/kz-2026/results.csv".into(),
            vec![],
            "api/v1/referendums/kz-2026/results.csv".into(),
        ),
        (
            "/api/v1/referendums/kz-2026/results.csv?level=region".into(),
            vec![],
            "api/v1/referendums/kz-2026/results.level=region.csv".into(),
        ),
        (
            "/api/v1/referendums/kz-2026/results.nist.xml".into(),
            vec![],
            "api/v1/referendums/kz-2026/results.nist.xml".into(),
        ),
        (
            format!("/api/v1/referendums/kz-2026/precincts/{precinct}"),
            vec![],
            format!("api/v1/referendums/kz-2026/precincts/{precinct}/index.json"),
        ),
        (
            "/api/v1/log/head".into(),
            vec![],
            "api/v1/log/head/index.json".into(),
        ),
        (
            format!("/api/v1/log/heads/{}", p.seq),
            vec![],
            format!("api/v1/log/heads/{}/index.json", p.seq),
        ),
        (
            "/api/v1/log".into(),
            vec![],
            "api/v1/log/index.jsonl".into(),
        ),
        (
            "/assets/style.css".into(),
            vec![],
            "assets/style.css".into(),
        ),
    ];
    for (url, headers, file) in &cases {
        assert_eq!(
            served(&base, url, headers).await,
            on_disk(out.path(), file),
            "{url} against {file}"
        );
    }
    // A page in each language differs from the others (the language really was asked for).
    assert_ne!(
        on_disk(out.path(), "r/kz-2026/index.kk.html"),
        on_disk(out.path(), "r/kz-2026/index.ru.html")
    );

    // Publishing again at the same head changes nothing; a new mirror on the same directory
    // finds every file equal and writes none.
    assert!(mirror.update(&mut |_, _| {}).await.unwrap().is_none());
    let mut again = Mirror::open(out.path(), registrar.clone(), &config()).unwrap();
    let p2 = again.update(&mut |_, _| {}).await.unwrap().unwrap();
    assert_eq!(p2.written, 0, "{p2:?}");
    assert_eq!(inodes(out.path()), files);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_head_rewrites_only_what_it_changed() {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (territory, protocols) = small_referendum(&registrar).await;
    for p in &protocols[..100] {
        registrar.submit(p.clone()).await.unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let mut mirror = Mirror::open(out.path(), registrar.clone(), &config()).unwrap();
    mirror.update(&mut |_, _| {}).await.unwrap().unwrap();
    let before = inodes(out.path());

    // One more protocol: its precinct, district and region, and the aggregates change.
    let new = &protocols[200];
    registrar.submit(new.clone()).await.unwrap();
    let p = mirror.update(&mut |_, _| {}).await.unwrap().unwrap();
    assert!(!p.full);
    let after = inodes(out.path());
    let changed: Vec<&PathBuf> = after
        .iter()
        .filter(|(f, ino)| before.get(*f) != Some(ino))
        .map(|(f, _)| f)
        .collect();
    let has = |f: &str| changed.iter().any(|c| c.as_path() == Path::new(f));
    let n = new.precinct.0;
    for f in [
        format!("r/kz-2026/precinct/{n}/index.ru.html"),
        format!("r/kz-2026/precinct/{n}/index.html"),
        format!("api/v1/referendums/kz-2026/precincts/{n}/index.json"),
        "r/kz-2026/index.en.html".into(),
        "api/v1/referendums/kz-2026/results/index.json".into(),
        "api/v1/log/head/index.json".into(),
        "api/v1/log/index.jsonl".into(),
        "downloads/kz-2026-results.csv".into(),
        "downloads/kz-2026-results.csv.sig.json".into(),
        "downloads/log.jsonl".into(),
    ] {
        assert!(has(&f), "{f} was not rewritten; rewritten: {changed:?}");
    }
    // A precinct elsewhere, that did not report, is left alone, and so is its district
    // unless it is the new protocol's.
    let district_of = |p: u32| {
        territory
            .precincts
            .iter()
            .find(|x| x.id.0 == p)
            .unwrap()
            .district
            .0
            .clone()
    };
    let other = territory
        .precincts
        .iter()
        .find(|x| x.id != new.precinct && x.district.0 != district_of(n))
        .unwrap();
    for f in [
        format!("r/kz-2026/precinct/{}/index.kk.html", other.id.0),
        format!(
            "api/v1/referendums/kz-2026/precincts/{}/index.json",
            other.id.0
        ),
        format!("r/kz-2026/district/{}/index.kk.html", other.district.0),
        "assets/style.css".into(),
        // Rendered again (a document of every head) but the same bytes.
        "api/v1/log/key/index.json".into(),
        "api/v1/referendums/index.json".into(),
        "downloads/log-key.pub".into(),
    ] {
        assert!(!has(&f), "{f} was rewritten though nothing in it changed");
    }
    assert!(
        changed.len() < before.len() / 10,
        "{} of {} files rewritten",
        changed.len(),
        before.len()
    );
    assert_eq!(
        p.written,
        changed.len(),
        "every rewritten or new file is counted"
    );
    no_temporary_files(out.path());

    // What was rewritten is what the server answers now; the log was appended correctly.
    let base = serve(registrar.clone()).await;
    for (url, file) in [
        (
            format!("/r/kz-2026/precinct/{n}"),
            format!("r/kz-2026/precinct/{n}/index.html"),
        ),
        ("/api/v1/log".into(), "api/v1/log/index.jsonl".into()),
        (
            "/api/v1/log/head".into(),
            "api/v1/log/head/index.json".into(),
        ),
        (
            "/api/v1/referendums/kz-2026/results".into(),
            "api/v1/referendums/kz-2026/results/index.json".into(),
        ),
        ("/downloads/log.jsonl".into(), "downloads/log.jsonl".into()),
        (
            "/downloads/kz-2026-results.nist.xml.sig.json".into(),
            "downloads/kz-2026-results.nist.xml.sig.json".into(),
        ),
    ] {
        assert_eq!(
            served(&base, &url, &[]).await,
            on_disk(out.path(), &file),
            "{url}"
        );
    }
    // The bulk documents wait for the bulk interval or a quiet log: behind the head file
    // until `update_bulk`, then at its head.
    let bulk = [
        "api/v1/referendums/kz-2026/results.csv",
        "api/v1/referendums/kz-2026/results.nist.json",
        "api/v1/referendums/kz-2026/results.nist.xml",
    ];
    for f in bulk {
        assert!(!has(f), "{f} was rewritten before the bulk interval");
    }
    assert!(mirror.update_bulk().await.unwrap());
    assert!(!mirror.update_bulk().await.unwrap(), "at the head already");
    for f in bulk {
        let url = format!("/{}", f.trim_end_matches("/index.json"));
        assert_eq!(
            served(&base, &url, &[]).await,
            on_disk(out.path(), f),
            "{url}"
        );
    }
}

#[tokio::test]
async fn an_output_that_cannot_be_written_is_refused_with_the_reason() {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();

    let err = Mirror::open(&file, registrar.clone(), &config())
        .err()
        .expect("a file is no directory");
    assert!(matches!(err, MirrorError::NotADirectory { .. }), "{err}");
    assert!(err.to_string().contains("is not a directory"), "{err}");

    // Below a file no directory can be made (even for root, unlike a permission).
    let below = file.join("mirror");
    let err = Mirror::open(&below, registrar, &config())
        .err()
        .expect("nothing can be made below a file");
    assert!(matches!(err, MirrorError::CannotWrite { .. }), "{err}");
    assert!(err.to_string().contains("cannot write into"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"x", "the file is untouched");
}
