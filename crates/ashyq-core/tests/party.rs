//! Party registration and candidate lists for the Kurultai, rule by rule: the membership
//! minimum, one party per person, valid and adult members, candidate eligibility, the quota
//! over the list and per block, withdrawals and the deadline, and who takes a seat when a
//! mandate ends. Throughout: no message and no public record ever carries an IIN in clear.

use std::num::NonZeroUsize;

use ashyq_core::iin::{DigestKey, Iin, Sex};
use ashyq_core::party::{
    ApplicationProblem, Candidate, CandidateList, CandidateProblem, CandidateRef, CandidateRefusal,
    EntryStatus, Ineligible, ListEntry, ListProblem, ListQuota, ListRules, MandateEnd,
    PartyApplication, PartyError, PartyRules, RegisteredList, RegisteredParty, WithdrawnBy,
    check_application, check_application_with, check_list, fill_seats, next_on_list, successor,
    withdraw,
};
use ashyq_core::share::Fraction;
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The day applications in these tests are checked.
fn applied_on() -> NaiveDate {
    date(2026, 7, 15)
}

/// Election day in these tests (the first Kurultai elections are in August 2026, BRIEF §1).
fn election_day() -> NaiveDate {
    date(2026, 8, 30)
}

fn key() -> DigestKey {
    DigestKey::from_bytes(&[7; 32]).unwrap()
}

/// The IIN of a person born on `born`, with the first serial from `10 × n` that gives an issued
/// number, so that different `n` give different people.
fn person(born: NaiveDate, sex: Sex, n: u16) -> Iin {
    (10 * n..10 * n + 10)
        .find_map(|s| Iin::from_parts(born, sex, s))
        .expect("one of ten serials gives an issued number")
}

/// `count` distinct adults, numbered from `first` (disjoint ranges give disjoint people).
fn adults(first: usize, count: usize) -> Vec<Iin> {
    (first..first + count)
        .map(|k| {
            let born = date(1960, 1, 1) + Days::new((k / 900) as u64);
            let sex = if k % 2 == 0 { Sex::Male } else { Sex::Female };
            person(born, sex, (k % 900) as u16)
        })
        .collect()
}

fn application(name: &str, members: Vec<Iin>) -> PartyApplication {
    PartyApplication {
        name: name.into(),
        short_name: name.into(),
        members,
    }
}

fn rules(min_members: usize) -> PartyRules {
    PartyRules {
        min_members,
        ..PartyRules::KZ_2026
    }
}

fn register(name: &str, members: Vec<Iin>) -> RegisteredParty {
    check_application(
        &application(name, members),
        &[],
        &rules(1),
        applied_on(),
        &key(),
    )
    .unwrap()
}

