//! The public consultation: citizens' proposals, their moderation and support, near-duplicate
//! clusters, and the Constitutional Commission that decides on them.
//!
//! Like the referendum ledger, the consultation is an append-only, SHA-256 hash-chained log
//! of [`ConsultEvent`]s; [`Consultation`] is the state derived from it. Every event is checked
//! against the current state by [`Consultation::apply`] before it changes anything, so a replay
//! of a published log ([`Consultation::replay`]) re-checks every rule: one support per person,
//! moderation only of submitted proposals, attendance only of members, votes only by members
//! present, quorum and majority in integers. The log is kept here, apart from the referendum
//! log, so that the two can evolve separately (see `docs/consultation.md`).
//!
//! Citizens appear only as [`CitizenRef`]: an HMAC-SHA-256 of the identity provider's issuer
//! and subject under a key kept outside the log. Commission members are public officials and
//! appear by name.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chain::{ChainEvent, Entry, Head, LogHash};
use crate::iin::DigestKey;
use crate::journal::Domain;
use crate::legal::{Act, Lang, Parallel, Unit, UnitKind};

pub mod files;
pub mod minutes;
pub mod sample;
pub mod similarity;
pub mod synthetic;

/// A citizen, pseudonymised: the keyed digest of their sign-in identity (64 hex digits).
/// `Display` shows only the first 8 digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct CitizenRef(String);

impl CitizenRef {
    /// The reference of the person signed in as `subject` at identity provider `issuer`.
    pub fn of_subject(key: &DigestKey, issuer: &str, subject: &str) -> CitizenRef {
        let mut msg = Vec::with_capacity(issuer.len() + subject.len() + 1);
        msg.extend_from_slice(issuer.as_bytes());
        msg.push(0);
        msg.extend_from_slice(subject.as_bytes());
        CitizenRef(key.hmac_hex(&msg))
    }

    /// The whole reference (64 hex digits), e.g. for a server's list of moderators. A
    /// pseudonym, not the identity, but it links everything one person did: `Display` shows
    /// only 8 digits.
    pub fn hex(&self) -> &str {
        &self.0
    }

    /// A reference already computed (64 lowercase hex digits).
    pub fn parse(hex: &str) -> Result<CitizenRef, ConsultError> {
        if hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(CitizenRef(hex.to_string()))
        } else {
            Err(ConsultError::Invalid(
                "a citizen reference is 64 lowercase hex digits (an HMAC-SHA-256)".into(),
            ))
        }
    }
}

impl fmt::Display for CitizenRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "citizen:{}…", &self.0[..8.min(self.0.len())])
    }
}

impl fmt::Debug for CitizenRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A proposal's number; shown as `P-000042`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ProposalId(pub u64);

impl fmt::Display for ProposalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P-{:06}", self.0)
    }
}

/// What a proposal would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProposalTarget {
    /// An existing unit of the draft, by eId.
    Unit {
        /// eId, e.g. `sec_3__art_20`.
        eid: String,
    },
    /// A new article, after the unit with this eId (or at the end).
    NewArticle {
        /// eId of the unit it would follow.
        after: Option<String>,
    },
}

impl ProposalTarget {
    /// The eId the proposal concerns (the unit, or the one a new article would follow).
    pub fn eid(&self) -> Option<&str> {
        match self {
            ProposalTarget::Unit { eid } => Some(eid),
            ProposalTarget::NewArticle { after } => after.as_deref(),
        }
    }
}

/// Why a moderator refused to publish a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ModerationReason {
    /// Not about the draft.
    OffTopic,
    /// Insults, threats or calls to violence.
    Abusive,
    /// Contains someone's personal data.
    PersonalData,
    /// Advertising or automated.
    Spam,
    /// The same as an earlier proposal by the same person.
    Duplicate {
        /// The earlier proposal.
        of: ProposalId,
    },
    /// Anything else, explained.
    Other {
        /// Explanation.
        text: String,
    },
}

impl fmt::Display for ModerationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModerationReason::OffTopic => f.write_str("not about the draft"),
            ModerationReason::Abusive => f.write_str("abusive language"),
            ModerationReason::PersonalData => f.write_str("contains personal data"),
            ModerationReason::Spam => f.write_str("spam"),
            ModerationReason::Duplicate { of } => write!(f, "duplicate of {of} by the same author"),
            ModerationReason::Other { text } => f.write_str(text),
        }
    }
}

/// A proposal's status. The timeline keeps every past status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for moderation.
    Submitted,
    /// Public; citizens can support it.
    Published,
    /// Not published, with the reason.
    Rejected {
        /// Why.
        reason: ModerationReason,
    },
    /// Withdrawn by its author.
    Withdrawn,
    /// In a cluster on a meeting's agenda.
    OnAgenda {
        /// Meeting number.
        meeting: u32,
        /// Agenda item number.
        item: u32,
    },
    /// The commission adopted an amendment that takes it up.
    Accepted {
        /// The decision.
        decision: u32,
    },
    /// The commission decided against it, with the reason.
    Declined {
        /// The decision.
        decision: u32,
        /// The commission's reason.
        reason: String,
    },
}

