//! The voter register in the database (issue 7): bulk import, precinct lists, eligibility
//! counts, absentee certificates, voting-day marks, turnout and the operators' audit trail.
//!
//! The rules are `ashyq_core::register`'s; this module reads what they need, asks them, and
//! writes what they decide. No IIN reaches this module in clear: only keyed digests
//! ([`IinDigest`](ashyq_core::iin::IinDigest)) and masked forms.
//!
//! One concern a file, each using only those listed before it:
//! - `audit` — the audit trail ([`Operator`], [`AuditEntry`], [`Store::audit`]);
//! - `columns` — how stored values read back; `event` — the [`RegisterEvent`] served;
//! - `import` — the bulk import ([`ListRow`], [`KeyRow`], [`Store::import_voters`]), with the
//!   crate's one `unsafe` block (`import::direct`);
//! - `queries` — lists, look-ups, eligibility counts, turnout;
//! - `certificates` — absentee certificates issued and lost;
//! - `marks` — the book of marks and the decision of a batch, closures, incidents;
//!   `pg_marks` and `sqlite_marks` — a batch read, decided and written on each backend;
//!   `desk` — [`Store::mark_voted`] and the group-committing [`MarkDesk`].
//!
//! [`Store::audit`]: crate::Store::audit
//! [`Store::import_voters`]: crate::Store::import_voters
//! [`Store::mark_voted`]: crate::Store::mark_voted

mod audit;
mod certificates;
mod columns;
mod desk;
mod event;
mod import;
mod marks;
mod pg_marks;
mod queries;
mod sqlite_marks;

pub use audit::{AuditEntry, Operator};
pub use desk::MarkDesk;
pub use event::RegisterEvent;
pub use import::{KeyRow, ListRow, sort_key_rows, split_voter};
pub use marks::{MarkOutcome, MarkRequest};
pub use queries::{ListEntry, OwnEntry, PrecinctTurnout, latest_adult_birth};
