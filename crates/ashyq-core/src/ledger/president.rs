//! The ledger's part for the presidential election: decisions, their re-check on replay, the
//! changes they make, and the questions one can ask of a round.
//!
//! The decisions take only what the public record holds: a nomination arrives with the masked
//! IIN, its digest and the facts of the documents; the support signatures as the decision on
//! them ([`SignatureTally`]), already checked against the register by digest
//! (`president::signatures::check_signatures`). What the ledger checks, and so what
//! `ashyq verify` re-derives from the log alone: who may nominate, one nomination per person,
//! every eligibility criterion and the single-term rule against the record of past presidents,
//! that the signature decision follows from its own numbers and suffices, the withdrawal
//! deadline, the ballot of every protocol and its control ratios (through the same protocol
//! book as every contest), the totals and the outcome of the certification, and that a second
//! round follows a certified first round with its two leading candidates.

use chrono::NaiveDate;

use crate::author::Author;
use crate::contest::ContestId;
use crate::event::{Event, LogEntry};
use crate::president::eligibility::{CriterionCheck, check_eligibility, failed};
use crate::president::{
    Nomination, PastPresident, PresidentError, PresidentEvent, PresidentialDefinition,
    PresidentialOutcome, PresidentialProtocol, PresidentialTotals, RegionPresidentialTotals,
    RoundKind, SignatureTally, decide,
};
use crate::protocol::Violation;
use crate::seats::TieSeed;
use crate::signed::{ProtocolSignature, SignedError, VerifiedPresidentialProtocol};
use crate::tally::ResultStatus;
use crate::territory::PrecinctId;

use super::{
    Certification, Contest, Decided, Decision, KeepsProtocols, Ledger, LedgerError, ProtocolBook,
    SubmitStep, recorded_anew, require,
};

/// Where a nominee stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NomineeStatus {
    /// Nominated; the CEC has not decided.
    Nominated,
    /// Registered: on the ballot.
    Registered {
        /// Each criterion with its reason.
        criteria: Vec<CriterionCheck>,
        /// The signature decision.
        signatures: SignatureTally,
    },
    /// Refused, with the criteria and signatures as decided.
    Refused {
        /// Each criterion with its reason.
        criteria: Vec<CriterionCheck>,
        /// The signature decision, when checked.
        signatures: Option<SignatureTally>,
    },
    /// Withdrew on a day (after nomination or registration).
    Withdrawn {
        /// The day.
        on: NaiveDate,
    },
}

impl NomineeStatus {
    /// The state's name in messages.
    pub fn name(&self) -> &'static str {
        match self {
            NomineeStatus::Nominated => "nominated",
            NomineeStatus::Registered { .. } => "registered",
            NomineeStatus::Refused { .. } => "refused",
            NomineeStatus::Withdrawn { .. } => "withdrawn",
        }
    }
}

/// A nominee and their registration record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nominee {
    /// The nomination.
    pub nomination: Nomination,
    /// Where they stand.
    pub status: NomineeStatus,
    /// The log entry of the nomination.
    pub nominated_seq: u64,
    /// The log entry of the last decision on them.
    pub decided_seq: Option<u64>,
}

/// The certification of a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundCertification {
    /// Who and when.
    pub certification: Certification,
    /// The national figures.
    pub national: PresidentialTotals,
    /// The outcome.
    pub outcome: PresidentialOutcome,
}

/// The state of one round of a presidential election.
#[derive(Debug, Clone)]
pub struct PresidentialRecord {
    /// Its definition.
    pub definition: PresidentialDefinition,
    /// Every nominee, in order of nomination.
    pub nominees: Vec<Nominee>,
    /// The registered candidates' names in ballot order (order of registration).
    ballot: Vec<String>,
    pub(super) book: ProtocolBook<PresidentialProtocol>,
    certification: Option<RoundCertification>,
    /// The second round, once called.
    second_round: Option<ContestId>,
}