/// One step of a proposal's public timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    /// When (the log entry's time).
    pub at: String,
    /// Log sequence number.
    pub seq: u64,
    /// The new status.
    pub status: ProposalStatus,
}

/// A citizen's proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    /// Number.
    pub id: ProposalId,
    /// Author (pseudonymised).
    pub author: CitizenRef,
    /// What it would change.
    pub target: ProposalTarget,
    /// Language it was written in.
    pub lang: Lang,
    /// The proposed text.
    pub text: String,
    /// Why.
    pub rationale: String,
    /// Number of supports (one per person).
    pub supports: u64,
    /// The cluster it belongs to, once clustered.
    pub cluster: Option<u32>,
    /// Every status it has had, oldest first; the last is the current one.
    pub timeline: Vec<StatusChange>,
}

impl Proposal {
    /// The current status.
    pub fn status(&self) -> &ProposalStatus {
        &self
            .timeline
            .last()
            .expect("a proposal has a status")
            .status
    }
}

/// A group of near-duplicate proposals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cluster {
    /// Number.
    pub id: u32,
    /// The proposal that stands for the cluster: the most supported, then the earliest.
    pub representative: ProposalId,
    /// All members, sorted.
    pub members: Vec<ProposalId>,
}

/// A commission member (a public official, named).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// Number within the commission.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Region or city represented.
    pub region: String,
    /// Social group or institution.
    pub group: String,
}

/// A fraction `num/den` used by the voting rules (exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fraction {
    /// Numerator.
    pub num: u64,
    /// Denominator (> 0).
    pub den: u64,
}

/// What a majority is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MajorityBase {
    /// Members present at the meeting.
    Present,
    /// Members who voted for or against (abstentions do not count).
    Voting,
    /// All members of the commission.
    Membership,
}

/// Quorum and majority rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VotingRules {
    /// The meeting is quorate when `present ≥ quorum × membership`.
    pub quorum: Fraction,
    /// A motion carries when `for > majority × base` (or `≥` when `strict` is false).
    pub majority: Fraction,
    /// The base of the majority.
    pub base: MajorityBase,
    /// Strictly more than the fraction (`>`), or at least (`≥`).
    pub strict: bool,
}

impl Default for VotingRules {
    /// Quorum two thirds of the membership; more than half of those present.
    fn default() -> Self {
        VotingRules {
            quorum: Fraction { num: 2, den: 3 },
            majority: Fraction { num: 1, den: 2 },
            base: MajorityBase::Present,
            strict: true,
        }
    }
}

/// A member's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// For.
    For,
    /// Against.
    Against,
    /// Abstains.
    Abstain,
}

/// What a motion proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MotionKind {
    /// Amend the draft.
    Accept {
        /// The amendment.
        amendment: Amendment,
    },
    /// Decline the proposals of the item.
    Reject {
        /// The reason given to the citizens.
        reason: String,
    },
}

/// An amendment to the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amendment {
    /// What it changes.
    pub target: AmendmentTarget,
    /// The new text, per language.
    pub text: Parallel,
}

/// Where an amendment applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AmendmentTarget {
    /// Replace the text of a unit (and drop its sub-units).
    Replace {
        /// eId.
        eid: String,
    },
    /// Insert a new article after a unit, in the same parent.
    InsertArticle {
        /// eId of the article it follows.
        after: String,
        /// The new article's number.
        num: String,
    },
}

impl AmendmentTarget {
    /// The eId the amendment is about.
    pub fn eid(&self) -> &str {
        match self {
            AmendmentTarget::Replace { eid } => eid,
            AmendmentTarget::InsertArticle { after, .. } => after,
        }
    }
}

/// An event of the consultation log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConsultEvent {
    /// A version of the act is opened for proposals (its content hash).
    DraftPublished {
        /// Work.
        work: String,
        /// Version label.
        version: String,
        /// SHA-256 of the act's canonical JSON.
        content_sha256: String,
    },
    /// A citizen sends a proposal.
    ProposalSubmitted {
        /// Number (the next one).
        id: ProposalId,
        /// Author.
        author: CitizenRef,
        /// Target.
        target: ProposalTarget,
        /// Language.
        lang: Lang,
        /// Text.
        text: String,
        /// Rationale.
        rationale: String,
    },
    /// A moderator publishes a proposal.
    ProposalPublished {
        /// Proposal.
        id: ProposalId,
        /// Moderator's name or account.
        moderator: String,
    },
    /// A moderator refuses a proposal, with a reason.
    ProposalRejected {
        /// Proposal.
        id: ProposalId,
        /// Moderator.
        moderator: String,
        /// Why.
        reason: ModerationReason,
    },
    /// The author withdraws a proposal.
    ProposalWithdrawn {
        /// Proposal.
        id: ProposalId,
        /// Must be the author.
        by: CitizenRef,
    },
    /// A citizen supports a published proposal (once).
    ProposalSupported {
        /// Proposal.
        id: ProposalId,
        /// Who.
        by: CitizenRef,
    },
    /// The published proposals are grouped into clusters.
    ClustersFormed {
        /// Threshold in percent of the Jaccard similarity used.
        threshold_percent: u32,
        /// The clusters (including single proposals).
        clusters: Vec<Cluster>,
    },
    /// The commission is constituted.
    CommissionConstituted {
        /// Members.
        members: Vec<Member>,
        /// Rules.
        rules: VotingRules,
    },
    /// A meeting is convened.
    MeetingConvened {
        /// Meeting number (the next one).
        meeting: u32,
        /// Date (ISO 8601).
        date: String,
        /// Title.
        title: String,
        /// Public broadcast link.
        broadcast: String,
        /// Members present.
        present: Vec<u32>,
    },
    /// An item is put on the agenda; it takes clusters of proposals.
    AgendaItemAdded {
        /// Meeting.
        meeting: u32,
        /// Item number (the next one in the meeting).
        item: u32,
        /// Title.
        title: String,
        /// Clusters it takes.
        clusters: Vec<u32>,
    },
    /// A motion is put to the vote and the recorded votes are entered.
    VoteHeld {
        /// Meeting.
        meeting: u32,
        /// Agenda item.
        item: u32,
        /// Motion number (the next one overall; also the decision number if carried).
        motion: u32,
        /// What is proposed.
        kind: MotionKind,
        /// Each member's vote.
        votes: Vec<(u32, Choice)>,
    },
}

