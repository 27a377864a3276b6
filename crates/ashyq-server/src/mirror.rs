//! The static mirror: every public page of the public log in Kazakh, Russian and English and
//! every public JSON, CSV and XML document at one head, as plain files that any static
//! server, object store or CDN serves as they are (`ashyq publish`, `ashyq serve --mirror`;
//! `docs/deploy.md`).
//!
//! Each file is the body the server answers for its URL, rendered through the real router in
//! this process (`tower::ServiceExt::oneshot`): a file and the served answer are the same
//! bytes at the same head.
//!
//! **Layout** — the URL's path is the file's path under the output directory:
//! - a path whose last segment has an extension (`results.csv`, `results.nist.xml`,
//!   `assets/style.css`) is that file;
//! - any other path is a directory holding `index.<ext>`, the extension from the answer's
//!   media type (`html`, `json`, `jsonl`, `csv`, `xml`): `/api/v1/referendums/kz-2026/results`
//!   is `api/v1/referendums/kz-2026/results/index.json`, `/r/kz-2026` is
//!   `r/kz-2026/index.*.html`;
//! - a page comes in each language as `index.kk.html`, `index.ru.html`, `index.en.html`
//!   (rendered with that `Accept-Language`; `?lang=` and the `lang` cookie give the same
//!   body), and `index.html` is the answer to a request that names no language (Kazakh);
//! - a query string the pages link to goes into the name before the language and the
//!   extension: `/r/kz-2026?by=turnout` is `r/kz-2026/index.by=turnout.ru.html`,
//!   `results.csv?level=region` is `results.level=region.csv`;
//! - the signed tree head is `api/v1/log/head/index.json`, beside it the head of each
//!   published size `api/v1/log/heads/<size>/index.json`, and the log itself
//!   `api/v1/log/index.jsonl`. The head is written last: when a reader sees a head, every
//!   page of that head is on disk.
//!
//! **Updating** — after each new head only what changed is rewritten: the pages and
//! documents of the precincts that new entries name, their districts and regions, and every
//! aggregate (national results, lists, downloads); anything else in a new entry (a key, a
//! definition, a certification) re-renders everything. The bulk documents (each contest's
//! precinct-level CSV and NIST reports, megabytes each) are the exception: while entries
//! arrive they are rendered at most every [`DEFAULT_BULK_INTERVAL`], and [`keep_current`]
//! brings them to the head once the log is quiet for a second. A rendered answer equal to the file
//! on disk is not written again. Every write goes to a temporary file in the same directory
//! and is renamed over the old one, so a reader sees the old file or the new one, never half
//! of one; the log is copied and appended the same way. Files are not synced to disk: the
//! mirror is derived, and `ashyq publish` rebuilds it from the database.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ashyq_core::event::{Event, LogEntry};
use ashyq_core::ledger::Ledger;
use ashyq_core::president::PresidentEvent;
use ashyq_store::registrar::Registrar;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures_util::StreamExt as _;
use sha2::{Digest, Sha256};
use tower::ServiceExt as _;

use crate::web::i18n::Lang;

/// Why the mirror could not be written.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    /// `--out` names something that is not a directory.
    #[error(
        "{path} exists and is not a directory; give --out a directory (it is created if missing)"
    )]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// The output directory cannot be created or written.
    #[error("cannot write into {path}: {source}; give --out a directory this user may write")]
    CannotWrite {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The router answered a listed URL with a server error.
    #[error("rendering {url} failed with {status}; the mirror keeps its previous files")]
    Render {
        /// The URL.
        url: String,
        /// The answer's status.
        status: StatusCode,
    },
    /// The log's new entries could not be read.
    #[error("cannot read the log's new entries: {0}")]
    Store(String),
}

/// What one update of the mirror did.
#[derive(Debug, Clone)]
pub struct Published {
    /// The head the files are at now.
    pub seq: u64,
    /// Answers rendered.
    pub rendered: usize,
    /// Files written (new or changed).
    pub written: usize,
    /// Files rendered but equal to the file on disk, left alone.
    pub unchanged: usize,
    /// Whether everything was rendered (the first update, or an entry that is not one
    /// precinct's).
    pub full: bool,
    /// How long the update took.
    pub elapsed: Duration,
}

/// One answer to render: a URL and the language to ask for (pages only).
struct Item {
    url: String,
    lang: Option<Lang>,
}