impl PresidentialRecord {
    /// The candidates on the ballot, in ballot order.
    pub fn ballot(&self) -> Vec<&str> {
        self.ballot.iter().map(String::as_str).collect()
    }

    /// Candidates who withdrew after their registration (their lines are refused).
    pub fn withdrawn(&self) -> Vec<&str> {
        self.nominees
            .iter()
            .filter(|n| matches!(n.status, NomineeStatus::Withdrawn { .. }))
            .map(|n| n.nomination.name.as_str())
            .collect()
    }

    /// Its protocols.
    pub fn book(&self) -> &ProtocolBook<PresidentialProtocol> {
        &self.book
    }

    /// The certification, once certified.
    pub fn certification(&self) -> Option<&RoundCertification> {
        self.certification.as_ref()
    }

    /// The second round, once called.
    pub fn second_round(&self) -> Option<&ContestId> {
        self.second_round.as_ref()
    }

    /// The nominee of that name.
    pub fn nominee(&self, name: &str) -> Result<&Nominee, PresidentError> {
        self.nominees
            .iter()
            .find(|n| n.nomination.name == name.trim())
            .ok_or_else(|| PresidentError::UnknownCandidate {
                election: self.definition.id.clone(),
                candidate: name.to_owned(),
                known: if self.nominees.is_empty() {
                    "none".into()
                } else {
                    self.nominees
                        .iter()
                        .map(|n| n.nomination.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })
    }

    fn fixed(&self) -> bool {
        self.definition.is_second_round()
            || self.book.all_applied().next().is_some()
            || self.book.open_conflict_count() > 0
    }

    fn round_kind(&self) -> RoundKind {
        if self.definition.is_second_round() {
            RoundKind::Second
        } else {
            RoundKind::First
        }
    }
}

impl KeepsProtocols for PresidentialRecord {
    type Protocol = PresidentialProtocol;
    fn book_mut(&mut self) -> &mut ProtocolBook<PresidentialProtocol> {
        &mut self.book
    }
}

/// The result of a round now.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PresidentialResults {
    /// The round.
    pub election: ContestId,
    /// Preliminary, final or certified.
    pub status: ResultStatus,
    /// Open conflicts.
    pub open_conflicts: u64,
    /// National totals.
    pub national: PresidentialTotals,
    /// Totals per first-level unit, abroad included, in territory order.
    pub regions: Vec<RegionPresidentialTotals>,
    /// The outcome on the figures so far (final once certified); `None` when the figures do
    /// not decide yet (nothing counted, or a tie that needs the seed revealed at the
    /// certification).
    pub outcome: Option<PresidentialOutcome>,
}

impl Ledger {
    // ---- queries ---------------------------------------------------------------------------

    /// The record of past presidents, by IIN digest.
    pub fn past_presidents(&self) -> &[PastPresident] {
        &self.past_presidents
    }

    fn open_presidential(&self, id: &ContestId) -> Result<&PresidentialRecord, LedgerError> {
        let p = self.presidential(id)?;
        if p.certification.is_some() {
            return Err(LedgerError::Certified(id.clone()));
        }
        Ok(p)
    }