impl ConsultEvent {
    /// The event's type as written in the log (`proposal_submitted`, `vote_held`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            ConsultEvent::DraftPublished { .. } => "draft_published",
            ConsultEvent::ProposalSubmitted { .. } => "proposal_submitted",
            ConsultEvent::ProposalPublished { .. } => "proposal_published",
            ConsultEvent::ProposalRejected { .. } => "proposal_rejected",
            ConsultEvent::ProposalWithdrawn { .. } => "proposal_withdrawn",
            ConsultEvent::ProposalSupported { .. } => "proposal_supported",
            ConsultEvent::ClustersFormed { .. } => "clusters_formed",
            ConsultEvent::CommissionConstituted { .. } => "commission_constituted",
            ConsultEvent::MeetingConvened { .. } => "meeting_convened",
            ConsultEvent::AgendaItemAdded { .. } => "agenda_item_added",
            ConsultEvent::VoteHeld { .. } => "vote_held",
        }
    }
}

/// Why an event or command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsultError {
    /// Something does not exist.
    #[error("{0} does not exist")]
    NotFound(String),
    /// The state does not allow it.
    #[error("{0}")]
    Refused(String),
    /// Malformed input.
    #[error("{0}")]
    Invalid(String),
    /// A log entry does not verify.
    #[error("log entry {seq}: {reason}")]
    Log {
        /// Sequence number.
        seq: u64,
        /// Why.
        reason: String,
    },
}

/// A counted vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteTally {
    /// Members of the commission.
    pub membership: u64,
    /// Members present.
    pub present: u64,
    /// For.
    pub yes: u64,
    /// Against.
    pub no: u64,
    /// Abstentions.
    pub abstain: u64,
    /// Present members who did not vote.
    pub not_voting: u64,
    /// Least number present for a quorum.
    pub quorum_needed: u64,
    /// Whether the meeting was quorate.
    pub quorate: bool,
    /// Least number of votes for to carry.
    pub votes_needed: u64,
    /// Whether the motion carried.
    pub carried: bool,
}

impl VotingRules {
    /// Counts a vote in integers.
    pub fn tally(&self, membership: u64, present: u64, votes: &[(u32, Choice)]) -> VoteTally {
        let count = |c: Choice| votes.iter().filter(|(_, v)| *v == c).count() as u64;
        let (yes, no, abstain) = (
            count(Choice::For),
            count(Choice::Against),
            count(Choice::Abstain),
        );
        // Least present p with p·den ≥ num·membership. Products in u128: exact for every
        // u64 input (a fraction's parts are checked only for num ≤ den, den > 0).
        let wide = |num: u64, x: u64| u128::from(num) * u128::from(x);
        let narrow = |v: u128| u64::try_from(v).unwrap_or(u64::MAX);
        let q = &self.quorum;
        let quorum_needed = narrow(wide(q.num, membership).div_ceil(u128::from(q.den.max(1))));
        let quorate = present >= quorum_needed;
        let base = match self.base {
            MajorityBase::Present => present,
            MajorityBase::Voting => yes + no,
            MajorityBase::Membership => membership,
        };
        let m = &self.majority;
        // strict: least y with y·den > num·base; otherwise y·den ≥ num·base.
        let den = u128::from(m.den.max(1));
        let votes_needed = narrow(if self.strict {
            wide(m.num, base) / den + 1
        } else {
            wide(m.num, base).div_ceil(den)
        });
        VoteTally {
            membership,
            present,
            yes,
            no,
            abstain,
            not_voting: present.saturating_sub(yes + no + abstain),
            quorum_needed,
            quorate,
            votes_needed,
            carried: quorate && yes >= votes_needed.max(1),
        }
    }
}

