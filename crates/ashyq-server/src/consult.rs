//! The public consultation in the server: the [`Secretariat`] (the consultation's log and the
//! act versions, persisted by `ashyq-store`), the full-text index of the public proposals,
//! the comparisons of act versions, sign-in and the moderators.
//!
//! Pages are in `web/consult/`, the JSON API in `consult_api.rs`, the OpenID Connect relying
//! party and the citizens' sessions in `signin.rs`. The service knows its identity provider
//! only by its configuration ([`IdentityProvider`]); the development provider (`dev_idp.rs`)
//! is served by the router when the server is configured with one.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use ashyq_core::consult::{
    CitizenRef, ConsultError, ConsultEvent, Consultation, Proposal, ProposalId, ProposalStatus,
};
use ashyq_core::iin::DigestKey;
use ashyq_core::legal::compare::{self, CompareOptions, Comparison};
use ashyq_core::legal::history::{self, HistoryStep};
use ashyq_core::legal::{Act, Lang};
use ashyq_search::ProposalIndex;
use ashyq_store::consult::StoredAct;
use ashyq_store::secretariat::{Secretariat, SecretariatError};
use axum::http::HeaderMap;

use crate::signin::{IdentityProvider, Session, SignIn, secure_origin};

/// Proposals per page of a list.
pub const PAGE_SIZE: usize = 50;

/// How the consultation is served.
pub struct ConsultConfig {
    /// The key of the citizens' pseudonyms ([`CitizenRef::of_subject`]); keep it outside the
    /// database and never change it (every support in the log was counted with it).
    pub digest_key: DigestKey,
    /// The OpenID Connect provider citizens sign in with, if any: a real one, or the
    /// development provider's (`DevIdp::provider`, for demos and tests only).
    pub identity_provider: Option<IdentityProvider>,
    /// Citizens who may moderate proposals (their pseudonyms); the provider may name more
    /// ([`IdentityProvider::moderators`]).
    pub moderators: Vec<CitizenRef>,
    /// The address citizens reach the server at, e.g. `https://consult.example.kz`; by default
    /// `http://` and the address the server listens on.
    pub public_url: Option<String>,
}

impl std::fmt::Debug for ConsultConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsultConfig")
            .field("identity_provider", &self.identity_provider)
            .field("moderators", &self.moderators.len())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// Why the consultation could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ConsultServiceError {
    /// The search index could not be built.
    #[error("cannot build the proposals' search index: {0}")]
    Search(#[from] ashyq_search::SearchError),
    /// The public URL is not usable.
    #[error(
        "the public URL {0:?} is not an http(s) origin; give e.g. https://consult.example.kz (no path)"
    )]
    PublicUrl(String),
    /// The HTTP client for the identity provider could not be built.
    #[error("cannot set up sign-in: {0}")]
    SignIn(String),
}

/// What the pages and the API share about the consultation.
pub struct ConsultService {
    secretariat: Arc<Secretariat>,
    index: Mutex<SearchIndex>,
    comparisons: Mutex<HashMap<(String, String, Lang), Arc<Comparison>>>,
    pub(crate) signin: SignIn,
    origin: OnceLock<String>,
    /// Whether the origin was configured (else it is the listening address).
    origin_configured: bool,
    key: DigestKey,
    moderators: Vec<CitizenRef>,
}

impl std::fmt::Debug for ConsultService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsultService")
            .field("origin", &self.origin.get())
            .field("identity_provider", &self.signin.provider)
            .finish_non_exhaustive()
    }
}

struct SearchIndex {
    index: ProposalIndex,
    indexed: BTreeSet<ProposalId>,
}

/// Whether the public may read a proposal's text: once it was published (whatever became of
/// it since). A proposal refused by moderation or still waiting for it shows only its status.
pub fn text_is_public(p: &Proposal) -> bool {
    p.timeline
        .iter()
        .any(|s| s.status == ProposalStatus::Published)
}