/// The precinct-level bulk documents of every contest (a whole CSV and the NIST reports,
/// megabytes each): an update renders them only when [`Mirror::set_bulk_interval`] has
/// passed since they were last rendered, and [`keep_current`] brings them to the head once
/// the log is quiet.
fn bulk_items(ledger: &Ledger) -> Vec<Item> {
    let mut v = Vec::new();
    let doc = |v: &mut Vec<Item>, url: String| v.push(Item { url, lang: None });
    for r in ledger.referendums() {
        let api = format!("/api/v1/referendums/{}", r.definition.id.0);
        for tail in ["/results.csv", "/results.nist.json", "/results.nist.xml"] {
            doc(&mut v, format!("{api}{tail}"));
        }
    }
    for id in ledger
        .elections()
        .map(|e| &e.definition.id.0)
        .chain(ledger.presidentials().map(|e| &e.definition.id.0))
    {
        for tail in ["results.nist.json", "results.nist.xml"] {
            doc(&mut v, format!("/api/v1/elections/{id}/{tail}"));
        }
    }
    v
}

/// Which precincts' pages an update renders.
enum Scope {
    All,
    Touched {
        /// `(contest, precinct)`.
        precincts: HashSet<(String, u32)>,
        /// `(contest, district)`.
        districts: HashSet<(String, String)>,
        /// `(contest, region)`.
        regions: HashSet<(String, String)>,
    },
}

impl Scope {
    fn all(&self) -> bool {
        matches!(self, Scope::All)
    }

    fn precinct(&self, contest: &str, p: u32) -> bool {
        match self {
            Scope::All => true,
            Scope::Touched { precincts, .. } => precincts.contains(&(contest.to_owned(), p)),
        }
    }

    fn district(&self, contest: &str, d: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Touched { districts, .. } => {
                districts.contains(&(contest.to_owned(), d.to_owned()))
            }
        }
    }

    fn region(&self, contest: &str, r: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Touched { regions, .. } => regions.contains(&(contest.to_owned(), r.to_owned())),
        }
    }

    /// The scope of `entries` on `ledger`: their precincts (with districts and regions), or
    /// everything when one of them is not a precinct's.
    fn of(entries: &[LogEntry], ledger: &Ledger) -> Scope {
        let Some(territory) = ledger.territory() else {
            return Scope::All;
        };
        let district_of: HashMap<u32, &str> = territory
            .precincts
            .iter()
            .map(|p| (p.id.0, p.district.0.as_str()))
            .collect();
        let region_of: HashMap<&str, &str> = territory
            .districts
            .iter()
            .map(|d| (d.id.0.as_str(), d.region.0.as_str()))
            .collect();
        let mut precincts = HashSet::new();
        let mut districts = HashSet::new();
        let mut regions = HashSet::new();
        for e in entries {
            let Some((contest, p)) = precinct_of(&e.event) else {
                return Scope::All;
            };
            let Some(d) = district_of.get(&p) else {
                return Scope::All;
            };
            if let Some(r) = region_of.get(d) {
                regions.insert((contest.to_owned(), (*r).to_owned()));
            }
            districts.insert((contest.to_owned(), (*d).to_owned()));
            precincts.insert((contest.to_owned(), p));
        }
        Scope::Touched {
            precincts,
            districts,
            regions,
        }
    }
}

/// The contest and precinct an entry is about, when it is about one precinct's protocol.
fn precinct_of(event: &Event) -> Option<(&str, u32)> {
    match event {
        Event::ProtocolAccepted { protocol, .. }
        | Event::ProtocolConflict { protocol, .. }
        | Event::ProtocolAmended { protocol, .. } => {
            Some((&protocol.referendum.0, protocol.precinct.0))
        }
        Event::ConflictDismissed {
            referendum,
            precinct,
            ..
        } => Some((&referendum.0, precinct.0)),
        Event::PartyListAccepted { protocol, .. }
        | Event::PartyListConflict { protocol, .. }
        | Event::PartyListAmended { protocol, .. } => {
            Some((&protocol.election.0, protocol.precinct.0))
        }
        Event::President(
            PresidentEvent::ProtocolAccepted { protocol, .. }
            | PresidentEvent::ProtocolConflict { protocol, .. }
            | PresidentEvent::ProtocolAmended { protocol, .. },
        ) => Some((&protocol.election.0, protocol.precinct.0)),
        _ => None,
    }
}