/// A meeting of the commission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Meeting {
    /// Number.
    pub number: u32,
    /// Date.
    pub date: String,
    /// Title.
    pub title: String,
    /// Broadcast link.
    pub broadcast: String,
    /// Members present.
    pub present: BTreeSet<u32>,
    /// Agenda.
    pub agenda: Vec<AgendaItem>,
}

/// An agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaItem {
    /// Number within the meeting.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Clusters taken up.
    pub clusters: Vec<u32>,
    /// Motions voted on.
    pub motions: Vec<u32>,
}

/// A motion and its vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Motion {
    /// Number.
    pub number: u32,
    /// Meeting.
    pub meeting: u32,
    /// Item.
    pub item: u32,
    /// What was proposed.
    pub kind: MotionKind,
    /// Recorded votes, by member number (a JSON object's keys are strings: `"7"`).
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Choice>))]
    pub votes: BTreeMap<u32, Choice>,
    /// The count.
    pub tally: VoteTally,
    /// When (log time) and where (seq).
    pub seq: u64,
}

/// A decision: a motion that carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// Number (= the motion's).
    pub number: u32,
    /// Meeting.
    pub meeting: u32,
    /// Item.
    pub item: u32,
    /// Accept with an amendment, or reject with a reason.
    pub kind: MotionKind,
    /// The proposals it settles.
    pub proposals: Vec<ProposalId>,
}

/// An entry of the consultation log: the same hash chain as the public log
/// ([`crate::chain`]).
pub type ConsultEntry = Entry<ConsultEvent>;

impl ChainEvent for ConsultEvent {
    fn kind(&self) -> &'static str {
        ConsultEvent::kind(self)
    }
}

/// The SHA-256 of an act's canonical JSON, for [`ConsultEvent::DraftPublished`].
pub fn act_sha256(act: &Act) -> String {
    hex::encode(Sha256::digest(
        serde_json::to_vec(act).expect("an act always serializes"),
    ))
}

/// The state of the consultation, a function of its log.
#[derive(Debug, Clone, Default)]
pub struct Consultation {
    /// The log.
    pub log: Vec<ConsultEntry>,
    /// Published drafts (work, version, hash).
    pub drafts: Vec<(String, String, String)>,
    /// Proposals by number.
    pub proposals: BTreeMap<ProposalId, Proposal>,
    supports: HashSet<(ProposalId, CitizenRef)>,
    /// Current clusters by number.
    pub clusters: BTreeMap<u32, Cluster>,
    /// Members by number.
    pub members: BTreeMap<u32, Member>,
    /// The rules.
    pub rules: Option<VotingRules>,
    /// Meetings by number.
    pub meetings: BTreeMap<u32, Meeting>,
    /// Motions by number.
    pub motions: BTreeMap<u32, Motion>,
    /// Decisions by number.
    pub decisions: BTreeMap<u32, Decision>,
}

impl Consultation {
    /// An empty consultation.
    pub fn new() -> Consultation {
        Consultation::default()
    }

    /// The number the next proposal gets.
    pub fn next_proposal_id(&self) -> ProposalId {
        ProposalId(self.proposals.keys().next_back().map_or(1, |p| p.0 + 1))
    }

    /// The number the next meeting gets.
    pub fn next_meeting(&self) -> u32 {
        self.meetings.keys().next_back().map_or(1, |m| m + 1)
    }

    /// The number the next motion gets.
    pub fn next_motion(&self) -> u32 {
        self.motions.keys().next_back().map_or(1, |m| m + 1)
    }

    /// Checks `event` against the state, then seals it as the next log entry and applies it.
    pub fn record(
        &mut self,
        event: ConsultEvent,
        recorded_at: &str,
    ) -> Result<&ConsultEntry, ConsultError> {
        let (seq, prev) = self.chain_head().next();
        self.apply(&event, seq, recorded_at)?;
        self.log
            .push(Entry::seal(seq, prev, recorded_at.to_string(), event));
        Ok(self.log.last().expect("just pushed"))
    }

    /// Rebuilds the state from a published log, checking the chain, every hash and every rule.
    pub fn replay(entries: &[ConsultEntry]) -> Result<Consultation, ConsultError> {
        let mut c = Consultation::new();
        for e in entries {
            c.apply_entry(e)?;
        }
        Ok(c)
    }

    /// Applies one entry from elsewhere (a published log, the database): checks that it
    /// continues the chain, that its hash matches its content and that its event follows every
    /// rule, then records it. On error nothing has changed.
    pub fn apply_entry(&mut self, e: &ConsultEntry) -> Result<(), ConsultError> {
        self.chain_head()
            .check_next(e)
            .map_err(|err| ConsultError::Log {
                seq: e.seq,
                reason: err.to_string(),
            })?;
        self.record(e.event.clone(), &e.recorded_at)
            .map_err(|err| ConsultError::Log {
                seq: e.seq,
                reason: format!("refused on replay: {err}"),
            })?;
        Ok(())
    }

    /// The sequence number and hash of the last entry, if any.
    pub fn head(&self) -> Option<(u64, &LogHash)> {
        self.log.last().map(|e| (e.seq, &e.hash))
    }