/// A proposal's status as one word (`submitted`, `published`, …), for CSS classes, message
/// keys and the API's filter.
pub fn status_word(s: &ProposalStatus) -> &'static str {
    match s {
        ProposalStatus::Submitted => "submitted",
        ProposalStatus::Published => "published",
        ProposalStatus::Rejected { .. } => "rejected",
        ProposalStatus::Withdrawn => "withdrawn",
        ProposalStatus::OnAgenda { .. } => "on-agenda",
        ProposalStatus::Accepted { .. } => "accepted",
        ProposalStatus::Declined { .. } => "declined",
    }
}

/// Every status word, in the order of the filter.
pub const STATUS_WORDS: [&str; 7] = [
    "submitted",
    "published",
    "on-agenda",
    "accepted",
    "declined",
    "rejected",
    "withdrawn",
];

impl ConsultService {
    /// Serves the consultation kept by `secretariat`.
    pub fn new(
        secretariat: Arc<Secretariat>,
        config: ConsultConfig,
    ) -> Result<ConsultService, ConsultServiceError> {
        let origin = OnceLock::new();
        if let Some(url) = &config.public_url {
            let url = url.trim_end_matches('/');
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && url
                    .split("://")
                    .nth(1)
                    .is_some_and(|h| !h.is_empty() && !h.contains('/'));
            if !ok {
                return Err(ConsultServiceError::PublicUrl(url.to_owned()));
            }
            let _ = origin.set(url.to_owned());
        }
        let mut index = SearchIndex {
            index: ProposalIndex::new(1, 20_000_000)?,
            indexed: BTreeSet::new(),
        };
        {
            let c = secretariat.consultation();
            for p in c.proposals.values().filter(|p| text_is_public(p)) {
                index.index.add(p.id.0, &p.text)?;
                index.indexed.insert(p.id);
            }
        }
        index.index.commit()?;
        let store = secretariat.store().clone();
        Ok(ConsultService {
            secretariat,
            index: Mutex::new(index),
            comparisons: Mutex::default(),
            signin: SignIn::new(config.identity_provider, store)
                .map_err(ConsultServiceError::SignIn)?,
            origin_configured: origin.get().is_some(),
            origin,
            key: config.digest_key,
            moderators: config.moderators,
        })
    }

    /// Sets the public origin from the address the server listens on, unless configured.
    pub fn set_default_origin(&self, origin: String) {
        let _ = self.origin.set(origin);
    }

    /// Whether the public origin was configured (`--public-url`) rather than taken from the
    /// listening address.
    pub fn origin_configured(&self) -> bool {
        self.origin_configured
    }

    /// The public origin (`http://127.0.0.1:8080`), once known.
    pub fn origin(&self) -> &str {
        self.origin.get().map_or("http://127.0.0.1", String::as_str)
    }

    /// The secretariat.
    pub fn secretariat(&self) -> &Secretariat {
        &self.secretariat
    }

