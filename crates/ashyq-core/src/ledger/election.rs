//! The ledger's part for parties and party-list elections: decisions, their re-check on
//! replay, the changes they make, and the questions one can ask of an election.
//!
//! The decisions take only what the public record can hold: a party's members and a list's
//! candidates arrive as keyed digests and masked IINs, already checked against the identity
//! data (age, citizenship, residence) by `party::check_application_with` and
//! `party::list::check_list` with the digest key. What the ledger checks again, and therefore
//! what `ashyq verify` re-derives from the log alone, is everything that follows from the
//! record: membership counts and one party per person, one list per party and one list per
//! person, quotas, deadlines of withdrawals, the ballot of every protocol and its control
//! ratios, the totals, the seed against its commitment, the seats and every deputy and
//! successor.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::author::Author;
use crate::contest::ContestId;
use crate::election::{
    Deputy, ElectionDefinition, ElectionError, ElectionTotals, PartyListProtocol,
    RegionElectionTotals, seed_commitment,
};
use crate::event::{Event, LogEntry};
use crate::party::list::{
    self, CandidateRef, ListProblem, MandateEnd, RegisteredList, WithdrawnBy,
};
use crate::party::{ApplicationProblem, PartyError, PartyRules, RegisteredParty, same_name};
use crate::seats::{self, SeatAllocation, TieSeed};
use crate::tally::ResultStatus;
use crate::territory::PrecinctId;

use super::{
    Contest, Decided, Decision, KeepsProtocols, Ledger, LedgerError, ProtocolBook, SubmitStep,
    recorded_anew, require,
};

/// A mandate: who holds (or held) a seat of a party's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mandate {
    /// The deputy.
    pub deputy: Deputy,
    /// Log sequence number of the entry that gave the seat.
    pub since_seq: u64,
    /// Log sequence number of the entry that ended it, if it ended.
    pub ended: Option<(u64, MandateEnd)>,
}

/// The seats of an allocated election.
#[derive(Debug, Clone)]
struct Seats {
    allocation: SeatAllocation,
    seed: TieSeed,
    seq: u64,
    author: Author,
    /// Every mandate ever given, in order.
    mandates: Vec<Mandate>,
    /// Positions called to a seat, per party.
    called: BTreeMap<String, Vec<usize>>,
}

/// The state of one party-list election.
#[derive(Debug, Clone)]
pub struct ElectionRecord {
    /// Its definition.
    pub definition: ElectionDefinition,
    /// The registered lists, in ballot order.
    pub lists: Vec<RegisteredList>,
    pub(super) book: ProtocolBook<PartyListProtocol>,
    seats: Option<Seats>,
}

impl ElectionRecord {
    /// The parties on the ballot, in ballot order.
    pub fn ballot(&self) -> Vec<&str> {
        self.lists.iter().map(|l| l.party.as_str()).collect()
    }

    /// Its protocols.
    pub fn book(&self) -> &ProtocolBook<PartyListProtocol> {
        &self.book
    }

    /// The seat allocation, once made.
    pub fn allocation(&self) -> Option<&SeatAllocation> {
        self.seats.as_ref().map(|s| &s.allocation)
    }

    /// The revealed tie seed, once the seats are allocated.
    pub fn seed(&self) -> Option<&TieSeed> {
        self.seats.as_ref().map(|s| &s.seed)
    }

    /// Every mandate given so far, in order (ended ones included).
    pub fn mandates(&self) -> &[Mandate] {
        self.seats.as_ref().map_or(&[], |s| &s.mandates)
    }

    /// The deputies holding a mandate now.
    pub fn deputies(&self) -> impl Iterator<Item = &Deputy> {
        self.mandates()
            .iter()
            .filter(|m| m.ended.is_none())
            .map(|m| &m.deputy)
    }

    fn list(&self, party: &str) -> Result<&RegisteredList, ElectionError> {
        self.lists
            .iter()
            .find(|l| same_name(&l.party, party))
            .ok_or_else(|| ElectionError::NoList {
                election: self.definition.id.clone(),
                party: party.to_owned(),
            })
    }
}