    /// The result of a round now, nationally and per first-level unit.
    pub fn presidential_results(&self, id: &ContestId) -> Result<PresidentialResults, LedgerError> {
        let p = self.presidential(id)?;
        let (territory, index) = self.territory.as_ref().ok_or(LedgerError::NoTerritory)?;
        let ballot = p.ballot();
        let mut national = PresidentialTotals::new(&ballot);
        let mut regions: Vec<RegionPresidentialTotals> = territory
            .regions
            .iter()
            .map(|r| RegionPresidentialTotals {
                code: r.code.clone(),
                name: r.names.en.clone(),
                totals: PresidentialTotals::new(&ballot),
            })
            .collect();
        for (precinct, applied) in territory.precincts.iter().zip(p.book.places()) {
            let region = index
                .placement(precinct.id)
                .map(|pl| pl.region)
                .expect("the index covers every precinct of its territory");
            regions[region].totals.precincts += 1;
            if let Some(a) = applied {
                regions[region].totals.add(&a.protocol);
            }
        }
        // Bottom-up: the nation is the sum of its regions.
        for r in &regions {
            national.merge(&r.totals);
        }
        let open_conflicts = p.book.open_conflict_count();
        let status = if p.certification.is_some() {
            ResultStatus::Certified
        } else if national.complete() && open_conflicts == 0 {
            ResultStatus::Final
        } else {
            ResultStatus::Preliminary
        };
        let outcome = match &p.certification {
            Some(c) => Some(c.outcome.clone()),
            None if national.precincts_reported == 0 || ballot.is_empty() => None,
            None => decide(
                &national.count(),
                p.round_kind(),
                &p.definition.rules.outcome,
                None,
            )
            .ok(),
        };
        Ok(PresidentialResults {
            election: id.clone(),
            status,
            open_conflicts,
            national,
            regions,
            outcome,
        })
    }

    /// The protocol applied for a precinct in a round, if any.
    pub fn presidential_applied(
        &self,
        id: &ContestId,
        precinct: PrecinctId,
    ) -> Result<Option<&super::AppliedProtocol<PresidentialProtocol>>, LedgerError> {
        let p = self.presidential(id)?;
        let i = self.placement(precinct)?;
        Ok(p.book.applied(i))
    }

    // ---- decisions -------------------------------------------------------------------------

    fn president(&self, event: PresidentEvent) -> Decided {
        self.decided(Event::President(event))
    }

    /// Decides to call a round. A second round (`second_round_of`) must follow a certified
    /// first round whose outcome is a second round between exactly these candidates, after its
    /// day and within the configured days, and only once.
    pub fn call_presidential(
        &self,
        definition: PresidentialDefinition,
    ) -> Result<Decided, LedgerError> {
        if self.territory.is_none() {
            return Err(LedgerError::NoTerritory);
        }
        definition.validate()?;
        if self.contests.contains(&definition.id) {
            return Err(LedgerError::DuplicateReferendum(definition.id));
        }
        if let Some(of) = &definition.second_round_of {
            let first = self.presidential(&of.first_round)?;
            let Some(cert) = &first.certification else {
                return Err(PresidentError::FirstRoundNotCertified(of.first_round.clone()).into());
            };
            let PresidentialOutcome::SecondRound { candidates, .. } = &cert.outcome else {
                return Err(PresidentError::NoSecondRound {
                    first: of.first_round.clone(),
                    outcome: cert.outcome.reason().to_owned(),
                }
                .into());
            };
            if let Some(second) = &first.second_round {
                return Err(PresidentError::SecondRoundExists {
                    first: of.first_round.clone(),
                    second: second.clone(),
                }
                .into());
            }
            if *candidates != of.candidates {
                return Err(PresidentError::SecondRoundCandidates {
                    first: of.first_round.clone(),
                    expected: candidates.clone(),
                    found: of.candidates.clone(),
                }
                .into());
            }
            let first_day = first.definition.election_day;
            let within = first.definition.rules.outcome.second_round_within_days;
            let latest = first_day + chrono::Days::new(u64::from(within));
            if definition.election_day <= first_day || definition.election_day > latest {
                return Err(PresidentError::SecondRoundDate {
                    first_day,
                    day: definition.election_day,
                    within,
                }
                .into());
            }
        }
        Ok(self.president(PresidentEvent::ElectionCalled { definition }))
    }

    /// Decides to enter a person in the record of past presidents.
    pub fn record_past_president(
        &self,
        president: PastPresident,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        require(&author.name, "the author")?;
        require(&president.name, "the name")?;
        if let Some(p) = self
            .past_presidents
            .iter()
            .find(|p| p.digest == president.digest)
        {
            return Err(LedgerError::Inconsistent(format!(
                "{} ({}) is already on the record of past presidents, elected in {}",
                p.name, p.iin, p.elected_in
            )));
        }
        Ok(self.president(PresidentEvent::PastPresidentRecorded { president, author }))
    }

