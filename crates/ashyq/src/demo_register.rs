//! The demo's voter register: a synthetic sample of [`PEOPLE`] people spread over every
//! precinct in proportion to its list (`register::generate`), stored by keyed digest under the
//! consultation's public demo key, so that the development provider's test voters see their
//! own entry at `/voter`. Three test voters are picked from it: one who may vote, one who
//! holds an absentee certificate for the referendum, and one too young to vote (when the
//! sample holds one). Their IINs stay in memory, inside the development provider; nothing
//! prints them.

use anyhow::{Context, Result};
use ashyq_core::iin::{DigestKey, PreparedDigestKey};
use ashyq_core::register::eligibility::{IneligibleReason, eligibility};
use ashyq_core::register::generate::Population;
use ashyq_core::register::{StoredVoter, Voter, VoterStatus};
use ashyq_core::territory::Territory;
use ashyq_server::dev_idp::DevVoter;
use ashyq_store::Store;
use ashyq_store::register::{Operator, RegisterEvent};
use chrono::{NaiveDate, NaiveTime};

/// The size of the demo's register sample (the full register of 12.5 million is
/// `ashyq register generate` + `import`, about a minute on this machine kind).
pub const PEOPLE: u64 = 20_000;

/// Loads the sample into the empty register and returns the test voters to sign in as.
pub async fn load(
    store: &Store,
    territory: &Territory,
    key: &DigestKey,
    referendum: &str,
    voting_day: NaiveDate,
    seed: u64,
) -> Result<Vec<DevVoter>> {
    let people: Vec<Voter> = Population::new(territory, PEOPLE, seed, voting_day).collect();
    let reasons = |v: &Voter| eligibility(&VoterStatus::from(v), voting_day);
    let mut eligible = people.iter().filter(|v| reasons(v).is_empty());
    let may_vote = eligible.next().cloned();
    let absentee = eligible.next().cloned();
    let underage = people
        .iter()
        .find(|v| reasons(v).contains(&IneligibleReason::Underage))
        .cloned();
    let prepared = PreparedDigestKey::new(key);
    let stored: Vec<StoredVoter> = people
        .into_iter()
        .map(|v| StoredVoter::new(v, &prepared))
        .collect();
    store
        .import_register(stored)
        .await
        .context("cannot load the demo's voter register")?;
    if let Some(v) = &absentee {
        // Applied for five days before the vote, at the home precinct (the rule's window:
        // from 15 days before until 18:00 the day before).
        let at = voting_day
            .checked_sub_days(chrono::Days::new(5))
            .unwrap_or(voting_day)
            .and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default());
        let stamp = format!("{}Z", at.format("%Y-%m-%dT%H:%M:%S"));
        let operator = Operator {
            name: "demo precinct commission",
            at: &stamp,
        };
        let event = RegisterEvent {
            id: referendum,
            voting_day,
        };
        store
            .issue_certificate(
                &event,
                territory,
                &prepared.digest(&v.iin),
                v.precinct,
                None,
                None,
                at,
                &operator,
            )
            .await?
            .map_err(|refused| anyhow::anyhow!("the demo's absentee certificate: {refused}"))?;
    }
    Ok([may_vote, absentee, underage]
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, v)| DevVoter::new(i + 1, v.precinct.0, v.iin))
        .collect())
}
