//! The Kurultai at work: the house and its officers and committees, bills through three
//! readings with their amendments as act versions, the President's signature or objections,
//! the People's Council's initiatives and the Vice President's appointment — every step an
//! event, every vote a roll call.
//!
//! The house's members are not kept here: they are the deputies holding a mandate of the
//! election the house was convened from, which the caller passes as a [`Sitting`] (the public
//! log's ledger reads them from the election's mandates, so a mandate that ends passes its seat
//! down the list and the successor votes from then on). Factions are the parties of those lists:
//! a deputy who leaves their party loses the mandate (the 2026 draft as reported).
//!
//! Every decision is [`Kurultai::decide`]: it checks an event against the state and the
//! sitting members and returns it with its derived parts filled in (the vote's number and
//! tally, a reading's outcome), or refuses it naming the rule. Replaying a log decides each
//! event again and accepts it only if the result is identical, so a verifier re-derives every
//! outcome. The rules are configuration ([`rules::KurultaiRules`]), written into the log when
//! the house is convened. Sources: `docs/kurultai.md`.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::author::Author;
use crate::contest::ContestId;
use crate::legal::{Act, StructureError};
use crate::referendum::{DefinitionError, ReferendumDefinition};
use crate::territory::Names;

pub mod akn;
pub mod bill;
pub mod csv;
pub mod house;
pub mod popolo;
pub mod rules;
pub mod simulate;
pub mod step;
pub mod vote;

pub use bill::{Bill, BillStatus, BillVersion, Deadline, ReadingOutcome, VersionSource};
pub use house::{Committee, Council, CouncilInitiative, Kurultai, VicePresidency, VoteRecord};
pub use rules::{InitiatorKind, KurultaiRules};
pub use vote::{Ballot, Counts, MemberId, RecordedVote, RollCallError, Tally};

/// A bill's id, e.g. `bill-2026-001` (letters, digits and dashes; stable once published).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BillId(pub String);

/// A committee's id, e.g. `budget` (letters, digits and dashes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommitteeId(pub String);

impl fmt::Display for BillId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for CommitteeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `id` is a usable id: 1–64 ASCII letters, digits and dashes, starting with a letter
/// or digit.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !id.starts_with('-')
}

/// The kind of act a bill would become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    /// An ordinary law.
    Law,
    /// A constitutional law (its own majority).
    ConstitutionalLaw,
}

/// An office of the house.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Office {
    /// The Chair.
    Chair,
    /// A vice-chair.
    ViceChair,
}

impl Office {
    /// English name.
    pub fn name(self) -> &'static str {
        match self {
            Office::Chair => "Chair",
            Office::ViceChair => "Vice-Chair",
        }
    }
}

/// Who introduced a bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Initiator {
    /// The President.
    President,
    /// Deputies, named.
    Deputies {
        /// Who.
        members: Vec<MemberId>,
    },
    /// The Government.
    Government,
    /// The People's Council, by the initiative it voted.
    PeoplesCouncil {
        /// The number of its initiative.
        initiative: u32,
    },
    /// The Supreme Court.
    SupremeCourt,
}

impl Initiator {
    /// Its kind, as the rules list it.
    pub fn kind(&self) -> InitiatorKind {
        match self {
            Initiator::President => InitiatorKind::President,
            Initiator::Deputies { .. } => InitiatorKind::Deputies,
            Initiator::Government => InitiatorKind::Government,
            Initiator::PeoplesCouncil { .. } => InitiatorKind::PeoplesCouncil,
            Initiator::SupremeCourt => InitiatorKind::SupremeCourt,
        }
    }
}

/// Who proposed an amendment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Proposer {
    /// A deputy.
    Deputy {
        /// Who.
        member: MemberId,
    },
    /// A committee.
    Committee {
        /// Which.
        committee: CommitteeId,
    },
}

/// What the People's Council proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CouncilProposal {
    /// A bill for the Kurultai; it enters the Kurultai's flow when introduced with
    /// [`Initiator::PeoplesCouncil`].
    Bill {
        /// The bill's title.
        title: Names,
    },
    /// A referendum: a draft definition for the competent body to decide on. The draft is not
    /// a referendum until that body defines it.
    Referendum {
        /// The draft.
        draft: ReferendumDefinition,
    },
}