    fn chain_head(&self) -> Head {
        let mut head = Head::default();
        if let Some(last) = self.log.last() {
            head.advance(last);
        }
        head
    }

    /// Whether `who` already supports proposal `id`.
    pub fn supports(&self, id: ProposalId, who: &CitizenRef) -> bool {
        self.supports.contains(&(id, who.clone()))
    }

    fn proposal_mut(&mut self, id: ProposalId) -> Result<&mut Proposal, ConsultError> {
        self.proposals
            .get_mut(&id)
            .ok_or_else(|| ConsultError::NotFound(format!("proposal {id}")))
    }

    fn set_status(&mut self, id: ProposalId, status: ProposalStatus, seq: u64, at: &str) {
        if let Some(p) = self.proposals.get_mut(&id) {
            p.timeline.push(StatusChange {
                at: at.to_string(),
                seq,
                status,
            });
        }
    }

    /// Checks an event against the state and applies it; on error nothing has changed.
    pub fn apply(&mut self, event: &ConsultEvent, seq: u64, at: &str) -> Result<(), ConsultError> {
        use ConsultEvent as E;
        match event {
            E::DraftPublished {
                work,
                version,
                content_sha256,
            } => {
                if self
                    .drafts
                    .iter()
                    .any(|(w, v, _)| w == work && v == version)
                {
                    return Err(ConsultError::Refused(format!(
                        "{work}@{version} is already published; give the new version another label"
                    )));
                }
                self.drafts
                    .push((work.clone(), version.clone(), content_sha256.clone()));
            }
            E::ProposalSubmitted {
                id,
                author,
                target,
                lang,
                text,
                rationale,
            } => {
                if *id != self.next_proposal_id() {
                    return Err(ConsultError::Refused(format!(
                        "the next proposal is {}, not {id}",
                        self.next_proposal_id()
                    )));
                }
                let chars = text.trim().chars().count();
                if !(10..=10_000).contains(&chars) {
                    return Err(ConsultError::Invalid(format!(
                        "a proposal's text has 10 to 10,000 characters; this one has {chars}"
                    )));
                }
                if rationale.chars().count() > 10_000 {
                    return Err(ConsultError::Invalid(
                        "a rationale has at most 10,000 characters".into(),
                    ));
                }
                self.proposals.insert(
                    *id,
                    Proposal {
                        id: *id,
                        author: author.clone(),
                        target: target.clone(),
                        lang: *lang,
                        text: text.clone(),
                        rationale: rationale.clone(),
                        supports: 0,
                        cluster: None,
                        timeline: vec![StatusChange {
                            at: at.to_string(),
                            seq,
                            status: ProposalStatus::Submitted,
                        }],
                    },
                );
            }
            E::ProposalPublished { id, .. } | E::ProposalRejected { id, .. } => {
                let p = self.proposal_mut(*id)?;
                if *p.status() != ProposalStatus::Submitted {
                    return Err(ConsultError::Refused(format!(
                        "{id} is not waiting for moderation (it is {:?})",
                        p.status()
                    )));
                }
                let status = match event {
                    E::ProposalRejected { reason, .. } => {
                        if let ModerationReason::Other { text } = reason
                            && text.trim().is_empty()
                        {
                            return Err(ConsultError::Invalid(
                                "a rejection for another reason must say what the reason is".into(),
                            ));
                        }
                        ProposalStatus::Rejected {
                            reason: reason.clone(),
                        }
                    }
                    _ => ProposalStatus::Published,
                };
                self.set_status(*id, status, seq, at);
            }
            E::ProposalWithdrawn { id, by } => {
                let p = self.proposal_mut(*id)?;
                if &p.author != by {
                    return Err(ConsultError::Refused(format!(
                        "only the author can withdraw {id}"
                    )));
                }
                if !matches!(
                    p.status(),
                    ProposalStatus::Submitted | ProposalStatus::Published
                ) {
                    return Err(ConsultError::Refused(format!(
                        "{id} can no longer be withdrawn: the commission has taken it up or it was rejected"
                    )));
                }
                self.set_status(*id, ProposalStatus::Withdrawn, seq, at);
            }
            E::ProposalSupported { id, by } => {
                let p = self.proposal_mut(*id)?;
                if !matches!(
                    p.status(),
                    ProposalStatus::Published | ProposalStatus::OnAgenda { .. }
                ) {
                    return Err(ConsultError::Refused(format!(
                        "{id} is not open for support"
                    )));
                }
                if &p.author == by {
                    return Err(ConsultError::Refused(format!(
                        "the author of {id} cannot support it: submitting it counts"
                    )));
                }
                if self.supports.contains(&(*id, by.clone())) {
                    return Err(ConsultError::Refused(format!(
                        "{by} already supports {id}: one support per person"
                    )));
                }
                self.supports.insert((*id, by.clone()));
                self.proposal_mut(*id)?.supports += 1;
            }
            E::ClustersFormed {
                threshold_percent,
                clusters,
            } => {
                if *threshold_percent == 0 || *threshold_percent > 100 {
                    return Err(ConsultError::Invalid(
                        "the threshold is 1 to 100 percent".into(),
                    ));
                }
                let mut seen = HashSet::new();
                for c in clusters {
                    if c.members.is_empty() || !c.members.contains(&c.representative) {
                        return Err(ConsultError::Invalid(format!(
                            "cluster {} must contain its representative",
                            c.id
                        )));
                    }
                    for m in &c.members {
                        if !seen.insert(*m) {
                            return Err(ConsultError::Invalid(format!("{m} is in two clusters")));
                        }
                        let p = self
                            .proposals
                            .get(m)
                            .ok_or_else(|| ConsultError::NotFound(format!("proposal {m}")))?;
                        if *p.status() != ProposalStatus::Published {
                            return Err(ConsultError::Refused(format!(
                                "{m} is not published and cannot be clustered"
                            )));
                        }
                    }
                }
                for c in clusters {
                    for m in &c.members {
                        if let Some(p) = self.proposals.get_mut(m) {
                            p.cluster = Some(c.id);
                        }
                    }
                    self.clusters.insert(c.id, c.clone());
                }
            }
            E::CommissionConstituted { members, rules } => {
                if self.rules.is_some() {
                    return Err(ConsultError::Refused(
                        "the commission is already constituted".into(),
                    ));
                }
                if members.is_empty() {
                    return Err(ConsultError::Invalid("a commission needs members".into()));
                }
                for f in [rules.quorum, rules.majority] {
                    if f.den == 0 || f.num > f.den {
                        return Err(ConsultError::Invalid(
                            "quorum and majority are fractions num/den with 0 ≤ num ≤ den and den > 0".into(),
                        ));
                    }
                }
                let ids: BTreeSet<u32> = members.iter().map(|m| m.id).collect();
                if ids.len() != members.len() {
                    return Err(ConsultError::Invalid(
                        "two members have the same number".into(),
                    ));
                }
                self.members = members.iter().map(|m| (m.id, m.clone())).collect();
                self.rules = Some(*rules);
            }
            E::MeetingConvened {
                meeting,
                date,
                title,
                broadcast,
                present,
            } => {
                if self.rules.is_none() {
                    return Err(ConsultError::Refused(
                        "constitute the commission first".into(),
                    ));
                }
                if *meeting != self.next_meeting() {
                    return Err(ConsultError::Refused(format!(
                        "the next meeting is number {}",
                        self.next_meeting()
                    )));
                }
                let set: BTreeSet<u32> = present.iter().copied().collect();
                if set.len() != present.len() {
                    return Err(ConsultError::Invalid(
                        "a member is listed twice as present".into(),
                    ));
                }
                if let Some(x) = set.iter().find(|x| !self.members.contains_key(x)) {
                    return Err(ConsultError::NotFound(format!("member {x}")));
                }
                self.meetings.insert(
                    *meeting,
                    Meeting {
                        number: *meeting,
                        date: date.clone(),
                        title: title.clone(),
                        broadcast: broadcast.clone(),
                        present: set,
                        agenda: Vec::new(),
                    },
                );
            }
            E::AgendaItemAdded {
                meeting,
                item,
                title,
                clusters,
            } => {
                let m = self
                    .meetings
                    .get(meeting)
                    .ok_or_else(|| ConsultError::NotFound(format!("meeting {meeting}")))?;
                if *item != m.agenda.len() as u32 + 1 {
                    return Err(ConsultError::Refused(format!(
                        "the next item of meeting {meeting} is {}",
                        m.agenda.len() + 1
                    )));
                }
                let mut members = Vec::new();
                for c in clusters {
                    let cl = self
                        .clusters
                        .get(c)
                        .ok_or_else(|| ConsultError::NotFound(format!("cluster {c}")))?;
                    members.extend(cl.members.iter().copied());
                }
                // A proposal its author withdrew after the clustering stays withdrawn: the
                // cluster goes on the agenda with the others (else one withdrawal would keep
                // the whole cluster off every agenda for good).
                members.retain(|id| self.proposals[id].status() != &ProposalStatus::Withdrawn);
                if members.is_empty() {
                    return Err(ConsultError::Refused(format!(
                        "every proposal of cluster(s) {clusters:?} was withdrawn by its author: there is nothing to put on the agenda"
                    )));
                }
                for id in &members {
                    let p = &self.proposals[id];
                    if !matches!(
                        p.status(),
                        ProposalStatus::Published | ProposalStatus::OnAgenda { .. }
                    ) {
                        return Err(ConsultError::Refused(format!(
                            "{id} is {:?} and cannot go on the agenda",
                            p.status()
                        )));
                    }
                }
                self.meetings
                    .get_mut(meeting)
                    .expect("checked")
                    .agenda
                    .push(AgendaItem {
                        number: *item,
                        title: title.clone(),
                        clusters: clusters.clone(),
                        motions: Vec::new(),
                    });
                for id in members {
                    self.set_status(
                        id,
                        ProposalStatus::OnAgenda {
                            meeting: *meeting,
                            item: *item,
                        },
                        seq,
                        at,
                    );
                }
            }
            E::VoteHeld {
                meeting,
                item,
                motion,
                kind,
                votes,
            } => {
                let rules = self.rules.ok_or_else(|| {
                    ConsultError::Refused("constitute the commission first".into())
                })?;
                if *motion != self.next_motion() {
                    return Err(ConsultError::Refused(format!(
                        "the next motion is number {}",
                        self.next_motion()
                    )));
                }
                let m = self
                    .meetings
                    .get(meeting)
                    .ok_or_else(|| ConsultError::NotFound(format!("meeting {meeting}")))?;
                let it = m.agenda.iter().find(|i| i.number == *item).ok_or_else(|| {
                    ConsultError::NotFound(format!("item {item} of meeting {meeting}"))
                })?;
                let mut by_member = BTreeMap::new();
                for (who, choice) in votes {
                    if !m.present.contains(who) {
                        return Err(ConsultError::Refused(format!(
                            "member {who} voted but is not recorded as present at meeting {meeting}"
                        )));
                    }
                    if by_member.insert(*who, *choice).is_some() {
                        return Err(ConsultError::Refused(format!("member {who} voted twice")));
                    }
                }
                match kind {
                    MotionKind::Reject { reason } if reason.trim().is_empty() => {
                        return Err(ConsultError::Invalid(
                            "a motion to reject must give the reason citizens will read".into(),
                        ));
                    }
                    MotionKind::Accept { amendment } if amendment.text.is_empty() => {
                        return Err(ConsultError::Invalid("an amendment needs a text".into()));
                    }
                    _ => {}
                }
                let proposals: Vec<ProposalId> = it
                    .clusters
                    .iter()
                    .flat_map(|c| self.clusters[c].members.iter().copied())
                    .filter(|id| {
                        matches!(self.proposals[id].status(), ProposalStatus::OnAgenda { .. })
                    })
                    .collect();
                let tally = rules.tally(self.members.len() as u64, m.present.len() as u64, votes);
                let carried = tally.carried;
                self.motions.insert(
                    *motion,
                    Motion {
                        number: *motion,
                        meeting: *meeting,
                        item: *item,
                        kind: kind.clone(),
                        votes: by_member,
                        tally,
                        seq,
                    },
                );
                let it = self
                    .meetings
                    .get_mut(meeting)
                    .and_then(|m| m.agenda.iter_mut().find(|i| i.number == *item))
                    .expect("checked");
                it.motions.push(*motion);
                if carried {
                    for id in &proposals {
                        let status = match kind {
                            MotionKind::Accept { .. } => {
                                ProposalStatus::Accepted { decision: *motion }
                            }
                            MotionKind::Reject { reason } => ProposalStatus::Declined {
                                decision: *motion,
                                reason: reason.clone(),
                            },
                        };
                        self.set_status(*id, status, seq, at);
                    }
                    self.decisions.insert(
                        *motion,
                        Decision {
                            number: *motion,
                            meeting: *meeting,
                            item: *item,
                            kind: kind.clone(),
                            proposals,
                        },
                    );
                }
            }
        }
        Ok(())
    }

