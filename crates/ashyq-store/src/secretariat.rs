//! The secretariat of the public consultation: takes the consultation's commands, records
//! their events durably, and keeps the replayed [`Consultation`] and the act versions in
//! memory for reads.
//!
//! The same write path as the [`crate::registrar::Registrar`]: decide on the current state,
//! record the event in memory (sealing it as the next entry of the consultation's hash chain),
//! then append it to `consult_log` in one transaction. If the append fails, the state is
//! rebuilt from the store, so memory never runs ahead of what is durable; if another instance
//! appended first, the secretariat catches up and decides again.

use std::sync::{RwLock, RwLockReadGuard};

use ashyq_core::consult::{ConsultEntry, ConsultError, ConsultEvent, Consultation};
use ashyq_core::legal::Act;
use tokio::sync::Mutex;

use crate::consult::{ActStored, StoredAct};
use crate::registrar::{Clock, system_clock};
use crate::{Store, StoreError};

/// Why a consultation command did not go through.
#[derive(Debug, thiserror::Error)]
pub enum SecretariatError {
    /// The command was refused by the consultation's rules; nothing was recorded.
    #[error(transparent)]
    Refused(#[from] ConsultError),
    /// The store failed; nothing was recorded.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored log does not replay: the database was altered outside ashyq.
    #[error(
        "the stored consultation log does not replay: {0}; the database was changed outside ashyq — restore it from a backup or an export"
    )]
    Corrupt(ConsultError),
}

/// See the module documentation.
pub struct Secretariat {
    store: Store,
    state: RwLock<Consultation>,
    acts: RwLock<Vec<StoredAct>>,
    writer: Mutex<()>,
    clock: Clock,
}

const PAGE: u32 = 5_000;

impl Secretariat {
    /// Replays the consultation log and reads the act versions of an open store; new entries
    /// get their time from the system clock.
    pub async fn open(store: Store) -> Result<Self, SecretariatError> {
        Self::with_clock(store, system_clock()).await
    }

    /// [`Secretariat::open`] with a clock.
    pub async fn with_clock(store: Store, clock: Clock) -> Result<Self, SecretariatError> {
        let state = replay(&store, Consultation::new()).await?;
        let acts = store.act_versions().await?;
        tracing::info!(
            entries = state.log.len(),
            proposals = state.proposals.len(),
            versions = acts.len(),
            "loaded the consultation"
        );
        Ok(Secretariat {
            store,
            state: RwLock::new(state),
            acts: RwLock::new(acts),
            writer: Mutex::new(()),
            clock,
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Read access to the consultation. Hold it briefly: writers wait for it.
    pub fn consultation(&self) -> RwLockReadGuard<'_, Consultation> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The stored act versions, in the order stored.
    pub fn acts(&self) -> RwLockReadGuard<'_, Vec<StoredAct>> {
        self.acts.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The current time as new entries record it.
    pub fn now(&self) -> String {
        (self.clock)()
    }

    /// Decides with `decide` on the current state and records the event it returns.
    pub async fn record<F>(&self, decide: F) -> Result<ConsultEntry, SecretariatError>
    where
        F: Fn(&Consultation) -> Result<ConsultEvent, ConsultError>,
    {
        let _w = self.writer.lock().await;
        loop {
            let entry = {
                let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
                let event = decide(&state)?;
                state.record(event, &(self.clock)())?.clone()
            };
            match self
                .store
                .append_consult(std::slice::from_ref(&entry))
                .await
            {
                Ok(()) => return Ok(entry),
                Err(err) => {
                    let moved = matches!(err, StoreError::HeadMoved { .. });
                    self.rebuild().await?;
                    if !moved {
                        return Err(err.into());
                    }
                    tracing::info!(
                        "another writer appended to the consultation log; caught up and deciding again"
                    );
                }
            }
        }
    }

    /// Appends entries sealed elsewhere (a sample, an exported log) that continue the current
    /// head: each is checked like a replayed entry (chain, hash, rules) before anything is
    /// written, then all are appended in one transaction.
    pub async fn import(&self, entries: &[ConsultEntry]) -> Result<(), SecretariatError> {
        let _w = self.writer.lock().await;
        {
            let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
            let mut checked = state.clone();
            for e in entries {
                checked.apply_entry(e)?;
            }
            *state = checked;
        }
        if let Err(e) = self.store.append_consult(entries).await {
            self.rebuild().await?;
            return Err(e.into());
        }
        Ok(())
    }

    /// Stores a version of an act (see [`Store::store_act_version`]).
    pub async fn add_act_version(&self, act: &Act) -> Result<ActStored, SecretariatError> {
        let _w = self.writer.lock().await;
        let stored = self.store.store_act_version(act, &(self.clock)()).await?;
        let acts = self.store.act_versions().await?;
        *self.acts.write().unwrap_or_else(|p| p.into_inner()) = acts;
        Ok(stored)
    }

    /// Reads entries and versions written by other instances (another server, or the
    /// `ashyq commission` commands) into memory. Cheap when nothing changed: one query for
    /// new entries and one count of the versions. Returns whether anything was new.
    pub async fn catch_up(&self) -> Result<bool, SecretariatError> {
        let _w = self.writer.lock().await;
        let before = self.consultation().head().map(|(s, _)| s);
        let current = std::mem::take(&mut *self.state.write().unwrap_or_else(|p| p.into_inner()));
        let replayed = replay(&self.store, current).await;
        let state = match replayed {
            Ok(state) => state,
            Err(e) => {
                // The state was taken out above: put a full replay back (or an empty state
                // that the next write rebuilds) rather than leave memory empty.
                self.rebuild().await?;
                return Err(e);
            }
        };
        let moved = state.head().map(|(s, _)| s) != before;
        *self.state.write().unwrap_or_else(|p| p.into_inner()) = state;
        let stored = self.store.act_version_count().await?;
        let known = self.acts().len() as u64;
        if stored != known {
            let acts = self.store.act_versions().await?;
            *self.acts.write().unwrap_or_else(|p| p.into_inner()) = acts;
        }
        Ok(moved || stored != known)
    }

    async fn rebuild(&self) -> Result<(), SecretariatError> {
        let rebuilt = replay(&self.store, Consultation::new()).await?;
        *self.state.write().unwrap_or_else(|p| p.into_inner()) = rebuilt;
        Ok(())
    }
}

/// Applies every stored entry after the state's head.
async fn replay(store: &Store, mut state: Consultation) -> Result<Consultation, SecretariatError> {
    loop {
        let after = state.head().map_or(0, |(s, _)| s);
        let page = store.consult_entries_after(after, PAGE).await?;
        if page.is_empty() {
            return Ok(state);
        }
        for entry in &page {
            state
                .apply_entry(entry)
                .map_err(SecretariatError::Corrupt)?;
        }
    }
}