/// Whether `s` may be a path segment of the mirror as it is (no escaping needed in a URL or a
/// file name, never `.` or `..`).
fn plain_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// The file extension of an answer of `content_type`.
fn extension_of(content_type: &str) -> &'static str {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    match essence {
        "text/html" => "html",
        "application/jsonl" => "jsonl",
        "text/csv" => "csv",
        "application/xml" | "text/xml" => "xml",
        "text/css" => "css",
        "text/javascript" => "js",
        "application/atom+xml" => "atom",
        _ => "json",
    }
}

/// The files (relative to the output directory) that hold the answer to `url` in `lang`
/// with media type `content_type`; `None` when the URL cannot be a plain file name.
pub fn files_of(url: &str, lang: Option<Lang>, content_type: &str) -> Option<Vec<PathBuf>> {
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    if query.is_some_and(|q| !plain_segment(q)) {
        return None;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if !segments.iter().all(|s| plain_segment(s)) {
        return None;
    }
    let mut dir = PathBuf::new();
    let named = segments
        .last()
        .and_then(|last| last.rsplit_once('.'))
        .filter(|(stem, ext)| !stem.is_empty() && !ext.is_empty());
    let (stem, ext) = match named {
        Some((stem, ext)) => {
            for s in &segments[..segments.len() - 1] {
                dir.push(s);
            }
            (stem.to_owned(), ext.to_owned())
        }
        None => {
            for s in &segments {
                dir.push(s);
            }
            ("index".to_owned(), extension_of(content_type).to_owned())
        }
    };
    let base = match query {
        Some(q) => format!("{stem}.{q}"),
        None => stem,
    };
    Some(match lang {
        Some(l) => {
            let mut files = vec![dir.join(format!("{base}.{}.{ext}", l.code()))];
            if l == Lang::Kk {
                files.push(dir.join(format!("{base}.{ext}")));
            }
            files
        }
        None => vec![dir.join(format!("{base}.{ext}"))],
    })
}

/// Every answer to render at `ledger`'s head within `scope`, aggregates first; the tree heads
/// and the log are not among them (they are written last).
fn items(ledger: &Ledger, scope: &Scope) -> Vec<Item> {
    let mut v = Vec::new();
    let page = |v: &mut Vec<Item>, url: String| {
        for lang in Lang::ALL {
            v.push(Item {
                url: url.clone(),
                lang: Some(lang),
            });
        }
    };
    let doc = |v: &mut Vec<Item>, url: String| v.push(Item { url, lang: None });
    page(&mut v, "/".into());
    page(&mut v, "/?by=turnout".into());
    page(&mut v, "/downloads".into());
    page(&mut v, "/verify".into());
    for url in [
        "/api/v1",
        "/api/v1/referendums",
        "/api/v1/elections",
        "/api/v1/log/key",
    ] {
        doc(&mut v, url.into());
    }
    if scope.all() {
        doc(&mut v, "/api/v1/openapi.json".into());
        for a in crate::web::assets::all() {
            doc(&mut v, format!("/assets/{}", a.name));
        }
    }
    let territory = ledger.territory();
    let regions = territory.map_or(&[][..], |t| &t.regions[..]);
    let districts = territory.map_or(&[][..], |t| &t.districts[..]);
    let precincts = territory.map_or(&[][..], |t| &t.precincts[..]);
    for r in ledger.referendums() {
        let id = &r.definition.id.0;
        page(&mut v, format!("/r/{id}"));
        page(&mut v, format!("/r/{id}?by=turnout"));
        let api = format!("/api/v1/referendums/{id}");
        for tail in [
            "/results",
            "/results/tree",
            "/results.csv?level=national",
            "/results.csv?level=region",
            "/results.csv?level=district",
        ] {
            doc(&mut v, format!("{api}{tail}"));
        }
        for g in regions.iter().filter(|g| scope.region(id, &g.code.0)) {
            page(&mut v, format!("/r/{id}/region/{}", g.code.0));
            doc(&mut v, format!("{api}/regions/{}", g.code.0));
        }
        for d in districts.iter().filter(|d| scope.district(id, &d.id.0)) {
            page(&mut v, format!("/r/{id}/district/{}", d.id.0));
        }
        for p in precincts.iter().filter(|p| scope.precinct(id, p.id.0)) {
            page(&mut v, format!("/r/{id}/precinct/{}", p.id.0));
            doc(&mut v, format!("{api}/precincts/{}", p.id.0));
        }
    }
    for e in ledger.elections() {
        let id = &e.definition.id.0;
        page(&mut v, format!("/e/{id}"));
        page(&mut v, format!("/e/{id}/what-if"));
        for tail in ["results", "seats"] {
            doc(&mut v, format!("/api/v1/elections/{id}/{tail}"));
        }
    }
    for e in ledger.presidentials() {
        let id = &e.definition.id.0;
        page(&mut v, format!("/p/{id}"));
        page(&mut v, format!("/p/{id}?by=turnout"));
        for g in regions.iter().filter(|g| scope.region(id, &g.code.0)) {
            page(&mut v, format!("/p/{id}/region/{}", g.code.0));
        }
        for p in precincts.iter().filter(|p| scope.precinct(id, p.id.0)) {
            page(&mut v, format!("/p/{id}/precinct/{}", p.id.0));
        }
        for tail in ["results", "round", "candidates"] {
            doc(&mut v, format!("/api/v1/elections/{id}/{tail}"));
        }
        for p in precincts.iter().filter(|p| scope.precinct(id, p.id.0)) {
            doc(
                &mut v,
                format!("/api/v1/elections/{id}/round/precincts/{}", p.id.0),
            );
        }
    }
    // Risk-limiting audits: their pages and reports (listed by `web/audit.rs`).
    for url in crate::web::audit::page_urls(ledger) {
        page(&mut v, url);
    }
    for url in crate::web::audit::document_urls(ledger) {
        doc(&mut v, url);
    }
    // The Kurultai: its pages and feeds (listed by `web/kurultai.rs`), and its open data —
    // only when something else than a precinct's protocol came (a protocol changes none).
    if scope.all() {
        for url in crate::web::kurultai::page_urls(ledger) {
            page(&mut v, url);
        }
    }
    if scope.all() && ledger.kurultai().convening().is_some() {
        for url in ["/api/v1/kurultai/popolo.json", "/api/v1/kurultai/votes.csv"] {
            doc(&mut v, url.into());
        }
    }
    v
}

/// The prefix of the mirror's temporary files (swept when a mirror is opened).
const TMP_PREFIX: &str = ".ashyq-tmp-";

/// The mirror in one directory, rendered from one registrar that nothing else moves (see
/// [`Mirror::open`]).
pub struct Mirror {
    out: PathBuf,
    app: Router,
    registrar: Arc<Registrar>,
    /// SHA-256 of every file as last written or found on disk, by relative path.
    known: HashMap<PathBuf, [u8; 32]>,
    /// The head the files are at (`None` before the first update).
    head: Option<u64>,
    /// Entries in `api/v1/log/index.jsonl`.
    log_seq: Option<u64>,
    /// The head of the signed datasets in `downloads/`.
    downloads_seq: Option<u64>,
    /// How often an update renders the bulk documents ([`bulk_items`]).
    bulk_interval: Duration,
    /// The head the bulk documents are at, and when they were rendered.
    bulk: Option<(u64, Instant)>,
    tmp_counter: u64,
}

impl Mirror {
    /// The mirror of `registrar` in `out` (created if missing), rendered with `config` (its
    /// log key signs the heads and receipts; its rate limit is not applied). The registrar
    /// must be one only the mirror moves (`Registrar::catch_up` before each
    /// [`Mirror::update`]), so that every file of an update is of the same head. Temporary
    /// files left by an earlier process that was stopped mid-write are removed.
    pub fn open(
        out: &Path,
        registrar: Arc<Registrar>,
        config: &crate::ServerConfig,
    ) -> Result<Mirror, MirrorError> {
        if out.exists() && !out.is_dir() {
            return Err(MirrorError::NotADirectory {
                path: out.to_owned(),
            });
        }
        let cannot = |path: &Path| {
            let path = path.to_owned();
            move |source| MirrorError::CannotWrite { path, source }
        };
        std::fs::create_dir_all(out).map_err(cannot(out))?;
        let probe = out.join(format!("{TMP_PREFIX}probe-{}", std::process::id()));
        std::fs::write(&probe, b"").map_err(cannot(out))?;
        std::fs::remove_file(&probe).map_err(cannot(&probe))?;
        sweep(out).map_err(cannot(out))?;
        // Every answer of the update is of the mirror's head: no interval.
        let config = crate::ServerConfig {
            rate_limit: None,
            publish_interval: Duration::ZERO,
            ..config.clone()
        };
        Ok(Mirror {
            out: out.to_owned(),
            app: crate::router_with(registrar.clone(), &config),
            registrar,
            known: HashMap::new(),
            head: None,
            log_seq: None,
            downloads_seq: None,
            bulk_interval: DEFAULT_BULK_INTERVAL,
            bulk: None,
            tmp_counter: 0,
        })
    }

    /// While entries arrive, the bulk documents (the precinct-level CSV and NIST reports of
    /// every contest) are rendered at most this often ([`DEFAULT_BULK_INTERVAL`]), and at
    /// the head once the log is quiet ([`keep_current`]); zero renders them at every head.
    pub fn set_bulk_interval(&mut self, every: Duration) {
        self.bulk_interval = every;
    }

    /// Brings the bulk documents to the head of the files, if they are behind it and the
    /// mirror's registrar is still at that head; whether it wrote them.
    pub async fn update_bulk(&mut self) -> Result<bool, MirrorError> {
        let Some(head) = self.head else {
            return Ok(false);
        };
        let seq = self.registrar.ledger().head().map_or(0, |(s, _)| s);
        if seq != head || self.bulk.is_some_and(|(at, _)| at == head) {
            return Ok(false);
        }
        let list = bulk_items(&self.registrar.ledger());
        let mut done = Published {
            seq,
            rendered: 0,
            written: 0,
            unchanged: 0,
            full: false,
            elapsed: Duration::ZERO,
        };
        for item in list {
            self.render_and_write(&item.url, item.lang, &mut done)
                .await?;
        }
        self.bulk = Some((seq, Instant::now()));
        Ok(true)
    }

    /// The directory.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The head the files are at, once written.
    pub fn head(&self) -> Option<u64> {
        self.head
    }

    /// Brings the files to the registrar's head: everything the first time, then what the
    /// new entries changed. `progress(done, total)` is called as answers are rendered.
    /// `None` when the files are already at that head.
    pub async fn update(
        &mut self,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<Option<Published>, MirrorError> {
        let started = Instant::now();
        let seq = self.registrar.ledger().head().map_or(0, |(s, _)| s);
        if self.head == Some(seq) {
            return Ok(None);
        }
        let new_entries = match self.head {
            Some(from) if from < seq => Some(self.entries(from, seq).await?),
            _ => None,
        };
        let bulk_due = self
            .bulk
            .is_none_or(|(_, at)| at.elapsed() >= self.bulk_interval);
        let (scope, list) = {
            let ledger = self.registrar.ledger();
            let scope = match &new_entries {
                Some(entries) => Scope::of(entries, &ledger),
                None => Scope::All,
            };
            let mut list = items(&ledger, &scope);
            if scope.all() || bulk_due {
                list.extend(bulk_items(&ledger));
            }
            (scope, list)
        };
        let with_bulk = scope.all() || bulk_due;
        let mut done = Published {
            seq,
            rendered: 0,
            written: 0,
            unchanged: 0,
            full: scope.all(),
            elapsed: Duration::ZERO,
        };
        let total = list.len() + 3;
        // Answers are rendered on every worker of the runtime, a few ahead, and written here
        // in order.
        let router = self.app.clone();
        let mut rendered = futures_util::stream::iter(list.into_iter().map(|item| {
            let app = router.clone();
            tokio::spawn(async move {
                let t0 = Instant::now();
                let answer = render_with(&app, &item.url, item.lang, seq).await;
                let ms = t0.elapsed().as_millis() as u64;
                if ms >= 50 {
                    tracing::debug!(url = item.url, ms, "slow mirror render");
                }
                (item, answer)
            })
        }))
        .buffered(RENDER_AHEAD);
        let mut i = 0;
        while let Some(joined) = futures_util::StreamExt::next(&mut rendered).await {
            let (item, answer) =
                joined.map_err(|e| MirrorError::Store(format!("a render task failed: {e}")))?;
            self.write_answer(&item.url, item.lang, answer?, &mut done)?;
            i += 1;
            progress(i, total);
        }
        self.write_log(seq, new_entries.as_deref(), &mut done)
            .await?;
        self.write_downloads(&mut done).await?;
        progress(total - 1, total);
        // The heads last: a reader who sees this head finds every page of it on disk.
        self.render_and_write(&format!("/api/v1/log/heads/{seq}"), None, &mut done)
            .await?;
        self.render_and_write("/api/v1/log/head", None, &mut done)
            .await?;
        progress(total, total);
        self.head = Some(seq);
        if with_bulk {
            self.bulk = Some((seq, Instant::now()));
        }
        done.elapsed = started.elapsed();
        Ok(Some(done))
    }

    /// The entries after `from` up to `to`.
    async fn entries(&self, from: u64, to: u64) -> Result<Vec<LogEntry>, MirrorError> {
        let mut out = Vec::new();
        let mut after = from;
        while after < to {
            let limit = u32::try_from((to - after).min(5_000)).unwrap_or(5_000);
            let page = self
                .registrar
                .store()
                .entries_after(after, limit)
                .await
                .map_err(|e| MirrorError::Store(e.to_string()))?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            out.extend(page.into_iter().filter(|e| e.seq <= to));
        }
        Ok(out)
    }

    /// The answer to `url` (in `lang`, for a page): status, media type and body.
    async fn render(
        &self,
        url: &str,
        lang: Option<Lang>,
    ) -> Result<(StatusCode, String, Vec<u8>), MirrorError> {
        let seq = self.registrar.ledger().head().map_or(0, |(s, _)| s);
        render_with(&self.app, url, lang, seq).await
    }

    async fn render_and_write(
        &mut self,
        url: &str,
        lang: Option<Lang>,
        done: &mut Published,
    ) -> Result<(), MirrorError> {
        let answer = self.render(url, lang).await?;
        self.write_answer(url, lang, answer, done)
    }

    fn write_answer(
        &mut self,
        url: &str,
        lang: Option<Lang>,
        (status, content_type, body): (StatusCode, String, Vec<u8>),
        done: &mut Published,
    ) -> Result<(), MirrorError> {
        done.rendered += 1;
        if status.is_server_error() {
            return Err(MirrorError::Render {
                url: url.to_owned(),
                status,
            });
        }
        // A listed URL that is not found (an election that has no such document) is no file.
        if !status.is_success() {
            return Ok(());
        }
        let Some(files) = files_of(url, lang, &content_type) else {
            tracing::warn!(url, "not mirrored: the URL is not a plain file name");
            return Ok(());
        };
        for file in files {
            if self.write_if_changed(&file, &body)? {
                done.written += 1;
            } else {
                done.unchanged += 1;
            }
        }
        Ok(())
    }

    /// Writes `body` to `file` unless it holds those bytes already; whether it wrote.
    fn write_if_changed(&mut self, file: &Path, body: &[u8]) -> Result<bool, MirrorError> {
        let digest: [u8; 32] = Sha256::digest(body).into();
        let path = self.out.join(file);
        let same = match self.known.get(file) {
            Some(known) => *known == digest,
            // Not written by this process: compare with what is on disk.
            None => std::fs::read(&path).is_ok_and(|old| old == body),
        };
        if !same {
            self.write_atomically(&path, |f| std::io::Write::write_all(f, body))?;
        }
        self.known.insert(file.to_owned(), digest);
        Ok(!same)
    }

    /// Writes a temporary file beside `path` with `fill`, then renames it over `path`.
    fn write_atomically(
        &mut self,
        path: &Path,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), MirrorError> {
        let dir = path.parent().unwrap_or(&self.out);
        let cannot = |p: &Path| {
            let path = p.to_owned();
            move |source| MirrorError::CannotWrite { path, source }
        };
        std::fs::create_dir_all(dir).map_err(cannot(dir))?;
        self.tmp_counter += 1;
        let tmp = dir.join(format!(
            "{TMP_PREFIX}{}-{}",
            std::process::id(),
            self.tmp_counter
        ));
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| fill(&mut f))
            .and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(cannot(path)(e));
        }
        Ok(())
    }

    /// The signed datasets of `/downloads` (its snapshot, `crate::downloads`) as
    /// `downloads/NAME` and `downloads/NAME.sig.json`, with `catalog.jsonld` and
    /// `log-key.pub`. The pages link them with `?at=SEQ`, which a static server ignores: the
    /// files are those of the snapshot the pages show. The signed log is the whole log, so it
    /// is written only when the snapshot has moved.
    async fn write_downloads(&mut self, done: &mut Published) -> Result<(), MirrorError> {
        let (status, _, body) = self.render("/api/v1/downloads", None).await?;
        done.rendered += 1;
        // An empty log publishes nothing.
        if !status.is_success() {
            return Ok(());
        }
        let listing: crate::downloads::DownloadsDocument = serde_json::from_slice(&body)
            .map_err(|e| MirrorError::Store(format!("the downloads listing: {e}")))?;
        // The files of one snapshot do not change: written already.
        if self.downloads_seq == Some(listing.log_seq) {
            return Ok(());
        }
        let mut urls = vec![
            "/downloads/log-key.pub".to_owned(),
            format!("/downloads/{}", ashyq_core::downloads::CATALOGUE_NAME),
        ];
        for f in &listing.files {
            urls.push(format!("/downloads/{}.sig.json", f.name));
            let is_log = f.name == ashyq_core::downloads::LOG_NAME;
            if !is_log || self.downloads_seq != Some(listing.log_seq) {
                urls.push(format!("/downloads/{}", f.name));
            }
        }
        for url in urls {
            // Named at the snapshot listed, so every file is of that one.
            let at = format!("{url}?at={}", listing.log_seq);
            let (status, content_type, body) = self.render(&at, None).await?;
            self.write_answer(&url, None, (status, content_type, body), done)?;
        }
        self.downloads_seq = Some(listing.log_seq);
        Ok(())
    }

    /// The log as JSON Lines: rendered whole the first time, then the old file copied and the
    /// new entries appended.
    async fn write_log(
        &mut self,
        seq: u64,
        new_entries: Option<&[LogEntry]>,
        done: &mut Published,
    ) -> Result<(), MirrorError> {
        let file = PathBuf::from("api/v1/log/index.jsonl");
        let path = self.out.join(&file);
        match (self.log_seq, new_entries) {
            (Some(at), Some(entries)) if entries.first().is_none_or(|e| e.seq == at + 1) => {
                let old = path.clone();
                self.write_atomically(&path, |f| {
                    let mut from = std::fs::File::open(&old)?;
                    std::io::copy(&mut from, f)?;
                    let mut buf = Vec::new();
                    for e in entries {
                        buf.extend_from_slice(e.to_json_line().as_bytes());
                        buf.push(b'\n');
                    }
                    std::io::Write::write_all(f, &buf)
                })?;
                done.written += 1;
            }
            _ => {
                let (status, _, body) = self.render("/api/v1/log", None).await?;
                done.rendered += 1;
                if !status.is_success() {
                    return Err(MirrorError::Render {
                        url: "/api/v1/log".into(),
                        status,
                    });
                }
                if self.write_if_changed(&file, &body)? {
                    done.written += 1;
                } else {
                    done.unchanged += 1;
                }
                // The log grows with every head: its digest is of no further use.
                self.known.remove(&file);
            }
        }
        self.log_seq = Some(seq);
        Ok(())
    }
}