impl KeepsProtocols for ElectionRecord {
    type Protocol = PartyListProtocol;
    fn book_mut(&mut self) -> &mut ProtocolBook<PartyListProtocol> {
        &mut self.book
    }
}

/// The result of an election now.
#[derive(Debug, Clone, Serialize)]
pub struct ElectionResults {
    /// The election.
    pub election: ContestId,
    /// Preliminary, final, or certified (= seats allocated).
    pub status: ResultStatus,
    /// Open conflicts.
    pub open_conflicts: u64,
    /// National totals.
    pub national: ElectionTotals,
    /// Totals per first-level unit, abroad included, in territory order.
    pub regions: Vec<RegionElectionTotals>,
}

impl Ledger {
    // ---- queries ---------------------------------------------------------------------------

    /// The registered parties, in order of registration.
    pub fn parties(&self) -> &[RegisteredParty] {
        &self.parties
    }

    /// The rules of party registration now.
    pub fn party_rules(&self) -> PartyRules {
        self.party_rules
    }

    pub(super) fn open_election(&self, id: &ContestId) -> Result<&ElectionRecord, LedgerError> {
        let e = self.election(id)?;
        if e.seats.is_some() {
            return Err(ElectionError::Allocated(id.clone()).into());
        }
        Ok(e)
    }

    /// The result of an election now, nationally and per first-level unit.
    pub fn election_results(&self, id: &ContestId) -> Result<ElectionResults, LedgerError> {
        let e = self.election(id)?;
        let (territory, index) = self.territory.as_ref().ok_or(LedgerError::NoTerritory)?;
        let ballot = e.ballot();
        let mut national = ElectionTotals::new(&ballot);
        let mut regions: Vec<RegionElectionTotals> = territory
            .regions
            .iter()
            .map(|r| RegionElectionTotals {
                code: r.code.clone(),
                name: r.names.en.clone(),
                totals: ElectionTotals::new(&ballot),
            })
            .collect();
        for (precinct, applied) in territory.precincts.iter().zip(e.book.places()) {
            let region = index
                .placement(precinct.id)
                .map(|p| p.region)
                .expect("the index covers every precinct of its territory");
            national.precincts += 1;
            regions[region].totals.precincts += 1;
            if let Some(a) = applied {
                national.add(&a.protocol);
                regions[region].totals.add(&a.protocol);
            }
        }
        let open_conflicts = e.book.open_conflict_count();
        let status = if e.seats.is_some() {
            ResultStatus::Certified
        } else if national.complete() && open_conflicts == 0 {
            ResultStatus::Final
        } else {
            ResultStatus::Preliminary
        };
        Ok(ElectionResults {
            election: id.clone(),
            status,
            open_conflicts,
            national,
            regions,
        })
    }

    // ---- decisions -------------------------------------------------------------------------

    /// Decides to change the rules of party registration.
    pub fn set_party_rules(
        &self,
        rules: PartyRules,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        require(&author.name, "the author")?;
        if rules.min_members == 0 {
            return Err(LedgerError::Inconsistent(
                "a party needs at least one member: min_members must be 1 or more".into(),
            ));
        }
        Ok(self.decided(Event::PartyRulesSet { rules, author }))
    }

