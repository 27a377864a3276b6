//! `/downloads`, `/downloads/{name}` and `/api/v1/downloads`: every dataset served at one head
//! of the log, with its signature by the log's key; the file, its sidecar and the catalogue
//! agree; a snapshot named by `?at=` stays until the head has moved on twice, then answers
//! 410; the page lists each file's size, SHA-256 and signature in kk, ru and en.

use std::sync::Arc;
use std::time::Duration;

use ashyq_core::downloads::SignedDownload;
use ashyq_core::keys::{Commission, CommissionSigningKey};
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_server::ServerConfig;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;
use serde_json::Value;
use sha2::{Digest, Sha256};

mod common;

#[path = "../../ashyq-core/tests/common/schema.rs"]
#[allow(dead_code)]
mod schema;

struct Fixture {
    base: String,
    registrar: Arc<Registrar>,
    key: CommissionSigningKey,
    rest: Vec<PrecinctProtocol>,
    client: reqwest::Client,
    _db: TestDb,
}

/// The 2026 referendum with `counted` protocols in, served with a known log key.
async fn fixture(counted: usize, interval: Duration) -> Fixture {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (_, protocols) = common::kz_2026(&registrar, 2026).await;
    let mut rest = protocols.into_iter();
    for p in rest.by_ref().take(counted) {
        registrar.submit(p).await.unwrap();
    }
    let key = || CommissionSigningKey::from_seed(Commission::Central, &[7; 32]);
    let config = ServerConfig {
        downloads_interval: interval,
        ..ServerConfig::with_log_key(key())
    };
    let addr = common::spawn_with(registrar.clone(), config).await;
    Fixture {
        base: format!("http://{addr}"),
        registrar,
        key: key(),
        rest: rest.collect(),
        client: reqwest::Client::new(),
        _db: db,
    }
}

impl Fixture {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn listing(&self) -> Value {
        let r = self.get("/api/v1/downloads").await;
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    async fn bytes(&self, path: &str) -> Vec<u8> {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        r.bytes().await.unwrap().to_vec()
    }

    async fn one_more(&mut self) {
        let p = self.rest.remove(0);
        self.registrar.submit(p).await.unwrap();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn files(doc: &Value) -> &Vec<Value> {
    doc["files"].as_array().unwrap()
}

fn file<'a>(doc: &'a Value, name: &str) -> &'a Value {
    files(doc)
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed"))
}

#[tokio::test]
async fn every_listed_file_is_served_with_a_signature_that_checks_out() {
    let f = fixture(200, Duration::ZERO).await;
    let head = f.registrar.ledger().head().unwrap().0;
    let doc = f.listing().await;
    assert_eq!(doc["log_seq"], head);
    assert_eq!(doc["key_id"], f.key.key_id().0);
    let names: Vec<&str> = files(&doc)
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "kz-2026-results.json",
            "kz-2026-results.csv",
            "kz-2026-results.nist.json",
            "kz-2026-results.nist.xml",
            "log.jsonl"
        ]
    );
    for entry in files(&doc) {
        let name = entry["name"].as_str().unwrap();
        let url = entry["url"].as_str().unwrap();
        assert_eq!(url, format!("/downloads/{name}?at={head}"));
        let resp = f.get(url).await;
        assert_eq!(resp.status(), 200, "{name}");
        assert_eq!(
            resp.headers()[reqwest::header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"{name}\"").as_str()
        );
        let bytes = resp.bytes().await.unwrap();
        assert_eq!(entry["size"], bytes.len(), "{name}");
        assert_eq!(entry["sha256"], hex(&Sha256::digest(&bytes)), "{name}");
        let sidecar = f.get(entry["signature_url"].as_str().unwrap()).await;
        assert_eq!(sidecar.status(), 200);
        let signed = SignedDownload::parse(&sidecar.text().await.unwrap()).unwrap();
        assert_eq!(signed.verify(&bytes, &f.key.public()), Ok(()), "{name}");
        assert_eq!(signed.statement.name, name);
        assert_eq!(signed.statement.log_seq, head);
        assert_eq!(doc["log_head"], signed.statement.log_head);
        // Another key does not check it.
        let other = CommissionSigningKey::from_seed(Commission::Central, &[8; 32]);
        assert!(signed.verify(&bytes, &other.public()).is_err());
    }
    // The log is the whole log at that head, as /api/v1/log serves it.
    let log = f.bytes(&format!("/downloads/log.jsonl?at={head}")).await;
    assert_eq!(log.iter().filter(|b| **b == b'\n').count() as u64, head);
    assert_eq!(log, f.bytes("/api/v1/log").await);
    // The NIST report is valid against the official schema and reports what was counted.
    let nist: Value = serde_json::from_slice(
        &f.bytes(&format!("/downloads/kz-2026-results.nist.json?at={head}"))
            .await,
    )
    .unwrap();
    schema::assert_nist_json(&nist);
    assert_eq!(nist["Election"][0]["Contest"][0]["SubUnitsReported"], 200);
    let xml = String::from_utf8(
        f.bytes(&format!("/downloads/kz-2026-results.nist.xml?at={head}"))
            .await,
    )
    .unwrap();
    schema::assert_valid_xml("signed nist xml", &xml, &schema::nist_xsd());

    // The catalogue lists the same files, with the same sizes and hashes.
    let resp = f.get(doc["catalogue_url"].as_str().unwrap()).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/ld+json")
    );
    let cat: Value = resp.json().await.unwrap();
    assert_eq!(cat["@type"], "dcat:Catalog");
    let dist = cat["dcat:dataset"][0]["dcat:distribution"]
        .as_array()
        .unwrap();
    assert_eq!(dist.len(), files(&doc).len());
    for (d, entry) in dist.iter().zip(files(&doc)) {
        assert_eq!(d["dcat:downloadURL"]["@id"], entry["url"]);
        assert_eq!(
            d["dcat:byteSize"]["@value"],
            entry["size"].as_u64().unwrap().to_string()
        );
        assert_eq!(d["spdx:checksum"]["spdx:checksumValue"], entry["sha256"]);
        assert_eq!(d["rdfs:seeAlso"]["@id"], entry["signature_url"]);
    }

    // The public key, as `ashyq verify-download --log-key` reads it.
    let key_file = String::from_utf8(f.bytes("/downloads/log-key.pub").await).unwrap();
    assert!(key_file.contains(&f.key.key_id().0), "{key_file}");
}