    /// Decides a nomination: a nominator the rules allow, names given, the person and the
    /// name not nominated yet, candidates not yet fixed.
    pub fn nominate_candidate(
        &self,
        election: &ContestId,
        nomination: Nomination,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        require(&author.name, "the author")?;
        let p = self.open_presidential(election)?;
        if p.fixed() {
            return Err(PresidentError::BallotFixed(election.clone()).into());
        }
        if nomination.name.trim().is_empty() || nomination.nominated_by.name.trim().is_empty() {
            return Err(PresidentError::MissingName.into());
        }
        let allowed = &p.definition.rules.nominators;
        if !allowed.contains(&nomination.nominated_by.kind) {
            return Err(PresidentError::NominatorNotAllowed {
                candidate: nomination.name.clone(),
                kind: nomination.nominated_by.kind,
                allowed: allowed
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            }
            .into());
        }
        if let Some(n) = p.nominees.iter().find(|n| {
            n.nomination.digest == nomination.digest || n.nomination.name == nomination.name
        }) {
            return Err(PresidentError::AlreadyNominated {
                election: election.clone(),
                candidate: n.nomination.name.clone(),
                iin: n.nomination.iin.to_string(),
            }
            .into());
        }
        Ok(self.president(PresidentEvent::CandidateNominated {
            election: election.clone(),
            nomination,
            author,
        }))
    }

    fn nominated(
        &self,
        election: &ContestId,
        candidate: &str,
    ) -> Result<(&PresidentialRecord, &Nominee), LedgerError> {
        let p = self.open_presidential(election)?;
        if p.fixed() {
            return Err(PresidentError::BallotFixed(election.clone()).into());
        }
        let n = p.nominee(candidate)?;
        if n.status != NomineeStatus::Nominated {
            return Err(PresidentError::WrongState {
                candidate: n.nomination.name.clone(),
                state: n.status.name(),
                why: "only a nominee the CEC has not decided on can be registered or refused",
            }
            .into());
        }
        Ok((p, n))
    }

    fn criteria(&self, p: &PresidentialRecord, n: &Nominee) -> Vec<CriterionCheck> {
        check_eligibility(
            &n.nomination,
            &p.definition.rules.eligibility,
            p.definition.election_day,
            &self.past_presidents,
        )
    }

    /// Decides to register a nominee: every criterion met (each recorded with its reason), and
    /// the signature decision follows from its own numbers and suffices.
    pub fn register_candidate(
        &self,
        election: &ContestId,
        candidate: &str,
        signatures: SignatureTally,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        require(&author.name, "the author")?;
        let (p, n) = self.nominated(election, candidate)?;
        let name = n.nomination.name.clone();
        let criteria = self.criteria(p, n);
        if let Some(failed) = failed(&criteria) {
            return Err(PresidentError::NotEligible {
                candidate: name,
                failed,
            }
            .into());
        }
        if !signatures.consistent(&p.definition.rules.signatures) {
            return Err(PresidentError::SignatureTallyInconsistent { candidate: name }.into());
        }
        if !signatures.sufficient {
            return Err(PresidentError::SignaturesInsufficient {
                candidate: name,
                tally: signatures.to_string(),
            }
            .into());
        }
        Ok(self.president(PresidentEvent::CandidateRegistered {
            election: election.clone(),
            candidate: name,
            criteria,
            signatures,
            author,
        }))
    }

