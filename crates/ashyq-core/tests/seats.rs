//! Seat allocation: the 2023 Mazhilis seats computed from the votes, textbook examples for
//! every method, the threshold at its boundary, ties and draws, errors, and properties (house
//! size, quota rule, house and vote monotonicity, an independent naive implementation).

use ashyq_core::seats::float::allocate_f64;
use ashyq_core::seats::hemicycle::hemicycle_svg;
use ashyq_core::seats::{
    AllocationError, AllocationRules, FIVE_PERCENT, MAX_SEATS, MAX_TOTAL_VOTES, Method, PartyVotes,
    SeatAllocation, ThresholdBase, TieOn, TieRule, TieSeed, allocate, allocate_counts,
    parse_votes_csv, threshold_from_percent,
};
use ashyq_core::share::Fraction;
use num_rational::Ratio;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const KZ_2023_CSV: &str = include_str!("data/kz-2023-mazhilis-party-list.csv");

fn rules(seats: u32, method: Method) -> AllocationRules {
    AllocationRules {
        seats,
        threshold: Fraction {
            numerator: 0,
            denominator: 1,
        },
        base: ThresholdBase::AllValid,
        method,
    }
}

fn parties(votes: &[(&str, u64)]) -> Vec<PartyVotes> {
    votes.iter().map(|&(p, v)| PartyVotes::new(p, v)).collect()
}

fn seats(a: &SeatAllocation) -> Vec<u32> {
    a.parties.iter().map(|p| p.seats).collect()
}

fn seed() -> TieSeed {
    TieSeed::new("published 2026-08-01: 07 19 23 31 44 46").unwrap()
}

// ---------------------------------------------------------------------------------------------
// The 2023 Mazhilis election (shared/BRIEF.md §5).

#[test]
fn kz_2023_mazhilis_seats_are_hare_largest_remainder_over_the_qualified_votes() {
    let table = parse_votes_csv(KZ_2023_CSV).unwrap();
    assert_eq!(table.against_all, 248_291);
    let rules = AllocationRules {
        seats: 69,
        ..AllocationRules::kurultai(Method::Hare)
    };
    let r = allocate(&rules, &table.parties, table.against_all, None).unwrap();
    // The officially announced distribution.
    let official = [
        ("Amanat", 40),
        ("Auyl", 8),
        ("Respublica", 6),
        ("Aq Jol", 6),
        ("People's Party of Kazakhstan", 5),
        ("National Social Democratic Party", 4),
        ("Baytaq", 0),
    ];
    let computed: Vec<(&str, u32)> = r.seats().collect();
    assert_eq!(computed, official);
    // The threshold base is every valid ballot including "against all": 6,366,441, the
    // published turnout; Baytaq's 2.3% is of that base.
    assert_eq!(r.base_votes, 6_366_441);
    assert_eq!(r.qualified_votes, 5_971_719);
    assert_eq!(r.parties[0].share.percent(2), "53.90");
    assert_eq!(r.parties[6].share.percent(1), "2.3");
    assert_eq!(r.against_all_share.percent(2), "3.90");
    assert_eq!(r.qualified().count(), 6);
    assert!(r.ties.is_empty());
    // NSDP: 331,058 ≥ 5% of 6,366,441 = 318,322.05.
    assert!(r.parties[5].qualified && !r.parties[6].qualified);

    // The same seats with the threshold over party votes only (NSDP has 5.41% of them).
    let party_base = AllocationRules {
        base: ThresholdBase::PartyVotes,
        ..rules
    };
    let r2 = allocate(&party_base, &table.parties, table.against_all, None).unwrap();
    assert_eq!(r2.seats().collect::<Vec<_>>(), official);
}

#[test]
fn kz_2023_a_hare_quota_over_all_valid_ballots_would_not_reproduce_the_official_seats() {
    // The rule that does NOT apply: quota = all valid ballots / 69 (including "against all"
    // and Baytaq), remaining seats by largest remainder among the qualified parties.
    let table = parse_votes_csv(KZ_2023_CSV).unwrap();
    let all: u128 = 6_366_441;
    let qualified = &table.parties[..6];
    let mut s: Vec<u128> = qualified
        .iter()
        .map(|p| u128::from(p.votes) * 69 / all)
        .collect();
    let mut rem: Vec<(u128, usize)> = qualified
        .iter()
        .enumerate()
        .map(|(i, p)| (u128::from(p.votes) * 69 % all, i))
        .collect();
    rem.sort_by(|a, b| b.cmp(a));
    let mut left = 69 - s.iter().sum::<u128>();
    assert_eq!(left, 8, "8 seats left over for 6 parties");
    while left > 0 {
        for &(_, i) in &rem {
            if left > 0 {
                s[i] += 1;
                left -= 1;
            }
        }
    }
    assert_eq!(s, vec![38, 8, 7, 7, 5, 4]);
    assert_ne!(s, vec![40, 8, 6, 6, 5, 4]);
}

