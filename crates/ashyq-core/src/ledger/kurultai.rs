//! The ledger's part for the Kurultai: its members are the deputies holding a mandate of the
//! election it was convened from, read from that election's mandates in this very ledger — so
//! a mandate that ends passes its seat down the list, and the successor sits from that entry
//! on. Every step is decided by `kurultai::Kurultai::decide` against those members; replaying
//! the log decides each step again, so `ashyq verify` re-derives every vote's count and outcome.

use chrono::{FixedOffset, NaiveDate};

use crate::contest::ContestId;
use crate::election::ElectionError;
use crate::event::Event;
use crate::kurultai::popolo::Deputy;
use crate::kurultai::{Kurultai, KurultaiError, KurultaiEvent, MemberId, Sitting};

use super::{Decided, Ledger, LedgerError};

impl Ledger {
    /// The Kurultai as the log has it.
    pub fn kurultai(&self) -> &Kurultai {
        &self.kurultai
    }

    /// The members sitting now in the house convened from `election`: the holders of its
    /// mandates, with the house's seats and every former deputy.
    pub fn sitting_of(&self, election: &ContestId) -> Result<Sitting, LedgerError> {
        let e = self.election(election)?;
        if e.allocation().is_none() {
            return Err(ElectionError::NotAllocated(election.clone()).into());
        }
        let mut sitting = Sitting {
            seats: u64::from(e.definition.rules.seats),
            ..Sitting::default()
        };
        for m in e.mandates() {
            let id = MemberId::deputy(&m.deputy.party, m.deputy.position);
            if m.ended.is_none() {
                sitting
                    .members
                    .insert(id, (m.deputy.party.clone(), m.deputy.name.clone()));
            } else {
                sitting.former.insert(id);
            }
        }
        Ok(sitting)
    }

    /// The members sitting now, once the house is convened.
    pub fn kurultai_sitting(&self) -> Option<Sitting> {
        let c = self.kurultai.convening()?;
        self.sitting_of(&c.election).ok()
    }

    /// Decides a step of the Kurultai, the People's Council or the vice-presidency: checked
    /// against the state and the sitting members, its counts and outcomes derived. A refusal
    /// names the rule; nothing is recorded.
    pub fn decide_kurultai(&self, event: KurultaiEvent) -> Result<Decided, LedgerError> {
        let sitting = match &event {
            KurultaiEvent::Convened {
                election,
                first_session,
                ..
            } => {
                let day = self.election(election)?.definition.election_day;
                if *first_session < day {
                    return Err(KurultaiError::Refused {
                        rule: "convening",
                        detail: format!(
                            "the first session ({first_session}) cannot come before election day {day}"
                        ),
                    }
                    .into());
                }
                self.sitting_of(election)?
            }
            _ => match self.kurultai.convening() {
                Some(c) => self.sitting_of(&c.election)?,
                // `decide` refuses it: the house has not been convened.
                None => Sitting::default(),
            },
        };
        let decided = self.kurultai.decide(event, &sitting)?;
        Ok(self.decided(Event::Kurultai(decided)))
    }

    /// Every deputy ever seated in the house, with the days (in Astana, UTC+5) their mandate
    /// began and ended in the log, for the open data.
    pub fn kurultai_deputies(&self) -> Vec<Deputy> {
        let Some(c) = self.kurultai.convening() else {
            return Vec::new();
        };
        let Ok(e) = self.election(&c.election) else {
            return Vec::new();
        };
        let astana = FixedOffset::east_opt(5 * 3600).expect("UTC+5 is a valid offset");
        let day = |seq: u64| -> Option<NaiveDate> {
            self.entry_time(seq)
                .map(|t| t.with_timezone(&astana).date_naive())
        };
        e.mandates()
            .iter()
            .map(|m| Deputy {
                id: MemberId::deputy(&m.deputy.party, m.deputy.position),
                name: m.deputy.name.clone(),
                party: m.deputy.party.clone(),
                start: day(m.since_seq).map(|d| d.max(c.first_session)),
                end: m.ended.and_then(|(seq, _)| day(seq)),
            })
            .collect()
    }

    /// The Popolo document of the house (see `kurultai::popolo`).
    pub fn kurultai_popolo(&self) -> serde_json::Value {
        crate::kurultai::popolo::document(&self.kurultai, &self.kurultai_deputies())
    }

    /// Every individual vote of every roll call as CSV, with each member's faction (see
    /// `kurultai::csv`).
    pub fn kurultai_votes_csv(&self) -> String {
        let factions: std::collections::HashMap<_, _> = self
            .kurultai_deputies()
            .into_iter()
            .map(|d| (d.id, d.party))
            .collect();
        crate::kurultai::csv::votes(self.kurultai.votes(), &factions)
    }
}
