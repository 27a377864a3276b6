//! The Kurultai as Popolo open data (popoloproject.com): one document with the lists
//! `persons`, `organizations`, `memberships` and `vote_events`, each vote event with its
//! counts and every member's vote, derived from the same ballots the log holds.
//!
//! Ids are stable: a deputy is `{party}-{position}` ([`MemberId::deputy`]), a party
//! `party-{slug}`, a committee `committee-{id}`, the house `kurultai`, the People's Council
//! `peoples-council`, a vote `vote-{number}`. Popolo's `start_date` of a vote event is a
//! date-time; the log records only the day of a vote, so it is that day at 00:00 in Astana
//! (UTC+5).

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::house::Kurultai;
use super::vote::{Ballot, MemberId, slug};

/// The house's organization id.
pub const KURULTAI: &str = "kurultai";
/// The People's Council's organization id.
pub const COUNCIL: &str = "peoples-council";

/// A deputy as Popolo shows them: who, of which party, when their mandate began and ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deputy {
    /// Stable id.
    pub id: MemberId,
    /// Name.
    pub name: String,
    /// The party whose list elected them (their faction).
    pub party: String,
    /// The day the mandate began, if known.
    pub start: Option<NaiveDate>,
    /// The day it ended, if it did.
    pub end: Option<NaiveDate>,
}

/// The organization id of a party.
pub fn party_id(party: &str) -> String {
    format!("party-{}", slug(party))
}

fn date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.to_string()))
}

/// The Popolo document of the house: every deputy ever seated (`deputies`, from the
/// election's mandates), the parties, committees and the People's Council, their memberships
/// and offices, and every roll call.
pub fn document(k: &Kurultai, deputies: &[Deputy]) -> Value {
    let mut persons = Vec::new();
    let mut organizations = vec![json!({
        "id": KURULTAI,
        "name": "Kurultai of the Republic of Kazakhstan",
        "classification": "legislature",
        "founding_date": date(k.convening().map(|c| c.first_session)),
    })];
    let mut memberships = Vec::new();
    let mut parties: Vec<&str> = deputies.iter().map(|d| d.party.as_str()).collect();
    parties.sort_unstable();
    parties.dedup();
    for p in &parties {
        organizations.push(json!({
            "id": party_id(p),
            "name": p,
            "classification": "party",
        }));
    }
    for d in deputies {
        persons.push(json!({ "id": d.id.0, "name": d.name }));
        memberships.push(json!({
            "id": format!("m-{}-kurultai", d.id),
            "person_id": d.id.0,
            "organization_id": KURULTAI,
            "on_behalf_of_id": party_id(&d.party),
            "role": "member",
            "start_date": date(d.start),
            "end_date": date(d.end),
        }));
        memberships.push(json!({
            "id": format!("m-{}-party", d.id),
            "person_id": d.id.0,
            "organization_id": party_id(&d.party),
            "role": "member",
            "start_date": date(d.start),
            "end_date": date(d.end),
        }));
    }
    for (i, o) in k.officers().iter().enumerate() {
        let end = deputies
            .iter()
            .find(|d| d.id == o.member)
            .and_then(|d| d.end);
        memberships.push(json!({
            "id": format!("office-{}", i + 1),
            "person_id": o.member.0,
            "organization_id": KURULTAI,
            "role": o.office.name(),
            "start_date": o.since.to_string(),
            "end_date": date(end),
        }));
    }
    for c in k.committees() {
        let cid = format!("committee-{}", c.id);
        organizations.push(json!({
            "id": cid,
            "name": c.name.en,
            "other_names": [
                { "name": c.name.kk, "note": "kk" },
                { "name": c.name.ru, "note": "ru" },
            ],
            "classification": "committee",
            "parent_id": KURULTAI,
            "founding_date": c.formed_on.to_string(),
        }));
        for m in &c.members {
            memberships.push(json!({
                "id": format!("m-{}-{cid}", m),
                "person_id": m.0,
                "organization_id": cid,
                "role": if *m == c.chair { "chair" } else { "member" },
            }));
        }
    }
    let council = k.council();
    organizations.push(json!({
        "id": COUNCIL,
        "name": "People's Council (Halyk Kenesi)",
        "classification": "council",
    }));
    for m in council.members.values() {
        persons.push(json!({ "id": m.id.0, "name": m.name }));
        memberships.push(json!({
            "id": format!("m-{}-council", m.id),
            "person_id": m.id.0,
            "organization_id": COUNCIL,
            "label": m.block,
            "role": "member",
            "start_date": m.joined.to_string(),
            "end_date": date(m.left),
        }));
    }
    let party_of = |m: &MemberId| {
        deputies
            .iter()
            .find(|d| d.id == *m)
            .map(|d| Value::String(party_id(&d.party)))
            .unwrap_or(Value::Null)
    };
    let vote_events: Vec<Value> = k
        .votes()
        .iter()
        .map(|r| {
            let v = &r.vote;
            let counts: Vec<Value> = Ballot::ALL
                .iter()
                .map(|b| json!({ "option": b.popolo(), "value": v.counts.get(*b) }))
                .collect();
            let votes: Vec<Value> = v
                .ballots
                .iter()
                .map(|(m, b)| {
                    json!({
                        "voter_id": m.0,
                        "option": b.popolo(),
                        "group_id": if r.council { Value::Null } else { party_of(m) },
                    })
                })
                .collect();
            json!({
                "id": format!("vote-{}", v.number),
                "organization_id": if r.council { COUNCIL } else { KURULTAI },
                "identifier": v.number.to_string(),
                "classification": r.kind,
                "bill_id": r.bill.as_ref().map(|b| b.0.clone()),
                "motion": {
                    "id": format!("motion-{}", v.number),
                    "text": v.motion,
                    "classification": r.kind,
                    "result": if v.tally.carried { "pass" } else { "fail" },
                },
                "start_date": format!("{}T00:00:00+05:00", v.on),
                "result": if v.tally.carried { "pass" } else { "fail" },
                "counts": counts,
                "votes": votes,
            })
        })
        .collect();
    json!({
        "persons": persons,
        "organizations": organizations,
        "memberships": memberships,
        "vote_events": vote_events,
    })
}