/// The members sitting when a decision is taken, from the election's mandates.
#[derive(Debug, Clone, Default)]
pub struct Sitting {
    /// The house's seats (the base of a quorum and of "all deputies").
    pub seats: u64,
    /// Each sitting deputy with their party (faction) and name.
    pub members: BTreeMap<MemberId, (String, String)>,
    /// Every deputy whose mandate has ended.
    pub former: HashSet<MemberId>,
}

/// A change in the Kurultai, the People's Council or the vice-presidency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum KurultaiEvent {
    /// The house met for its first session; its members are the election's deputies.
    Convened {
        /// The election whose mandates make the house.
        election: ContestId,
        /// The day of the first session.
        first_session: NaiveDate,
        /// The rules of this house.
        rules: KurultaiRules,
        /// Who recorded it.
        author: Author,
    },
    /// A deputy stood for an office and the house voted.
    OfficerVoted {
        /// The office.
        office: Office,
        /// The candidate.
        candidate: MemberId,
        /// The vote.
        vote: RecordedVote,
        /// Who recorded it.
        author: Author,
    },
    /// A committee was formed.
    CommitteeFormed {
        /// Its id.
        committee: CommitteeId,
        /// Its name.
        name: Names,
        /// Its chair, one of its members.
        chair: MemberId,
        /// Its members.
        members: Vec<MemberId>,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// A committee's members or chair changed.
    CommitteeRecomposed {
        /// Its id.
        committee: CommitteeId,
        /// Its chair.
        chair: MemberId,
        /// Its members.
        members: Vec<MemberId>,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// A bill was introduced and referred to a committee.
    BillIntroduced {
        /// Its id.
        bill: BillId,
        /// What it would become.
        kind: ActKind,
        /// A priority bill (adopted within the configured months).
        priority: bool,
        /// Who introduced it.
        initiator: Initiator,
        /// The committee it is referred to.
        committee: CommitteeId,
        /// Its text: the first version (its title is the bill's title).
        text: Act,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// An amendment was put to the vote; carried, its text is the bill's next version.
    AmendmentVoted {
        /// The bill.
        bill: BillId,
        /// Who proposed it.
        proposer: Proposer,
        /// The reading it was considered in (the next reading to be held). Derived.
        reading: u8,
        /// The whole text as amended.
        text: Act,
        /// The vote.
        vote: RecordedVote,
        /// Who recorded it.
        author: Author,
    },
    /// A reading was voted: the first two on substance, the third on legal form.
    ReadingVoted {
        /// The bill.
        bill: BillId,
        /// 1, 2 or 3.
        reading: u8,
        /// Passed, rejected, or neither. Derived.
        outcome: ReadingOutcome,
        /// The vote.
        vote: RecordedVote,
        /// Who recorded it.
        author: Author,
    },
    /// The adopted law went to the President.
    Transmitted {
        /// The bill.
        bill: BillId,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// The President signed the law.
    Signed {
        /// The bill.
        bill: BillId,
        /// The day of the signature.
        on: NaiveDate,
        /// When it enters into force (the day of signature or later).
        in_force: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// The President returned the law with objections.
    Returned {
        /// The bill.
        bill: BillId,
        /// The day.
        on: NaiveDate,
        /// The objections.
        objections: String,
        /// Who recorded it.
        author: Author,
    },
    /// The house voted to override the President's objections.
    OverrideVoted {
        /// The bill.
        bill: BillId,
        /// The vote.
        vote: RecordedVote,
        /// Who recorded it.
        author: Author,
    },
    /// Deputies petitioned the Constitutional Court about a law.
    CourtPetitioned {
        /// The bill.
        bill: BillId,
        /// The deputies who signed.
        signatories: Vec<MemberId>,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// A member joined the People's Council.
    CouncilMemberJoined {
        /// Their id (letters, digits and dashes).
        member: MemberId,
        /// Their name.
        name: String,
        /// The block or quota they sit for.
        block: String,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// A member left the People's Council.
    CouncilMemberLeft {
        /// Who.
        member: MemberId,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// The People's Council held a session.
    CouncilSessionHeld {
        /// Its number, from 1. Derived.
        session: u32,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// The People's Council voted an initiative at its latest session.
    CouncilInitiativeVoted {
        /// Its number, from 1. Derived.
        initiative: u32,
        /// The session (the latest). Derived.
        session: u32,
        /// What it proposes.
        proposal: CouncilProposal,
        /// The vote of the council's members.
        vote: RecordedVote,
        /// Who recorded it.
        author: Author,
    },
    /// The President nominated a Vice President.
    VicePresidentNominated {
        /// The nominee's name.
        nominee: String,
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// The house voted on consent to the nominee.
    VicePresidentConsentVoted {
        /// The vote.
        vote: RecordedVote,
        /// Who recorded it.
        author: Author,
    },
    /// The President appointed the consented nominee.
    VicePresidentAppointed {
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
    /// The President dismissed the Vice President.
    VicePresidentDismissed {
        /// The day.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
    },
}

impl KurultaiEvent {
    /// The `event` tag, e.g. `reading_voted`.
    pub fn kind(&self) -> &'static str {
        match self {
            KurultaiEvent::Convened { .. } => "convened",
            KurultaiEvent::OfficerVoted { .. } => "officer_voted",
            KurultaiEvent::CommitteeFormed { .. } => "committee_formed",
            KurultaiEvent::CommitteeRecomposed { .. } => "committee_recomposed",
            KurultaiEvent::BillIntroduced { .. } => "bill_introduced",
            KurultaiEvent::AmendmentVoted { .. } => "amendment_voted",
            KurultaiEvent::ReadingVoted { .. } => "reading_voted",
            KurultaiEvent::Transmitted { .. } => "transmitted",
            KurultaiEvent::Signed { .. } => "signed",
            KurultaiEvent::Returned { .. } => "returned",
            KurultaiEvent::OverrideVoted { .. } => "override_voted",
            KurultaiEvent::CourtPetitioned { .. } => "court_petitioned",
            KurultaiEvent::CouncilMemberJoined { .. } => "council_member_joined",
            KurultaiEvent::CouncilMemberLeft { .. } => "council_member_left",
            KurultaiEvent::CouncilSessionHeld { .. } => "council_session_held",
            KurultaiEvent::CouncilInitiativeVoted { .. } => "council_initiative_voted",
            KurultaiEvent::VicePresidentNominated { .. } => "vice_president_nominated",
            KurultaiEvent::VicePresidentConsentVoted { .. } => "vice_president_consent_voted",
            KurultaiEvent::VicePresidentAppointed { .. } => "vice_president_appointed",
            KurultaiEvent::VicePresidentDismissed { .. } => "vice_president_dismissed",
        }
    }

    /// Who recorded it.
    pub fn author(&self) -> &Author {
        match self {
            KurultaiEvent::Convened { author, .. }
            | KurultaiEvent::OfficerVoted { author, .. }
            | KurultaiEvent::CommitteeFormed { author, .. }
            | KurultaiEvent::CommitteeRecomposed { author, .. }
            | KurultaiEvent::BillIntroduced { author, .. }
            | KurultaiEvent::AmendmentVoted { author, .. }
            | KurultaiEvent::ReadingVoted { author, .. }
            | KurultaiEvent::Transmitted { author, .. }
            | KurultaiEvent::Signed { author, .. }
            | KurultaiEvent::Returned { author, .. }
            | KurultaiEvent::OverrideVoted { author, .. }
            | KurultaiEvent::CourtPetitioned { author, .. }
            | KurultaiEvent::CouncilMemberJoined { author, .. }
            | KurultaiEvent::CouncilMemberLeft { author, .. }
            | KurultaiEvent::CouncilSessionHeld { author, .. }
            | KurultaiEvent::CouncilInitiativeVoted { author, .. }
            | KurultaiEvent::VicePresidentNominated { author, .. }
            | KurultaiEvent::VicePresidentConsentVoted { author, .. }
            | KurultaiEvent::VicePresidentAppointed { author, .. }
            | KurultaiEvent::VicePresidentDismissed { author, .. } => author,
        }
    }

    /// The day it happened.
    pub fn on(&self) -> NaiveDate {
        match self {
            KurultaiEvent::Convened { first_session, .. } => *first_session,
            KurultaiEvent::OfficerVoted { vote, .. }
            | KurultaiEvent::AmendmentVoted { vote, .. }
            | KurultaiEvent::ReadingVoted { vote, .. }
            | KurultaiEvent::OverrideVoted { vote, .. }
            | KurultaiEvent::CouncilInitiativeVoted { vote, .. }
            | KurultaiEvent::VicePresidentConsentVoted { vote, .. } => vote.on,
            KurultaiEvent::CommitteeFormed { on, .. }
            | KurultaiEvent::CommitteeRecomposed { on, .. }
            | KurultaiEvent::BillIntroduced { on, .. }
            | KurultaiEvent::Transmitted { on, .. }
            | KurultaiEvent::Signed { on, .. }
            | KurultaiEvent::Returned { on, .. }
            | KurultaiEvent::CourtPetitioned { on, .. }
            | KurultaiEvent::CouncilMemberJoined { on, .. }
            | KurultaiEvent::CouncilMemberLeft { on, .. }
            | KurultaiEvent::CouncilSessionHeld { on, .. }
            | KurultaiEvent::VicePresidentNominated { on, .. }
            | KurultaiEvent::VicePresidentAppointed { on, .. }
            | KurultaiEvent::VicePresidentDismissed { on, .. } => *on,
        }
    }

    /// The bill it concerns, if any.
    pub fn bill(&self) -> Option<&BillId> {
        match self {
            KurultaiEvent::BillIntroduced { bill, .. }
            | KurultaiEvent::AmendmentVoted { bill, .. }
            | KurultaiEvent::ReadingVoted { bill, .. }
            | KurultaiEvent::Transmitted { bill, .. }
            | KurultaiEvent::Signed { bill, .. }
            | KurultaiEvent::Returned { bill, .. }
            | KurultaiEvent::OverrideVoted { bill, .. }
            | KurultaiEvent::CourtPetitioned { bill, .. } => Some(bill),
            _ => None,
        }
    }
}

/// Why a Kurultai event was refused. Nothing is recorded on an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KurultaiError {
    /// A rule of procedure refuses it; `rule` names the rule (see `docs/kurultai.md`).
    #[error("refused by the rule \"{rule}\": {detail}")]
    Refused {
        /// The rule's name.
        rule: &'static str,
        /// What was wrong and how to fix it.
        detail: String,
    },
    /// The roll call does not check out.
    #[error("refused by the rule \"roll call\": {0}")]
    RollCall(#[from] RollCallError),
    /// The rules given at convening are not valid.
    #[error(transparent)]
    Rules(#[from] rules::BadRules),
    /// A bill's text is not a well-formed act.
    #[error("refused by the rule \"act structure\": the bill's text: {0}")]
    Structure(#[from] StructureError),
    /// The People's Council's referendum draft is not a valid definition.
    #[error("refused by the rule \"referendum definition\": the draft: {0}")]
    Referendum(#[from] DefinitionError),
}

/// A refusal by `rule`.
pub(crate) fn refuse<T>(rule: &'static str, detail: impl Into<String>) -> Result<T, KurultaiError> {
    Err(KurultaiError::Refused {
        rule,
        detail: detail.into(),
    })
}

/// The act, with its eIds derived and its structure checked, must be the act given.
pub(crate) fn check_act(text: &Act) -> Result<(), KurultaiError> {
    let mut a = text.clone();
    a.assign_eids()?;
    if &a != text {
        return refuse(
            "act structure",
            "the text's unit identifiers (eId) are not those its structure gives; parse it from Markdown or Akoma Ntoso again",
        );
    }
    if text.title.is_empty() {
        return refuse("act structure", "the bill's text has no title");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