    /// Decides to refuse a nominee: only on a ground — a criterion not met, or a signature
    /// decision (following from its own numbers) that is insufficient.
    pub fn refuse_candidate(
        &self,
        election: &ContestId,
        candidate: &str,
        signatures: Option<SignatureTally>,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        require(&author.name, "the author")?;
        let (p, n) = self.nominated(election, candidate)?;
        let name = n.nomination.name.clone();
        let criteria = self.criteria(p, n);
        if let Some(s) = &signatures
            && !s.consistent(&p.definition.rules.signatures)
        {
            return Err(PresidentError::SignatureTallyInconsistent { candidate: name }.into());
        }
        let insufficient = signatures.as_ref().is_some_and(|s| !s.sufficient);
        if failed(&criteria).is_none() && !insufficient {
            return Err(PresidentError::NoGroundForRefusal { candidate: name }.into());
        }
        Ok(self.president(PresidentEvent::CandidateRefused {
            election: election.clone(),
            candidate: name,
            criteria,
            signatures,
            author,
        }))
    }

    /// Decides a withdrawal on `on`, no later than the deadline and before any protocol.
    pub fn withdraw_presidential_candidate(
        &self,
        election: &ContestId,
        candidate: &str,
        on: NaiveDate,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        require(&author.name, "the author")?;
        let p = self.open_presidential(election)?;
        if p.fixed() {
            return Err(PresidentError::BallotFixed(election.clone()).into());
        }
        let n = p.nominee(candidate)?;
        if !matches!(
            n.status,
            NomineeStatus::Nominated | NomineeStatus::Registered { .. }
        ) {
            return Err(PresidentError::WrongState {
                candidate: n.nomination.name.clone(),
                state: n.status.name(),
                why: "only a nominee or a registered candidate can withdraw",
            }
            .into());
        }
        if on > p.definition.withdrawal_deadline {
            return Err(PresidentError::WithdrawalClosed {
                candidate: n.nomination.name.clone(),
                deadline: p.definition.withdrawal_deadline,
                on,
            }
            .into());
        }
        Ok(self.president(PresidentEvent::CandidateWithdrawn {
            election: election.clone(),
            candidate: n.nomination.name.clone(),
            on,
            author,
        }))
    }

    fn check_presidential(
        &self,
        protocol: &PresidentialProtocol,
    ) -> Result<(&PresidentialRecord, usize, Vec<Violation>), LedgerError> {
        let p = self.open_presidential(&protocol.election)?;
        let i = self.placement(protocol.precinct)?;
        let ballot = p.ballot();
        if ballot.is_empty() {
            return Err(PresidentError::NoBallot(protocol.election.clone()).into());
        }
        let check = protocol.check(&ballot, &p.withdrawn())?;
        if !check.accepted() {
            return Err(LedgerError::Rejected {
                precinct: protocol.precinct,
                errors: check.errors,
            });
        }
        Ok((p, i, check.warnings))
    }

    /// Decides what a submitted presidential protocol does: accepted, a conflict, or known.
    pub fn submit_presidential(
        &self,
        protocol: PresidentialProtocol,
    ) -> Result<Decision, LedgerError> {
        self.submit_presidential_with(protocol, None, None)
    }

    /// Decides what a presidential protocol an operator entered from the paper protocol does,
    /// like [`Ledger::submit_presidential`], recording who entered it. Whether the operator
    /// may enter protocols for this precinct is the server's check, before it decides.
    pub fn submit_presidential_entered(
        &self,
        protocol: PresidentialProtocol,
        author: Author,
    ) -> Result<Decision, LedgerError> {
        require(&author.name, "the author")?;
        self.submit_presidential_with(protocol, None, Some(author))
    }

    /// Decides what a precinct commission's signed presidential protocol does, once its key
    /// may sign for its precinct at its signing time: the same rules as the referendum's
    /// [`Ledger::submit_signed`].
    pub fn submit_presidential_signed(
        &self,
        document: &VerifiedPresidentialProtocol,
    ) -> Result<Decision, LedgerError> {
        let st = &document.signed().statement;
        self.keys
            .key_for_precinct(&st.key_id, st.protocol.precinct, st.signed_at)
            .map_err(|e| LedgerError::from(SignedError::from(e)))?;
        self.submit_presidential_with(document.protocol(), Some(document.signature_record()), None)
    }

