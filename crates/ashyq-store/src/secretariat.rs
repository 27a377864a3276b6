//! The secretariat of the public consultation: the consultation's journal ([`Journal`] of
//! the [`Consultation`]) and the stored versions of the acts, kept in memory for reads.
//!
//! Its commands take the one write path of every chain (see [`crate::journal`]): decide on
//! the current state, record in memory, append to `consult_log` in one transaction, rebuilt
//! on failure, decided again when another instance appended first.

use std::sync::{RwLock, RwLockReadGuard};

use ashyq_core::consult::{ConsultEntry, ConsultError, ConsultEvent, Consultation};
use ashyq_core::legal::Act;
use tokio::sync::Mutex;

use crate::Store;
use crate::consult::{ActStored, StoredAct};
use crate::journal::{Clock, Journal, JournalError, system_clock};

/// Why a consultation command did not go through.
pub type SecretariatError = JournalError<ConsultError>;

/// See the module documentation.
pub struct Secretariat {
    journal: Journal<Consultation>,
    acts: RwLock<Vec<StoredAct>>,
    /// Serializes storing act versions in this process.
    versions: Mutex<()>,
}

impl Secretariat {
    /// Replays the consultation log and reads the act versions of an open store; new entries
    /// get their time from the system clock.
    pub async fn open(store: Store) -> Result<Self, SecretariatError> {
        Self::with_clock(store, system_clock()).await
    }

    /// [`Secretariat::open`] with a clock.
    pub async fn with_clock(store: Store, clock: Clock) -> Result<Self, SecretariatError> {
        let acts = store.act_versions().await?;
        let journal: Journal<Consultation> = Journal::open(store, clock).await?;
        {
            let state = journal.state();
            tracing::info!(
                entries = state.log.len(),
                proposals = state.proposals.len(),
                versions = acts.len(),
                "loaded the consultation"
            );
        }
        Ok(Secretariat {
            journal,
            acts: RwLock::new(acts),
            versions: Mutex::new(()),
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.journal.store()
    }

    /// The consultation's journal.
    pub fn journal(&self) -> &Journal<Consultation> {
        &self.journal
    }

    /// Read access to the consultation. Hold it briefly: writers wait for it.
    pub fn consultation(&self) -> RwLockReadGuard<'_, Consultation> {
        self.journal.state()
    }

    /// The stored act versions, in the order stored.
    pub fn acts(&self) -> RwLockReadGuard<'_, Vec<StoredAct>> {
        self.acts.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The current time as new entries record it.
    pub fn now(&self) -> String {
        self.journal.now()
    }

    /// Decides with `decide` on the current state and records the event it returns.
    pub async fn record<F>(&self, decide: F) -> Result<ConsultEntry, SecretariatError>
    where
        F: Fn(&Consultation) -> Result<ConsultEvent, ConsultError>,
    {
        self.journal.record(decide).await
    }

    /// Appends entries sealed elsewhere (a sample, an exported log) that continue the current
    /// head: each is checked like a replayed entry (chain, hash, rules) before anything is
    /// written, then all are appended in one transaction.
    pub async fn import(&self, entries: &[ConsultEntry]) -> Result<(), SecretariatError> {
        self.journal.import(entries).await
    }

    /// Stores a version of an act (see [`Store::store_act_version`]).
    pub async fn add_act_version(&self, act: &Act) -> Result<ActStored, SecretariatError> {
        let _v = self.versions.lock().await;
        let stored = self
            .store()
            .store_act_version(act, &self.journal.now())
            .await?;
        let acts = self.store().act_versions().await?;
        *self.acts.write().unwrap_or_else(|p| p.into_inner()) = acts;
        Ok(stored)
    }

    /// Reads entries and versions written by other instances (another server, or the
    /// `ashyq commission` commands) into memory. Cheap when nothing changed: one query for
    /// new entries and one count of the versions. Returns whether anything was new.
    pub async fn catch_up(&self) -> Result<bool, SecretariatError> {
        let moved = self.journal.catch_up().await?;
        let _v = self.versions.lock().await;
        let stored = self.store().act_version_count().await?;
        let known = self.acts().len() as u64;
        if stored != known {
            let acts = self.store().act_versions().await?;
            *self.acts.write().unwrap_or_else(|p| p.into_inner()) = acts;
        }
        Ok(moved || stored != known)
    }
}
