//! The election of the President (issue 18): the rules as configuration with the defaults of
//! the 2026 draft and the election law ([`rules`]), who may stand and the single-term rule
//! ([`eligibility`]), the support signatures and their regional spread ([`signatures`]), the
//! precinct protocol and its totals ([`protocol`]), who is elected or meets in a second round,
//! with the documented tie rule ([`outcome`]), the definition of a round ([`definition`]) and
//! the votes file of `ashyq president tally` ([`tally_file`]).
//!
//! A presidential election is a contest like a referendum or a party-list election: its id
//! lives in the one namespace, its protocols go through the same protocol book (receipts,
//! conflicts, amendments), and its decisions are entries of the public log (the ledger's part
//! is `ledger::president`). Sources for every rule: `docs/president.md`.
//!
//! The parent module only gathers its parts: each part imports its siblings below it, never
//! this module.

pub mod definition;
pub mod eligibility;
pub mod error;
pub mod events;
pub mod outcome;
pub mod protocol;
pub mod rules;
pub mod scenario;
pub mod signatures;
pub mod tally_file;

pub use definition::{PresidentialDefinition, SecondRoundOf};
pub use eligibility::{
    CandidateDocuments, CandidateFacts, CriterionCheck, Nomination, Nominator, PastPresident,
    check_eligibility,
};
pub use error::PresidentError;
pub use events::PresidentEvent;
pub use outcome::{CandidateVotes, PresidentialOutcome, RoundCount, RoundKind, decide};
pub use protocol::{PresidentialProtocol, PresidentialTotals, RegionPresidentialTotals};
pub use rules::{Criterion, NominatorKind, PresidentialRules};
pub use signatures::{SignatureReport, SignatureTally, check_signatures};
pub use tally_file::parse_tally_csv;
