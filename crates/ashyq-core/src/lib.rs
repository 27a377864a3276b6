//! # ashyq-core
//!
//! The domain of ashyq, usable on its own by a researcher: the territory (country → region →
//! district → precinct), referendum definitions and their validity and adoption rules, the
//! precinct protocol with its named control ratios, exact tallies at every level, and the
//! append-only, SHA-256 hash-chained event log with an offline verifier.
//!
//! This crate is pure: it does no I/O, no async and no SQL. Inputs arrive as strings or values
//! and leave as values or strings; the caller reads and writes files.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod author;
pub mod ballots;
pub mod canonical;
pub mod chain;
pub mod consult;
pub mod contest;
pub mod downloads;
pub mod election;
pub mod event;
pub mod iin;
pub mod journal;
pub mod keys;
pub mod kurultai;
pub mod lang;
pub mod ledger;
pub mod legal;
pub mod merkle;
pub mod nist;
pub mod operator;
pub mod party;
pub mod president;
pub mod profile;
pub mod protocol;
pub mod receipt;
pub mod referendum;
pub mod register;
pub mod report;
pub mod scenario;
pub mod seats;
pub mod share;
pub mod signed;
pub mod tally;
pub mod territory;
pub mod throttle;
pub mod transparency;
pub mod verify;

pub use chain::{Entry, LogHash};
pub use contest::ContestId;
pub use event::{Event, LogEntry};
pub use ledger::{Ledger, LedgerError};
pub use protocol::{PrecinctProtocol, ProtocolLines};
pub use referendum::ReferendumDefinition;
pub use share::Share;
pub use tally::{ResultsTree, Totals};
pub use territory::{PrecinctId, RegionCode, Territory};
