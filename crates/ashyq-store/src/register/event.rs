//! The event (referendum or election) the register serves: certificates and marks belong
//! to one.

use chrono::NaiveDate;

/// An event (referendum or election) for the register: its id and voting day.
#[derive(Debug, Clone)]
pub struct RegisterEvent<'a> {
    /// The event id, e.g. `kz-2026`.
    pub id: &'a str,
    /// Voting day.
    pub voting_day: NaiveDate,
}