    /// Decides to register a party already checked against the identity data
    /// (`party::check_application_with`). Re-checks what the public record shows: names
    /// present and free, members distinct, in no other party, and at least the minimum.
    pub fn register_party(&self, party: RegisteredParty) -> Result<Decided, LedgerError> {
        let mut problems = Vec::new();
        if party.name.trim().is_empty() || party.short_name.trim().is_empty() {
            problems.push(ApplicationProblem::MissingName);
        }
        for p in &self.parties {
            for name in [&party.name, &party.short_name] {
                if !name.trim().is_empty()
                    && (same_name(name, &p.name) || same_name(name, &p.short_name))
                {
                    problems.push(ApplicationProblem::NameTaken {
                        name: name.clone(),
                        by: p.short_name.clone(),
                    });
                }
            }
        }
        let distinct: HashSet<_> = party.members.iter().collect();
        let elsewhere = self
            .parties
            .iter()
            .flat_map(|p| p.members.iter())
            .filter(|d| distinct.contains(d))
            .count();
        let sorted = party.members.windows(2).all(|w| w[0] < w[1]);
        if !sorted || elsewhere > 0 {
            return Err(LedgerError::Inconsistent(format!(
                "party {}: the member digests must be sorted and distinct, and none may be a member of a registered party ({elsewhere} are); check the application with `ashyq party register`",
                party.short_name
            )));
        }
        if distinct.len() < self.party_rules.min_members {
            problems.push(ApplicationProblem::TooFewMembers {
                counted: distinct.len(),
                listed: party.members.len(),
                min: self.party_rules.min_members,
            });
        }
        if !problems.is_empty() {
            return Err(PartyError::ApplicationRefused {
                party: party.short_name.clone(),
                problems,
            }
            .into());
        }
        Ok(self.decided(Event::PartyRegistered { party }))
    }

    /// Decides to define a party-list election.
    pub fn create_election(&self, definition: ElectionDefinition) -> Result<Decided, LedgerError> {
        if self.territory.is_none() {
            return Err(LedgerError::NoTerritory);
        }
        definition.validate()?;
        if self.contests.contains(&definition.id) {
            return Err(LedgerError::DuplicateReferendum(definition.id));
        }
        Ok(self.decided(Event::ElectionCreated { definition }))
    }

    /// Decides to register a candidate list already checked against the identity data
    /// (`party::list::check_list`). Re-checks: the party is registered and has no list yet,
    /// the ballot is not fixed, nobody stands twice or on another list, the quota holds.
    pub fn register_list(
        &self,
        election: &ContestId,
        list: RegisteredList,
    ) -> Result<Decided, LedgerError> {
        let e = self.open_election(election)?;
        if e.book.all_applied().next().is_some() || e.book.open_conflict_count() > 0 {
            return Err(ElectionError::BallotFixed(election.clone()).into());
        }
        let Some(party) = self
            .parties
            .iter()
            .find(|p| same_name(&p.short_name, &list.party) || same_name(&p.name, &list.party))
        else {
            return Err(ElectionError::UnregisteredParty(list.party.clone()).into());
        };
        let mut problems = Vec::new();
        if e.lists
            .iter()
            .any(|l| same_name(&l.party, &party.short_name))
        {
            problems.push(ListProblem::PartyHasList);
        }
        if list.party != party.short_name {
            return Err(LedgerError::Inconsistent(format!(
                "the list names its party {:?}; use the party's registered short name {:?}",
                list.party, party.short_name
            )));
        }
        if list.entries.is_empty() {
            problems.push(ListProblem::Empty);
        }
        if list.election_day != e.definition.election_day {
            return Err(LedgerError::Inconsistent(format!(
                "the list was checked for election day {}, but {election} is on {}",
                list.election_day, e.definition.election_day
            )));
        }
        let positions_ok = list
            .entries
            .iter()
            .enumerate()
            .all(|(i, c)| c.position == i + 1 && c.is_standing());
        let mut seen = HashSet::new();
        let twice = list.entries.iter().any(|c| !seen.insert(&c.digest));
        let elsewhere = e
            .lists
            .iter()
            .flat_map(|l| l.standing())
            .any(|c| seen.contains(&c.digest));
        if !positions_ok || twice || elsewhere {
            return Err(LedgerError::Inconsistent(format!(
                "the list of {} must number its candidates 1, 2, … all standing, each person once and on no other list; check it with `ashyq list submit`",
                list.party
            )));
        }
        if let Some(quota) = &e.definition.list_rules.quota
            && let Err(shortfalls) = list.check_quota(quota)
        {
            problems.extend(shortfalls.into_iter().map(ListProblem::Quota));
        }
        if !problems.is_empty() {
            return Err(PartyError::ListRefused {
                party: list.party.clone(),
                problems,
            }
            .into());
        }
        Ok(self.decided(Event::CandidateListRegistered {
            election: election.clone(),
            list,
        }))
    }

