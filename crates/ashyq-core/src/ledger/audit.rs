//! The public log's part for risk-limiting audits: the decisions of `audit::record` on the
//! ledger's certified protocols, their re-check on replay (so `ashyq verify` re-derives every
//! draw and every risk from the log), and the state they change.

use std::collections::BTreeMap;

use super::{Decided, Ledger, LedgerError};
use crate::audit::record::{
    AuditEntry, AuditError, AuditEvent, AuditMethod, AuditPrecinct, AuditRecord,
    HandCountAmendment, HandCountRecord, Manifest,
};
use crate::audit::{HandCount, RiskLimit};
use crate::author::Author;
use crate::contest::ContestId;
use crate::event::{Event, LogEntry};
use crate::protocol::{self, PrecinctProtocol};
use crate::territory::RegionCode;

impl Ledger {
    /// One audit.
    pub fn audit(&self, id: &str) -> Result<&AuditRecord, LedgerError> {
        self.audits
            .get(id)
            .ok_or_else(|| crate::audit::record::AuditError::Unknown(id.to_owned()).into())
    }

    /// Every audit, by id.
    pub fn audits(&self) -> impl Iterator<Item = &AuditRecord> {
        self.audits.values()
    }

    /// One audit's report: sample, entries, discrepancies, risk per round, conclusion.
    pub fn audit_report(&self, id: &str) -> Result<crate::audit::report::AuditReport, LedgerError> {
        let a = self.audit(id)?;
        let manifest = self.audit_manifest(&a.referendum)?;
        Ok(crate::audit::report::AuditReport::of(a, &manifest))
    }

    /// The audit's view of a referendum: every precinct's unit, answer lines and ballots found,
    /// from the applied protocols.
    pub fn audit_manifest(&self, referendum: &ContestId) -> Result<Manifest, LedgerError> {
        let r = self.referendum(referendum)?;
        let (territory, index) = self.territory.as_ref().ok_or(LedgerError::NoTerritory)?;
        let mut precincts = Vec::with_capacity(territory.precincts.len());
        for (i, p) in territory.precincts.iter().enumerate() {
            let Some(applied) = r.book().applied(i) else {
                continue;
            };
            let region = index
                .placement(p.id)
                .map(|pl| territory.regions[pl.region].code.clone())
                .ok_or(LedgerError::UnknownPrecinct(p.id))?;
            let l = &applied.protocol.lines;
            precincts.push(AuditPrecinct {
                number: p.id.0,
                region,
                reported: HandCount {
                    yes: l.yes,
                    no: l.no,
                    both_marked: l.both_marked,
                    invalid: l.invalid,
                },
                ballots_found: l.ballots.ballots_found,
            });
        }
        // The audits audit the certified figures: a precinct a full hand count amended is
        // seen as it was certified.
        let restored = self.certified_counts(referendum);
        if !restored.is_empty() {
            for p in &mut precincts {
                if let Some((reported, found)) = restored.get(&p.number) {
                    p.reported = *reported;
                    p.ballots_found = *found;
                }
            }
        }
        Ok(Manifest::new(precincts))
    }

    /// The certified figures of every precinct of `referendum` a full hand count amended.
    fn certified_counts(&self, referendum: &ContestId) -> BTreeMap<u32, (HandCount, u64)> {
        self.audits
            .values()
            .filter(|a| &a.referendum == referendum)
            .flat_map(|a| a.hand_counts.iter())
            .filter(|(_, h)| h.amended)
            .map(|(n, h)| (*n, (h.certified, h.certified_found)))
            .collect()
    }

    /// The protocol a full hand count puts in place of `applied`: the answer lines counted,
    /// and ballots found as many as were counted; every other line as certified.
    fn hand_count_protocol(applied: &PrecinctProtocol, count: &HandCount) -> PrecinctProtocol {
        let mut p = applied.clone();
        p.lines.yes = count.yes;
        p.lines.no = count.no;
        p.lines.both_marked = count.both_marked;
        p.lines.invalid = count.invalid;
        p.lines.ballots.ballots_found = count.ballots();
        p
    }

