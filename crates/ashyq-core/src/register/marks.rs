//! Voting day: "one person, one ballot" (issue 7, point 5).
//!
//! A precinct marks a voter as having received a ballot. The same mark again (same person,
//! same precinct) changes nothing; a mark at any other precinct is refused and is an incident
//! for the commission to look into; a person holding an absentee certificate gets a ballot
//! only where they present it, and is added to that precinct's list; once a precinct closes
//! its list is locked. Turnout at any moment is the count of marks.

use serde::{Deserialize, Serialize};

use super::absentee::{CertificateStatus, Serial};
use super::eligibility::IneligibleReason;
use crate::territory::PrecinctId;

/// What the rule needs to know about the person and the precinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkContext {
    /// The person's precinct of permanent registration; `None` if not on the register.
    pub home: Option<PrecinctId>,
    /// Why the person may not vote today, if anything.
    pub ineligible: Option<IneligibleReason>,
    /// The person's absentee certificate for this event, if any.
    pub certificate: Option<(Serial, CertificateStatus)>,
    /// Where the person was already marked, if anywhere.
    pub marked_at: Option<PrecinctId>,
    /// The precinct that asks to mark.
    pub at: PrecinctId,
    /// Whether that precinct's list is locked (closed).
    pub closed: bool,
}

/// The decision on a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum MarkDecision {
    /// Record the mark; `certificate` is the serial when the person is added to this
    /// precinct's list by an absentee certificate (which becomes used).
    Record {
        /// The certificate presented, if any.
        certificate: Option<Serial>,
    },
    /// Already marked here: nothing changes.
    AlreadyMarked,
    /// Refused.
    Refuse(MarkRefusal),
}

/// Why a mark is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum MarkRefusal {
    /// The precinct's list is locked.
    #[error("the list of precinct {at} is locked: the precinct has closed")]
    ListClosed {
        /// The precinct.
        at: PrecinctId,
    },
    /// Not on the register.
    #[error("the person is not on the voter register")]
    NotOnRegister,
    /// Not eligible.
    #[error("the person may not vote: {0}")]
    Ineligible(IneligibleReason),
    /// Already received a ballot at another precinct.
    #[error("the person already received a ballot at precinct {precinct}")]
    MarkedElsewhere {
        /// Where.
        precinct: PrecinctId,
    },
    /// On another precinct's list and no certificate.
    #[error(
        "the person is on the list of precinct {home}; without an absentee certificate they vote there"
    )]
    OtherPrecinct {
        /// The person's precinct.
        home: PrecinctId,
    },
    /// The home list is marked: a certificate was issued.
    #[error(
        "an absentee certificate ({serial}) was issued to the person; they vote only where they present it"
    )]
    CertificateIssued {
        /// Its serial.
        serial: Serial,
    },
    /// The certificate was declared lost.
    #[error("the person's absentee certificate ({serial}) was declared lost and cannot be used")]
    CertificateLost {
        /// Its serial.
        serial: Serial,
    },
}

impl MarkRefusal {
    /// Whether the refusal is an incident to record (someone tried to get a second ballot or
    /// a ballot where they may not have one), as opposed to an operator error such as marking
    /// on a closed list.
    pub fn is_incident(&self) -> bool {
        !matches!(self, MarkRefusal::ListClosed { .. })
    }

    /// A short machine name.
    pub fn code(&self) -> &'static str {
        match self {
            MarkRefusal::ListClosed { .. } => "list_closed",
            MarkRefusal::NotOnRegister => "not_on_register",
            MarkRefusal::Ineligible(_) => "ineligible",
            MarkRefusal::MarkedElsewhere { .. } => "marked_elsewhere",
            MarkRefusal::OtherPrecinct { .. } => "other_precinct",
            MarkRefusal::CertificateIssued { .. } => "certificate_issued",
            MarkRefusal::CertificateLost { .. } => "certificate_lost",
        }
    }
}