    /// Decides a withdrawal of a candidate on `on` (see `party::list::withdraw`).
    pub fn withdraw_candidate(
        &self,
        election: &ContestId,
        party: &str,
        who: &CandidateRef,
        by: WithdrawnBy,
        on: NaiveDate,
    ) -> Result<Decided, LedgerError> {
        let e = self.open_election(election)?;
        if e.book.all_applied().next().is_some() {
            return Err(ElectionError::BallotFixed(election.clone()).into());
        }
        let l = e.list(party)?;
        let withdrawal = list::withdraw(
            l,
            who,
            by,
            on,
            e.definition.withdrawal_deadline,
            &e.definition.list_rules,
        )?;
        Ok(self.decided(Event::CandidateWithdrawn {
            election: election.clone(),
            withdrawal,
        }))
    }

    fn check_party_list(
        &self,
        protocol: &PartyListProtocol,
    ) -> Result<(&ElectionRecord, usize, Vec<crate::protocol::Violation>), LedgerError> {
        let e = self.open_election(&protocol.election)?;
        let i = self.placement(protocol.precinct)?;
        let check = protocol.check(&e.ballot(), e.definition.against_all)?;
        if !check.accepted() {
            return Err(LedgerError::Rejected {
                precinct: protocol.precinct,
                errors: check.errors,
            });
        }
        Ok((e, i, check.warnings))
    }

    /// Decides what a submitted party-list protocol does: accepted, a conflict, or known.
    pub fn submit_party_list(&self, protocol: PartyListProtocol) -> Result<Decision, LedgerError> {
        let (e, i, warnings) = self.check_party_list(&protocol)?;
        let protocol_hash = protocol.content_hash();
        Ok(
            match e.book.submit_step(i, protocol.precinct, &protocol_hash) {
                SubmitStep::Accept => Decision::Record(self.decided(Event::PartyListAccepted {
                    protocol,
                    protocol_hash,
                    warnings,
                })),
                SubmitStep::Known(r) => Decision::Known(r),
                SubmitStep::Conflict { applied_hash } => {
                    Decision::Record(self.decided(Event::PartyListConflict {
                        protocol,
                        protocol_hash,
                        applied_hash,
                    }))
                }
            },
        )
    }

    /// Decides an explicit amendment of a precinct's party-list protocol.
    pub fn amend_party_list(
        &self,
        protocol: PartyListProtocol,
        reason: &str,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        require(reason, "the reason")?;
        require(&author.name, "the author")?;
        let (e, i, warnings) = self.check_party_list(&protocol)?;
        let protocol_hash = protocol.content_hash();
        let replaces_hash = e.book.amend_step(i, protocol.precinct, &protocol_hash)?;
        Ok(self.decided(Event::PartyListAmended {
            protocol,
            protocol_hash,
            replaces_hash,
            reason: reason.trim().to_owned(),
            author,
            warnings,
        }))
    }

    /// Decides the allocation of seats once the count is final, revealing the tie seed
    /// committed to in the definition, and names the deputies.
    pub fn allocate_seats(
        &self,
        election: &ContestId,
        seed: TieSeed,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        let e = self.open_election(election)?;
        require(&author.name, "the author")?;
        if seed_commitment(&seed) != e.definition.tie_seed_sha256 {
            return Err(ElectionError::SeedMismatch {
                committed: e.definition.tie_seed_sha256.clone(),
            }
            .into());
        }
        let results = self.election_results(election)?;
        if results.status != ResultStatus::Final {
            return Err(ElectionError::NotFinal {
                election: election.clone(),
                missing: results.national.precincts - results.national.precincts_reported,
                conflicts: results.open_conflicts,
            }
            .into());
        }
        let national = results.national;
        let allocation = seats::allocate(
            &e.definition.rules,
            &national.votes,
            national.against_all,
            Some(&seed),
        )
        .map_err(ElectionError::from)?;
        let mut deputies = Vec::new();
        let mut vacant = Vec::new();
        for (l, (_, n)) in e.lists.iter().zip(allocation.seats()) {
            let taken = list::fill_seats(l, n as usize);
            if taken.len() < n as usize {
                vacant.push((l.party.clone(), n - taken.len() as u32));
            }
            deputies.extend(taken.into_iter().map(|c| deputy(&l.party, c)));
        }
        Ok(self.decided(Event::SeatsAllocated {
            election: election.clone(),
            author,
            seed,
            national,
            allocation,
            deputies,
            vacant,
        }))
    }

