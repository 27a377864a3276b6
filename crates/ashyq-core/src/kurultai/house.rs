//! The state of the Kurultai as the replay of its events: officers, committees, bills, every
//! roll call, the People's Council and the vice-presidency; and [`Kurultai::decide`], which
//! checks an event against that state and the sitting members.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::consult::VotingRules;
use crate::contest::ContestId;
use crate::referendum::ReferendumDefinition;
use crate::territory::Names;

use super::bill::{Bill, BillStatus, BillVersion, Deadline, ReadingOutcome, Step, VersionSource};
use super::rules::KurultaiRules;
use super::vote::{Ballot, RecordedVote, Tally, check_roll_call};
use super::{
    BillId, CommitteeId, CouncilProposal, Initiator, KurultaiError, KurultaiEvent, MemberId,
    Office, Proposer, Sitting, check_act, refuse, valid_id,
};

/// The house as convened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Convening {
    /// The election whose mandates make the house.
    pub election: ContestId,
    /// The day of the first session.
    pub first_session: NaiveDate,
    /// The rules.
    pub rules: KurultaiRules,
    /// The log entry.
    pub seq: u64,
}

/// A roll call with what it was about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoteRecord {
    /// The vote.
    pub vote: RecordedVote,
    /// The event's kind (`reading_voted`, `officer_voted`, …).
    pub kind: &'static str,
    /// The bill, for a vote on one.
    pub bill: Option<BillId>,
    /// A vote of the People's Council rather than the Kurultai.
    pub council: bool,
    /// The log entry.
    pub seq: u64,
}

/// Who holds an office, elected by which vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeHolder {
    /// The office.
    pub office: Office,
    /// The deputy.
    pub member: MemberId,
    /// The vote's number.
    pub vote: u32,
    /// Since.
    pub since: NaiveDate,
}

/// A committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Committee {
    /// Its id.
    pub id: CommitteeId,
    /// Its name.
    pub name: Names,
    /// Its chair.
    pub chair: MemberId,
    /// Its members.
    pub members: Vec<MemberId>,
    /// The day it was formed.
    pub formed_on: NaiveDate,
    /// Every composition: the day and the log entry.
    pub changes: Vec<(NaiveDate, u64)>,
}

/// A member of the People's Council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CouncilMember {
    /// Their id.
    pub id: MemberId,
    /// Name.
    pub name: String,
    /// Block or quota.
    pub block: String,
    /// Joined on.
    pub joined: NaiveDate,
    /// Left on.
    pub left: Option<NaiveDate>,
}

/// An initiative the People's Council voted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CouncilInitiative {
    /// Its number.
    pub number: u32,
    /// The session.
    pub session: u32,
    /// What it proposes.
    pub proposal: CouncilProposal,
    /// The vote's number.
    pub vote: u32,
    /// Whether it carried.
    pub carried: bool,
    /// The bill introduced from it, if any.
    pub introduced_as: Option<BillId>,
}

/// The People's Council.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Council {
    /// Every member, past ones included.
    pub members: BTreeMap<MemberId, CouncilMember>,
    /// The day of each session, by number − 1.
    pub sessions: Vec<NaiveDate>,
    /// Its initiatives, by number − 1.
    pub initiatives: Vec<CouncilInitiative>,
}

impl Council {
    /// The current members.
    pub fn current(&self) -> impl Iterator<Item = &CouncilMember> {
        self.members.values().filter(|m| m.left.is_none())
    }

    /// Referendum drafts it initiated (carried), for the competent body to decide on.
    pub fn referendum_drafts(
        &self,
    ) -> impl Iterator<Item = (&CouncilInitiative, &ReferendumDefinition)> {
        self.initiatives.iter().filter_map(|i| match &i.proposal {
            CouncilProposal::Referendum { draft } if i.carried => Some((i, draft)),
            _ => None,
        })
    }
}

/// Where the vice-presidency stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VicePresidentState {
    /// No nomination pending and nobody in office.
    #[default]
    Vacant,
    /// Nominated, awaiting the house's consent.
    Nominated,
    /// The house consented; awaiting the appointment.
    Consented,
    /// In office.
    InOffice,
}

/// The vice-presidency: the current state and the history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VicePresidency {
    /// Where it stands.
    pub state: VicePresidentState,
    /// The current nominee or office holder.
    pub person: Option<String>,
    /// Every step: the day and what happened.
    pub history: Vec<(NaiveDate, String)>,
    /// The day the first Vice President was appointed.
    pub first_appointed: Option<NaiveDate>,
}