    /// Decides the full hand count of one precinct of an escalated contest: when it differs
    /// from the protocol, an amendment of the certified result (the control ratios must hold
    /// for the amended protocol, as for any amendment).
    pub fn record_hand_count(
        &self,
        id: &str,
        contest: &str,
        precinct: u32,
        count: HandCount,
        reason: &str,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        let a = self.audit(id)?;
        let manifest = self.audit_manifest(&a.referendum)?;
        a.check_hand_count(&manifest, contest, precinct, reason, &author)?;
        let pid = crate::territory::PrecinctId(precinct);
        let applied = self
            .referendum(&a.referendum)?
            .book()
            .applied(self.placement(pid)?)
            .ok_or(LedgerError::NothingToAmend(pid))?;
        let amended = Self::hand_count_protocol(&applied.protocol, &count);
        let amendment = if amended.lines == applied.protocol.lines {
            None
        } else {
            let check = protocol::check(&amended.lines);
            if !check.accepted() {
                return Err(LedgerError::Rejected {
                    precinct: pid,
                    errors: check.errors,
                });
            }
            Some(HandCountAmendment {
                protocol_hash: amended.content_hash(),
                protocol: amended,
                replaces_hash: applied.protocol_hash.clone(),
                warnings: check.warnings,
            })
        };
        Ok(self.audit_event(AuditEvent::HandCounted {
            audit: id.to_owned(),
            contest: contest.to_owned(),
            precinct,
            count,
            amendment,
            reason: reason.trim().to_owned(),
            author,
        }))
    }

    fn audit_event(&self, e: AuditEvent) -> Decided {
        self.decided(Event::Audit(e))
    }

    /// Whether an audit's full hand count replaced a certified protocol of the referendum
    /// (its result is then [`crate::tally::ResultStatus::CertifiedAmendedByAudit`]).
    pub fn amended_by_audit(&self, referendum: &ContestId) -> bool {
        self.audits
            .values()
            .any(|a| a.referendum == *referendum && a.hand_counts.values().any(|h| h.amended))
    }

    /// Decides to define an audit of a certified referendum, every contest by `method`.
    pub fn define_audit(
        &self,
        id: &str,
        referendum: &ContestId,
        risk_limit: RiskLimit,
        method: AuditMethod,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        self.define_audit_with(id, referendum, risk_limit, method, &BTreeMap::new(), author)
    }

    /// Decides to define an audit of a certified referendum: the contests named in `methods`
    /// by their method, every other by `method`.
    pub fn define_audit_with(
        &self,
        id: &str,
        referendum: &ContestId,
        risk_limit: RiskLimit,
        method: AuditMethod,
        methods: &BTreeMap<String, AuditMethod>,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        self.define_audit_on(
            id,
            referendum,
            risk_limit,
            method,
            methods,
            crate::audit::ppeb::Stream::PerContest,
            author,
        )
    }

    /// The definition with its PPEB stream: per contest for a new audit, as logged on replay
    /// (the shared one for audits defined before the streams were per contest).
    #[allow(clippy::too_many_arguments)]
    fn define_audit_on(
        &self,
        id: &str,
        referendum: &ContestId,
        risk_limit: RiskLimit,
        method: AuditMethod,
        methods: &BTreeMap<String, AuditMethod>,
        stream: crate::audit::ppeb::Stream,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        if self.audits.contains_key(id) {
            return Err(crate::audit::record::AuditError::Duplicate(id.to_owned()).into());
        }
        let certified = self.referendum(referendum)?.certification().is_some();
        let manifest = self.audit_manifest(referendum)?;
        let e = AuditRecord::define(
            id, referendum, certified, risk_limit, method, methods, stream, &manifest, author,
        )?;
        Ok(self.audit_event(e))
    }

    /// Decides to record the seed of the public ceremony.
    pub fn record_audit_seed(
        &self,
        id: &str,
        seed: &str,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        Ok(self.audit_event(self.audit(id)?.record_seed(seed, author)?))
    }

    /// Decides the next round's draws; `sizes` overrides the planned draws per contest.
    pub fn draw_audit_round(
        &self,
        id: &str,
        sizes: &BTreeMap<String, u64>,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        let a = self.audit(id)?;
        let manifest = self.audit_manifest(&a.referendum)?;
        Ok(self.audit_event(a.draw_round(&manifest, sizes, author)?))
    }

    /// Decides a board member's entry for a sampled precinct or ballot.
    pub fn enter_audit_count(
        &self,
        id: &str,
        item: &str,
        entry: AuditEntry,
        board: Option<&RegionCode>,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        let a = self.audit(id)?;
        let manifest = self.audit_manifest(&a.referendum)?;
        Ok(self.audit_event(a.enter(&manifest, item, entry, board, author)?))
    }

