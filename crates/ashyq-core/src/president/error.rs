//! Why a presidential command is refused: every message names the rule and how to fix the
//! input. Nothing is recorded on an error.

use chrono::NaiveDate;

use crate::contest::ContestId;
use crate::territory::PrecinctId;

use super::outcome::OutcomeError;
use super::rules::NominatorKind;

/// Why a presidential command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresidentError {
    /// The definition is not valid.
    #[error("the presidential election definition is not valid: {0}")]
    InvalidDefinition(String),
    /// Not a presidential protocol document.
    #[error(
        "not a valid presidential protocol: {0}. Expected {{\"election\": ID, \"precinct\": N, \"ballots\": {{lines 1–8}}, \"votes\": [{{\"candidate\": NAME, \"votes\": N}}, …], \"against_all\": N, \"invalid\": N}}"
    )]
    Malformed(String),
    /// The candidate lines of a protocol are not the ballot.
    #[error(
        "precinct {precinct}: the protocol lists the candidates {found:?} but the ballot is {expected:?}; give one line per registered candidate, in ballot order"
    )]
    BallotMismatch {
        /// The precinct.
        precinct: PrecinctId,
        /// The ballot.
        expected: Vec<String>,
        /// What the protocol lists.
        found: Vec<String>,
    },
    /// A vote line for a candidate who withdrew.
    #[error(
        "precinct {precinct}: the protocol has a vote line for {candidate}, who withdrew and is not on the ballot; remove the line (ballots marked for a withdrawn candidate are invalid)"
    )]
    WithdrawnCandidateLine {
        /// The precinct.
        precinct: PrecinctId,
        /// The withdrawn candidate.
        candidate: String,
    },
    /// A nominator the rules do not allow.
    #[error(
        "nomination of {candidate} refused: nomination by {kind} is not allowed; the rules allow nomination by {allowed}"
    )]
    NominatorNotAllowed {
        /// The candidate.
        candidate: String,
        /// The kind of nominator.
        kind: NominatorKind,
        /// The kinds allowed.
        allowed: String,
    },
    /// The person is nominated already.
    #[error("{candidate} is already nominated in {election} ({iin}); a person is nominated once")]
    AlreadyNominated {
        /// The election.
        election: ContestId,
        /// The name.
        candidate: String,
        /// The masked IIN.
        iin: String,
    },
    /// A nomination without a name or a nominator's name.
    #[error("the nomination must give the candidate's name and the nominator's name")]
    MissingName,
    /// A criterion not met.
    #[error("{candidate} cannot be registered: criteria not met: {failed}")]
    NotEligible {
        /// The candidate.
        candidate: String,
        /// The failed criteria with their reasons.
        failed: String,
    },
    /// A refusal when every criterion is met and the signatures suffice.
    #[error(
        "{candidate} meets every criterion and has sufficient signatures: a refusal must name a failed criterion or insufficient signatures"
    )]
    NoGroundForRefusal {
        /// The candidate.
        candidate: String,
    },
    /// Too few valid signatures, or not spread widely enough.
    #[error("{candidate} cannot be registered: support signatures: {tally}")]
    SignaturesInsufficient {
        /// The candidate.
        candidate: String,
        /// The decision with its numbers.
        tally: String,
    },
    /// A signature decision whose numbers do not follow the rules.
    #[error(
        "the signature decision for {candidate} does not follow from its own numbers under the election's rules; check the signatures again with `ashyq president signatures`"
    )]
    SignatureTallyInconsistent {
        /// The candidate.
        candidate: String,
    },
    /// No nominee of that name.
    #[error("{candidate} is not nominated in {election}; nominated: {known}")]
    UnknownCandidate {
        /// The election.
        election: ContestId,
        /// The name given.
        candidate: String,
        /// Those nominated.
        known: String,
    },
    /// A step on a nomination in the wrong state.
    #[error("{candidate} is {state}; {why}")]
    WrongState {
        /// The candidate.
        candidate: String,
        /// Their state: "registered", "refused", "withdrawn", "nominated".
        state: &'static str,
        /// What may be done instead.
        why: &'static str,
    },
    /// A withdrawal after the deadline.
    #[error("withdrawals closed on {deadline}; {candidate} cannot withdraw on {on}")]
    WithdrawalClosed {
        /// The candidate.
        candidate: String,
        /// The deadline.
        deadline: NaiveDate,
        /// The date asked.
        on: NaiveDate,
    },
    /// Candidates change no more once protocols arrived.
    #[error(
        "the ballot of {0} is fixed: protocols have been recorded, so no candidate can be registered, refused or withdrawn"
    )]
    BallotFixed(ContestId),
    /// A protocol before any candidate is registered.
    #[error("{0} has no registered candidate yet: register the candidates before the count")]
    NoBallot(ContestId),
    /// The count is not final.
    #[error(
        "{election} cannot be certified yet: {missing} precincts have not reported and {conflicts} conflicts are open"
    )]
    NotFinal {
        /// The election.
        election: ContestId,
        /// Precincts missing.
        missing: u64,
        /// Open conflicts.
        conflicts: u64,
    },
    /// The revealed seed is not the one committed to.
    #[error(
        "the tie seed does not match the commitment published with the election (SHA-256 {committed}); reveal exactly the published seed"
    )]
    SeedMismatch {
        /// The committed hash.
        committed: String,
    },
    /// A second round before the first is certified.
    #[error(
        "the second round of {0} cannot be called before its first round is certified; certify the first round first"
    )]
    FirstRoundNotCertified(ContestId),
    /// A second round after a first round that elected someone or cannot have one.
    #[error("{first} needs no second round: {outcome}")]
    NoSecondRound {
        /// The first round.
        first: ContestId,
        /// Its outcome's reason.
        outcome: String,
    },
    /// A second round with other candidates than the first round's leaders.
    #[error(
        "the second round of {first} is between {expected:?}, the leading candidates of the certified first round, not {found:?}"
    )]
    SecondRoundCandidates {
        /// The first round.
        first: ContestId,
        /// Its leaders.
        expected: Vec<String>,
        /// What was given.
        found: Vec<String>,
    },
    /// A second second round.
    #[error("{first} already has its second round, {second}")]
    SecondRoundExists {
        /// The first round.
        first: ContestId,
        /// The second round.
        second: ContestId,
    },
    /// A second round too late (or not after the first).
    #[error(
        "the second round must be held after the first ({first_day}) and within {within} days of it, not on {day}"
    )]
    SecondRoundDate {
        /// The first round's day.
        first_day: NaiveDate,
        /// The day given.
        day: NaiveDate,
        /// The days allowed.
        within: u32,
    },
    /// The outcome rule refused the count.
    #[error(transparent)]
    Outcome(#[from] OutcomeError),
}