    /// Clusters the published proposals that are not yet clustered (see [`similarity`]); the
    /// representative is the most supported member, then the earliest. Returns the event to
    /// record; every proposal is in exactly one cluster (most are alone).
    pub fn form_clusters(&self, params: &similarity::LshParams, seed: u64) -> ConsultEvent {
        let ids: Vec<ProposalId> = self
            .proposals
            .values()
            .filter(|p| *p.status() == ProposalStatus::Published && p.cluster.is_none())
            .map(|p| p.id)
            .collect();
        let shingles: Vec<Vec<u64>> = ids
            .iter()
            .map(|id| {
                similarity::shingles(
                    &similarity::normalise(&self.proposals[id].text),
                    params.shingle,
                )
            })
            .collect();
        let hasher = similarity::MinHasher::new(params.bands * params.rows, seed);
        let sigs: Vec<Vec<u64>> = shingles.iter().map(|s| hasher.signature(s)).collect();
        let groups = similarity::cluster(&shingles, &sigs, params).clusters;
        let mut in_group = vec![false; ids.len()];
        let mut all: Vec<Vec<u32>> = Vec::new();
        for g in groups {
            for &i in &g {
                in_group[i as usize] = true;
            }
            all.push(g);
        }
        for (i, used) in in_group.iter().enumerate() {
            if !used {
                all.push(vec![i as u32]);
            }
        }
        all.sort_by_key(|g| g[0]);
        let first = self.clusters.keys().next_back().map_or(1, |c| c + 1);
        let clusters = all
            .into_iter()
            .enumerate()
            .map(|(n, g)| {
                let members: Vec<ProposalId> = g.iter().map(|&i| ids[i as usize]).collect();
                let representative = *members
                    .iter()
                    .max_by(|a, b| {
                        self.proposals[a]
                            .supports
                            .cmp(&self.proposals[b].supports)
                            .then(b.cmp(a))
                    })
                    .expect("a cluster is not empty");
                Cluster {
                    id: first + n as u32,
                    representative,
                    members,
                }
            })
            .collect();
        ConsultEvent::ClustersFormed {
            threshold_percent: params.threshold_percent,
            clusters,
        }
    }