    fn submit_presidential_with(
        &self,
        protocol: PresidentialProtocol,
        signature: Option<ProtocolSignature>,
        entered_by: Option<Author>,
    ) -> Result<Decision, LedgerError> {
        let (p, i, warnings) = self.check_presidential(&protocol)?;
        let protocol_hash = protocol.content_hash();
        Ok(
            match p.book.submit_step(i, protocol.precinct, &protocol_hash) {
                SubmitStep::Accept => {
                    Decision::Record(self.president(PresidentEvent::ProtocolAccepted {
                        protocol,
                        protocol_hash,
                        warnings,
                        signature,
                        entered_by,
                    }))
                }
                SubmitStep::Known(r) => Decision::Known(r),
                SubmitStep::Conflict { applied_hash } => {
                    Decision::Record(self.president(PresidentEvent::ProtocolConflict {
                        protocol,
                        protocol_hash,
                        applied_hash,
                        signature,
                        entered_by,
                    }))
                }
            },
        )
    }

    /// Decides an explicit amendment of a precinct's presidential protocol.
    pub fn amend_presidential(
        &self,
        protocol: PresidentialProtocol,
        reason: &str,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        self.amend_presidential_with(protocol, reason, author, None)
    }

    /// Decides an amendment that applies a signed document — an operator accepting the
    /// corrected version a precinct commission sent, held as a conflict. The signature is
    /// checked against the keys as they stand.
    pub fn amend_presidential_with(
        &self,
        protocol: PresidentialProtocol,
        reason: &str,
        author: Author,
        signature: Option<ProtocolSignature>,
    ) -> Result<Decided, LedgerError> {
        if let Some(sig) = &signature {
            sig.verify(&protocol, &self.keys)?;
        }
        require(reason, "the reason")?;
        require(&author.name, "the author")?;
        let (p, i, warnings) = self.check_presidential(&protocol)?;
        let protocol_hash = protocol.content_hash();
        let replaces_hash = p.book.amend_step(i, protocol.precinct, &protocol_hash)?;
        Ok(self.president(PresidentEvent::ProtocolAmended {
            protocol,
            protocol_hash,
            replaces_hash,
            reason: reason.trim().to_owned(),
            author,
            warnings,
            signature,
        }))
    }

    /// Decides to certify a round once its count is final: the national figures and the
    /// outcome by the rules, a tie decided by the seed committed to in the definition (given
    /// here, checked against the commitment). Locks the round.
    pub fn certify_presidential(
        &self,
        election: &ContestId,
        author: Author,
        seed: Option<TieSeed>,
    ) -> Result<Decided, LedgerError> {
        require(&author.name, "the author")?;
        let p = self.open_presidential(election)?;
        if let Some(s) = &seed
            && crate::election::seed_commitment(s) != p.definition.tie_seed_sha256
        {
            return Err(PresidentError::SeedMismatch {
                committed: p.definition.tie_seed_sha256.clone(),
            }
            .into());
        }
        let results = self.presidential_results(election)?;
        if results.status != ResultStatus::Final {
            return Err(PresidentError::NotFinal {
                election: election.clone(),
                missing: results.national.precincts - results.national.precincts_reported,
                conflicts: results.open_conflicts,
            }
            .into());
        }
        let outcome = decide(
            &results.national.count(),
            p.round_kind(),
            &p.definition.rules.outcome,
            seed.as_ref(),
        )
        .map_err(PresidentError::from)?;
        Ok(self.president(PresidentEvent::RoundCertified {
            election: election.clone(),
            author,
            national: results.national,
            outcome,
            seed,
        }))
    }

    // ---- replay ----------------------------------------------------------------------------

