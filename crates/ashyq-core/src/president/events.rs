//! The presidential election's events in the public log: one enum, recorded as the newtype
//! variant `Event::President` (`{"type":"president","event":"candidate_registered",…}`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::author::Author;
use crate::contest::ContestId;
use crate::protocol::Violation;
use crate::seats::TieSeed;
use crate::signed::ProtocolSignature;

use super::definition::PresidentialDefinition;
use super::eligibility::{CriterionCheck, Nomination, PastPresident};
use super::outcome::PresidentialOutcome;
use super::protocol::{PresidentialProtocol, PresidentialTotals};
use super::signatures::SignatureTally;

/// A change of state of a presidential election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum PresidentEvent {
    /// A round was called (a first round, or a second round linked to its certified first).
    ElectionCalled {
        /// Its definition.
        definition: PresidentialDefinition,
    },
    /// A person elected President before was entered in the record of past presidents (the
    /// winner of a certified election enters it by the certification itself).
    PastPresidentRecorded {
        /// Who, by digest.
        president: PastPresident,
        /// Who recorded it.
        author: Author,
    },
    /// A candidate was nominated, with their documents.
    CandidateNominated {
        /// The election.
        election: ContestId,
        /// The nomination.
        nomination: Nomination,
        /// Who recorded it.
        author: Author,
    },
    /// The CEC registered a candidate: every criterion met, signatures sufficient.
    CandidateRegistered {
        /// The election.
        election: ContestId,
        /// The candidate's name.
        candidate: String,
        /// Each criterion with its reason.
        criteria: Vec<CriterionCheck>,
        /// The decision on the support signatures.
        signatures: SignatureTally,
        /// Who decided.
        author: Author,
    },
    /// The CEC refused a candidate, naming the failed criteria or the insufficient signatures.
    CandidateRefused {
        /// The election.
        election: ContestId,
        /// The candidate's name.
        candidate: String,
        /// Each criterion with its reason.
        criteria: Vec<CriterionCheck>,
        /// The decision on the support signatures, when they were checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signatures: Option<SignatureTally>,
        /// Who decided.
        author: Author,
    },
    /// A candidate withdrew before the deadline.
    CandidateWithdrawn {
        /// The election.
        election: ContestId,
        /// The candidate's name.
        candidate: String,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// A precinct's first protocol was accepted and applied.
    ProtocolAccepted {
        /// The protocol.
        protocol: PresidentialProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// Control-ratio warnings.
        warnings: Vec<Violation>,
        /// The precinct commission's signature, when the protocol came as a signed document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<ProtocolSignature>,
        /// The operator who entered the numbers, when the protocol came through the entry form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entered_by: Option<Author>,
    },
    /// A different protocol arrived for a precinct that had reported. Not applied.
    ProtocolConflict {
        /// The protocol.
        protocol: PresidentialProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// The hash of the protocol applied.
        applied_hash: String,
        /// The precinct commission's signature, when the protocol came as a signed document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<ProtocolSignature>,
        /// The operator who entered the numbers, when the protocol came through the entry form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entered_by: Option<Author>,
    },
    /// An amendment replaced a precinct's protocol.
    ProtocolAmended {
        /// The protocol.
        protocol: PresidentialProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// The hash it replaces.
        replaces_hash: String,
        /// Why.
        reason: String,
        /// Who.
        author: Author,
        /// Control-ratio warnings.
        warnings: Vec<Violation>,
        /// The commission's signature, when the amendment applies a signed document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<ProtocolSignature>,
    },
    /// The round's result was certified and locked, with its figures and outcome.
    RoundCertified {
        /// The election.
        election: ContestId,
        /// Who certified.
        author: Author,
        /// The national figures.
        national: PresidentialTotals,
        /// The outcome with its reason.
        outcome: PresidentialOutcome,
        /// The revealed tie seed, when given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seed: Option<TieSeed>,
    },
}

impl PresidentEvent {
    /// The event's kind, as `Event::kind` reports it.
    pub fn kind(&self) -> &'static str {
        match self {
            PresidentEvent::ElectionCalled { .. } => "president_election_called",
            PresidentEvent::PastPresidentRecorded { .. } => "president_past_president_recorded",
            PresidentEvent::CandidateNominated { .. } => "president_candidate_nominated",
            PresidentEvent::CandidateRegistered { .. } => "president_candidate_registered",
            PresidentEvent::CandidateRefused { .. } => "president_candidate_refused",
            PresidentEvent::CandidateWithdrawn { .. } => "president_candidate_withdrawn",
            PresidentEvent::ProtocolAccepted { .. } => "president_protocol_accepted",
            PresidentEvent::ProtocolConflict { .. } => "president_protocol_conflict",
            PresidentEvent::ProtocolAmended { .. } => "president_protocol_amended",
            PresidentEvent::RoundCertified { .. } => "president_round_certified",
        }
    }

    /// The protocol of a protocol event, for the phase check (after the polls close).
    pub fn protocol(&self) -> Option<&PresidentialProtocol> {
        match self {
            PresidentEvent::ProtocolAccepted { protocol, .. }
            | PresidentEvent::ProtocolConflict { protocol, .. }
            | PresidentEvent::ProtocolAmended { protocol, .. } => Some(protocol),
            _ => None,
        }
    }

    /// The commission's signature a protocol event carries, if any.
    pub fn signature(&self) -> Option<&ProtocolSignature> {
        match self {
            PresidentEvent::ProtocolAccepted { signature, .. }
            | PresidentEvent::ProtocolConflict { signature, .. }
            | PresidentEvent::ProtocolAmended { signature, .. } => signature.as_ref(),
            _ => None,
        }
    }

    /// The operator who entered a protocol event's numbers, if they came through the form.
    pub fn entered_by(&self) -> Option<&Author> {
        match self {
            PresidentEvent::ProtocolAccepted { entered_by, .. }
            | PresidentEvent::ProtocolConflict { entered_by, .. } => entered_by.as_ref(),
            _ => None,
        }
    }
}