/// The Kurultai's state.
#[derive(Debug, Clone, Default)]
pub struct Kurultai {
    convening: Option<Convening>,
    officers: Vec<OfficeHolder>,
    committees: BTreeMap<CommitteeId, Committee>,
    bills: BTreeMap<BillId, Bill>,
    order: Vec<BillId>,
    votes: Vec<VoteRecord>,
    /// Each member's ballots: (vote number, ballot), in order.
    by_member: HashMap<MemberId, Vec<(u32, Ballot)>>,
    council: Council,
    vice: VicePresidency,
}

impl Kurultai {
    /// A house not yet convened.
    pub fn new() -> Self {
        Kurultai::default()
    }

    // ---- queries ---------------------------------------------------------------------------

    /// The convening, once convened.
    pub fn convening(&self) -> Option<&Convening> {
        self.convening.as_ref()
    }

    /// The rules in force (the defaults before convening).
    pub fn rules(&self) -> KurultaiRules {
        self.convening
            .as_ref()
            .map_or_else(KurultaiRules::default, |c| c.rules.clone())
    }

    /// Every bill, in order of introduction.
    pub fn bills(&self) -> impl Iterator<Item = &Bill> {
        self.order.iter().filter_map(|id| self.bills.get(id))
    }

    /// One bill.
    pub fn bill(&self, id: &BillId) -> Option<&Bill> {
        self.bills.get(id)
    }

    /// Every roll call, by number.
    pub fn votes(&self) -> &[VoteRecord] {
        &self.votes
    }

    /// The roll call with this number.
    pub fn vote(&self, number: u32) -> Option<&VoteRecord> {
        self.votes
            .get(usize::try_from(number).ok()?.checked_sub(1)?)
    }

    /// A member's ballots, (vote number, ballot) in order.
    pub fn ballots_of(&self, member: &MemberId) -> &[(u32, Ballot)] {
        self.by_member.get(member).map_or(&[], Vec::as_slice)
    }

    /// Every committee, by id.
    pub fn committees(&self) -> impl Iterator<Item = &Committee> {
        self.committees.values()
    }

    /// One committee.
    pub fn committee(&self, id: &CommitteeId) -> Option<&Committee> {
        self.committees.get(id)
    }

    /// Every officer ever elected, in order; those still sitting hold their office.
    pub fn officers(&self) -> &[OfficeHolder] {
        &self.officers
    }