    /// Re-decides a presidential event (see `Ledger::check_event`).
    pub(super) fn check_president_event(
        &self,
        event: &PresidentEvent,
    ) -> Result<Decided, LedgerError> {
        Ok(match event {
            PresidentEvent::ElectionCalled { definition } => {
                self.call_presidential(definition.clone())?
            }
            PresidentEvent::PastPresidentRecorded { president, author } => {
                self.record_past_president(president.clone(), author.clone())?
            }
            PresidentEvent::CandidateNominated {
                election,
                nomination,
                author,
            } => self.nominate_candidate(election, nomination.clone(), author.clone())?,
            PresidentEvent::CandidateRegistered {
                election,
                candidate,
                signatures,
                author,
                ..
            } => {
                self.register_candidate(election, candidate, signatures.clone(), author.clone())?
            }
            PresidentEvent::CandidateRefused {
                election,
                candidate,
                signatures,
                author,
                ..
            } => self.refuse_candidate(election, candidate, signatures.clone(), author.clone())?,
            PresidentEvent::CandidateWithdrawn {
                election,
                candidate,
                on,
                author,
            } => self.withdraw_presidential_candidate(election, candidate, *on, author.clone())?,
            PresidentEvent::ProtocolAccepted {
                protocol,
                signature,
                entered_by,
                ..
            }
            | PresidentEvent::ProtocolConflict {
                protocol,
                signature,
                entered_by,
                ..
            } => {
                let decision = match (signature, entered_by) {
                    // The signature is checked again here, from the log alone.
                    (Some(sig), None) => {
                        self.submit_presidential_signed(&sig.verify(protocol, &self.keys)?)?
                    }
                    (None, Some(author)) => {
                        self.submit_presidential_entered(protocol.clone(), author.clone())?
                    }
                    (None, None) => self.submit_presidential(protocol.clone())?,
                    (Some(_), Some(_)) => return Err(super::signed_and_entered(protocol.precinct)),
                };
                recorded_anew(decision, protocol.precinct)?
            }
            PresidentEvent::ProtocolAmended {
                protocol,
                reason,
                author,
                signature,
                ..
            } => self.amend_presidential_with(
                protocol.clone(),
                reason,
                author.clone(),
                signature.clone(),
            )?,
            PresidentEvent::RoundCertified {
                election,
                author,
                seed,
                ..
            } => self.certify_presidential(election, author.clone(), seed.clone())?,
        })
    }