#[tokio::test]
async fn a_named_snapshot_stands_until_the_head_moves_twice_then_answers_410() {
    let mut f = fixture(30, Duration::ZERO).await;
    let first = f.listing().await;
    let s1 = first["log_seq"].as_u64().unwrap();
    let csv = file(&first, "kz-2026-results.csv");
    let url = csv["url"].as_str().unwrap().to_owned();

    // Unchanged head: the same snapshot, and a 304 for its ETag.
    let resp = f.get(&url).await;
    let etag = resp.headers()[reqwest::header::ETAG].clone();
    assert!(
        resp.headers()[reqwest::header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let again = f
        .client
        .get(format!("{}{url}", f.base))
        .header(reqwest::header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // One more protocol: a new snapshot, and the first one is still served as it was.
    f.one_more().await;
    let second = f.listing().await;
    let s2 = second["log_seq"].as_u64().unwrap();
    assert!(s2 > s1);
    assert_ne!(
        file(&second, "kz-2026-results.csv")["sha256"],
        csv["sha256"]
    );
    let old = f.bytes(&url).await;
    assert_eq!(hex(&Sha256::digest(&old)), csv["sha256"].as_str().unwrap());
    // Without `?at`, the current one.
    let now = f.bytes("/downloads/kz-2026-results.csv").await;
    assert_eq!(
        hex(&Sha256::digest(&now)),
        file(&second, "kz-2026-results.csv")["sha256"]
            .as_str()
            .unwrap()
    );

    // Another one: the first snapshot is no longer held, and the answer says where to look.
    f.one_more().await;
    let third = f.listing().await;
    let resp = f.get(&url).await;
    assert_eq!(resp.status(), 410);
    let problem: Value = resp.json().await.unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("entry {s1}"))
            && detail.contains(&format!("entry {}", third["log_seq"])),
        "{detail}"
    );
    // The second is still held.
    assert_eq!(
        f.get(&format!("/downloads/log.jsonl?at={s2}"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn within_the_interval_the_snapshot_stands_although_the_head_moved() {
    let mut f = fixture(10, Duration::from_secs(3600)).await;
    let first = f.listing().await;
    f.one_more().await;
    let head = f.registrar.ledger().head().unwrap().0;
    let later = f.listing().await;
    assert!(head > first["log_seq"].as_u64().unwrap());
    assert_eq!(later["log_seq"], first["log_seq"]);
    assert_eq!(later["files"], first["files"]);
}

#[tokio::test]
async fn bad_names_and_heads_are_refused_with_what_to_do() {
    let f = fixture(5, Duration::ZERO).await;
    let resp = f.get("/downloads/kz-1999-results.csv").await;
    assert_eq!(resp.status(), 404);
    let p: Value = resp.json().await.unwrap();
    assert!(
        p["detail"].as_str().unwrap().contains("/api/v1/downloads"),
        "{p}"
    );
    assert_eq!(f.get("/downloads/nope.sig.json").await.status(), 404);
    assert_eq!(f.get("/downloads/log.jsonl?at=abc").await.status(), 400);
    assert_eq!(
        f.get("/downloads/log.jsonl?at=99999999999999")
            .await
            .status(),
        410
    );
    assert_eq!(
        f.get("/downloads/..%2F..%2Fetc%2Fpasswd").await.status(),
        404
    );

    // An empty log has nothing to publish: a 404 that says so, and the page says it too.
    let db = TestDb::sqlite();
    let empty = Arc::new(Registrar::open(&db.url).await.unwrap());
    let addr = common::spawn(empty).await;
    let r = f
        .client
        .get(format!("http://{addr}/api/v1/downloads"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let p: Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("empty"), "{p}");
    let page = f
        .client
        .get(format!("http://{addr}/downloads?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Nothing is published yet")
    );
}

#[tokio::test]
async fn the_page_lists_each_file_with_its_size_hash_and_signature_in_three_languages() {
    let f = fixture(40, Duration::ZERO).await;
    let doc = f.listing().await;
    let seq = doc["log_seq"].as_u64().unwrap();
    for (lang, header) in [("kk", "Өлшемі"), ("ru", "Размер"), ("en", "Size")] {
        let resp = f.get(&format!("/downloads?lang={lang}")).await;
        assert_eq!(resp.status(), 200);
        let html = resp.text().await.unwrap();
        assert!(html.contains(header), "{lang}");
        assert!(html.contains(&format!("data-seq=\"{seq}\"")), "{lang}");
        assert!(html.contains(doc["log_head"].as_str().unwrap()), "{lang}");
        for entry in files(&doc) {
            let url = entry["url"].as_str().unwrap().replace('&', "&amp;");
            assert!(html.contains(&url), "{lang}: {url}");
            assert!(
                html.contains(entry["signature_url"].as_str().unwrap()),
                "{lang}"
            );
            assert!(html.contains(entry["sha256"].as_str().unwrap()), "{lang}");
        }
        assert!(html.contains("ashyq verify-download"), "{lang}");
    }
}