    /// The officers holding office now: elected and still sitting.
    pub fn current_officers<'a>(
        &'a self,
        sitting: &'a Sitting,
    ) -> impl Iterator<Item = &'a OfficeHolder> + 'a {
        self.officers
            .iter()
            .filter(|o| sitting.members.contains_key(&o.member))
    }

    /// The People's Council.
    pub fn council(&self) -> &Council {
        &self.council
    }

    /// The vice-presidency.
    pub fn vice_presidency(&self) -> &VicePresidency {
        &self.vice
    }

    /// A bill's deadlines judged on `today`.
    pub fn deadlines(&self, bill: &Bill, today: NaiveDate) -> Vec<Deadline> {
        bill.deadlines(&self.rules(), today)
    }

    /// The deadline of the first appointment of a Vice President, once convened, and the
    /// day it was met.
    pub fn vice_president_deadline(&self, today: NaiveDate) -> Option<Deadline> {
        let c = self.convening.as_ref()?;
        let due = c
            .first_session
            .checked_add_months(Months::new(c.rules.vice_president_within_months))?;
        let done_on = self.vice.first_appointed;
        Some(Deadline {
            what: "first appointment of a Vice President",
            due,
            done_on,
            overdue: done_on.map_or(today > due, |d| d > due),
        })
    }

    // ---- decisions -------------------------------------------------------------------------

    fn convened(&self) -> Result<&Convening, KurultaiError> {
        self.convening.as_ref().ok_or_else(|| KurultaiError::Refused {
            rule: "convening",
            detail: "the Kurultai has not been convened; record its first session first (`ashyq kurultai convene`)".into(),
        })
    }

    /// Checks a roll call and fills in its number and tally by `rule`.
    fn count(
        &self,
        mut vote: RecordedVote,
        rule: &VotingRules,
        sitting: &Sitting,
    ) -> Result<RecordedVote, KurultaiError> {
        check_roll_call(&vote, &sitting.members, &sitting.former)?;
        vote.number = self.votes.len() as u32 + 1;
        vote.tally = Tally::count(rule, sitting.seats, &vote.counts);
        Ok(vote)
    }

    fn sitting_member(
        &self,
        m: &MemberId,
        sitting: &Sitting,
        rule: &'static str,
        role: &str,
    ) -> Result<(), KurultaiError> {
        if sitting.members.contains_key(m) {
            return Ok(());
        }
        let why = if sitting.former.contains(m) {
            "their mandate has ended"
        } else {
            "they hold no seat"
        };
        refuse(rule, format!("{m} cannot be {role}: {why}"))
    }

    fn distinct_sitting(
        &self,
        ms: &[MemberId],
        sitting: &Sitting,
        rule: &'static str,
        role: &str,
    ) -> Result<(), KurultaiError> {
        let mut seen = HashSet::new();
        for m in ms {
            self.sitting_member(m, sitting, rule, role)?;
            if !seen.insert(m) {
                return refuse(rule, format!("{m} is named twice"));
            }
        }
        Ok(())
    }

    fn bill_for(&self, id: &BillId) -> Result<&Bill, KurultaiError> {
        self.bills.get(id).ok_or_else(|| KurultaiError::Refused {
            rule: "known bill",
            detail: format!("there is no bill {id}; see `ashyq kurultai bills`"),
        })
    }

    /// Decides an event on the current state and the sitting members: returns it with its
    /// derived parts (vote numbers and tallies, a reading's outcome, numbers of sessions and
    /// initiatives) filled in, or refuses it naming the rule.
    pub fn decide(
        &self,
        event: KurultaiEvent,
        sitting: &Sitting,
    ) -> Result<KurultaiEvent, KurultaiError> {
        use KurultaiEvent as E;
        if event.author().name.trim().is_empty() {
            return refuse("author", "every step names who recorded it: give an author");
        }
        if let E::Convened { rules, .. } = &event {
            if let Some(c) = &self.convening {
                return refuse(
                    "one house",
                    format!(
                        "the Kurultai was already convened from {} on {}",
                        c.election, c.first_session
                    ),
                );
            }
            rules.validate()?;
            return Ok(event);
        }
        let c = self.convened()?;
        let rules = &c.rules;
        if event.on() < c.first_session {
            return refuse(
                "order of dates",
                format!(
                    "{} is before the first session on {}",
                    event.on(),
                    c.first_session
                ),
            );
        }
        Ok(match event {
            E::Convened { .. } => unreachable!("handled above"),
            E::OfficerVoted {
                office,
                candidate,
                vote,
                author,
            } => {
                self.sitting_member(&candidate, sitting, "officers are deputies", "an officer")?;
                let now: Vec<_> = self.current_officers(sitting).collect();
                if now.iter().any(|o| o.member == candidate) {
                    return refuse(
                        "one office each",
                        format!("{candidate} already holds an office"),
                    );
                }
                let held = now.iter().filter(|o| o.office == office).count() as u32;
                let seats = match office {
                    Office::Chair => 1,
                    Office::ViceChair => rules.vice_chairs,
                };
                if held >= seats {
                    return refuse(
                        "officers",
                        format!(
                            "the house has {seats} {} seat(s) and all are filled; an office falls vacant when its holder's mandate ends",
                            office.name()
                        ),
                    );
                }
                let vote = self.count(vote, &rules.officers, sitting)?;
                E::OfficerVoted {
                    office,
                    candidate,
                    vote,
                    author,
                }
            }
            E::CommitteeFormed {
                committee,
                name,
                chair,
                members,
                on,
                author,
            } => {
                if !valid_id(&committee.0) {
                    return refuse(
                        "committee id",
                        format!("{:?}: use letters, digits and dashes", committee.0),
                    );
                }
                if self.committees.contains_key(&committee) {
                    return refuse("committee id", format!("committee {committee} exists"));
                }
                if self.committees.len() as u32 >= rules.max_committees {
                    return refuse(
                        "at most 8 committees",
                        format!(
                            "the house has its {} committees, the most the rules allow",
                            rules.max_committees
                        ),
                    );
                }
                if name.en.trim().is_empty() {
                    return refuse("committee name", "give the committee's name");
                }
                self.check_composition(&chair, &members, sitting)?;
                E::CommitteeFormed {
                    committee,
                    name,
                    chair,
                    members,
                    on,
                    author,
                }
            }
            E::CommitteeRecomposed {
                committee,
                chair,
                members,
                on,
                author,
            } => {
                let Some(existing) = self.committees.get(&committee) else {
                    return refuse(
                        "known committee",
                        format!("there is no committee {committee}"),
                    );
                };
                if on < existing.changes.last().map_or(existing.formed_on, |c| c.0) {
                    return refuse(
                        "order of dates",
                        "the change is dated before the committee's last one",
                    );
                }
                self.check_composition(&chair, &members, sitting)?;
                E::CommitteeRecomposed {
                    committee,
                    chair,
                    members,
                    on,
                    author,
                }
            }
            E::BillIntroduced {
                bill,
                kind,
                priority,
                initiator,
                committee,
                text,
                on,
                author,
            } => {
                if !valid_id(&bill.0) {
                    return refuse(
                        "bill id",
                        format!("{:?}: use letters, digits and dashes", bill.0),
                    );
                }
                if self.bills.contains_key(&bill) {
                    return refuse("bill id", format!("bill {bill} exists; choose another id"));
                }
                if !rules.initiators.contains(&initiator.kind()) {
                    return refuse(
                        "initiators",
                        format!(
                            "{} may not introduce bills under this house's rules; those who may: {}",
                            initiator.kind().name(),
                            rules
                                .initiators
                                .iter()
                                .map(|k| k.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                match &initiator {
                    Initiator::Deputies { members } => {
                        if members.is_empty() {
                            return refuse(
                                "initiators",
                                "name the deputies who introduce the bill",
                            );
                        }
                        self.distinct_sitting(members, sitting, "initiators", "an initiator")?;
                    }
                    Initiator::PeoplesCouncil { initiative } => {
                        let i = self
                            .council
                            .initiatives
                            .get((*initiative as usize).wrapping_sub(1));
                        match i {
                            Some(i)
                                if i.carried
                                    && matches!(i.proposal, CouncilProposal::Bill { .. }) =>
                            {
                                if let Some(b) = &i.introduced_as {
                                    return refuse(
                                        "initiators",
                                        format!(
                                            "the People's Council's initiative {initiative} was introduced already as {b}"
                                        ),
                                    );
                                }
                            }
                            _ => {
                                return refuse(
                                    "initiators",
                                    format!(
                                        "the People's Council has no carried bill initiative {initiative}; it must vote the initiative at a session first"
                                    ),
                                );
                            }
                        }
                    }
                    _ => {}
                }
                if !self.committees.contains_key(&committee) {
                    return refuse(
                        "known committee",
                        format!(
                            "there is no committee {committee}; a bill is referred to one of the house's committees"
                        ),
                    );
                }
                check_act(&text)?;
                if text.work != bill.0 {
                    return refuse(
                        "act structure",
                        format!(
                            "the text's work id is {:?}; a bill's text carries the bill's id {:?}",
                            text.work, bill.0
                        ),
                    );
                }
                E::BillIntroduced {
                    bill,
                    kind,
                    priority,
                    initiator,
                    committee,
                    text,
                    on,
                    author,
                }
            }
            E::AmendmentVoted {
                bill,
                proposer,
                text,
                vote,
                author,
                ..
            } => {
                let b = self.bill_for(&bill)?;
                let reading = b.next_reading("an amendment")?;
                b.check_date(vote.on)?;
                match &proposer {
                    Proposer::Deputy { member } => self.sitting_member(
                        member,
                        sitting,
                        "amendments",
                        "the author of an amendment",
                    )?,
                    Proposer::Committee { committee } => {
                        if !self.committees.contains_key(committee) {
                            return refuse(
                                "known committee",
                                format!("there is no committee {committee}"),
                            );
                        }
                    }
                }
                check_act(&text)?;
                if text.work != b.text().work {
                    return refuse(
                        "act structure",
                        "an amendment's text is the same work as the bill's: keep its work id",
                    );
                }
                if &text == b.text() {
                    return refuse(
                        "amendments",
                        "the amended text is identical to the bill's current text; nothing to amend",
                    );
                }
                let vote = self.count(vote, &rules.amendment, sitting)?;
                E::AmendmentVoted {
                    bill,
                    proposer,
                    reading,
                    text,
                    vote,
                    author,
                }
            }
            E::ReadingVoted {
                bill,
                reading,
                vote,
                author,
                ..
            } => {
                let b = self.bill_for(&bill)?;
                b.check_reading(reading)?;
                b.check_date(vote.on)?;
                let constitutional = b.kind == super::ActKind::ConstitutionalLaw;
                let vote = self.count(vote, rules.reading(constitutional), sitting)?;
                let outcome = if vote.tally.carried {
                    ReadingOutcome::Passed
                } else if Tally::count_for(
                    &rules.rejection,
                    sitting.seats,
                    &vote.counts,
                    vote.counts.no,
                )
                .carried
                {
                    ReadingOutcome::Rejected
                } else {
                    ReadingOutcome::NotPassed
                };
                E::ReadingVoted {
                    bill,
                    reading,
                    outcome,
                    vote,
                    author,
                }
            }
            E::Transmitted { bill, on, author } => {
                let b = self.bill_for(&bill)?;
                b.check_status(&["adopted"], "transmission to the President")?;
                b.check_date(on)?;
                E::Transmitted { bill, on, author }
            }
            E::Signed {
                bill,
                on,
                in_force,
                author,
            } => {
                let b = self.bill_for(&bill)?;
                b.check_status(&["transmitted"], "the President's signature")?;
                b.check_date(on)?;
                b.check_signing_period(rules, on, "signature")?;
                if in_force < on {
                    return refuse(
                        "entry into force",
                        format!(
                            "a law enters into force on its signature ({on}) or later, not on {in_force}"
                        ),
                    );
                }
                E::Signed {
                    bill,
                    on,
                    in_force,
                    author,
                }
            }
            E::Returned {
                bill,
                on,
                objections,
                author,
            } => {
                let b = self.bill_for(&bill)?;
                b.check_status(&["transmitted"], "a return with objections")?;
                b.check_date(on)?;
                b.check_signing_period(rules, on, "return")?;
                if objections.trim().is_empty() {
                    return refuse(
                        "objections",
                        "a law is returned with the President's objections: give them",
                    );
                }
                E::Returned {
                    bill,
                    on,
                    objections,
                    author,
                }
            }
            E::OverrideVoted { bill, vote, author } => {
                let b = self.bill_for(&bill)?;
                let Some(rule) = &rules.override_objections else {
                    return refuse(
                        "override of objections",
                        "this house's rules have no override of the President's objections (override_objections is not configured); a returned law is amended and passed again instead",
                    );
                };
                b.check_status(&["returned"], "an override vote")?;
                b.check_date(vote.on)?;
                let vote = self.count(vote, rule, sitting)?;
                E::OverrideVoted { bill, vote, author }
            }
            E::CourtPetitioned {
                bill,
                signatories,
                on,
                author,
            } => {
                let b = self.bill_for(&bill)?;
                b.check_status(
                    &["adopted", "transmitted", "returned", "signed"],
                    "a petition to the Constitutional Court",
                )?;
                b.check_date(on)?;
                self.distinct_sitting(&signatories, sitting, "court petition", "a signatory")?;
                let need = rules.petition_needed(sitting.seats);
                if (signatories.len() as u64) < need {
                    return refuse(
                        "court petition",
                        format!(
                            "{} deputies signed; a petition to the Constitutional Court needs at least {} ({} of the {} deputies)",
                            signatories.len(),
                            need,
                            rules.court_petition.num.to_string()
                                + "/"
                                + &rules.court_petition.den.to_string(),
                            sitting.seats
                        ),
                    );
                }
                E::CourtPetitioned {
                    bill,
                    signatories,
                    on,
                    author,
                }
            }
            E::CouncilMemberJoined {
                member,
                name,
                block,
                on,
                author,
            } => {
                if !valid_id(&member.0) {
                    return refuse(
                        "council member id",
                        format!("{:?}: use letters, digits and dashes", member.0),
                    );
                }
                if self.council.members.contains_key(&member) {
                    return refuse(
                        "council member id",
                        format!("{member} is or was a member already; ids are never reused"),
                    );
                }
                if name.trim().is_empty() {
                    return refuse("council member", "give the member's name");
                }
                if let Some(max) = rules.council.max_members
                    && self.council.current().count() as u32 >= max
                {
                    return refuse(
                        "council size",
                        format!("the People's Council has its {max} members"),
                    );
                }
                E::CouncilMemberJoined {
                    member,
                    name,
                    block,
                    on,
                    author,
                }
            }
            E::CouncilMemberLeft { member, on, author } => {
                match self.council.members.get(&member) {
                    Some(m) if m.left.is_none() => {
                        if on < m.joined {
                            return refuse("order of dates", "a member leaves after joining");
                        }
                    }
                    _ => {
                        return refuse(
                            "council member",
                            format!("{member} is not a member of the People's Council"),
                        );
                    }
                }
                E::CouncilMemberLeft { member, on, author }
            }
            E::CouncilSessionHeld { on, author, .. } => {
                if let Some(last) = self.council.sessions.last()
                    && on < *last
                {
                    return refuse("order of dates", format!("the last session was on {last}"));
                }
                E::CouncilSessionHeld {
                    session: self.council.sessions.len() as u32 + 1,
                    on,
                    author,
                }
            }
            E::CouncilInitiativeVoted {
                proposal,
                vote,
                author,
                ..
            } => {
                let Some(day) = self.council.sessions.last() else {
                    return refuse(
                        "council session",
                        "the People's Council decides at a session: record one first",
                    );
                };
                if vote.on != *day {
                    return refuse(
                        "council session",
                        format!(
                            "the vote is dated {} but the latest session was on {day}; record the session of that day first",
                            vote.on
                        ),
                    );
                }
                match &proposal {
                    CouncilProposal::Bill { title } => {
                        if title.en.trim().is_empty() {
                            return refuse("council initiative", "give the bill's title");
                        }
                    }
                    CouncilProposal::Referendum { draft } => draft.validate()?,
                }
                let members: BTreeMap<MemberId, ()> =
                    self.council.current().map(|m| (m.id.clone(), ())).collect();
                let former: HashSet<MemberId> = self
                    .council
                    .members
                    .values()
                    .filter(|m| m.left.is_some())
                    .map(|m| m.id.clone())
                    .collect();
                check_roll_call(&vote, &members, &former)?;
                let mut vote = vote;
                vote.number = self.votes.len() as u32 + 1;
                vote.tally =
                    Tally::count(&rules.council.decisions, members.len() as u64, &vote.counts);
                E::CouncilInitiativeVoted {
                    initiative: self.council.initiatives.len() as u32 + 1,
                    session: self.council.sessions.len() as u32,
                    proposal,
                    vote,
                    author,
                }
            }
            E::VicePresidentNominated {
                nominee,
                on,
                author,
            } => {
                if matches!(
                    self.vice.state,
                    VicePresidentState::Nominated
                        | VicePresidentState::Consented
                        | VicePresidentState::InOffice
                ) {
                    return refuse(
                        "vice president",
                        format!(
                            "the vice-presidency is {:?}; a new nomination comes after a refusal or a dismissal",
                            self.vice.state
                        ),
                    );
                }
                if nominee.trim().is_empty() {
                    return refuse("vice president", "give the nominee's name");
                }
                if sitting
                    .members
                    .values()
                    .any(|(_, n)| n.trim().eq_ignore_ascii_case(nominee.trim()))
                {
                    return refuse(
                        "vice president eligibility",
                        format!("{nominee} is a deputy; the Vice President may not be a deputy"),
                    );
                }
                E::VicePresidentNominated {
                    nominee,
                    on,
                    author,
                }
            }
            E::VicePresidentConsentVoted { vote, author } => {
                if self.vice.state != VicePresidentState::Nominated {
                    return refuse(
                        "vice president",
                        "there is no nomination awaiting the house's consent",
                    );
                }
                let vote = self.count(vote, &rules.vice_president_consent, sitting)?;
                E::VicePresidentConsentVoted { vote, author }
            }
            E::VicePresidentAppointed { on, author } => {
                if self.vice.state != VicePresidentState::Consented {
                    return refuse(
                        "vice president",
                        "the President appoints a nominee the house consented to; there is none",
                    );
                }
                E::VicePresidentAppointed { on, author }
            }
            E::VicePresidentDismissed { on, author } => {
                if self.vice.state != VicePresidentState::InOffice {
                    return refuse(
                        "vice president",
                        "there is no Vice President in office to dismiss",
                    );
                }
                E::VicePresidentDismissed { on, author }
            }
        })
    }

    fn check_composition(
        &self,
        chair: &MemberId,
        members: &[MemberId],
        sitting: &Sitting,
    ) -> Result<(), KurultaiError> {
        if members.is_empty() {
            return refuse("committee members", "a committee has members: name them");
        }
        self.distinct_sitting(members, sitting, "committee members", "a committee member")?;
        if !members.contains(chair) {
            return refuse(
                "committee chair",
                format!("the chair {chair} must be one of the committee's members"),
            );
        }
        Ok(())
    }

    // ---- apply -----------------------------------------------------------------------------

    fn push_vote(
        &mut self,
        vote: &RecordedVote,
        kind: &'static str,
        bill: Option<&BillId>,
        council: bool,
        seq: u64,
    ) {
        for (m, b) in &vote.ballots {
            self.by_member
                .entry(m.clone())
                .or_default()
                .push((vote.number, *b));
        }
        self.votes.push(VoteRecord {
            vote: vote.clone(),
            kind,
            bill: bill.cloned(),
            council,
            seq,
        });
    }

    fn step(
        &mut self,
        bill: &BillId,
        seq: u64,
        on: NaiveDate,
        kind: &'static str,
        summary: String,
        vote: Option<u32>,
    ) -> Option<&mut Bill> {
        let b = self.bills.get_mut(bill)?;
        b.timeline.push(Step {
            seq,
            on,
            kind,
            summary,
            vote,
        });
        b.last_on = b.last_on.max(on);
        Some(b)
    }

    /// Changes the state by an event [`Kurultai::decide`] accepted, recorded at log entry
    /// `seq`.
    pub fn apply(&mut self, event: &KurultaiEvent, seq: u64) {
        use KurultaiEvent as E;
        let kind = event.kind();
        match event {
            E::Convened {
                election,
                first_session,
                rules,
                ..
            } => {
                self.convening = Some(Convening {
                    election: election.clone(),
                    first_session: *first_session,
                    rules: rules.clone(),
                    seq,
                });
            }
            E::OfficerVoted {
                office,
                candidate,
                vote,
                ..
            } => {
                self.push_vote(vote, kind, None, false, seq);
                if vote.tally.carried {
                    self.officers.push(OfficeHolder {
                        office: *office,
                        member: candidate.clone(),
                        vote: vote.number,
                        since: vote.on,
                    });
                }
            }
            E::CommitteeFormed {
                committee,
                name,
                chair,
                members,
                on,
                ..
            } => {
                self.committees.insert(
                    committee.clone(),
                    Committee {
                        id: committee.clone(),
                        name: name.clone(),
                        chair: chair.clone(),
                        members: members.clone(),
                        formed_on: *on,
                        changes: vec![(*on, seq)],
                    },
                );
            }
            E::CommitteeRecomposed {
                committee,
                chair,
                members,
                on,
                ..
            } => {
                if let Some(c) = self.committees.get_mut(committee) {
                    c.chair = chair.clone();
                    c.members = members.clone();
                    c.changes.push((*on, seq));
                }
            }
            E::BillIntroduced {
                bill,
                kind: act_kind,
                priority,
                initiator,
                committee,
                text,
                on,
                ..
            } => {
                if let Initiator::PeoplesCouncil { initiative } = initiator
                    && let Some(i) = self
                        .council
                        .initiatives
                        .get_mut((*initiative as usize).wrapping_sub(1))
                {
                    i.introduced_as = Some(bill.clone());
                }
                self.order.push(bill.clone());
                self.bills.insert(
                    bill.clone(),
                    Bill {
                        id: bill.clone(),
                        kind: *act_kind,
                        priority: *priority,
                        initiator: initiator.clone(),
                        committee: committee.clone(),
                        introduced_on: *on,
                        versions: vec![BillVersion {
                            text: text.clone(),
                            source: VersionSource::Introduced,
                            on: *on,
                            seq,
                        }],
                        status: BillStatus::InReadings { passed: 0 },
                        timeline: Vec::new(),
                        adopted_on: None,
                        transmitted_on: None,
                        signed_on: None,
                        in_force: None,
                        objections: None,
                        petitions: Vec::new(),
                        last_on: *on,
                        readings: 0,
                        first_adopted_on: None,
                        returned_on: None,
                    },
                );
                let by = match initiator {
                    Initiator::Deputies { members } => format!("{} deputies", members.len()),
                    Initiator::PeoplesCouncil { initiative } => {
                        format!("the People's Council (initiative {initiative})")
                    }
                    other => other.kind().name().to_owned(),
                };
                self.step(
                    bill,
                    seq,
                    *on,
                    kind,
                    format!("introduced by {by}, referred to committee {committee}"),
                    None,
                );
            }
            E::AmendmentVoted {
                bill,
                proposer,
                reading,
                text,
                vote,
                ..
            } => {
                self.push_vote(vote, kind, Some(bill), false, seq);
                let carried = vote.tally.carried;
                let summary = format!(
                    "amendment before reading {reading} {}",
                    if carried { "carried" } else { "not carried" }
                );
                if let Some(b) = self.step(bill, seq, vote.on, kind, summary, Some(vote.number))
                    && carried
                {
                    b.versions.push(BillVersion {
                        text: text.clone(),
                        source: VersionSource::Amendment {
                            proposer: proposer.clone(),
                            vote: vote.number,
                        },
                        on: vote.on,
                        seq,
                    });
                }
            }
            E::ReadingVoted {
                bill,
                reading,
                outcome,
                vote,
                ..
            } => {
                self.push_vote(vote, kind, Some(bill), false, seq);
                let ord = ["first", "second", "third"][usize::from(reading.clamp(&1, &3) - 1)];
                let what = match outcome {
                    ReadingOutcome::Passed => "passed",
                    ReadingOutcome::Rejected => "failed: the bill is rejected",
                    ReadingOutcome::NotPassed => "not passed",
                };
                let on = vote.on;
                if let Some(b) = self.step(
                    bill,
                    seq,
                    on,
                    kind,
                    format!("{ord} reading {what}"),
                    Some(vote.number),
                ) {
                    match outcome {
                        ReadingOutcome::Passed => {
                            b.readings = *reading;
                            if *reading >= 3 {
                                b.status = BillStatus::Adopted;
                                b.adopted_on = Some(on);
                                b.first_adopted_on.get_or_insert(on);
                            } else {
                                b.status = BillStatus::InReadings { passed: *reading };
                            }
                        }
                        ReadingOutcome::Rejected => b.status = BillStatus::Rejected,
                        ReadingOutcome::NotPassed => {}
                    }
                }
            }
            E::Transmitted { bill, on, .. } => {
                if let Some(b) =
                    self.step(bill, seq, *on, kind, "sent to the President".into(), None)
                {
                    b.status = BillStatus::Transmitted;
                    b.transmitted_on = Some(*on);
                }
            }
            E::Signed {
                bill, on, in_force, ..
            } => {
                if let Some(b) = self.step(
                    bill,
                    seq,
                    *on,
                    kind,
                    format!("signed by the President; in force from {in_force}"),
                    None,
                ) {
                    b.status = BillStatus::Signed;
                    b.signed_on = Some(*on);
                    b.in_force = Some(*in_force);
                }
            }
            E::Returned {
                bill,
                on,
                objections,
                ..
            } => {
                if let Some(b) = self.step(
                    bill,
                    seq,
                    *on,
                    kind,
                    "returned by the President with objections".into(),
                    None,
                ) {
                    b.status = BillStatus::Returned;
                    b.objections = Some(objections.clone());
                    b.returned_on = Some(*on);
                }
            }
            E::OverrideVoted { bill, vote, .. } => {
                self.push_vote(vote, kind, Some(bill), false, seq);
                let carried = vote.tally.carried;
                let summary = if carried {
                    "the objections were overridden: adopted again"
                } else {
                    "the objections were not overcome: the law is not adopted"
                };
                if let Some(b) =
                    self.step(bill, seq, vote.on, kind, summary.into(), Some(vote.number))
                {
                    if carried {
                        b.status = BillStatus::Adopted;
                        b.adopted_on = Some(vote.on);
                    } else {
                        b.status = BillStatus::Rejected;
                    }
                }
            }
            E::CourtPetitioned {
                bill,
                signatories,
                on,
                ..
            } => {
                let summary = format!(
                    "{} deputies petitioned the Constitutional Court",
                    signatories.len()
                );
                if let Some(b) = self.step(bill, seq, *on, kind, summary, None) {
                    b.petitions.push((*on, signatories.clone()));
                }
            }
            E::CouncilMemberJoined {
                member,
                name,
                block,
                on,
                ..
            } => {
                self.council.members.insert(
                    member.clone(),
                    CouncilMember {
                        id: member.clone(),
                        name: name.clone(),
                        block: block.clone(),
                        joined: *on,
                        left: None,
                    },
                );
            }
            E::CouncilMemberLeft { member, on, .. } => {
                if let Some(m) = self.council.members.get_mut(member) {
                    m.left = Some(*on);
                }
            }
            E::CouncilSessionHeld { on, .. } => self.council.sessions.push(*on),
            E::CouncilInitiativeVoted {
                initiative,
                session,
                proposal,
                vote,
                ..
            } => {
                self.push_vote(vote, kind, None, true, seq);
                self.council.initiatives.push(CouncilInitiative {
                    number: *initiative,
                    session: *session,
                    proposal: proposal.clone(),
                    vote: vote.number,
                    carried: vote.tally.carried,
                    introduced_as: None,
                });
            }
            E::VicePresidentNominated { nominee, on, .. } => {
                self.vice.state = VicePresidentState::Nominated;
                self.vice.person = Some(nominee.clone());
                self.vice
                    .history
                    .push((*on, format!("{nominee} nominated by the President")));
            }
            E::VicePresidentConsentVoted { vote, .. } => {
                self.push_vote(vote, kind, None, false, seq);
                let who = self.vice.person.clone().unwrap_or_default();
                if vote.tally.carried {
                    self.vice.state = VicePresidentState::Consented;
                    self.vice
                        .history
                        .push((vote.on, format!("the Kurultai consented to {who}")));
                } else {
                    self.vice.state = VicePresidentState::Vacant;
                    self.vice.person = None;
                    self.vice
                        .history
                        .push((vote.on, format!("the Kurultai refused consent to {who}")));
                }
            }
            E::VicePresidentAppointed { on, .. } => {
                self.vice.state = VicePresidentState::InOffice;
                self.vice.first_appointed.get_or_insert(*on);
                let who = self.vice.person.clone().unwrap_or_default();
                self.vice
                    .history
                    .push((*on, format!("{who} appointed Vice President")));
            }
            E::VicePresidentDismissed { on, .. } => {
                let who = self.vice.person.take().unwrap_or_default();
                self.vice.state = VicePresidentState::Vacant;
                self.vice
                    .history
                    .push((*on, format!("{who} dismissed by the President")));
            }
        }
    }
}