    /// Changes the state by a presidential event already checked.
    pub(super) fn mutate_president(
        &mut self,
        entry: &LogEntry,
        event: &PresidentEvent,
    ) -> Result<(), LedgerError> {
        match event {
            PresidentEvent::ElectionCalled { definition } => {
                let n = self.territory().map_or(0, |t| t.precincts.len());
                let mut record = PresidentialRecord {
                    definition: definition.clone(),
                    nominees: Vec::new(),
                    ballot: Vec::new(),
                    book: ProtocolBook::new(n),
                    certification: None,
                    second_round: None,
                };
                if let Some(of) = &definition.second_round_of {
                    let first = self.presidential_mut(&of.first_round)?;
                    first.second_round = Some(definition.id.clone());
                    // The two candidates go on with their registration record.
                    record.nominees = of
                        .candidates
                        .iter()
                        .filter_map(|c| {
                            first
                                .nominees
                                .iter()
                                .find(|n| &n.nomination.name == c)
                                .cloned()
                        })
                        .collect();
                    record.ballot = of.candidates.clone();
                }
                self.contests
                    .insert(definition.id.clone(), Contest::Presidential(record));
            }
            PresidentEvent::PastPresidentRecorded { president, .. } => {
                self.past_presidents.push(president.clone());
            }
            PresidentEvent::CandidateNominated {
                election,
                nomination,
                ..
            } => {
                self.presidential_mut(election)?.nominees.push(Nominee {
                    nomination: nomination.clone(),
                    status: NomineeStatus::Nominated,
                    nominated_seq: entry.seq,
                    decided_seq: None,
                });
            }
            PresidentEvent::CandidateRegistered {
                election,
                candidate,
                criteria,
                signatures,
                ..
            } => {
                let p = self.presidential_mut(election)?;
                p.set_status(
                    candidate,
                    entry.seq,
                    NomineeStatus::Registered {
                        criteria: criteria.clone(),
                        signatures: signatures.clone(),
                    },
                );
                p.ballot.push(candidate.clone());
            }
            PresidentEvent::CandidateRefused {
                election,
                candidate,
                criteria,
                signatures,
                ..
            } => self.presidential_mut(election)?.set_status(
                candidate,
                entry.seq,
                NomineeStatus::Refused {
                    criteria: criteria.clone(),
                    signatures: signatures.clone(),
                },
            ),
            PresidentEvent::CandidateWithdrawn {
                election,
                candidate,
                on,
                ..
            } => {
                let p = self.presidential_mut(election)?;
                p.set_status(candidate, entry.seq, NomineeStatus::Withdrawn { on: *on });
                p.ballot.retain(|c| c != candidate);
            }
            PresidentEvent::ProtocolAccepted {
                protocol,
                protocol_hash,
                warnings,
                ..
            } => self.apply_protocol::<PresidentialRecord>(
                entry,
                protocol,
                protocol_hash,
                warnings,
                None,
            )?,
            PresidentEvent::ProtocolConflict {
                protocol,
                protocol_hash,
                ..
            } => self.conflict_protocol::<PresidentialRecord>(entry, protocol, protocol_hash)?,
            PresidentEvent::ProtocolAmended {
                protocol,
                protocol_hash,
                reason,
                author,
                warnings,
                ..
            } => self.apply_protocol::<PresidentialRecord>(
                entry,
                protocol,
                protocol_hash,
                warnings,
                Some((reason, author)),
            )?,
            PresidentEvent::RoundCertified {
                election,
                author,
                national,
                outcome,
                ..
            } => {
                let p = self.presidential_mut(election)?;
                p.certification = Some(RoundCertification {
                    certification: Certification {
                        seq: entry.seq,
                        recorded_at: entry.recorded_at.clone(),
                        author: author.clone(),
                    },
                    national: national.clone(),
                    outcome: outcome.clone(),
                });
                // The winner enters the record of past presidents: no one is elected twice.
                let winner =
                    outcome
                        .elected()
                        .and_then(|w| p.nominee(w).ok())
                        .map(|n| PastPresident {
                            name: n.nomination.name.clone(),
                            iin: n.nomination.iin.clone(),
                            digest: n.nomination.digest.clone(),
                            elected_in: election.to_string(),
                        });
                if let Some(w) = winner
                    && !self.past_presidents.iter().any(|p| p.digest == w.digest)
                {
                    self.past_presidents.push(w);
                }
            }
        }
        Ok(())
    }

    fn presidential_mut(&mut self, id: &ContestId) -> Result<&mut PresidentialRecord, LedgerError> {
        Ok(self.contests.get_mut(id)?)
    }

    /// The polls' close of the round a presidential protocol event belongs to, for the phase
    /// check (`None` for other events or an unknown round, which the decision refuses).
    pub(super) fn presidential_close<'a>(
        &self,
        event: &'a PresidentEvent,
    ) -> Option<(&'a ContestId, Option<chrono::DateTime<chrono::Utc>>)> {
        let protocol = event.protocol()?;
        Some((
            &protocol.election,
            self.presidential(&protocol.election)
                .ok()
                .map(|p| p.definition.polls_close_utc()),
        ))
    }
}

impl PresidentialRecord {
    fn set_status(&mut self, candidate: &str, seq: u64, status: NomineeStatus) {
        if let Some(n) = self
            .nominees
            .iter_mut()
            .find(|n| n.nomination.name == candidate)
        {
            n.status = status;
            n.decided_seq = Some(seq);
        }
    }
}