/// How many answers are rendered ahead of the one being written.
const RENDER_AHEAD: usize = 16;

/// How often an update renders the bulk documents while entries arrive.
pub const DEFAULT_BULK_INTERVAL: Duration = Duration::from_secs(10);

/// The answer of `app` to `GET url` (in `lang`, for a page): status, media type and body.
/// The request names head `seq` in `If-None-Match` (with no real tag, so never a 304): the read
/// cache then never answers with an earlier head's answer while another render runs.
async fn render_with(
    app: &Router,
    url: &str,
    lang: Option<Lang>,
    seq: u64,
) -> Result<(StatusCode, String, Vec<u8>), MirrorError> {
    let mut req = Request::get(url).header(header::IF_NONE_MATCH, format!("\"{seq}-mirror\""));
    if let Some(l) = lang {
        req = req.header(header::ACCEPT_LANGUAGE, l.code());
    }
    let failed = |status| MirrorError::Render {
        url: url.to_owned(),
        status,
    };
    let req = req
        .body(Body::empty())
        .map_err(|_| failed(StatusCode::BAD_REQUEST))?;
    let res = match app.clone().oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .map_err(|_| failed(StatusCode::INTERNAL_SERVER_ERROR))?;
    Ok((status, content_type, body.to_vec()))
}