    /// Everything that became of a proposal.
    pub fn trace_proposal(&self, id: ProposalId) -> Result<ProposalTrace, ConsultError> {
        let p = self
            .proposals
            .get(&id)
            .ok_or_else(|| ConsultError::NotFound(format!("proposal {id}")))?;
        let cluster = p.cluster.and_then(|c| self.clusters.get(&c)).cloned();
        let items: Vec<(u32, u32, String)> = self
            .meetings
            .values()
            .flat_map(|m| {
                m.agenda
                    .iter()
                    .filter(|i| p.cluster.is_some_and(|c| i.clusters.contains(&c)))
                    .map(move |i| (m.number, i.number, i.title.clone()))
            })
            .collect();
        let decisions: Vec<Decision> = self
            .decisions
            .values()
            .filter(|d| d.proposals.contains(&id))
            .cloned()
            .collect();
        Ok(ProposalTrace {
            proposal: p.clone(),
            cluster,
            agenda_items: items,
            decisions,
        })
    }

    /// Every proposal and decision behind a unit (by eId; sub-units included).
    pub fn trace_unit(&self, eid: &str) -> UnitTrace {
        let under = |e: &str| e == eid || e.starts_with(&format!("{eid}__"));
        UnitTrace {
            eid: eid.to_string(),
            proposals: self
                .proposals
                .values()
                .filter(|p| p.target.eid().is_some_and(under))
                .map(|p| p.id)
                .collect(),
            decisions: self
                .decisions
                .values()
                .filter(|d| {
                    let on_unit = matches!(&d.kind, MotionKind::Accept { amendment } if under(amendment.target.eid()));
                    on_unit
                        || d.proposals.iter().any(|id| {
                            self.proposals[id].target.eid().is_some_and(under)
                        })
                })
                .map(|d| d.number)
                .collect(),
        }
    }

