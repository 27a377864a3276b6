//! The register's audited acts as a hash chain: every look-up of a person, every list printed,
//! every absentee certificate issued or declared lost and every list locked is an entry of
//! the register's own journal (`register_log`), so an inspector can check that the trail was
//! neither edited nor cut short.
//!
//! The acts themselves are decided by the store against the register's tables (the register
//! is too large to hold in memory); the journal records who did what, when, about whom — a
//! keyed digest or a precinct, never an IIN. Voting-day marks are not entries here: they are
//! their own append-only log (`voting_marks`, numbered by `seq`), written at tens of
//! thousands a second by the mark desks.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::chain::{ChainEvent, Entry, Head, LogHash};
use crate::journal::Domain;

/// What an operator did on the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterAction {
    /// Looked a person up.
    Lookup,
    /// Looked a party's members up (the membership check).
    LookupMembers,
    /// Looked the signers of a candidate's support signatures up (the signature check).
    LookupSigners,
    /// Printed or exported a precinct's list.
    ExportList,
    /// Issued an absentee certificate.
    IssueCertificate,
    /// Declared a certificate lost.
    DeclareLost,
    /// Locked a precinct's list.
    ClosePrecinct,
}

impl RegisterAction {
    /// The action's name in the trail, e.g. `issue_certificate`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterAction::Lookup => "lookup",
            RegisterAction::LookupMembers => "lookup_members",
            RegisterAction::LookupSigners => "lookup_signers",
            RegisterAction::ExportList => "export_list",
            RegisterAction::IssueCertificate => "issue_certificate",
            RegisterAction::DeclareLost => "declare_lost",
            RegisterAction::ClosePrecinct => "close_precinct",
        }
    }
}

impl fmt::Display for RegisterAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One audited act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterAct {
    /// The operator's name or id.
    pub operator: String,
    /// What they did.
    pub action: RegisterAction,
    /// About whom or what: a person's keyed digest, a precinct, a certificate, a count.
    pub subject: String,
}

impl ChainEvent for RegisterAct {
    fn kind(&self) -> &'static str {
        self.action.as_str()
    }
}

/// An entry of the register's journal.
pub type RegisterEntry = Entry<RegisterAct>;

/// Why an act is refused from the trail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    /// The entry does not continue the chain.
    #[error(transparent)]
    Chain(#[from] crate::chain::ChainError),
    /// No operator named.
    #[error("an audited act needs the operator who did it")]
    NoOperator,
    /// The subject reads like an IIN: the trail never holds one in clear.
    #[error(
        "the subject of an audited act holds a run of 12 digits, which could be an IIN in clear; record the person's keyed digest instead"
    )]
    IinInClear,
}

/// The trail's state: its head and how many acts of each kind it holds.
#[derive(Debug, Clone, Default)]
pub struct RegisterActs {
    head: Head,
    count: u64,
}

impl RegisterActs {
    /// The trail at a stored head, for recording the next act without replaying the trail
    /// (the store appends acts on its stored head). Its count is unknown there: 0.
    pub fn at(head: Option<(u64, LogHash)>) -> Self {
        RegisterActs {
            head: Head::from(head),
            count: 0,
        }
    }

    /// How many acts the trail holds (since the state it was built from).
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether the trail is empty.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Checks an act against the trail's rules.
    pub fn check(act: &RegisterAct) -> Result<(), ActError> {
        if act.operator.trim().is_empty() {
            return Err(ActError::NoOperator);
        }
        // A keyed digest is what a subject should be, and its 64 hex digits hold a run of 12
        // decimal digits for about one person in fifteen: it is not an IIN.
        if crate::iin::IinDigest::try_from(act.subject.clone()).is_ok() {
            return Ok(());
        }
        let mut run = 0;
        for c in act.subject.chars() {
            run = if c.is_ascii_digit() { run + 1 } else { 0 };
            if run >= 12 {
                return Err(ActError::IinInClear);
            }
        }
        Ok(())
    }
}

impl Domain for RegisterActs {
    type Event = RegisterAct;
    type Decided = RegisterAct;
    type Error = ActError;
    const CHAIN: &'static str = "register";

    fn head(&self) -> Option<(u64, &LogHash)> {
        self.head.get()
    }

    fn record(&mut self, act: RegisterAct, recorded_at: String) -> Result<RegisterEntry, ActError> {
        RegisterActs::check(&act)?;
        let entry = self.head.seal(recorded_at, act);
        self.head.advance(&entry);
        self.count += 1;
        Ok(entry)
    }

    fn apply(&mut self, entry: &RegisterEntry) -> Result<(), ActError> {
        self.head.check_next(entry)?;
        RegisterActs::check(&entry.event)?;
        self.head.advance(entry);
        self.count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::replay;

    fn act(subject: &str) -> RegisterAct {
        RegisterAct {
            operator: "pec-17".into(),
            action: RegisterAction::IssueCertificate,
            subject: subject.into(),
        }
    }

    #[test]
    fn the_trail_replays_and_refuses_an_iin_or_a_cut() {
        let mut trail = RegisterActs::default();
        let a = trail.record(act("3f2a…digest"), "t1".into()).unwrap();
        let b = trail.record(act("precinct 17"), "t2".into()).unwrap();
        assert_eq!(trail.len(), 2);
        let again: RegisterActs = replay(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(again.head(), trail.head());
        // Dropping the first entry is caught.
        assert!(replay::<RegisterActs>(&[b]).is_err());
        assert_eq!(
            trail
                .record(act("iin 900101300123"), "t3".into())
                .unwrap_err(),
            ActError::IinInClear
        );
        let mut nobody = act("precinct 1");
        nobody.operator = " ".into();
        assert_eq!(
            trail.record(nobody, "t3".into()).unwrap_err(),
            ActError::NoOperator
        );
        assert_eq!(trail.len(), 2, "refused acts record nothing");
        assert_eq!(a.event.kind(), "issue_certificate");
        // A digest whose hex digits happen to run 12 decimal digits is a digest, and passes;
        // the same run with anything around it does not.
        let digest = format!("{}{}", "0123456789".repeat(6), "abcd");
        assert!(trail.record(act(&digest), "t4".into()).is_ok());
        assert_eq!(
            trail
                .record(act(&format!("x{digest}")), "t5".into())
                .unwrap_err(),
            ActError::IinInClear
        );
    }
}