#[test]
fn float_baseline_agrees_with_the_exact_result_on_the_2023_votes() {
    let table = parse_votes_csv(KZ_2023_CSV).unwrap();
    for method in Method::ALL {
        for seats in [69, 98, 145] {
            for pct in ["0", "2", "3.9", "5", "7", "10"] {
                for base in [ThresholdBase::AllValid, ThresholdBase::PartyVotes] {
                    let rules = AllocationRules {
                        seats,
                        threshold: threshold_from_percent(pct).unwrap(),
                        base,
                        method,
                    };
                    let exact = allocate(&rules, &table.parties, table.against_all, None)
                        .map(|a| seats_of(&a));
                    let float = allocate_f64(&rules, &table.parties, table.against_all);
                    match (exact, float) {
                        (Ok(e), Ok(f)) => assert_eq!(e, f, "{method} {seats} {pct}% {base}"),
                        (Err(_), Err(_)) => {}
                        (e, f) => panic!("{method} {seats} {pct}%: {e:?} vs {f:?}"),
                    }
                }
            }
        }
    }
}

fn seats_of(a: &SeatAllocation) -> Vec<u32> {
    seats(a)
}

#[test]
fn kz_2023_under_every_method_for_the_record() {
    // Not official figures: what each method would have given in 2023 (69 seats, 5% of all
    // valid ballots). Recorded in docs/seats.md.
    let table = parse_votes_csv(KZ_2023_CSV).unwrap();
    let expect: [(Method, [u32; 7]); 8] = [
        (Method::Hare, [40, 8, 6, 6, 5, 4, 0]),
        (Method::Droop, [40, 8, 6, 6, 5, 4, 0]),
        (Method::DHondt, [41, 8, 6, 6, 5, 3, 0]),
        (Method::SainteLague, [40, 8, 6, 6, 5, 4, 0]),
        (Method::ModifiedSainteLague, [40, 8, 6, 6, 5, 4, 0]),
        (Method::Adams, [39, 8, 7, 6, 5, 4, 0]),
        (Method::HuntingtonHill, [40, 8, 6, 6, 5, 4, 0]),
        (Method::Imperiali, [43, 8, 6, 5, 4, 3, 0]),
    ];
    for (method, want) in expect {
        let rules = AllocationRules {
            seats: 69,
            ..AllocationRules::kurultai(method)
        };
        let r = allocate(&rules, &table.parties, table.against_all, None).unwrap();
        assert_eq!(seats(&r), want, "{method}");
    }
}

// ---------------------------------------------------------------------------------------------
// Textbook examples.

#[test]
fn largest_remainder_textbook_example() {
    // 100,000 votes, 10 seats. Hare quota 10,000; Droop quota ⌊100000/11⌋ + 1 = 9,091.
    let p = parties(&[
        ("Yellows", 47_000),
        ("Whites", 16_000),
        ("Reds", 15_800),
        ("Greens", 12_000),
        ("Blues", 6_100),
        ("Pinks", 3_100),
    ]);
    let hare = allocate(&rules(10, Method::Hare), &p, 0, None).unwrap();
    assert_eq!(seats(&hare), [5, 2, 1, 1, 1, 0]);
    let droop = allocate(&rules(10, Method::Droop), &p, 0, None).unwrap();
    assert_eq!(seats(&droop), [5, 2, 2, 1, 0, 0]);
}

#[test]
fn divisor_methods_textbook_example() {
    let p = parties(&[("A", 100_000), ("B", 80_000), ("C", 30_000), ("D", 20_000)]);
    let cases = [
        (Method::DHondt, [4, 3, 1, 0]),
        (Method::SainteLague, [3, 3, 1, 1]),
        (Method::Adams, [3, 3, 1, 1]),
        (Method::HuntingtonHill, [3, 3, 1, 1]),
        (Method::Imperiali, [5, 3, 0, 0]),
        (Method::Hare, [3, 3, 1, 1]),
        (Method::Droop, [4, 3, 1, 0]),
    ];
    for (method, want) in cases {
        let r = allocate(&rules(8, method), &p, 0, None).unwrap();
        assert_eq!(seats(&r), want, "{method}");
        assert!(r.ties.is_empty(), "{method}");
    }
    // Sainte-Laguë has an equal quotient 20,000 for A's third and D's first seat at seats 6
    // and 7: both win, so it is no tie that decides anything.

    // Modified Sainte-Laguë: the 8th seat is a tie between A's 4th quotient 100000/7 and D's
    // first 20000/1.4 = 100000/7 — exactly equal; A has more votes.
    let r = allocate(&rules(8, Method::ModifiedSainteLague), &p, 0, None).unwrap();
    assert_eq!(seats(&r), [4, 3, 1, 0]);
    assert_eq!(r.ties.len(), 1);
    assert_eq!(r.ties[0].tied, ["A", "D"]);
    assert_eq!(r.ties[0].winners, ["A"]);
    assert_eq!(
        (r.ties[0].first_seat, r.ties[0].rule),
        (8, TieRule::MoreVotes)
    );
}