    /// The draft with every adopted amendment applied in decision order: the next version.
    pub fn amended(&self, draft: &Act, version: &str) -> Result<Act, ConsultError> {
        let mut act = draft.clone();
        act.version = version.to_string();
        for d in self.decisions.values() {
            let MotionKind::Accept { amendment } = &d.kind else {
                continue;
            };
            apply_amendment(&mut act, amendment)
                .map_err(|e| ConsultError::Refused(format!("decision {}: {e}", d.number)))?;
        }
        act.assign_eids()
            .map_err(|e| ConsultError::Invalid(e.to_string()))?;
        Ok(act)
    }
}

/// Applies one amendment to an act.
pub fn apply_amendment(act: &mut Act, a: &Amendment) -> Result<(), ConsultError> {
    match &a.target {
        AmendmentTarget::Replace { eid } => {
            let version = act.version.clone();
            let u = act
                .find_mut(eid)
                .ok_or_else(|| ConsultError::NotFound(format!("unit {eid} in {version}")))?;
            u.content = a.text.clone();
            u.children.clear();
        }
        AmendmentTarget::InsertArticle { after, num } => {
            fn insert(units: &mut Vec<Unit>, after: &str, new: &Unit) -> bool {
                if let Some(pos) = units.iter().position(|u| u.eid == after) {
                    units.insert(pos + 1, new.clone());
                    return true;
                }
                units
                    .iter_mut()
                    .any(|u| insert(&mut u.children, after, new))
            }
            let mut art = Unit::new(UnitKind::Article, num.clone());
            art.content = a.text.clone();
            if !insert(&mut act.body, after, &art) {
                return Err(ConsultError::NotFound(format!(
                    "unit {after} in {}",
                    act.version
                )));
            }
            act.assign_eids()
                .map_err(|e| ConsultError::Invalid(format!("the new article: {e}")))?;
        }
    }
    Ok(())
}

/// What became of a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalTrace {
    /// The proposal with its timeline.
    pub proposal: Proposal,
    /// Its cluster.
    pub cluster: Option<Cluster>,
    /// Agenda items (meeting, item, title) that took it up.
    pub agenda_items: Vec<(u32, u32, String)>,
    /// Decisions on it (with the amendment's text, if accepted).
    pub decisions: Vec<Decision>,
}

/// Everything behind a unit of the act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTrace {
    /// eId.
    pub eid: String,
    /// Proposals about it.
    pub proposals: Vec<ProposalId>,
    /// Decisions about it.
    pub decisions: Vec<u32>,
}

impl Domain for Consultation {
    type Event = ConsultEvent;
    type Decided = ConsultEvent;
    type Error = ConsultError;
    const CHAIN: &'static str = "consultation";

    fn head(&self) -> Option<(u64, &LogHash)> {
        Consultation::head(self)
    }

    fn record(
        &mut self,
        event: ConsultEvent,
        recorded_at: String,
    ) -> Result<ConsultEntry, ConsultError> {
        Consultation::record(self, event, &recorded_at).cloned()
    }

    fn apply(&mut self, entry: &ConsultEntry) -> Result<(), ConsultError> {
        self.apply_entry(entry)
    }
}

#[cfg(test)]
mod tests;