    /// Decides the end of a deputy's mandate (or an elected candidate's refusal) and who
    /// takes the seat: the next standing candidate of the same list not yet called.
    pub fn end_mandate(
        &self,
        election: &ContestId,
        party: &str,
        position: usize,
        ground: MandateEnd,
        on: NaiveDate,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        let e = self.election(election)?;
        require(&author.name, "the author")?;
        let Some(seats) = &e.seats else {
            return Err(ElectionError::NotAllocated(election.clone()).into());
        };
        let l = e.list(party)?;
        let Some(held) = e
            .deputies()
            .find(|d| d.party == l.party && d.position == position)
        else {
            return Err(ElectionError::NotADeputy {
                election: election.clone(),
                party: party.to_owned(),
                position,
            }
            .into());
        };
        if on < e.definition.election_day {
            return Err(LedgerError::Inconsistent(format!(
                "a mandate cannot end on {on}, before election day {}",
                e.definition.election_day
            )));
        }
        let called = seats.called.get(&l.party).map_or(&[][..], Vec::as_slice);
        let successor = list::successor(l, called, ground).map(|c| deputy(&l.party, c));
        Ok(self.decided(Event::MandateEnded {
            election: election.clone(),
            deputy: held.clone(),
            ground,
            on,
            author,
            successor,
        }))
    }

    // ---- replay ----------------------------------------------------------------------------

    /// Re-decides an election event (see `Ledger::check_event`).
    pub(super) fn check_election_event(&self, event: &Event) -> Result<Decided, LedgerError> {
        Ok(match event {
            Event::PartyRulesSet { rules, author } => {
                self.set_party_rules(*rules, author.clone())?
            }
            Event::PartyRegistered { party } => self.register_party(party.clone())?,
            Event::ElectionCreated { definition } => self.create_election(definition.clone())?,
            Event::CandidateListRegistered { election, list } => {
                self.register_list(election, list.clone())?
            }
            Event::CandidateWithdrawn {
                election,
                withdrawal,
            } => self.withdraw_candidate(
                election,
                &withdrawal.party,
                &CandidateRef::Position(withdrawal.position),
                withdrawal.by,
                withdrawal.on,
            )?,
            Event::PartyListAccepted { protocol, .. }
            | Event::PartyListConflict { protocol, .. } => {
                recorded_anew(self.submit_party_list(protocol.clone())?, protocol.precinct)?
            }
            Event::PartyListAmended {
                protocol,
                reason,
                author,
                ..
            } => self.amend_party_list(protocol.clone(), reason, author.clone())?,
            Event::SeatsAllocated {
                election,
                seed,
                author,
                ..
            } => self.allocate_seats(election, seed.clone(), author.clone())?,
            Event::MandateEnded {
                election,
                deputy,
                ground,
                on,
                author,
                ..
            } => self.end_mandate(
                election,
                &deputy.party,
                deputy.position,
                *ground,
                *on,
                author.clone(),
            )?,
            other => {
                return Err(LedgerError::Inconsistent(format!(
                    "{} is not an election event",
                    other.kind()
                )));
            }
        })
    }

