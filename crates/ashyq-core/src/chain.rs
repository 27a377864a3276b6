//! The hash chain every journal of ashyq is made of: its entries, their sealing and their
//! checks. A leaf module: it knows nothing of any domain, only of an event type that
//! serializes.
//!
//! ## Hash of an entry
//! `hash = SHA-256(JSON of {"seq", "prev", "recorded_at", "event"})`, hex encoded, where the
//! JSON is serde_json's compact encoding with fields in declaration order (no maps with
//! unordered keys occur in events). The first entry's `prev` is 64 zeros
//! ([`LogHash::genesis`]). An exported JSON Lines file holds one [`Entry`] per line in exactly
//! this encoding plus the `hash` field, so a verifier re-derives every hash from the file
//! alone. The referendum's log, the consultation's and the register's all use this one rule.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A SHA-256 digest, hex encoded (64 lowercase hex digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogHash(pub String);

impl LogHash {
    /// The `prev` of the first entry.
    pub fn genesis() -> Self {
        LogHash("0".repeat(64))
    }

    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut out = [0u8; 64];
    // `encode_to_slice` writes into a buffer; `hex::encode` goes char by char through an
    // iterator, which showed up in the ingest profile.
    hex::encode_to_slice(Sha256::digest(bytes), &mut out).expect("64 hex digits for 32 bytes");
    String::from_utf8(out.to_vec()).expect("hex digits are ASCII")
}

/// What an event of a chain must offer: a stable `type` tag (stored beside the entry, shown in
/// listings) on top of serializing.
pub trait ChainEvent: Serialize + Clone {
    /// The `type` tag, e.g. `protocol_accepted`.
    fn kind(&self) -> &'static str;
}

/// One entry of a chain: an event with its place and its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry<E> {
    /// 1, 2, 3, … without gaps.
    pub seq: u64,
    /// Hash of the previous entry ([`LogHash::genesis`] for the first).
    pub prev: LogHash,
    /// When it was recorded, RFC 3339 in UTC.
    pub recorded_at: String,
    /// What happened.
    pub event: E,
    /// This entry's hash.
    pub hash: LogHash,
}

/// The hashed part of an entry, in canonical field order.
#[derive(Serialize)]
struct Hashed<'a, E> {
    seq: u64,
    prev: &'a LogHash,
    recorded_at: &'a str,
    event: &'a E,
}

impl<E: Serialize> Entry<E> {
    /// Seals an event as the entry after `prev` (sequence `seq`).
    pub fn seal(seq: u64, prev: LogHash, recorded_at: String, event: E) -> Self {
        let hash = entry_hash(seq, &prev, &recorded_at, &event);
        Entry {
            seq,
            prev,
            recorded_at,
            event,
            hash,
        }
    }

    /// Recomputes this entry's hash from its content.
    pub fn computed_hash(&self) -> LogHash {
        entry_hash(self.seq, &self.prev, &self.recorded_at, &self.event)
    }

    /// The entry as one line of JSON (no trailing newline), as written to an export.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("a log entry always serializes")
    }
}

fn entry_hash<E: Serialize>(seq: u64, prev: &LogHash, recorded_at: &str, event: &E) -> LogHash {
    let bytes = serde_json::to_vec(&Hashed {
        seq,
        prev,
        recorded_at,
        event,
    })
    .expect("a log entry always serializes");
    LogHash(sha256_hex(&bytes))
}

/// Where a chain stands: the last entry's sequence number and hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head(Option<(u64, LogHash)>);

impl Head {
    /// Sequence number and hash of the last entry, `None` for an empty chain.
    pub fn get(&self) -> Option<(u64, &LogHash)> {
        self.0.as_ref().map(|(s, h)| (*s, h))
    }

    /// The sequence number of the last entry, 0 for an empty chain.
    pub fn seq(&self) -> u64 {
        self.0.as_ref().map_or(0, |(s, _)| *s)
    }

    /// The sequence number the next entry gets and the `prev` it carries.
    pub fn next(&self) -> (u64, LogHash) {
        match &self.0 {
            Some((seq, hash)) => (seq + 1, hash.clone()),
            None => (1, LogHash::genesis()),
        }
    }

    /// Seals `event` as the next entry (does not move the head).
    pub fn seal<E: Serialize>(&self, recorded_at: String, event: E) -> Entry<E> {
        let (seq, prev) = self.next();
        Entry::seal(seq, prev, recorded_at, event)
    }