/// Decides a mark.
pub fn decide_mark(c: &MarkContext) -> MarkDecision {
    use MarkDecision::{AlreadyMarked, Record, Refuse};
    match c.marked_at {
        Some(p) if p == c.at => return AlreadyMarked,
        Some(p) => return Refuse(MarkRefusal::MarkedElsewhere { precinct: p }),
        None => {}
    }
    if c.closed {
        return Refuse(MarkRefusal::ListClosed { at: c.at });
    }
    let Some(home) = c.home else {
        return Refuse(MarkRefusal::NotOnRegister);
    };
    if let Some(reason) = c.ineligible {
        return Refuse(MarkRefusal::Ineligible(reason));
    }
    match c.certificate {
        None if home == c.at => Record { certificate: None },
        None => Refuse(MarkRefusal::OtherPrecinct { home }),
        Some((serial, CertificateStatus::Lost)) => Refuse(MarkRefusal::CertificateLost { serial }),
        Some((serial, CertificateStatus::Issued)) if home == c.at => {
            Refuse(MarkRefusal::CertificateIssued { serial })
        }
        Some((serial, CertificateStatus::Issued)) => Record {
            certificate: Some(serial),
        },
        // A used certificate goes with a mark, handled above; without one the data is
        // inconsistent, and the safe answer is no second ballot.
        Some((_, CertificateStatus::Used { at })) => {
            Refuse(MarkRefusal::MarkedElsewhere { precinct: at })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ctx(at: u32) -> MarkContext {
        MarkContext {
            home: Some(PrecinctId(1)),
            ineligible: None,
            certificate: None,
            marked_at: None,
            at: PrecinctId(at),
            closed: false,
        }
    }

    #[test]
    fn a_voter_is_marked_at_home_once_and_the_same_mark_again_changes_nothing() {
        assert_eq!(
            decide_mark(&ctx(1)),
            MarkDecision::Record { certificate: None }
        );
        let again = MarkContext {
            marked_at: Some(PrecinctId(1)),
            ..ctx(1)
        };
        assert_eq!(decide_mark(&again), MarkDecision::AlreadyMarked);
        let elsewhere = MarkContext {
            marked_at: Some(PrecinctId(1)),
            ..ctx(2)
        };
        let d = decide_mark(&elsewhere);
        assert_eq!(
            d,
            MarkDecision::Refuse(MarkRefusal::MarkedElsewhere {
                precinct: PrecinctId(1)
            })
        );
    }

    #[test]
    fn a_certificate_moves_the_ballot_to_where_it_is_presented() {
        let serial = Serial::new(7).unwrap();
        let with = |at, status| MarkContext {
            certificate: Some((serial, status)),
            ..ctx(at)
        };
        assert_eq!(
            decide_mark(&with(1, CertificateStatus::Issued)),
            MarkDecision::Refuse(MarkRefusal::CertificateIssued { serial })
        );
        assert_eq!(
            decide_mark(&with(9, CertificateStatus::Issued)),
            MarkDecision::Record {
                certificate: Some(serial)
            }
        );
        assert_eq!(
            decide_mark(&with(9, CertificateStatus::Lost)),
            MarkDecision::Refuse(MarkRefusal::CertificateLost { serial })
        );
    }

    #[test]
    fn a_closed_list_refuses_new_marks_but_not_the_same_mark_again() {
        let closed = MarkContext {
            closed: true,
            ..ctx(1)
        };
        assert_eq!(
            decide_mark(&closed),
            MarkDecision::Refuse(MarkRefusal::ListClosed { at: PrecinctId(1) })
        );
        let again = MarkContext {
            marked_at: Some(PrecinctId(1)),
            ..closed
        };
        assert_eq!(decide_mark(&again), MarkDecision::AlreadyMarked);
    }

    proptest! {
        // Whatever the context, a person already marked never gets a second Record.
        #[test]
        fn no_second_ballot(home in proptest::option::of(1u32..4), marked in 1u32..4, at in 1u32..4,
                            closed: bool, cert in 0u8..4) {
            let serial = Serial::new(1).unwrap();
            let certificate = match cert {
                0 => None,
                1 => Some((serial, CertificateStatus::Issued)),
                2 => Some((serial, CertificateStatus::Lost)),
                _ => Some((serial, CertificateStatus::Used { at: PrecinctId(marked) })),
            };
            let c = MarkContext {
                home: home.map(PrecinctId), ineligible: None, certificate,
                marked_at: Some(PrecinctId(marked)), at: PrecinctId(at), closed,
            };
            let recorded = matches!(decide_mark(&c), MarkDecision::Record { .. });
            prop_assert!(!recorded, "a second ballot for {:?}", c);
        }
    }
}