    /// Changes the state by an election event already checked.
    pub(super) fn mutate_election(
        &mut self,
        entry: &LogEntry,
        event: &Event,
    ) -> Result<(), LedgerError> {
        match event {
            Event::PartyRulesSet { rules, .. } => self.party_rules = *rules,
            Event::PartyRegistered { party } => self.parties.push(party.clone()),
            Event::ElectionCreated { definition } => {
                let n = self.territory().map_or(0, |t| t.precincts.len());
                self.contests.insert(
                    definition.id.clone(),
                    Contest::PartyList(ElectionRecord {
                        definition: definition.clone(),
                        lists: Vec::new(),
                        book: ProtocolBook::new(n),
                        seats: None,
                    }),
                );
            }
            Event::CandidateListRegistered { election, list } => {
                self.election_mut(election)?.lists.push(list.clone());
            }
            Event::CandidateWithdrawn {
                election,
                withdrawal,
            } => {
                let e = self.election_mut(election)?;
                if let Some(l) = e.lists.iter_mut().find(|l| l.party == withdrawal.party) {
                    l.apply_withdrawal(withdrawal);
                }
            }
            Event::PartyListAccepted {
                protocol,
                protocol_hash,
                warnings,
            } => self.apply_protocol::<ElectionRecord>(
                entry,
                protocol,
                protocol_hash,
                warnings,
                None,
            )?,
            Event::PartyListConflict {
                protocol,
                protocol_hash,
                ..
            } => self.conflict_protocol::<ElectionRecord>(entry, protocol, protocol_hash)?,
            Event::PartyListAmended {
                protocol,
                protocol_hash,
                reason,
                author,
                warnings,
                ..
            } => self.apply_protocol::<ElectionRecord>(
                entry,
                protocol,
                protocol_hash,
                warnings,
                Some((reason, author)),
            )?,
            Event::SeatsAllocated {
                election,
                seed,
                allocation,
                deputies,
                author,
                ..
            } => {
                let e = self.election_mut(election)?;
                let mut called: BTreeMap<String, Vec<usize>> = BTreeMap::new();
                for d in deputies {
                    called.entry(d.party.clone()).or_default().push(d.position);
                }
                e.seats = Some(Seats {
                    allocation: allocation.clone(),
                    seed: seed.clone(),
                    seq: entry.seq,
                    author: author.clone(),
                    mandates: deputies
                        .iter()
                        .map(|d| Mandate {
                            deputy: d.clone(),
                            since_seq: entry.seq,
                            ended: None,
                        })
                        .collect(),
                    called,
                });
            }
            Event::MandateEnded {
                election,
                deputy,
                ground,
                successor,
                ..
            } => {
                let e = self.election_mut(election)?;
                let Some(seats) = e.seats.as_mut() else {
                    return Err(ElectionError::NotAllocated(election.clone()).into());
                };
                if let Some(m) = seats
                    .mandates
                    .iter_mut()
                    .find(|m| m.ended.is_none() && m.deputy == *deputy)
                {
                    m.ended = Some((entry.seq, *ground));
                }
                if let Some(s) = successor {
                    seats
                        .called
                        .entry(s.party.clone())
                        .or_default()
                        .push(s.position);
                    seats.mandates.push(Mandate {
                        deputy: s.clone(),
                        since_seq: entry.seq,
                        ended: None,
                    });
                }
            }
            other => {
                return Err(LedgerError::Inconsistent(format!(
                    "{} is not an election event",
                    other.kind()
                )));
            }
        }
        Ok(())
    }

    fn election_mut(&mut self, id: &ContestId) -> Result<&mut ElectionRecord, LedgerError> {
        Ok(self.contests.get_mut(id)?)
    }

    /// The seat allocation of an election with who allocated it and at which entry.
    pub fn seats_record(
        &self,
        id: &ContestId,
    ) -> Result<Option<(&SeatAllocation, u64, &Author)>, LedgerError> {
        Ok(self
            .election(id)?
            .seats
            .as_ref()
            .map(|s| (&s.allocation, s.seq, &s.author)))
    }

    /// The protocol of a precinct in an election, if any.
    pub fn party_list_applied(
        &self,
        id: &ContestId,
        precinct: PrecinctId,
    ) -> Result<Option<&super::AppliedProtocol<PartyListProtocol>>, LedgerError> {
        let e = self.election(id)?;
        let i = self.placement(precinct)?;
        Ok(e.book.applied(i))
    }
}

fn deputy(party: &str, c: &list::ListEntry) -> Deputy {
    Deputy {
        party: party.to_owned(),
        position: c.position,
        name: c.name.clone(),
        iin: c.iin.clone(),
    }
}
