//! The receipt a commission gets for a protocol of any contest: what was recorded and where in
//! the log. The log signs it ([`crate::transparency::SignedReceipt`]).

use serde::{Deserialize, Serialize};

use crate::chain::LogHash;
use crate::contest::ContestId;
use crate::protocol::Violation;
use crate::signed::ProtocolSignature;
use crate::territory::PrecinctId;

/// The receipt a commission gets for a protocol: what was recorded and where in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// What happened to the protocol.
    pub status: ReceiptStatus,
    /// The contest (the field keeps the name it had when only referendums had protocols).
    pub referendum: ContestId,
    /// The precinct.
    pub precinct: PrecinctId,
    /// The content hash of the submitted protocol.
    pub protocol_hash: String,
    /// Sequence number of the log entry that recorded it.
    pub seq: u64,
    /// Hash of that log entry.
    pub entry_hash: LogHash,
    /// Warnings raised by the control ratios.
    pub warnings: Vec<Violation>,
    /// The commission's signature, when the protocol came as a signed document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ProtocolSignature>,
}

/// What happened to a submitted protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReceiptStatus {
    /// Applied to the tally.
    Accepted,
    /// Applied, replacing an earlier protocol, through an explicit amendment.
    Amended,
    /// Not applied: the precinct had already reported different numbers. Awaits review.
    Conflict,
}