    /// Decides the measurement of the open round.
    pub fn measure_audit_round(&self, id: &str, author: Author) -> Result<Decided, LedgerError> {
        let a = self.audit(id)?;
        let manifest = self.audit_manifest(&a.referendum)?;
        Ok(self.audit_event(a.measure(&manifest, author)?))
    }

    /// Re-decides an audit event on the current state (replay and `ashyq verify`).
    pub(super) fn check_audit_event(&self, e: &AuditEvent) -> Result<Decided, LedgerError> {
        match e {
            AuditEvent::AuditDefined {
                audit,
                referendum,
                risk_limit,
                method,
                methods,
                ppeb_stream,
                author,
                ..
            } => self.define_audit_on(
                audit,
                referendum,
                *risk_limit,
                *method,
                methods,
                *ppeb_stream,
                author.clone(),
            ),
            AuditEvent::SeedRecorded {
                audit,
                seed,
                author,
            } => self.record_audit_seed(audit, seed, author.clone()),
            AuditEvent::RoundDrawn {
                audit,
                draws,
                author,
                ..
            } => {
                let sizes = draws
                    .iter()
                    .map(|d| (d.contest.clone(), d.tickets.len() as u64))
                    .collect();
                self.draw_audit_round(audit, &sizes, author.clone())
            }
            AuditEvent::CountEntered {
                audit,
                item,
                entry,
                board,
                author,
            } => self.enter_audit_count(audit, item, *entry, board.as_ref(), author.clone()),
            AuditEvent::RoundMeasured { audit, author, .. } => {
                self.measure_audit_round(audit, author.clone())
            }
            AuditEvent::HandCounted {
                audit,
                contest,
                precinct,
                count,
                reason,
                author,
                ..
            } => self.record_hand_count(audit, contest, *precinct, *count, reason, author.clone()),
        }
    }

    /// Changes the state by an audit event already checked.
    pub(super) fn mutate_audit(
        &mut self,
        entry: &LogEntry,
        e: &AuditEvent,
    ) -> Result<(), LedgerError> {
        if let AuditEvent::HandCounted {
            audit,
            contest,
            precinct,
            count,
            amendment,
            reason,
            author,
        } = e
        {
            return self.mutate_hand_count(
                entry,
                audit,
                contest,
                *precinct,
                count,
                amendment.as_ref(),
                reason,
                author,
            );
        }
        if let Some(new) = AuditRecord::new(e) {
            self.audits.insert(new.id.clone(), new);
            return Ok(());
        }
        let id = e.audit().to_owned();
        self.audits
            .get_mut(&id)
            .ok_or(crate::audit::record::AuditError::Unknown(id))?
            .apply(e);
        Ok(())
    }
}

impl Ledger {
    /// Records a full hand count in its audit and, when it amends, applies the amended
    /// protocol to the referendum's book as an amendment with its reason.
    #[allow(clippy::too_many_arguments)]
    fn mutate_hand_count(
        &mut self,
        entry: &LogEntry,
        audit: &str,
        contest: &str,
        precinct: u32,
        count: &HandCount,
        amendment: Option<&HandCountAmendment>,
        reason: &str,
        author: &Author,
    ) -> Result<(), LedgerError> {
        let referendum = self.audit(audit)?.referendum.clone();
        let pid = crate::territory::PrecinctId(precinct);
        let i = self.placement(pid)?;
        let applied = self
            .referendum(&referendum)?
            .book()
            .applied(i)
            .ok_or(LedgerError::NothingToAmend(pid))?
            .protocol
            .clone();
        let certified = self
            .certified_counts(&referendum)
            .get(&precinct)
            .copied()
            .unwrap_or((
                HandCount {
                    yes: applied.lines.yes,
                    no: applied.lines.no,
                    both_marked: applied.lines.both_marked,
                    invalid: applied.lines.invalid,
                },
                applied.lines.ballots.ballots_found,
            ));
        if let Some(am) = amendment {
            let r = self.record_mut(&referendum)?;
            r.book.apply(
                i,
                entry,
                &am.protocol,
                &am.protocol_hash,
                &am.warnings,
                Some((reason, author)),
            );
        }
        self.audits
            .get_mut(audit)
            .ok_or_else(|| AuditError::Unknown(audit.to_owned()))?
            .hand_counts
            .insert(
                precinct,
                HandCountRecord {
                    contest: contest.to_owned(),
                    count: *count,
                    certified: certified.0,
                    certified_found: certified.1,
                    amended: amendment.is_some(),
                    reason: reason.to_owned(),
                    author: author.clone(),
                },
            );
        Ok(())
    }
}
