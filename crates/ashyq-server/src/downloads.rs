//! The signed datasets, served: every dataset of every contest (`ashyq_core::downloads`), the
//! log, their signatures by the log's key and the DCAT catalogue, all at one head of the log —
//! the same bytes `ashyq downloads --out DIR` writes at that head.
//!
//! A set is a **snapshot**: it is built at the ledger's head when first asked for, and stands
//! until the head has moved on and [`crate::ServerConfig::downloads_interval`] has passed, so
//! on election night the NIST reports are not rebuilt for every protocol. The current and the
//! previous snapshot are held; every link names its snapshot (`?at=SEQ`), so a file and its
//! signature fetched a moment apart still belong together, and a link to a snapshot no longer
//! held answers 410 with where to look instead. Without `?at` a file is the current
//! snapshot's.
//!
//! The log is not held in memory: its SHA-256 is carried on from snapshot to snapshot
//! ([`LogDigest`]), each entry hashed once, and its bytes are streamed from the store up to the
//! snapshot's head.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use ashyq_core::downloads::{self, CatalogueEntry, LogDigest, SignedDownload};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::problem::Problem;

/// One file of a snapshot.
pub struct SnapshotFile {
    /// Its signed statement (name, media type, size, SHA-256, head, key).
    pub signed: SignedDownload,
    /// What it is.
    pub title: String,
    /// The contest it belongs to, if any.
    pub contest: Option<String>,
    /// Its bytes; `None` for the log, which is streamed from the store.
    body: Option<Bytes>,
    /// The sidecar, as served.
    sidecar: Bytes,
}

/// Every dataset at one head, signed.
pub struct Snapshot {
    /// The head's sequence number.
    pub seq: u64,
    /// The head's hash.
    pub head: String,
    /// The datasets, then the log.
    pub files: Vec<SnapshotFile>,
    /// The DCAT catalogue.
    catalogue: Bytes,
    built: Instant,
}

impl Snapshot {
    fn file(&self, name: &str) -> Option<&SnapshotFile> {
        self.files.iter().find(|f| f.signed.statement.name == name)
    }

    /// The link to one of its files.
    pub fn link(&self, name: &str) -> String {
        format!("/downloads/{name}?at={}", self.seq)
    }
}

/// The newest snapshot and the one before it.
type Held = (Option<Arc<Snapshot>>, Option<Arc<Snapshot>>);

/// The snapshots held, and the log's running digest.
#[derive(Default)]
pub struct Downloads {
    /// The newest snapshot and the one before it.
    held: RwLock<Held>,
    /// Taken by the one build at a time; the digest of the log up to the newest snapshot.
    build: tokio::sync::Mutex<LogDigest>,
}

impl Downloads {
    fn newest(&self) -> Option<Arc<Snapshot>> {
        self.held
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .clone()
    }

    fn at(&self, seq: u64) -> Option<Arc<Snapshot>> {
        let held = self.held.read().unwrap_or_else(|p| p.into_inner());
        [&held.0, &held.1]
            .into_iter()
            .flatten()
            .find(|s| s.seq == seq)
            .cloned()
    }

    fn keep(&self, s: Arc<Snapshot>) {
        let mut held = self.held.write().unwrap_or_else(|p| p.into_inner());
        let older = held.0.replace(s);
        held.1 = older;
    }
}

fn server_error(e: impl std::fmt::Display) -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server-error",
        e.to_string(),
    )
}