/// Removes the temporary files under `dir` (left by a process stopped mid-write).
fn sweep(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            sweep(&entry.path())?;
        } else if entry.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Keeps `mirror` at the head of the log: waits until `wake` changes (the serving registrar's
/// head: its own appends, and what it takes in from other instances) or a second passes,
/// catches the mirror's own registrar up, and updates, at most once every `min_interval`.
/// `on_published` hears of each update. Failures are logged and retried at the next head.
pub async fn keep_current(
    mut mirror: Mirror,
    mut wake: tokio::sync::watch::Receiver<u64>,
    min_interval: Duration,
    mut on_published: impl FnMut(&Published) + Send,
) {
    let mut last: Option<Instant> = None;
    loop {
        // Quiet: no new head for a second.
        let mut quiet = false;
        if mirror.head().is_some() {
            tokio::select! {
                changed = wake.changed() => if changed.is_err() {
                    // The serving registrar is gone: poll.
                    tokio::time::sleep(Duration::from_secs(1)).await;
                },
                () = tokio::time::sleep(Duration::from_secs(1)) => quiet = true,
            }
        }
        if let Some(at) = last {
            let next = at + min_interval;
            tokio::time::sleep_until(next.into()).await;
        }
        last = Some(Instant::now());
        if let Err(e) = mirror.registrar.catch_up().await {
            tracing::warn!("the mirror could not read the log: {e}");
            continue;
        }
        match mirror.update(&mut |_, _| {}).await {
            Ok(Some(p)) => {
                tracing::info!(
                    head = p.seq,
                    written = p.written,
                    unchanged = p.unchanged,
                    ms = p.elapsed.as_millis() as u64,
                    "mirror updated"
                );
                on_published(&p);
            }
            Ok(None) if quiet => match mirror.update_bulk().await {
                Ok(true) => tracing::info!(head = mirror.head(), "mirror's bulk documents updated"),
                Ok(false) => {}
                Err(e) => tracing::warn!("the mirror's bulk documents could not be updated: {e}"),
            },
            Ok(None) => {}
            Err(e) => tracing::warn!("the mirror could not be updated: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files_as_documented() {
        let f = |url, lang, ct| {
            files_of(url, lang, ct).map(|v| {
                v.into_iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            f("/r/kz-2026", Some(Lang::Ru), "text/html; charset=utf-8"),
            Some(vec!["r/kz-2026/index.ru.html".to_owned()])
        );
        assert_eq!(
            f("/", Some(Lang::Kk), "text/html; charset=utf-8"),
            Some(vec!["index.kk.html".to_owned(), "index.html".to_owned()])
        );
        assert_eq!(
            f("/r/kz-2026?by=turnout", Some(Lang::En), "text/html"),
            Some(vec!["r/kz-2026/index.by=turnout.en.html".to_owned()])
        );
        assert_eq!(
            f(
                "/api/v1/referendums/kz-2026/results",
                None,
                "application/json"
            ),
            Some(vec![
                "api/v1/referendums/kz-2026/results/index.json".to_owned()
            ])
        );
        assert_eq!(
            f(
                "/api/v1/referendums/kz-2026/results.csv?level=region",
                None,
                "text/csv"
            ),
            Some(vec![
                "api/v1/referendums/kz-2026/results.level=region.csv".to_owned()
            ])
        );
        assert_eq!(
            f("/api/v1/log", None, "application/jsonl; charset=utf-8"),
            Some(vec!["api/v1/log/index.jsonl".to_owned()])
        );
        assert_eq!(
            f("/assets/style.css", None, "text/css"),
            Some(vec!["assets/style.css".to_owned()])
        );
        assert_eq!(
            f(
                "/kurultai/bills/bill-2026-001/feed.atom",
                Some(Lang::Kk),
                "application/atom+xml; charset=utf-8"
            ),
            Some(vec![
                "kurultai/bills/bill-2026-001/feed.kk.atom".to_owned(),
                "kurultai/bills/bill-2026-001/feed.atom".to_owned()
            ])
        );
        assert_eq!(
            f("/kurultai/deputies/amanat-1", Some(Lang::En), "text/html"),
            Some(vec!["kurultai/deputies/amanat-1/index.en.html".to_owned()])
        );
        assert_eq!(f("/r/../etc", None, "text/html"), None);
        assert_eq!(f("/r/a b", None, "text/html"), None);
        assert_eq!(f("/r/x?a=1&b=2", None, "text/html"), None);
    }
}