fn problems(err: PartyError) -> Vec<ApplicationProblem> {
    match err {
        PartyError::ApplicationRefused { problems, .. } => problems,
        other => panic!("expected a refused application, got {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

#[test]
fn exactly_5000_members_register_and_4999_do_not() {
    let people = adults(0, 5_000);
    let ok = check_application(
        &application("Respublica", people.clone()),
        &[],
        &PartyRules::default(),
        applied_on(),
        &key(),
    )
    .unwrap();
    assert_eq!(ok.members.len(), 5_000);
    assert_eq!(ok.registered_on, applied_on());

    let err = check_application(
        &application("Respublica", people[..4_999].to_vec()),
        &[],
        &PartyRules::default(),
        applied_on(),
        &key(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the application of Respublica is refused: (1) 4,999 of the 4,999 listed members count, but at least 5,000 are required"
    );
}

#[test]
fn the_minimum_is_configurable_and_was_20000_before_2026() {
    let people = adults(0, 5_000);
    let err = check_application(
        &application("Baytaq", people),
        &[],
        &PartyRules::KZ_BEFORE_2026,
        applied_on(),
        &key(),
    )
    .unwrap_err();
    assert_eq!(
        problems(err),
        vec![ApplicationProblem::TooFewMembers {
            counted: 5_000,
            listed: 5_000,
            min: 20_000
        }]
    );
    assert!(
        check_application(
            &application("Baytaq", adults(0, 3)),
            &[],
            &rules(3),
            applied_on(),
            &key()
        )
        .is_ok()
    );
}

#[test]
fn a_person_already_in_another_party_is_listed_with_the_party_and_masked() {
    let amanat = register("Amanat", adults(0, 10));
    let auyl = register("Auyl", adults(100, 10));
    let mut members = adults(200, 5);
    let (a, b, c) = (adults(0, 10)[3], adults(0, 10)[7], adults(100, 10)[0]);
    members.extend([a, b, c]);
    let err = check_application(
        &application("Aq Jol", members),
        &[amanat, auyl],
        &rules(8),
        applied_on(),
        &key(),
    )
    .unwrap_err();
    let message = err.to_string();
    assert_eq!(
        message,
        format!(
            "the application of Aq Jol is refused: \
             (1) 3 people are already members of another party: {} (Amanat), {} (Amanat), {} (Auyl); \
             a person belongs to one party at a time, so they must leave it first or be removed from this list; \
             (2) 5 of the 8 listed members count, but at least 8 are required",
            a.masked(),
            b.masked(),
            c.masked()
        )
    );
    for iin in [a, b, c] {
        assert!(!message.contains(&iin.expose()));
    }
}

#[test]
fn a_person_listed_twice_in_one_application_is_named_with_both_rows() {
    let mut members = adults(0, 4);
    members.push(members[1]);
    let err = check_application(
        &application("Amanat", members.clone()),
        &[],
        &rules(4),
        applied_on(),
        &key(),
    )
    .unwrap_err();
    let problems = problems(err);
    assert_eq!(
        problems.len(),
        1,
        "4 distinct members still count: {problems:?}"
    );
    assert_eq!(
        problems[0].to_string(),
        format!(
            "1 person is listed more than once: {} (rows 2, 5); list each member once",
            members[1].masked()
        )
    );
}

#[test]
fn invalid_iins_in_an_application_are_all_listed_masked() {
    let good = adults(0, 2);
    let text = format!(
        "{}\n900101312340\n\n{}\n9001-1312348\n12345\n",
        good[0].expose(),
        good[1].expose()
    );
    let err = PartyApplication::from_member_lines("Amanat", "Amanat", &text).unwrap_err();
    let PartyError::InvalidMembers { entries, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(
        entries.iter().map(|e| e.row).collect::<Vec<_>>(),
        vec![2, 4, 5],
        "rows count member entries; the blank line is not one"
    );
    let message = err.to_string();
    assert!(
        message.starts_with(
            "the member list of Amanat has 3 entries that are not valid IINs: \
             row 2 (90•••••••••0): the check digit (digit 12) of this IIN is 0, but digits 1–11 require 8"
        ),
        "{message}"
    );
    assert!(
        message.contains("row 4 (90•••••••••8): an IIN has only the digits 0–9, but character 5")
    );
    assert!(message.contains("row 5 (•••••): an IIN has exactly 12 digits, but this one has 5"));
    for clear in ["900101312340", "9001-1312348", "12345"] {
        assert!(!message.contains(clear), "{message}");
    }

    // The same from JSON, with numbers as a spreadsheet writes them.
    let json = format!(
        r#"{{"name":"Amanat","short_name":"Amanat","members":["{}",{},"900101312340"]}}"#,
        good[0].expose(),
        good[1].expose()
    );
    let err = serde_json::from_str::<PartyApplication>(&json)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1 entry that is not a valid IIN: row 3 (90•••••••••0)"),
        "{err}"
    );
    assert!(!err.contains("900101312340"), "{err}");
    let json = json.replace(",\"900101312340\"", "");
    let app: PartyApplication = serde_json::from_str(&json).unwrap();
    assert_eq!(app.members, good);
}

#[test]
fn members_are_adults_on_the_application_date_and_a_register_can_plug_in() {
    let mut members = adults(0, 3);
    // 18 the day after the application date, and 18 on the day itself.
    let almost = person(date(2008, 7, 16), Sex::Female, 1);
    let just = person(date(2008, 7, 15), Sex::Male, 2);
    members.extend([almost, just]);
    let err = check_application(
        &application("Amanat", members.clone()),
        &[],
        &rules(4),
        applied_on(),
        &key(),
    )
    .unwrap_err();
    assert_eq!(
        problems(err)[0].to_string(),
        format!(
            "1 person may not be a member: {} (row 4, younger than 18 on the application date); remove them from the list",
            almost.masked()
        )
    );

    // A register that knows only some of them.
    let known = members[..2].to_vec();
    let register = |iin: &Iin, _: NaiveDate| {
        if known.contains(iin) {
            Ok(())
        } else {
            Err(Ineligible::NotOnRegister)
        }
    };
    let refused = check_application_with(
        &application("Amanat", members[..3].to_vec()),
        &[],
        &rules(2),
        applied_on(),
        &key(),
        &register,
    )
    .unwrap_err();
    let problems = problems(refused);
    let [ApplicationProblem::Ineligible(who)] = problems.as_slice() else {
        panic!()
    };
    assert_eq!(who.len(), 1);
    assert_eq!(who[0].row, 3);
    assert_eq!(who[0].reason, Ineligible::NotOnRegister);
}

#[test]
fn a_name_in_use_is_refused_whatever_its_case_and_spacing() {
    let amanat = register("Amanat", adults(0, 3));
    let mut app = application("  AMANAT ", adults(10, 3));
    app.short_name = "NewAmanat".into();
    let refused = check_application(&app, &[amanat], &rules(3), applied_on(), &key());
    assert_eq!(
        problems(refused.unwrap_err()),
        vec![ApplicationProblem::NameTaken {
            name: "  AMANAT ".into(),
            by: "Amanat".into()
        }]
    );
    let mut app = application("", adults(10, 3));
    app.short_name = "X".into();
    let refused = check_application(&app, &[], &rules(3), applied_on(), &key()).unwrap_err();
    assert_eq!(problems(refused), vec![ApplicationProblem::MissingName]);
}

#[test]
fn a_registered_party_holds_digests_only() {
    let people = adults(0, 50);
    let party = register("Amanat", people.clone());
    let json = serde_json::to_string(&party).unwrap();
    for iin in &people {
        assert!(!json.contains(&iin.expose()));
        assert!(party.members.contains(&iin.digest(&key())));
    }
    assert!(party.members.windows(2).all(|w| w[0] < w[1]));
    let back: RegisteredParty = serde_json::from_str(&json).unwrap();
    assert_eq!(back, party);
}

// ---------------------------------------------------------------------------------------------
// Candidate lists
// ---------------------------------------------------------------------------------------------

/// A candidate: 40 years old on election day unless `born` says otherwise, citizen, 30 years of
/// residence, no disability.
fn candidate(iin: Iin, name: &str) -> Candidate {
    Candidate {
        iin,
        name: name.into(),
        citizen: true,
        permanent_residence_years: 30,
        disability: false,
    }
}

/// A list from a pattern, one letter per candidate: `m` a man of 40, `w` a woman of 40, `y` a
/// man of 26 (young), `d` a man of 40 with a disability. Candidate `i` is person `i + offset`.
fn list_of(party: &str, pattern: &str, offset: u16) -> CandidateList {
    let candidates = pattern
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let n = i as u16 + offset;
            let (born, sex) = match c {
                'w' => (date(1986, 1, 10), Sex::Female),
                'y' => (date(2000, 1, 10), Sex::Male),
                _ => (date(1986, 1, 10), Sex::Male),
            };
            let mut c0 = candidate(person(born, sex, n), &format!("Candidate {}", n));
            c0.disability = c == 'd';
            c0
        })
        .collect();
    CandidateList {
        party: party.into(),
        candidates,
    }
}

fn no_quota() -> ListRules {
    ListRules {
        quota: None,
        ..ListRules::KZ_2026
    }
}

fn list_problems(err: PartyError) -> Vec<ListProblem> {
    match err {
        PartyError::ListRefused { problems, .. } => problems,
        other => panic!("expected a refused list, got {other}"),
    }
}

#[test]
fn a_candidate_is_a_citizen_of_25_with_10_years_of_residence() {
    let mut list = list_of("Amanat", "mmmmm", 0);
    list.candidates[0].citizen = false;
    // 25 on election day passes; one day short of 25 does not.
    list.candidates[1].iin = person(date(2001, 8, 30), Sex::Male, 50);
    list.candidates[2].iin = person(date(2001, 8, 31), Sex::Female, 51);
    list.candidates[3].permanent_residence_years = 9;
    list.candidates[4].permanent_residence_years = 10;
    let problems =
        list_problems(check_list(&list, &[], &no_quota(), election_day(), &key()).unwrap_err());
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let m = |i: usize| list.candidates[i].iin.masked();
    assert_eq!(
        shown,
        vec![
            format!(
                "candidate 1 ({}, Candidate 0) is not a citizen of Kazakhstan",
                m(0)
            ),
            format!(
                "candidate 3 ({}, Candidate 2) is younger than 25 on election day 2026-08-30",
                m(2)
            ),
            format!(
                "candidate 4 ({}, Candidate 3) has 9 years of permanent residence in Kazakhstan, at least 10 are required",
                m(3)
            ),
        ]
    );
}

#[test]
fn a_person_stands_on_one_list_once() {
    let amanat = check_list(
        &list_of("Amanat", "wmm", 0),
        &[],
        &no_quota(),
        election_day(),
        &key(),
    )
    .unwrap();
    let mut list = list_of("Auyl", "mmm", 10);
    list.candidates.push(list.candidates[0].clone());
    list.candidates
        .push(list_of("Amanat", "w", 0).candidates[0].clone());
    let problems = list_problems(
        check_list(
            &list,
            std::slice::from_ref(&amanat),
            &no_quota(),
            election_day(),
            &key(),
        )
        .unwrap_err(),
    );
    let reasons: Vec<(usize, CandidateRefusal)> = problems
        .into_iter()
        .map(|p| match p {
            ListProblem::Candidate(CandidateProblem {
                position, reason, ..
            }) => (position, reason),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(
        reasons,
        vec![
            (4, CandidateRefusal::TwiceOnList { first: 1 }),
            (
                5,
                CandidateRefusal::OnAnotherList {
                    party: "Amanat".into()
                }
            ),
        ]
    );
    // A party has one list.
    let again = list_problems(
        check_list(
            &list_of("Amanat", "m", 40),
            &[amanat],
            &no_quota(),
            election_day(),
            &key(),
        )
        .unwrap_err(),
    );
    assert_eq!(again, vec![ListProblem::PartyHasList]);
}

#[test]
fn the_published_list_carries_names_masked_iins_and_digests() {
    let list = list_of("Amanat", "wymd", 0);
    let registered = check_list(&list, &[], &ListRules::KZ_2026, election_day(), &key()).unwrap();
    let json = serde_json::to_string(&registered).unwrap();
    for c in &list.candidates {
        assert!(!json.contains(&c.iin.expose()), "{json}");
        assert!(json.contains(&c.iin.masked()));
    }
    let e = &registered.entries;
    assert_eq!(
        e.iter()
            .map(|e| (e.sex, e.young, e.disability, e.counts_for_quota()))
            .collect::<Vec<_>>(),
        vec![
            (Sex::Female, false, false, true),
            (Sex::Male, true, false, true),
            (Sex::Male, false, false, false),
            (Sex::Male, false, true, true),
        ]
    );
    assert_eq!(
        serde_json::from_str::<RegisteredList>(&json).unwrap(),
        registered
    );
}

#[test]
fn thirty_percent_of_the_whole_list_three_of_ten_passes_two_of_ten_fails() {
    let rules = ListRules::KZ_2026;
    assert!(
        check_list(
            &list_of("A", "wmmmymmmdm", 0),
            &[],
            &rules,
            election_day(),
            &key()
        )
        .is_ok()
    );
    let problems = list_problems(
        check_list(
            &list_of("A", "wmmmmmmmdm", 0),
            &[],
            &rules,
            election_day(),
            &key(),
        )
        .unwrap_err(),
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].to_string(),
        "places 1–10 have 2 women, young people or people with disabilities, but a quota of 30% of 10 places needs at least 3"
    );
    // A woman of 26 with a disability counts once.
    let mut one = list_of("A", "wmmmmmmmmm", 0);
    one.candidates[0].iin = person(date(2000, 1, 10), Sex::Female, 90);
    one.candidates[0].disability = true;
    assert!(check_list(&one, &[], &rules, election_day(), &key()).is_err());
}

#[test]
fn thirty_percent_in_every_block_of_ten() {
    let rules = ListRules {
        quota: Some(ListQuota {
            share: Fraction {
                numerator: 3,
                denominator: 10,
            },
            block: NonZeroUsize::new(10),
        }),
        ..ListRules::KZ_2026
    };
    // 6 of 20 overall, 3 in each block: passes.
    let ok = "wwwmmmmmmm".to_owned() + "mmmmmmmwyd";
    assert!(check_list(&list_of("A", &ok, 0), &[], &rules, election_day(), &key()).is_ok());
    // 6 of 20 overall, but 4 and 2: places 11–20 miss it.
    let bad = "wwwwmmmmmm".to_owned() + "mmmmmmmmwy";
    let problems = list_problems(
        check_list(&list_of("A", &bad, 0), &[], &rules, election_day(), &key()).unwrap_err(),
    );
    assert_eq!(problems.len(), 1);
    let ListProblem::Quota(q) = &problems[0] else {
        panic!("{problems:?}")
    };
    assert_eq!((q.from, q.to, q.counted, q.required), (11, 20, 2, 3));
}

// ---------------------------------------------------------------------------------------------
// Withdrawals
// ---------------------------------------------------------------------------------------------

fn deadline() -> NaiveDate {
    date(2026, 8, 20)
}

#[test]
fn withdrawals_are_accepted_until_the_deadline_inclusive() {
    let list = check_list(
        &list_of("A", "wwwwmm", 0),
        &[],
        &ListRules::KZ_2026,
        election_day(),
        &key(),
    )
    .unwrap();
    let rules = ListRules::KZ_2026;
    let on_time = withdraw(
        &list,
        &CandidateRef::Position(5),
        WithdrawnBy::Candidate,
        deadline(),
        deadline(),
        &rules,
    )
    .unwrap();
    assert!(!on_time.flagged());
    let late = withdraw(
        &list,
        &CandidateRef::Position(5),
        WithdrawnBy::Candidate,
        deadline() + Days::new(1),
        deadline(),
        &rules,
    )
    .unwrap_err();
    assert_eq!(
        late.to_string(),
        "candidate 5 of A cannot withdraw on 2026-08-21: withdrawals close on 2026-08-20"
    );

    let mut list = list;
    list.apply_withdrawal(&on_time);
    assert_eq!(
        list.entries[4].status,
        EntryStatus::Withdrawn {
            on: deadline(),
            by: WithdrawnBy::Candidate
        }
    );
    assert!(matches!(
        withdraw(
            &list,
            &CandidateRef::Position(5),
            WithdrawnBy::Candidate,
            deadline(),
            deadline(),
            &rules
        ),
        Err(PartyError::AlreadyWithdrawn { position: 5, .. })
    ));
    assert_eq!(
        withdraw(
            &list,
            &CandidateRef::Position(9),
            WithdrawnBy::Party,
            deadline(),
            deadline(),
            &rules
        )
        .unwrap_err()
        .to_string(),
        "position 9 is not on the candidate list of A; check the position or the person"
    );
    // By digest: no IIN needed in the request.
    let digest = list.entries[0].digest.clone();
    let w = withdraw(
        &list,
        &CandidateRef::Digest(digest),
        WithdrawnBy::Candidate,
        deadline(),
        deadline(),
        &rules,
    )
    .unwrap();
    assert_eq!(w.position, 1);
}

#[test]
fn a_candidate_may_withdraw_even_below_the_quota_but_the_party_may_not_recall() {
    // 3 women of 10: exactly the quota.
    let list = check_list(
        &list_of("A", "wwwmmmmmmm", 0),
        &[],
        &ListRules::KZ_2026,
        election_day(),
        &key(),
    )
    .unwrap();
    let rules = ListRules::KZ_2026;
    // Anyone from the 7 men may go: 3 of 9 still meets 30%.
    let man = withdraw(
        &list,
        &CandidateRef::Position(4),
        WithdrawnBy::Party,
        deadline(),
        deadline(),
        &rules,
    )
    .unwrap();
    assert!(!man.flagged());
    // A woman withdrawing herself leaves 2 of 9: accepted, flagged.
    let own = withdraw(
        &list,
        &CandidateRef::Position(1),
        WithdrawnBy::Candidate,
        deadline(),
        deadline(),
        &rules,
    )
    .unwrap();
    assert!(own.flagged());
    assert_eq!(
        (
            own.quota_shortfalls[0].counted,
            own.quota_shortfalls[0].required
        ),
        (2, 3)
    );
    // The party recalling her is refused.
    let recall = withdraw(
        &list,
        &CandidateRef::Position(1),
        WithdrawnBy::Party,
        deadline(),
        deadline(),
        &rules,
    )
    .unwrap_err();
    assert!(
        recall
            .to_string()
            .starts_with("A cannot recall candidate 1: the remaining list would miss the quota (places 1–9 have 2"),
        "{recall}"
    );
}

// ---------------------------------------------------------------------------------------------
// Seats
// ---------------------------------------------------------------------------------------------

#[test]
fn seats_go_to_the_first_standing_candidates_and_pass_down_the_list() {
    let mut list = check_list(
        &list_of("A", "wmwmwmwm", 0),
        &[],
        &ListRules::KZ_2026,
        election_day(),
        &key(),
    )
    .unwrap();
    let w = withdraw(
        &list,
        &CandidateRef::Position(2),
        WithdrawnBy::Candidate,
        deadline(),
        deadline(),
        &ListRules::KZ_2026,
    )
    .unwrap();
    list.apply_withdrawal(&w);
    let positions = |v: Vec<&ListEntry>| v.iter().map(|e| e.position).collect::<Vec<_>>();
    assert_eq!(positions(fill_seats(&list, 3)), vec![1, 3, 4]);
    assert_eq!(positions(fill_seats(&list, 20)), vec![1, 3, 4, 5, 6, 7, 8]);

    // Seats 1, 3, 4 are taken; whatever the ground, the next is 5, then 6 …, except when the
    // party has ceased to exist.
    let called = vec![1, 3, 4];
    for ground in MandateEnd::ALL {
        let next = successor(&list, &called, ground).map(|e| e.position);
        if ground == MandateEnd::PartyDissolved {
            assert_eq!(next, None, "{ground}");
        } else {
            assert_eq!(next, Some(5), "{ground}");
        }
    }
    // Two mandates end in turn: 5 refuses, 6 takes it; then 6 is convicted, 7 takes it.
    assert_eq!(
        next_on_list(&list, &[1, 3, 4, 5]).map(|e| e.position),
        Some(6)
    );
    assert_eq!(
        next_on_list(&list, &[1, 3, 4, 5, 6]).map(|e| e.position),
        Some(7)
    );
    assert_eq!(next_on_list(&list, &[1, 3, 4, 5, 6, 7, 8]), None);
    assert_eq!(
        MandateEnd::ALL.map(|g| g.to_string()),
        [
            "refused the mandate",
            "left the party whose list elected them",
            "was expelled from the party whose list elected them",
            "the party whose list elected them ceased to exist",
            "moved abroad to live",
            "lost citizenship of Kazakhstan",
            "was convicted by a court judgment in force",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// The quota by brute force: the least k with k/len ≥ share, found by counting up, for the
/// whole list and for every block.
fn brute_force_quota_met(counts: &[bool], num: u64, den: u64, block: Option<usize>) -> bool {
    let run_ok = |run: &[bool]| {
        let len = run.len() as u64;
        let need = (0..=len).find(|k| k * den >= num * len).unwrap_or(len + 1);
        run.iter().filter(|&&c| c).count() as u64 >= need
    };
    let mut ok = run_ok(counts);
    if let Some(b) = block {
        let mut start = 0;
        while start < counts.len() {
            let end = (start + b).min(counts.len());
            ok &= run_ok(&counts[start..end]);
            start = end;
        }
    }
    ok
}

fn arb_iin() -> impl Strategy<Value = Iin> {
    (1940i32..=2015, 1u32..=365, any::<bool>(), 0u16..=9999).prop_filter_map(
        "never issued",
        |(y, d, male, n)| {
            let sex = if male { Sex::Male } else { Sex::Female };
            Iin::from_parts(NaiveDate::from_yo_opt(y, d)?, sex, n)
        },
    )
}

/// None of the given IINs, and, in a message (which carries no digest, unlike a record), no run
/// of 12 digits at all.
fn no_iin_in(text: &str, iins: &[Iin], message: bool) -> Result<(), TestCaseError> {
    let mut run = 0;
    for c in text.chars().filter(|_| message) {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        prop_assert!(run < 12, "a 12-digit run in: {}", text);
    }
    for iin in iins {
        prop_assert!(!text.contains(&iin.expose()), "an IIN in: {}", text);
    }
    Ok(())
}

proptest! {
    /// The exact check agrees with counting, for any list, share and block.
    #[test]
    fn the_quota_check_agrees_with_a_brute_force_count(
        counts in proptest::collection::vec(any::<bool>(), 0..60),
        num in 0u64..12,
        den in 1u64..12,
        block in proptest::option::of(1usize..15),
    ) {
        let quota = ListQuota {
            share: Fraction { numerator: num, denominator: den },
            block: block.and_then(NonZeroUsize::new),
        };
        prop_assert_eq!(
            quota.check(&counts).is_ok(),
            brute_force_quota_met(&counts, num, den, block)
        );
    }

    /// Whatever goes wrong with whoever, no message, no `Debug` and no public record shows an
    /// IIN in clear.
    #[test]
    fn no_message_ever_contains_a_full_iin(
        people in proptest::collection::vec(arb_iin(), 6..20),
        broken_digit in 0usize..12,
    ) {
        let key = key();
        let mut messages = Vec::new();

        // Registration: a party with the first three; an application that repeats one of them,
        // lists someone twice, may hold minors, and is too small.
        let first = check_application(
            &application("Amanat", people[..3].to_vec()),
            &[],
            &rules(1),
            date(2040, 1, 1),
            &key,
        );
        let registered: Vec<RegisteredParty> = first.iter().cloned().collect();
        if let Ok(p) = &first {
            let json = serde_json::to_string(p).unwrap();
            no_iin_in(&json, &people, false)?;
        }
        let mut members = people[2..].to_vec();
        members.push(people[4]);
        let result = check_application(
            &application("Auyl", members),
            &registered,
            &rules(1_000),
            applied_on(),
            &key,
        );
        let err = result.unwrap_err();
        messages.push(err.to_string());
        messages.push(format!("{err:?}"));

        // Invalid entries: each person with one digit changed.
        let lines: Vec<String> = people
            .iter()
            .map(|p| {
                let mut s = p.expose().into_bytes();
                s[broken_digit] = b'0' + (s[broken_digit] - b'0' + 1) % 10;
                String::from_utf8(s).unwrap()
            })
            .collect();
        if let Err(e) = PartyApplication::from_member_lines("Auyl", "Auyl", &lines.join("\n")) {
            messages.push(e.to_string());
            messages.push(format!("{e:?}"));
        }

        // Candidates: everyone, some too young, one twice, with a quota that may be missed.
        let mut list = CandidateList {
            party: "Auyl".into(),
            candidates: people.iter().map(|&p| candidate(p, "N")).collect(),
        };
        list.candidates[0].citizen = false;
        list.candidates.push(list.candidates[1].clone());
        let rules = ListRules {
            quota: Some(ListQuota { share: Fraction { numerator: 9, denominator: 10 }, block: NonZeroUsize::new(3) }),
            ..ListRules::KZ_2026
        };
        match check_list(&list, &[], &rules, election_day(), &key) {
            Ok(r) => no_iin_in(&serde_json::to_string(&r).unwrap(), &people, false)?,
            Err(e) => {
                messages.push(e.to_string());
                messages.push(format!("{e:?}"));
            }
        }
        messages.push(format!("{list:?}"));

        for m in &messages {
            no_iin_in(m, &people, true)?;
        }
    }
}
