//! A step as the secretariat sends it — by `ashyq kurultai record` one JSON line each, or by
//! `POST /api/v1/kurultai/steps` one JSON body each: the event as the log writes it, without
//! its author (the one recording it is) and without its derived parts (a vote's number, counts
//! and tally, a reading's outcome, the amendment's reading, the council's numbers), which the
//! ledger's decision fills in. Counts, when given, must agree with the ballots: the decision
//! refuses them otherwise.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{Ballot, KurultaiEvent, MemberId, RecordedVote};
use crate::author::Author;

/// Why a step is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} (see docs/kurultai.md, \"Recording steps\")")]
pub struct StepError(String);

/// Reads one step: a Kurultai event as JSON (`{"event":"reading_voted",…}`) recorded by
/// `author`, whose votes need only `on`, `motion` and `ballots` (an object
/// `{"amanat-1":"yes",…}` or a list of pairs).
pub fn parse(mut v: Value, author: &Author) -> Result<KurultaiEvent, StepError> {
    let bad = |m: &str| StepError(m.to_owned());
    let obj = v
        .as_object_mut()
        .ok_or_else(|| bad("a step is a JSON object with an \"event\" field"))?;
    let author = serde_json::to_value(author).map_err(|e| StepError(e.to_string()))?;
    obj.insert("author".into(), author);
    if let Some(vote) = obj.get_mut("vote").and_then(|x| x.as_object_mut()) {
        if let Some(map) = vote.get("ballots").and_then(|b| b.as_object()) {
            let pairs: Vec<Value> = map.iter().map(|(k, b)| json!([k, b])).collect();
            vote.insert("ballots".into(), pairs.into());
        }
        let ballots: Vec<(MemberId, Ballot)> =
            serde_json::from_value(vote.get("ballots").cloned().unwrap_or_default()).map_err(
                |e| {
                    StepError(format!(
                        "the vote's ballots: each member's id and one of yes, no, abstain, absent, not_voting ({e})"
                    ))
                },
            )?;
        let blank = RecordedVote::new(NaiveDate::MIN, "", ballots);
        vote.entry("counts").or_insert(json!(blank.counts));
        vote.entry("number").or_insert(0.into());
        vote.entry("tally").or_insert(json!(blank.tally));
    }
    let event = obj.get("event").and_then(|e| e.as_str()).map(str::to_owned);
    for (key, default) in [
        ("reading", json!(0)),
        ("outcome", json!("not_passed")),
        ("session", json!(0)),
        ("initiative", json!(0)),
    ] {
        let needs = matches!(
            (event.as_deref(), key),
            (Some("amendment_voted"), "reading")
                | (Some("reading_voted"), "outcome")
                | (
                    Some("council_session_held" | "council_initiative_voted"),
                    "session"
                )
                | (Some("council_initiative_voted"), "initiative")
        );
        if needs {
            obj.entry(key).or_insert(default);
        }
    }
    serde_json::from_value(v).map_err(|e| StepError(format!("not a Kurultai step: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn who() -> Author {
        Author::new("secretariat", "kurultai secretariat")
    }

    #[test]
    fn a_reading_needs_only_its_date_motion_and_ballots() {
        let step = json!({"event":"reading_voted","bill":"bill-1","reading":1,
            "vote":{"on":"2026-10-01","motion":"First reading","ballots":{"a-1":"yes","a-2":"absent"}}});
        let KurultaiEvent::ReadingVoted {
            reading,
            vote,
            author,
            ..
        } = parse(step, &who()).unwrap()
        else {
            panic!("not a reading")
        };
        assert_eq!(reading, 1);
        assert_eq!((vote.counts.yes, vote.counts.absent), (1, 1));
        assert_eq!(author, who());
    }

    #[test]
    fn the_author_given_is_recorded_whatever_the_step_says() {
        let step = json!({"event":"transmitted","bill":"bill-1","on":"2026-10-01",
            "author":{"name":"someone else","role":"central operator"}});
        assert_eq!(parse(step, &who()).unwrap().author(), &who());
    }

    #[test]
    fn bad_steps_are_named() {
        for (step, says) in [
            (json!([1, 2]), "a JSON object"),
            (json!({"event":"no_such"}), "not a Kurultai step"),
            (
                json!({"event":"reading_voted","bill":"b","reading":1,
                "vote":{"on":"2026-10-01","motion":"m","ballots":{"a-1":"maybe"}}}),
                "ballots",
            ),
        ] {
            let e = parse(step, &who()).unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
    }

    proptest! {
        /// Any step-shaped JSON is either a step whose counts are its ballots' or a named
        /// error, never a panic.
        #[test]
        fn any_step_shaped_json_is_a_step_or_an_error(
            event in prop::sample::select(vec!["reading_voted", "amendment_voted", "officer_voted", "transmitted", "x"]),
            reading in 0u8..5,
            ballots in prop::collection::btree_map("[a-z]{1,3}-[0-9]", prop::sample::select(vec!["yes", "no", "abstain", "absent", "not_voting", "maybe"]), 0..8),
            on in prop::sample::select(vec!["2026-10-01", "2026-13-01", ""]),
        ) {
            let step = json!({"event": event, "bill": "bill-1", "reading": reading, "on": on,
                "office": "chair", "candidate": "a-1",
                "vote": {"on": on, "motion": "m", "ballots": ballots}});
            match parse(step, &who()) {
                Ok(KurultaiEvent::ReadingVoted { vote, .. }) | Ok(KurultaiEvent::OfficerVoted { vote, .. }) => {
                    prop_assert_eq!(vote.counts, super::super::Counts::of(vote.ballots.iter().map(|(_, b)| b)));
                }
                Ok(_) => {}
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