/// The snapshot to serve now: the newest one if it is at the head or younger than the
/// interval, else a new one built at the head.
pub async fn current(state: &AppState) -> Result<Arc<Snapshot>, Problem> {
    let fresh = |s: &Snapshot, head: u64| {
        s.seq >= head || s.built.elapsed() < state.config.downloads_interval
    };
    let head = state.registrar.ledger().head().map_or(0, |h| h.0);
    if head == 0 {
        return Err(Problem::not_found(
            "the log is empty: nothing is published yet",
        ));
    }
    let d = &state.downloads;
    if let Some(s) = d.newest()
        && fresh(&s, head)
    {
        return Ok(s);
    }
    let mut digest = d.build.lock().await;
    // Another request may have built it while this one waited.
    if let Some(s) = d.newest()
        && fresh(&s, head)
    {
        return Ok(s);
    }
    let registrar = state.registrar.clone();
    let (seq, head, sets) = tokio::task::spawn_blocking(move || {
        let ledger = registrar.ledger();
        let (seq, hash) = ledger
            .head()
            .map(|(s, h)| (s, h.as_str().to_owned()))
            .unwrap_or_default();
        downloads::datasets(&ledger).map(|sets| (seq, hash, sets))
    })
    .await
    .map_err(server_error)?
    .map_err(server_error)?;
    // The log up to the same head, hashed on from the last snapshot's.
    if digest.seq() > seq {
        *digest = LogDigest::default();
    }
    while digest.seq() < seq {
        let page = state
            .registrar
            .store()
            .entries_after(digest.seq(), 2_000)
            .await
            .map_err(Problem::store)?;
        if page.is_empty() {
            return Err(Problem::unavailable(format!(
                "the log in the database ends before entry {seq}; try again in a moment"
            )));
        }
        for e in page.iter().take_while(|e| e.seq <= seq) {
            digest.push(e.seq, &e.to_json_line());
        }
    }
    let key = &state.log_key;
    let sign = |name: &str, media: &str, digest: (u64, String)| {
        SignedDownload::sign_digest(name, media, digest, (seq, &head), key).map_err(server_error)
    };
    let mut files = Vec::with_capacity(sets.len() + 1);
    for d in sets {
        let signed = sign(
            &d.name,
            d.media_type,
            (
                d.bytes.len() as u64,
                ashyq_core::chain::sha256_hex(&d.bytes),
            ),
        )?;
        files.push(SnapshotFile {
            sidecar: sidecar(&signed)?,
            signed,
            title: d.title,
            contest: d.contest,
            body: Some(Bytes::from(d.bytes)),
        });
    }
    let signed = sign(
        downloads::LOG_NAME,
        downloads::LOG_MEDIA_TYPE,
        digest.finish(),
    )?;
    files.push(SnapshotFile {
        sidecar: sidecar(&signed)?,
        signed,
        title: downloads::LOG_TITLE.to_owned(),
        contest: None,
        body: None,
    });
    let entries: Vec<_> = files
        .iter()
        .map(|f| CatalogueEntry {
            signed: &f.signed,
            title: &f.title,
        })
        .collect();
    let catalogue =
        downloads::catalogue(&entries, (seq, &head), "/downloads/", &format!("?at={seq}"));
    let snapshot = Arc::new(Snapshot {
        seq,
        head,
        catalogue: Bytes::from(serde_json::to_vec_pretty(&catalogue).map_err(server_error)?),
        files,
        built: Instant::now(),
    });
    d.keep(snapshot.clone());
    Ok(snapshot)
}

fn sidecar(signed: &SignedDownload) -> Result<Bytes, Problem> {
    serde_json::to_vec_pretty(signed)
        .map(Bytes::from)
        .map_err(server_error)
}

/// Which snapshot a link names.
#[derive(Deserialize, IntoParams)]
pub struct AtQuery {
    /// The head of the snapshot (its log sequence number); the current one when absent.
    at: Option<u64>,
}

async fn snapshot_at(state: &AppState, at: Option<u64>) -> Result<Arc<Snapshot>, Problem> {
    match at {
        None => current(state).await,
        Some(seq) => {
            if let Some(s) = state.downloads.at(seq) {
                return Ok(s);
            }
            // Not held: the current one, if that is the one named.
            let s = current(state).await?;
            if s.seq == seq {
                return Ok(s);
            }
            Err(Problem::new(
                StatusCode::GONE,
                "snapshot-gone",
                format!(
                    "the datasets at entry {seq} of the log are no longer served; the current ones are at entry {} (see /downloads or /api/v1/downloads)",
                    s.seq
                ),
            ))
        }
    }
}

/// One download, as listed.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DownloadEntry {
    /// The file's name.
    pub name: String,
    /// What it is.
    pub title: String,
    /// The contest it belongs to, if any.
    pub contest: Option<String>,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Where to fetch it.
    pub url: String,
    /// Where to fetch its signature (`FILE.sig.json`).
    pub signature_url: String,
}