#[test]
fn equal_quotient_is_decided_by_more_votes_and_recorded() {
    // D'Hondt, 9 seats: A's 5th (100000/5), B's 4th (80000/4) and D's 1st (20000/1) are all
    // 20,000 for the 9th seat: A has the most votes.
    let p = parties(&[("A", 100_000), ("B", 80_000), ("C", 30_000), ("D", 20_000)]);
    let r = allocate(&rules(9, Method::DHondt), &p, 0, None).unwrap();
    assert_eq!(seats(&r), [5, 3, 1, 0]);
    assert_eq!(r.ties.len(), 1);
    let t = &r.ties[0];
    assert_eq!((t.first_seat, t.seats), (9, 1));
    assert_eq!(t.equal, TieOn::Quotient);
    assert_eq!(t.rule, TieRule::MoreVotes);
    assert_eq!(t.tied, ["A", "B", "D"]);
    assert_eq!(t.winners, ["A"]);
    // 10 seats: seats 9 and 10 go to A and B.
    let r = allocate(&rules(10, Method::DHondt), &p, 0, None).unwrap();
    assert_eq!(seats(&r), [5, 4, 1, 0]);
    assert_eq!((r.ties[0].first_seat, r.ties[0].seats), (9, 2));
    assert_eq!(r.ties[0].winners, ["A", "B"]);
    // 11 seats: all three of them get one; nothing to decide.
    let r = allocate(&rules(11, Method::DHondt), &p, 0, None).unwrap();
    assert_eq!(seats(&r), [5, 4, 1, 1]);
    assert!(r.ties.is_empty());
}

// ---------------------------------------------------------------------------------------------
// The threshold.

fn qualified(votes: &[(&str, u64)], against_all: u64, pct: &str, base: ThresholdBase) -> Vec<bool> {
    let rules = AllocationRules {
        seats: 10,
        threshold: threshold_from_percent(pct).unwrap(),
        base,
        method: Method::Hare,
    };
    allocate(&rules, &parties(votes), against_all, None)
        .unwrap()
        .parties
        .iter()
        .map(|p| p.qualified)
        .collect()
}

#[test]
fn exactly_five_percent_qualifies_one_vote_less_does_not() {
    use ThresholdBase::*;
    // 5% of 2,000 is exactly 100.
    assert_eq!(
        qualified(&[("A", 1800), ("B", 100)], 100, "5", AllValid),
        [true, true]
    );
    assert_eq!(
        qualified(&[("A", 1801), ("B", 99)], 100, "5", AllValid),
        [true, false]
    );
    // The base matters: 50 of 1,100 valid ballots is 4.5%, but 50 of 1,000 party votes is 5%.
    assert_eq!(
        qualified(&[("A", 950), ("B", 50)], 100, "5", AllValid),
        [true, false]
    );
    assert_eq!(
        qualified(&[("A", 950), ("B", 50)], 100, "5", PartyVotes),
        [true, true]
    );
    // 7.5% exactly.
    assert_eq!(
        qualified(&[("A", 925), ("B", 75)], 0, "7.5", AllValid),
        [true, true]
    );
    assert_eq!(
        qualified(&[("A", 926), ("B", 74)], 0, "7.5", AllValid),
        [true, false]
    );
    // A 0% threshold still needs a vote.
    assert_eq!(
        qualified(&[("A", 10), ("B", 0)], 0, "0", AllValid),
        [true, false]
    );
    // 100%: only a party with every ballot.
    assert_eq!(
        qualified(&[("A", 10), ("B", 0)], 0, "100", AllValid),
        [true, false]
    );
}

