//! A journal: a domain whose state is a pure function of its own hash chain.
//!
//! Every domain of ashyq that keeps a log — the public log of referendums and elections, the
//! consultation, the register's audited acts — is a [`Domain`]: its events, its decisions and
//! how an entry changes its state. What is the same for all of them lives once:
//!
//! - here, the replay of a whole chain for a verifier ([`replay`]), with the first bad entry
//!   named;
//! - in `ashyq-store`, the generic `Journal<D>` that decides → seals → applies → appends,
//!   commits concurrent writers as one group, rebuilds on failure and follows what other
//!   processes appended.
//!
//! A new domain writes only its own event type, its decisions and [`Domain::apply`].

use serde::de::DeserializeOwned;

use crate::chain::{ChainEvent, Entry, LogHash};

/// A domain whose state is a function of its chain. See the module documentation.
pub trait Domain: Default + Send + Sync + 'static {
    /// The events of its chain.
    type Event: ChainEvent + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static;
    /// A decision taken on the current state, to be recorded with [`Domain::record`].
    type Decided: Send;
    /// Why a decision or an entry was refused.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The chain's name, as exports and messages call it (`referendum`, `consultation`, …).
    const CHAIN: &'static str;

    /// The sequence number and hash of the chain's last entry, `None` while it is empty.
    fn head(&self) -> Option<(u64, &LogHash)>;

    /// Records a decision taken on this very state: seals it as the next entry (with the
    /// given time) and changes the state. Not decided a second time: that is what
    /// [`Domain::apply`] does for entries from elsewhere.
    fn record(
        &mut self,
        decided: Self::Decided,
        recorded_at: String,
    ) -> Result<Entry<Self::Event>, Self::Error>;

    /// Applies the next entry of the chain from elsewhere (the store, an export): checks its
    /// place and hash ([`crate::chain::Head::check_next`]), decides its event again on the current state,
    /// and changes the state only if the decision is exactly the recorded event. On error
    /// nothing changes.
    fn apply(&mut self, entry: &Entry<Self::Event>) -> Result<(), Self::Error>;
}

/// An entry that does not replay, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{chain} log, entry {seq} ({kind}): {reason}")]
pub struct ReplayError<E> {
    /// The chain.
    pub chain: &'static str,
    /// The first bad entry.
    pub seq: u64,
    /// Its event's `type`.
    pub kind: &'static str,
    /// Why it was refused.
    pub reason: E,
}

/// Replays a whole chain from its first entry, checking every one; the first bad entry is
/// named.
pub fn replay<'a, D: Domain>(
    entries: impl IntoIterator<Item = &'a Entry<D::Event>>,
) -> Result<D, ReplayError<D::Error>> {
    let mut state = D::default();
    replay_onto(&mut state, entries)?;
    Ok(state)
}

/// Applies `entries` after the state's head, checking every one; on error the state holds
/// the entries before the bad one.
pub fn replay_onto<'a, D: Domain>(
    state: &mut D,
    entries: impl IntoIterator<Item = &'a Entry<D::Event>>,
) -> Result<(), ReplayError<D::Error>> {
    for entry in entries {
        state.apply(entry).map_err(|reason| ReplayError {
            chain: D::CHAIN,
            seq: entry.seq,
            kind: entry.event.kind(),
            reason,
        })?;
    }
    Ok(())
}

/// Parses a chain exported as JSON Lines (one entry per line; blank lines are skipped).
/// The error names the line and what is wrong with it.
pub fn parse_lines<E: DeserializeOwned>(text: &str) -> Result<Vec<Entry<E>>, LineError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| LineError {
                line: i + 1,
                reason: e.to_string(),
            })
        })
        .collect()
}

/// A line of an exported log that is not an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} is not a log entry: {reason}")]
pub struct LineError {
    /// The line, from 1.
    pub line: usize,
    /// The parser's message.
    pub reason: String,
}