/// Every signed download of one snapshot.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DownloadsDocument {
    /// The head the files reflect: its sequence number…
    pub log_seq: u64,
    /// …and its hash.
    pub log_head: String,
    /// The log key that signed them.
    pub key_id: String,
    /// The log's public key.
    pub log_key_url: String,
    /// The DCAT catalogue of the same files.
    pub catalogue_url: String,
    /// The files.
    pub files: Vec<DownloadEntry>,
}

impl DownloadsDocument {
    /// The listing of a snapshot.
    pub fn of(s: &Snapshot) -> Self {
        DownloadsDocument {
            log_seq: s.seq,
            log_head: s.head.clone(),
            key_id: s
                .files
                .first()
                .map(|f| f.signed.statement.key_id.0.clone())
                .unwrap_or_default(),
            log_key_url: "/downloads/log-key.pub".into(),
            catalogue_url: s.link(downloads::CATALOGUE_NAME),
            files: s
                .files
                .iter()
                .map(|f| {
                    let st = &f.signed.statement;
                    DownloadEntry {
                        name: st.name.clone(),
                        title: f.title.clone(),
                        contest: f.contest.clone(),
                        media_type: st.media_type.clone(),
                        size: st.size,
                        sha256: st.sha256.clone(),
                        url: s.link(&st.name),
                        signature_url: s.link(&format!("{}.sig.json", st.name)),
                    }
                })
                .collect(),
        }
    }
}

/// Every signed download at the current snapshot: each file's size, SHA-256, the head it
/// reflects and the link to its signature by the log's key.
#[utoipa::path(get, path = "/api/v1/downloads", tag = "results",
    responses(
        (status = 200, description = "The signed datasets of the current snapshot", body = DownloadsDocument),
        (status = 404, description = "The log is empty")))]
pub async fn listing(State(state): State<AppState>) -> Result<Response, Problem> {
    let s = current(&state).await?;
    let mut res = axum::Json(DownloadsDocument::of(&s)).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    Ok(res)
}

/// `/downloads/{name}`: a dataset, the log, a signature (`NAME.sig.json`), the catalogue or
/// the log's public key, of the snapshot `?at=` names (the current one without it).
pub async fn file(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<AtQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if name == "log-key.pub" {
        let public = state.log_key.public();
        let text =
            ashyq_core::keys::public_key_file(&ashyq_core::keys::Commission::Central, &public);
        return Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response());
    }
    let s = snapshot_at(&state, q.at).await?;
    let etag = format!("\"dl-{}-{}\"", s.seq, &s.head[..s.head.len().min(16)]);
    let not_modified = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().trim_start_matches("W/") == etag);
    let (media, body, attachment): (String, Body, bool) = if name == downloads::CATALOGUE_NAME {
        (
            "application/ld+json".into(),
            Body::from(s.catalogue.clone()),
            false,
        )
    } else if let Some(base) = name.strip_suffix(".sig.json")
        && let Some(f) = s.file(base)
    {
        (
            "application/json".into(),
            Body::from(f.sidecar.clone()),
            false,
        )
    } else if let Some(f) = s.file(&name) {
        let body = match &f.body {
            Some(b) => Body::from(b.clone()),
            None => Body::from_stream(crate::log_pages(state.registrar.clone(), Some(s.seq))),
        };
        (f.signed.statement.media_type.clone(), body, true)
    } else {
        return Err(Problem::not_found(format!(
            "there is no download {name:?} at entry {} of the log; /api/v1/downloads lists them",
            s.seq
        )));
    };
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    // A snapshot named by `?at` never changes; the current one does.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if q.at.is_some() {
            "public, max-age=86400, immutable"
        } else {
            "public, no-cache"
        }),
    );
    if !not_modified {
        let ct = if media.starts_with("text/") || media.ends_with("json") || media.ends_with("xml")
        {
            format!("{media}; charset=utf-8")
        } else {
            media
        };
        if let Ok(v) = HeaderValue::from_str(&ct) {
            h.insert(header::CONTENT_TYPE, v);
        }
        if attachment
            && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(res)
}