    /// Checks that `entry` is the next entry of this chain and that its hash covers its
    /// content: its place (no gap, no repeat), its `prev` link and its own hash.
    pub fn check_next<E: Serialize>(&self, entry: &Entry<E>) -> Result<(), ChainError> {
        let (seq, prev) = self.next();
        if entry.seq != seq {
            return Err(ChainError::Place {
                expected: seq,
                found: entry.seq,
            });
        }
        if entry.prev != prev {
            return Err(ChainError::Link {
                seq,
                prev: entry.prev.clone(),
                expected: prev,
            });
        }
        let computed = entry.computed_hash();
        if computed != entry.hash {
            return Err(ChainError::Altered {
                seq,
                computed,
                recorded: entry.hash.clone(),
            });
        }
        Ok(())
    }

    /// Moves the head to `entry` (which the caller has checked or just sealed).
    pub fn advance<E>(&mut self, entry: &Entry<E>) {
        self.0 = Some((entry.seq, entry.hash.clone()));
    }
}

impl From<Option<(u64, LogHash)>> for Head {
    fn from(head: Option<(u64, LogHash)>) -> Self {
        Head(head)
    }
}

/// Why an entry does not continue a chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// A gap, a repeat or a reordering.
    #[error(
        "expected entry {expected} but found entry {found}: an entry is missing, duplicated or out of order"
    )]
    Place {
        /// The sequence number the chain needs next.
        expected: u64,
        /// The one found.
        found: u64,
    },
    /// The `prev` link does not name the entry before.
    #[error(
        "entry {seq}: its prev hash {prev} is not the hash of the entry before ({expected}): the chain is broken here"
    )]
    Link {
        /// The entry.
        seq: u64,
        /// Its `prev`.
        prev: LogHash,
        /// The previous entry's hash.
        expected: LogHash,
    },
    /// The content does not hash to the recorded hash.
    #[error(
        "entry {seq}: its content hashes to {computed}, not to the recorded {recorded}: the entry was altered"
    )]
    Altered {
        /// The entry.
        seq: u64,
        /// The hash of its content.
        computed: LogHash,
        /// The hash it carries.
        recorded: LogHash,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Note {
        text: String,
    }

    fn note(t: &str) -> Note {
        Note { text: t.into() }
    }

    #[test]
    fn the_hash_covers_every_field_and_round_trips() {
        let e = Entry::seal(
            1,
            LogHash::genesis(),
            "2026-03-15T15:00:00Z".into(),
            note("a"),
        );
        assert_eq!(e.computed_hash(), e.hash);
        let moved = Entry::seal(2, LogHash::genesis(), e.recorded_at.clone(), note("a"));
        assert_ne!(moved.hash, e.hash);
        let relinked = Entry::seal(1, e.hash.clone(), e.recorded_at.clone(), note("a"));
        assert_ne!(relinked.hash, e.hash);
        let retimed = Entry::seal(
            1,
            LogHash::genesis(),
            "2026-03-15T15:00:01Z".into(),
            note("a"),
        );
        assert_ne!(retimed.hash, e.hash);
        let back: Entry<Note> = serde_json::from_str(&e.to_json_line()).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.computed_hash(), e.hash);
    }

    #[test]
    fn the_hash_is_sha256_of_the_compact_json_in_field_order() {
        let e = Entry::seal(1, LogHash::genesis(), "t".into(), note("x"));
        let text = format!(
            "{{\"seq\":1,\"prev\":\"{}\",\"recorded_at\":\"t\",\"event\":{{\"text\":\"x\"}}}}",
            "0".repeat(64)
        );
        assert_eq!(e.hash.0, sha256_hex(text.as_bytes()));
    }

    #[test]
    fn a_head_accepts_only_the_next_entry() {
        let mut head = Head::default();
        let first = head.seal("t".into(), note("a"));
        head.check_next(&first).unwrap();
        head.advance(&first);
        assert_eq!(head.seq(), 1);
        let second = head.seal("t".into(), note("b"));
        assert!(matches!(
            head.check_next(&first),
            Err(ChainError::Place {
                expected: 2,
                found: 1
            })
        ));
        let mut unlinked = second.clone();
        unlinked.prev = LogHash::genesis();
        unlinked.hash = unlinked.computed_hash();
        assert!(matches!(
            head.check_next(&unlinked),
            Err(ChainError::Link { .. })
        ));
        let mut altered = second.clone();
        altered.event = note("c");
        assert!(matches!(
            head.check_next(&altered),
            Err(ChainError::Altered { .. })
        ));
        head.check_next(&second).unwrap();
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = Entry::seal(1, LogHash::genesis(), "t".into(), note("a"));
        let mut v: serde_json::Value = serde_json::from_str(&e.to_json_line()).unwrap();
        v["extra"] = serde_json::json!(1);
        assert!(serde_json::from_value::<Entry<Note>>(v).is_err());
    }
}