proptest! {
    #[test]
    fn the_threshold_is_exact_at_the_boundary(
        num in 1u64..100, den_extra in 1u64..1000, scale in 1u64..10_000, other in 0u64..1_000_000
    ) {
        // threshold t = num/(num+den_extra) < 1; a party with votes v where v/base = t exactly.
        let den = num + den_extra;
        let t = Fraction { numerator: num, denominator: den };
        let base = den * scale; // v = num·scale has share exactly t
        let v = num * scale;
        prop_assume!(base > v);
        let rest = base - v;
        let against = rest.min(other);
        let big = rest - against;
        let rules = AllocationRules { seats: 7, threshold: t, base: ThresholdBase::AllValid, method: Method::DHondt };
        let run = |votes: u64, big: u64| {
            let p = vec![PartyVotes::new("P", votes), PartyVotes::new("Big", big.max(1))];
            allocate(&rules, &p, against, None)
        };
        if big >= 1 {
            let r = run(v, big).unwrap();
            prop_assert!(r.parties[0].qualified, "exactly at the threshold qualifies");
            // One vote fewer (moved to "Big", the base unchanged) is below.
            let r = run(v - 1, big + 1);
            if let Ok(r) = r {
                prop_assert!(!r.parties[0].qualified);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Ties and draws.

fn expected_ticket(seed: &str, seat: u32, party: &str) -> String {
    hex::encode(Sha256::digest(
        format!("{seed}\n{seat}\n{party}").as_bytes(),
    ))
}

#[test]
fn equal_votes_for_the_last_seat_need_the_seed_and_the_draw_is_reproducible() {
    for method in Method::ALL {
        // Two parties with equal votes for 3 seats (Adams/HH: each has one; the 3rd is tied).
        let p = parties(&[("Alpha", 5_000), ("Beta", 5_000)]);
        let r3 = rules(3, method);
        let err = allocate(&r3, &p, 0, None).unwrap_err();
        let AllocationError::SeedRequired {
            first_seat,
            seats,
            tied,
            ..
        } = &err
        else {
            panic!("{method}: {err:?}");
        };
        assert_eq!((*first_seat, *seats), (3, 1), "{method}");
        assert_eq!(tied, &["Alpha", "Beta"]);
        assert!(err.to_string().contains("--seed"), "{err}");

        let s = seed();
        let a = allocate(&r3, &p, 0, Some(&s)).unwrap();
        let b = allocate(&r3, &p, 0, Some(&s)).unwrap();
        assert_eq!(a, b, "same seed, same result");
        assert_eq!(a.total_seats(), 3);
        let draw = a.ties.last().unwrap();
        assert_eq!(draw.rule, TieRule::Draw);
        assert_eq!(draw.first_seat, 3);
        let ta = expected_ticket(s.as_str(), 3, "Alpha");
        let tb = expected_ticket(s.as_str(), 3, "Beta");
        let winner = if ta < tb { "Alpha" } else { "Beta" };
        assert_eq!(draw.winners, [winner], "{method}");
        assert_eq!(a.seats_of(winner), Some(2));
        assert_eq!(draw.tickets[0].party, winner);
        assert!(draw.tickets[0].sha256 == ta.clone().min(tb.clone()));
        let expected_equal = if method.is_largest_remainder() {
            TieOn::Remainder
        } else {
            TieOn::Quotient
        };
        assert_eq!(draw.equal, expected_equal);
    }
}

#[test]
fn different_seeds_can_give_the_seat_to_either_party() {
    let p = parties(&[("Alpha", 5_000), ("Beta", 5_000), ("Gamma", 1)]);
    let mut winners = std::collections::BTreeSet::new();
    for k in 0..20 {
        let s = TieSeed::new(format!("seed {k}")).unwrap();
        let r = allocate(&rules(1, Method::DHondt), &p, 0, Some(&s)).unwrap();
        winners.insert(r.ties[0].winners[0].clone());
    }
    assert_eq!(winners.len(), 2);
}

#[test]
fn a_draw_among_three_for_two_largest_remainders() {
    // Hare: 3 seats... 2 seats among three equal parties: quotas 2/3 each, no quota seat,
    // three equal remainders and equal votes for 2 seats: a draw for seats 1 and 2.
    let p = parties(&[("A", 300), ("B", 300), ("C", 300)]);
    let s = seed();
    let r = allocate(&rules(2, Method::Hare), &p, 0, Some(&s)).unwrap();
    assert_eq!(r.total_seats(), 2);
    let d = &r.ties[0];
    assert_eq!((d.first_seat, d.seats, d.rule), (1, 2, TieRule::Draw));
    let mut tickets: Vec<(String, &str)> = ["A", "B", "C"]
        .iter()
        .map(|&n| (expected_ticket(s.as_str(), 1, n), n))
        .collect();
    tickets.sort();
    let loser = tickets[2].1;
    assert_eq!(r.seats_of(loser), Some(0));
    assert!(!d.winners.contains(&loser.to_owned()));
}

#[test]
fn ties_that_decide_nothing_need_no_seed() {
    let p = parties(&[("A", 5_000), ("B", 5_000)]);
    for method in Method::ALL {
        let r = allocate(&rules(4, method), &p, 0, None).unwrap();
        assert_eq!(seats(&r), [2, 2], "{method}");
        assert!(r.ties.is_empty());
    }
}

#[test]
fn a_draw_after_more_votes_records_both() {
    // D'Hondt, 2 seats: A 200 (quotients 200, 100), B 100, C 100: the 2nd seat has three
    // quotients of 100; A has more votes and wins it... A: 200/2 = 100 with 200 votes.
    let p = parties(&[("A", 200), ("B", 100), ("C", 100)]);
    let r = allocate(&rules(2, Method::DHondt), &p, 0, None).unwrap();
    assert_eq!(seats(&r), [2, 0, 0]);
    assert_eq!(r.ties[0].rule, TieRule::MoreVotes);
    // 3 seats: A's 100 wins seat 2 on votes; B and C draw for seat 3.
    let s = seed();
    let r = allocate(&rules(3, Method::DHondt), &p, 0, Some(&s)).unwrap();
    assert_eq!(r.ties.len(), 2);
    assert_eq!(r.ties[0].rule, TieRule::MoreVotes);
    assert_eq!((r.ties[0].first_seat, r.ties[0].seats), (2, 2));
    assert_eq!(r.ties[1].rule, TieRule::Draw);
    assert_eq!((r.ties[1].first_seat, r.ties[1].seats), (3, 1));
    assert_eq!(r.ties[1].tied, ["B", "C"]);
    assert!(allocate(&rules(3, Method::DHondt), &p, 0, None).is_err());
}

// ---------------------------------------------------------------------------------------------
// Droop and quota seats.

#[test]
fn droop_quota_seats_never_exceed_the_house() {
    // With the exact Droop quota V/(S+1) = 50, both parties would get a quota seat for one
    // seat; with ⌊V/(S+1)⌋ + 1 = 51 neither does, and the seat goes by remainder.
    let p = parties(&[("A", 50), ("B", 50)]);
    let r = allocate(&rules(1, Method::Droop), &p, 0, Some(&seed())).unwrap();
    assert_eq!(r.total_seats(), 1);
    assert_eq!(r.ties[0].rule, TieRule::Draw);
    let p = parties(&[("A", 60), ("B", 40)]);
    let r = allocate(&rules(1, Method::Droop), &p, 0, None).unwrap();
    assert_eq!(seats(&r), [1, 0]);
}

#[test]
fn droop_can_exceed_the_hare_quota() {
    // Found by the property test: A's exact Hare quota is 1,289,260,250 / 3,484,488 =
    // 369.99991…, so Hare gives 370; the Droop quota 8,800 gives A 370 quota seats and the
    // largest remainder (7,950), 371 in all. Droop favours large parties.
    let p = parties(&[("A", 3_263_950), ("B", 151_600), ("C", 68_938)]);
    let droop = allocate(&rules(395, Method::Droop), &p, 0, None).unwrap();
    assert_eq!(seats(&droop), [371, 17, 7]);
    let hare = allocate(&rules(395, Method::Hare), &p, 0, None).unwrap();
    assert_eq!(seats(&hare), [370, 17, 8]);
}

#[test]
fn an_exact_tie_that_floating_point_gets_wrong() {
    // Found by `ashyq bench seats`: Droop quota ⌊525520/10⌋ + 1 = 52,553; A = 4q + 28,466 and
    // B = 3q + 28,466 have exactly equal remainders for the 9th seat, so A wins on votes. In
    // f64, A/q − 4 and B/q − 3 differ in the last bit and the seat goes to B.
    let p = parties(&[("A", 238_678), ("B", 186_125), ("C", 24_000), ("D", 76_717)]);
    let exact = allocate(&rules(9, Method::Droop), &p, 0, None).unwrap();
    assert_eq!(seats(&exact), [5, 3, 0, 1]);
    let t = &exact.ties[0];
    assert_eq!(
        (t.equal, t.rule, t.first_seat),
        (TieOn::Remainder, TieRule::MoreVotes, 9)
    );
    assert_eq!(t.tied, ["A", "B"]);
    let float = allocate_f64(&rules(9, Method::Droop), &p, 0).unwrap();
    assert_eq!(float, [4, 4, 0, 1]);
}

#[test]
fn droop_with_more_seats_left_than_parties_goes_round_again() {
    // 3 votes, 10 seats: quota ⌊3/11⌋ + 1 = 1, quota seats 2 + 1, 7 left for 2 parties:
    // 3 full rounds, then the 7th by remainder (both 0) → more votes.
    let p = parties(&[("A", 2), ("B", 1)]);
    let r = allocate(&rules(10, Method::Droop), &p, 0, None).unwrap();
    assert_eq!(seats(&r), [6, 4]);
    assert_eq!(r.ties[0].equal, TieOn::Remainder);
    assert_eq!(r.ties[0].rule, TieRule::MoreVotes);
}

// ---------------------------------------------------------------------------------------------
// Errors.

#[test]
fn bad_input_is_refused_with_a_reason() {
    let ok = parties(&[("A", 10), ("B", 5)]);
    let r = rules(5, Method::DHondt);
    assert_eq!(
        allocate(&rules(0, Method::DHondt), &ok, 0, None),
        Err(AllocationError::NoSeats)
    );
    assert!(matches!(
        allocate(&rules(MAX_SEATS + 1, Method::DHondt), &ok, 0, None),
        Err(AllocationError::TooManySeats(_))
    ));
    assert_eq!(allocate(&r, &[], 0, None), Err(AllocationError::NoParties));
    assert_eq!(
        allocate(&r, &parties(&[("A", 1), (" ", 1)]), 0, None),
        Err(AllocationError::EmptyName { position: 2 })
    );
    assert_eq!(
        allocate(&r, &parties(&[("A", 1), ("A", 2)]), 0, None),
        Err(AllocationError::DuplicateParty("A".into()))
    );
    let many: Vec<PartyVotes> = (0..40)
        .map(|i| PartyVotes::new(format!("P{}", i % 39), 1))
        .collect();
    assert_eq!(
        allocate(&r, &many, 0, None),
        Err(AllocationError::DuplicateParty("P0".into()))
    );
    assert!(matches!(
        allocate(&r, &parties(&[("A", 1), ("Against All", 2)]), 0, None),
        Err(AllocationError::AgainstAllAsParty(_))
    ));
    assert!(matches!(
        allocate(&r, &parties(&[("A", MAX_TOTAL_VOTES), ("B", 0)]), 1, None),
        Err(AllocationError::VotesTooLarge(_))
    ));
    assert!(matches!(
        allocate(
            &r,
            &parties(&[("A", u64::MAX), ("B", u64::MAX)]),
            u64::MAX,
            None
        ),
        Err(AllocationError::VotesTooLarge(_))
    ));
    let five = AllocationRules {
        threshold: FIVE_PERCENT,
        ..r
    };
    let e = allocate(&five, &parties(&[("A", 4), ("B", 4)]), 100, None).unwrap_err();
    assert!(matches!(e, AllocationError::NoQualifyingParty { .. }));
    assert!(
        e.to_string()
            .contains("no party reached the threshold of 5% of 108 votes"),
        "{e}"
    );
    let e = allocate(&r, &parties(&[("A", 0), ("B", 0)]), 0, None).unwrap_err();
    assert!(matches!(e, AllocationError::NoQualifyingParty { .. }));
    let bad_t = AllocationRules {
        threshold: Fraction {
            numerator: 1,
            denominator: 0,
        },
        ..r
    };
    assert!(matches!(
        allocate(&bad_t, &ok, 0, None),
        Err(AllocationError::InvalidThreshold(_))
    ));
    let bad_t = AllocationRules {
        threshold: Fraction {
            numerator: 3,
            denominator: 2,
        },
        ..r
    };
    assert!(matches!(
        allocate(&bad_t, &ok, 0, None),
        Err(AllocationError::InvalidThreshold(_))
    ));
    for m in [Method::Adams, Method::HuntingtonHill] {
        let e = allocate(&rules(1, m), &ok, 0, None).unwrap_err();
        assert_eq!(
            e,
            AllocationError::MoreQualifiedPartiesThanSeats {
                method: m,
                parties: 2,
                seats: 1
            }
        );
        assert!(e.to_string().contains("add seats"), "{e}");
        assert_eq!(
            seats(&allocate(&rules(2, m), &ok, 0, None).unwrap()),
            [1, 1]
        );
    }
}

#[test]
fn the_largest_input_is_exact_and_does_not_overflow() {
    // 10^10 votes and 10^6 seats: Huntington–Hill compares v²·n(n+1) up to ~10^32 in u128.
    let p = parties(&[("A", MAX_TOTAL_VOTES - 3), ("B", 1), ("C", 1), ("D", 1)]);
    for method in Method::ALL {
        let r = allocate(&rules(MAX_SEATS, method), &p, 0, Some(&seed())).unwrap();
        assert_eq!(r.total_seats(), MAX_SEATS, "{method}");
        if method.first_seat_for_all() {
            assert_eq!(r.seats_of("B"), Some(1));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// A naive exact divisor method for comparison: every quotient v/d(k), k < S, as a rational
/// (Huntington–Hill squared), sorted; the S largest win (ties: more votes, then input order).
fn naive_divisor(method: Method, votes: &[u64], qualified: &[bool], seats: u32) -> Vec<u32> {
    // (infinite?, value, votes, index)
    let mut all: Vec<(bool, Ratio<u128>, u64, usize)> = Vec::new();
    for (i, &v) in votes.iter().enumerate() {
        if !qualified[i] {
            continue;
        }
        for k in 0..u128::from(seats) {
            let v = u128::from(v);
            let q = match method {
                Method::DHondt => Some(Ratio::new(v, k + 1)),
                Method::SainteLague => Some(Ratio::new(v, 2 * k + 1)),
                Method::ModifiedSainteLague if k == 0 => Some(Ratio::new(5 * v, 7)),
                Method::ModifiedSainteLague => Some(Ratio::new(v, 2 * k + 1)),
                Method::Adams if k == 0 => None,
                Method::Adams => Some(Ratio::new(v, k)),
                Method::HuntingtonHill if k == 0 => None,
                Method::HuntingtonHill => Some(Ratio::new(v * v, k * (k + 1))),
                Method::Imperiali => Some(Ratio::new(v, k + 2)),
                _ => unreachable!(),
            };
            all.push((q.is_none(), q.unwrap_or_default(), votes[i], i));
        }
    }
    all.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.cmp(&a.2))
            .then(a.3.cmp(&b.3))
    });
    let mut out = vec![0; votes.len()];
    for e in all.iter().take(seats as usize) {
        out[e.3] += 1;
    }
    out
}

fn arb_method() -> impl Strategy<Value = Method> {
    proptest::sample::select(Method::ALL.to_vec())
}

fn arb_divisor() -> impl Strategy<Value = Method> {
    proptest::sample::select(
        Method::ALL
            .into_iter()
            .filter(|m| !m.is_largest_remainder())
            .collect::<Vec<_>>(),
    )
}

fn named(votes: &[u64]) -> Vec<PartyVotes> {
    votes
        .iter()
        .enumerate()
        .map(|(i, &v)| PartyVotes::new(format!("P{i}"), v))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn seats_add_up_and_only_qualified_parties_get_them(
        votes in prop::collection::vec(0u64..2_000_000, 1..14),
        against in 0u64..300_000,
        seats in 1u32..300,
        pct in 0u64..=12,
        method in arb_method(),
        party_base in any::<bool>(),
    ) {
        let rules = AllocationRules {
            seats,
            threshold: Fraction { numerator: pct, denominator: 100 },
            base: if party_base { ThresholdBase::PartyVotes } else { ThresholdBase::AllValid },
            method,
        };
        let p = named(&votes);
        match allocate(&rules, &p, against, Some(&seed())) {
            Ok(r) => {
                prop_assert_eq!(r.total_seats(), seats);
                for pr in &r.parties {
                    prop_assert!(pr.qualified || pr.seats == 0);
                    // The threshold, exactly: votes·100 ≥ pct·base.
                    prop_assert_eq!(pr.qualified, pr.votes > 0 && u128::from(pr.votes) * 100 >= u128::from(pct) * u128::from(r.base_votes));
                }
                let counts = allocate_counts(&rules, &p, against, Some(&seed())).unwrap();
                prop_assert_eq!(counts.seats, seats_of(&r));
            }
            Err(AllocationError::NoQualifyingParty { .. }) => {
                let base = votes.iter().sum::<u64>() + if party_base { 0 } else { against };
                prop_assert!(votes.iter().all(|&v| v == 0 || v * 100 < pct * base));
            }
            Err(AllocationError::MoreQualifiedPartiesThanSeats { parties, .. }) => {
                prop_assert!(method.first_seat_for_all() && parties > seats as usize);
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn hare_meets_the_quota_rule(
        votes in prop::collection::vec(1u64..5_000_000, 1..14),
        seats in 1u32..400,
    ) {
        // Each party gets ⌊v·S/V⌋ or ⌈v·S/V⌉ seats, V = the qualified parties' votes (all here).
        let r = allocate(&rules(seats, Method::Hare), &named(&votes), 0, Some(&seed())).unwrap();
        let total: u128 = votes.iter().map(|&v| u128::from(v)).sum();
        for (pr, &v) in r.parties.iter().zip(&votes) {
            let num = u128::from(v) * u128::from(seats);
            let lower = num / total;
            let upper = num.div_ceil(total);
            prop_assert!((lower..=upper).contains(&u128::from(pr.seats)));
        }
    }

    #[test]
    fn droop_meets_its_own_quota_rule(
        votes in prop::collection::vec(1u64..5_000_000, 1..14),
        seats in 1u32..400,
    ) {
        // With q = ⌊V/(S+1)⌋ + 1 each party gets ⌊v/q⌋ or ⌊v/q⌋ + 1 seats whenever fewer
        // seats are left over than there are parties, which V ≥ S² guarantees (docs/seats.md).
        // (Not ⌊v·S/V⌋ or ⌈v·S/V⌉: see `droop_can_exceed_the_hare_quota`.)
        let total: u64 = votes.iter().sum();
        prop_assume!(u128::from(total) >= u128::from(seats) * u128::from(seats));
        let r = allocate(&rules(seats, Method::Droop), &named(&votes), 0, Some(&seed())).unwrap();
        let q = total / (u64::from(seats) + 1) + 1;
        for (pr, &v) in r.parties.iter().zip(&votes) {
            let s = u64::from(pr.seats);
            prop_assert!(s == v / q || s == v / q + 1);
        }
    }

    #[test]
    fn divisor_methods_are_house_monotone(
        votes in prop::collection::vec(0u64..1_000_000, 1..10),
        seats in 1u32..200,
        method in arb_divisor(),
    ) {
        let p = named(&votes);
        let s = seed();
        let (Ok(a), Ok(b)) = (
            allocate(&rules(seats, method), &p, 0, Some(&s)),
            allocate(&rules(seats + 1, method), &p, 0, Some(&s)),
        ) else {
            return Ok(());
        };
        for (x, y) in a.parties.iter().zip(&b.parties) {
            prop_assert!(y.seats >= x.seats, "{} lost a seat going to {} seats", x.party, seats + 1);
        }
    }

    #[test]
    fn with_a_divisor_method_more_votes_never_cost_a_seat(
        votes in prop::collection::vec(0u64..1_000_000, 1..10),
        who in 0usize..10,
        extra in 1u64..500_000,
        seats in 1u32..200,
        pct in 0u64..=8,
        method in arb_divisor(),
    ) {
        let who = who % votes.len();
        let rules = AllocationRules {
            threshold: Fraction { numerator: pct, denominator: 100 },
            ..rules(seats, method)
        };
        let s = seed();
        let before = allocate(&rules, &named(&votes), 50_000, Some(&s));
        let mut more = votes.clone();
        more[who] += extra;
        let after = allocate(&rules, &named(&more), 50_000, Some(&s));
        if let (Ok(a), Ok(b)) = (before, after) {
            prop_assert!(b.parties[who].seats >= a.parties[who].seats);
        }
    }

    #[test]
    fn divisor_methods_agree_with_a_naive_implementation(
        votes in prop::collection::vec(0u64..100_000, 1..9),
        seats in 1u32..120,
        method in arb_divisor(),
    ) {
        let r = allocate(&rules(seats, method), &named(&votes), 0, Some(&seed()));
        let Ok(r) = r else { return Ok(()); };
        prop_assume!(r.ties.iter().all(|t| t.rule != TieRule::Draw));
        let q: Vec<bool> = r.parties.iter().map(|p| p.qualified).collect();
        prop_assert_eq!(seats_of(&r), naive_divisor(method, &votes, &q, seats));
    }

    #[test]
    fn many_parties_and_skewed_votes_agree_with_the_naive_implementation(
        mut votes in prop::collection::vec(0u64..200_000, 15..60),
        big in 0u64..50_000_000,
        seats in 1u32..240,
        method in arb_divisor(),
    ) {
        // Exercises both lower bounds (tight and safe) and their fallback to zero.
        votes[0] += big;
        let r = allocate(&rules(seats, method), &named(&votes), 0, Some(&seed()));
        let Ok(r) = r else { return Ok(()); };
        prop_assume!(r.ties.iter().all(|t| t.rule != TieRule::Draw));
        let q: Vec<bool> = r.parties.iter().map(|p| p.qualified).collect();
        prop_assert_eq!(seats_of(&r), naive_divisor(method, &votes, &q, seats));
    }

    #[test]
    fn small_vote_counts_with_many_ties_still_add_up(
        votes in prop::collection::vec(0u64..6, 1..8),
        seats in 1u32..30,
        method in arb_method(),
    ) {
        if let Ok(r) = allocate(&rules(seats, method), &named(&votes), 0, Some(&seed())) {
            prop_assert_eq!(r.total_seats(), seats);
            let q: Vec<bool> = r.parties.iter().map(|p| p.qualified).collect();
            if !method.is_largest_remainder() && r.ties.iter().all(|t| t.rule != TieRule::Draw) {
                prop_assert_eq!(seats_of(&r), naive_divisor(method, &votes, &q, seats));
            }
        }
    }

    #[test]
    fn float_baseline_sums_to_the_house_too(
        votes in prop::collection::vec(1u64..3_000_000, 1..12),
        seats in 12u32..300,
        method in arb_method(),
    ) {
        let f = allocate_f64(&rules(seats, method), &named(&votes), 0).unwrap();
        prop_assert_eq!(f.iter().sum::<u32>(), seats);
    }
}

// ---------------------------------------------------------------------------------------------
// The picture.

#[test]
fn the_hemicycle_has_one_circle_per_seat_in_party_colours() {
    let table = parse_votes_csv(KZ_2023_CSV).unwrap();
    let rules = AllocationRules {
        seats: 69,
        ..AllocationRules::kurultai(Method::Hare)
    };
    let r = allocate(&rules, &table.parties, table.against_all, None).unwrap();
    let mut colours = vec![None; 7];
    colours[0] = Some("#00aaff".to_owned());
    let svg = hemicycle_svg(&r, "Mazhilis 2023 <party lists>", &colours);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("class=\"seat\"").count(), 69);
    assert!(svg.contains("Mazhilis 2023 &lt;party lists&gt;"));
    assert!(svg.contains("People&#39;s Party of Kazakhstan — 5 seats"));
    // Amanat's group, in the colour given, holds its 40 seats.
    let amanat = svg.split("<g fill=\"#00aaff\">").nth(1).unwrap();
    let amanat = amanat.split("</g>").next().unwrap();
    assert_eq!(amanat.matches("class=\"seat\"").count(), 40);
    assert!(svg.contains("Below the threshold: Baytaq 2.30%"));
    assert!(svg.trim_end().ends_with("</svg>"));
}