    /// Read access to the consultation.
    pub fn consultation(&self) -> std::sync::RwLockReadGuard<'_, Consultation> {
        self.secretariat.consultation()
    }

    /// The stored act versions.
    pub fn acts(&self) -> std::sync::RwLockReadGuard<'_, Vec<StoredAct>> {
        self.secretariat.acts()
    }

    /// The pseudonym of the person signed in as `subject` at `issuer`.
    pub fn citizen(&self, issuer: &str, subject: &str) -> CitizenRef {
        CitizenRef::of_subject(&self.key, issuer, subject)
    }

    /// The register digest of a person whose subject at `provider` is their IIN
    /// ([`IdentityProvider::subject_is_iin`]), under the same key (the register is loaded
    /// with it: `ashyq register import --digest-key-file`). `None` when the provider does not
    /// vouch for IINs or the subject is not a valid IIN.
    pub fn voter_digest(
        &self,
        provider: &IdentityProvider,
        subject: &str,
    ) -> Option<ashyq_core::iin::IinDigest> {
        if !provider.subject_is_iin {
            return None;
        }
        ashyq_core::iin::Iin::parse(subject)
            .ok()
            .map(|iin| iin.digest(&self.key))
    }

    /// Whether `who` may moderate: a configured moderator, or one the provider names.
    pub fn is_moderator(&self, who: &CitizenRef) -> bool {
        self.moderators.contains(who)
            || self.provider().is_some_and(|p| {
                p.moderators
                    .iter()
                    .any(|subject| *who == self.citizen(&p.issuer, subject))
            })
    }

    /// The provider citizens sign in with, its issuer under this server's origin when it is
    /// served here.
    pub(crate) fn provider(&self) -> Option<IdentityProvider> {
        self.signin.provider.as_ref().map(|p| p.at(self.origin()))
    }

    /// Whether citizens sign in with the development provider (then the pages say so).
    pub(crate) fn development(&self) -> bool {
        self.signin.provider.as_ref().is_some_and(|p| p.development)
    }

    /// The session of a request.
    pub async fn session(&self, headers: &HeaderMap) -> Option<Session> {
        self.signin.session(headers).await
    }

    /// Whether session cookies get the `Secure` attribute.
    pub(crate) fn secure_cookies(&self) -> bool {
        secure_origin(self.origin())
    }

    /// Records a command's event (see [`Secretariat::record`]) and keeps the search index up
    /// to date.
    pub async fn record<F>(
        &self,
        decide: F,
    ) -> Result<ashyq_core::consult::ConsultEntry, SecretariatError>
    where
        F: Fn(&Consultation) -> Result<ConsultEvent, ConsultError>,
    {
        let entry = self.secretariat.record(decide).await?;
        if let ConsultEvent::ProposalPublished { id, .. } = &entry.event {
            self.index_proposal(*id);
        }
        Ok(entry)
    }

    /// Takes in what other processes recorded since (the `ashyq commission` commands, another
    /// server instance): the log, the act versions and the search index. `ashyq serve` calls
    /// it every few seconds.
    pub async fn follow(&self) -> Result<(), SecretariatError> {
        if !self.secretariat.catch_up().await? {
            return Ok(());
        }
        let new: Vec<ProposalId> = {
            let c = self.consultation();
            let ix = self.index.lock().unwrap_or_else(|p| p.into_inner());
            c.proposals
                .values()
                .filter(|p| text_is_public(p) && !ix.indexed.contains(&p.id))
                .map(|p| p.id)
                .collect()
        };
        for id in new {
            self.index_proposal(id);
        }
        Ok(())
    }

    fn index_proposal(&self, id: ProposalId) {
        let text = {
            let c = self.consultation();
            match c.proposals.get(&id) {
                Some(p) if text_is_public(p) => p.text.clone(),
                _ => return,
            }
        };
        let mut ix = self.index.lock().unwrap_or_else(|p| p.into_inner());
        if ix.indexed.contains(&id) {
            return;
        }
        let added = ix.index.add(id.0, &text).and_then(|()| ix.index.commit());
        match added {
            Ok(()) => {
                ix.indexed.insert(id);
            }
            Err(e) => tracing::warn!(proposal = %id, error = %e, "could not index a proposal"),
        }
    }

    /// The public proposals matching `query`, best first (at most `limit`).
    pub fn search(&self, query: &str, limit: usize) -> Vec<ProposalId> {
        let ix = self.index.lock().unwrap_or_else(|p| p.into_inner());
        match ix.index.search(query, limit) {
            Ok(hits) => hits.into_iter().map(|h| ProposalId(h.id)).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "search failed");
                Vec::new()
            }
        }
    }

    /// The version labelled `version`, with its index in the stored order.
    pub fn version(&self, version: &str) -> Option<(usize, Act)> {
        self.acts()
            .iter()
            .enumerate()
            .find(|(_, a)| a.act.version == version)
            .map(|(i, a)| (i, a.act.clone()))
    }

    /// The version open for proposals: the last one a `draft_published` event names and that
    /// is stored, else the last stored.
    pub fn open_draft(&self) -> Option<Act> {
        let published: Vec<String> = self
            .consultation()
            .drafts
            .iter()
            .map(|(_, v, _)| v.clone())
            .collect();
        let acts = self.acts();
        published
            .iter()
            .rev()
            .find_map(|v| acts.iter().find(|a| &a.act.version == v))
            .or(acts.last())
            .map(|a| a.act.clone())
    }

    /// The comparison of two stored versions in `lang` (computed once, then kept: stored
    /// versions never change).
    pub fn compare(&self, from: &str, to: &str, lang: Lang) -> Option<Arc<Comparison>> {
        let key = (from.to_owned(), to.to_owned(), lang);
        if let Some(c) = self
            .comparisons
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Some(c.clone());
        }
        let (_, a) = self.version(from)?;
        let (_, b) = self.version(to)?;
        let c = Arc::new(compare::compare(&a, &b, lang, CompareOptions::default()));
        self.comparisons
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, c.clone());
        Some(c)
    }

    /// The history of article `eid` of `version` through every stored version of its work.
    pub fn article_history(
        &self,
        version: &str,
        eid: &str,
        lang: Lang,
    ) -> Option<Vec<HistoryStep>> {
        let acts: Vec<Act> = {
            let (_, this) = self.version(version)?;
            self.acts()
                .iter()
                .filter(|a| a.act.work == this.work)
                .map(|a| a.act.clone())
                .collect()
        };
        let at = acts.iter().position(|a| a.version == version)?;
        let comparisons: Vec<Comparison> = acts
            .windows(2)
            .filter_map(|w| self.compare(&w[0].version, &w[1].version, lang))
            .map(|c| (*c).clone())
            .collect();
        let refs: Vec<&Act> = acts.iter().collect();
        history::article_history(&refs, &comparisons, at, eid, lang)
    }

    /// The proposals a listing shows: the search hits (best first) or every proposal (newest
    /// first), filtered by status word; refused and unmoderated ones only when asked for by
    /// status, and then without their text.
    pub fn list_proposals(&self, q: &str, status: &str) -> Vec<ProposalId> {
        let c = self.consultation();
        let keep = |p: &Proposal| {
            let w = status_word(p.status());
            if status.is_empty() {
                text_is_public(p)
            } else {
                w == status
            }
        };
        if q.trim().is_empty() {
            c.proposals
                .values()
                .rev()
                .filter(|p| keep(p))
                .map(|p| p.id)
                .collect()
        } else {
            let hits = self.search(q, 500);
            hits.into_iter()
                .filter(|id| c.proposals.get(id).is_some_and(&keep))
                .collect()
        }
    }
}

/// The eId of the article a unit is in (itself if it is one, or the unit if it is above).
pub fn article_of(eid: &str) -> String {
    let parts: Vec<&str> = eid.split("__").collect();
    match parts.iter().position(|p| p.starts_with("art_")) {
        Some(i) => parts[..=i].join("__"),
        None => eid.to_owned(),
    }
}

/// A proposal number from a path: `42` or `P-000042`.
pub fn parse_proposal_id(s: &str) -> Option<ProposalId> {
    let digits = s
        .strip_prefix("P-")
        .or_else(|| s.strip_prefix("p-"))
        .unwrap_or(s);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(ProposalId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposal_numbers_parse_in_both_spellings() {
        assert_eq!(parse_proposal_id("42"), Some(ProposalId(42)));
        assert_eq!(parse_proposal_id("P-000042"), Some(ProposalId(42)));
        for bad in ["", "P-", "-1", "1e3", "99999999999999999999", "４２"] {
            assert_eq!(parse_proposal_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn articles_are_found_above_their_paragraphs() {
        assert_eq!(article_of("sec_3__art_9__para_1"), "sec_3__art_9");
        assert_eq!(article_of("art_2"), "art_2");
        assert_eq!(article_of("sec_3"), "sec_3");
    }
}
