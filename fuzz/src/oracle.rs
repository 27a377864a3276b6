//! Independent statements of what must hold, checked against ashyq-core.

use ashyq_core::protocol::{
    self, ControlRule, MAX_LINE, PrecinctProtocol, ProtocolLines, Severity,
};
use ashyq_core::referendum::{AdoptionRule, ReferendumDefinition};
use ashyq_core::share::{Fraction, Share};
use ashyq_core::tally::{ResultStatus, ResultsTree, Totals};
use ashyq_core::territory::UnitKind;

/// The broken rules, errors then warnings, in [`ControlRule::ALL`] order, computed in `u128`
/// straight from the statements of the rules.
pub fn expected_rules(l: &ProtocolLines) -> (Vec<ControlRule>, Vec<ControlRule>) {
    let w = u128::from;
    if l.named().iter().any(|(_, v)| *v > MAX_LINE) {
        return (vec![ControlRule::LinesWithinBounds], vec![]);
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if w(l.ballots.voters_added_on_day) + w(l.ballots.voters_added_absentee)
        > w(l.ballots.voters_on_list)
    {
        errors.push(ControlRule::AdditionsWithinList);
    }
    if w(l.ballots.ballots_received) != w(l.ballots.ballots_issued) + w(l.ballots.ballots_cancelled)
    {
        errors.push(ControlRule::BallotsReceivedAccounted);
    }
    if l.ballots.ballots_issued > l.ballots.voters_on_list {
        errors.push(ControlRule::IssuedWithinList);
    }
    if w(l.ballots.ballots_found) != w(l.yes) + w(l.no) + w(l.both_marked) + w(l.invalid) {
        errors.push(ControlRule::FoundBallotsCounted);
    }
    if l.ballots.ballots_found > l.ballots.ballots_issued {
        errors.push(ControlRule::FoundWithinIssued);
    }
    if l.ballots.ballots_found < l.ballots.ballots_issued {
        warnings.push(ControlRule::FewerFoundThanIssued);
    }
    if l.ballots.voters_on_list > 0 && l.ballots.ballots_issued == l.ballots.voters_on_list {
        warnings.push(ControlRule::EveryVoterTookPart);
    }
    (errors, warnings)
}

/// Runs `protocol::check` and asserts it reports exactly the rules [`expected_rules`] names,
/// with the right severities, and that an accepted protocol reconciles.
pub fn check_lines(l: &ProtocolLines) {
    let c = protocol::check(l);
    let (errors, warnings) = expected_rules(l);
    let got_errors: Vec<ControlRule> = c.errors.iter().map(|v| v.rule).collect();
    let got_warnings: Vec<ControlRule> = c.warnings.iter().map(|v| v.rule).collect();
    assert_eq!(got_errors, errors, "errors of {l:?}");
    assert_eq!(got_warnings, warnings, "warnings of {l:?}");
    for v in &c.errors {
        assert_eq!(v.severity, Severity::Error, "{v:?}");
        assert_eq!(v.rule.severity(), Severity::Error, "{v:?}");
        assert!(!v.detail.is_empty(), "{v:?}");
        let _ = v.to_string();
    }
    for v in &c.warnings {
        assert_eq!(v.severity, Severity::Warning, "{v:?}");
        assert_eq!(v.rule.severity(), Severity::Warning, "{v:?}");
        assert!(!v.detail.is_empty(), "{v:?}");
        let _ = v.to_string();
    }
    assert_eq!(c.accepted(), c.errors.is_empty());
    if c.accepted() {
        // Bounded first, so the sums below cannot overflow.
        for (name, v) in l.named() {
            assert!(v <= MAX_LINE, "accepted with {name} = {v} > {MAX_LINE}");
        }
        assert_eq!(
            l.ballots.ballots_received,
            l.ballots.ballots_issued + l.ballots.ballots_cancelled,
            "accepted but ballots_received ≠ issued + cancelled: {l:?}"
        );
        assert_eq!(
            l.ballots.ballots_found,
            l.yes + l.no + l.both_marked + l.invalid,
            "accepted but ballots_found ≠ yes + no + both_marked + invalid: {l:?}"
        );
        assert!(
            l.ballots.ballots_found <= l.ballots.ballots_issued,
            "accepted but ballots_found > ballots_issued: {l:?}"
        );
        assert!(
            l.ballots.ballots_issued <= l.ballots.voters_on_list,
            "accepted but ballots_issued > voters_on_list: {l:?}"
        );
        assert!(
            l.ballots.voters_added_on_day + l.ballots.voters_added_absentee
                <= l.ballots.voters_on_list,
            "accepted but additions exceed the list: {l:?}"
        );
    }
}

/// [`check_lines`] for each protocol, then: CSV and JSON exports read back to the same
/// protocols, and the content hash is a function of the value.
pub fn check_protocols(ps: &[PrecinctProtocol]) {
    assert!(!ps.is_empty(), "a parser returned Ok with no protocol");
    for p in ps {
        check_lines(&p.lines);
        assert_eq!(p.content_hash(), p.clone().content_hash());
    }
    let csv = protocol::to_csv(ps);
    match protocol::parse_csv(&csv) {
        Ok(back) => assert!(
            back == ps
                || (cfg!(feature = "tolerate-known-findings") && equal_but_trimmed(&back, ps)),
            "to_csv → parse_csv changed the protocols\n before: {ps:?}\n after:  {back:?}\n csv: {csv:?}"
        ),
        Err(e) => {
            panic!("parse_csv refuses what to_csv wrote: {e}\n protocols: {ps:?}\n csv: {csv:?}")
        }
    }
    let json = serde_json::to_string(ps).expect("protocols serialize");
    match protocol::parse_json(&json) {
        Ok(back) => assert!(back == ps, "JSON round trip changed {ps:?} into {back:?}"),
        Err(e) => panic!("parse_json refuses the JSON of parsed protocols: {e}\n json: {json}"),
    }
}

/// Finding 1 (regressions/protocol_json/): `parse_json` accepted a referendum id with
/// surrounding whitespace, which `parse_csv` then trimmed, so `to_csv` → `parse_csv` changed
/// it. With feature `tolerate-known-findings` only that difference is let through, so a run
/// can look for anything else. (Since `ContestId::parse` checks every id, the case no
/// longer arises and the feature changes nothing.)
fn equal_but_trimmed(back: &[PrecinctProtocol], ps: &[PrecinctProtocol]) -> bool {
    back.len() == ps.len()
        && back.iter().zip(ps).all(|(b, p)| {
            b.precinct == p.precinct
                && b.lines == p.lines
                && b.referendum.0 == p.referendum.0.trim()
        })
}

/// Totals of reported precincts satisfy the sums of the control ratios, since each applied
/// protocol does and they are linear.
pub fn check_totals(t: &Totals, what: &str) {
    assert!(t.precincts_reported <= t.precincts, "{what}: {t:?}");
    assert!(
        t.registered_voters_reported <= t.registered_voters,
        "{what}: {t:?}"
    );
    assert!(
        t.precincts_with_warnings <= t.precincts_reported,
        "{what}: {t:?}"
    );
    let l = &t.lines;
    assert_eq!(
        l.ballots.ballots_received,
        l.ballots.ballots_issued + l.ballots.ballots_cancelled,
        "{what}: {t:?}"
    );
    assert_eq!(
        l.ballots.ballots_found,
        l.yes + l.no + l.both_marked + l.invalid,
        "{what}: {t:?}"
    );
    assert!(
        l.ballots.ballots_found <= l.ballots.ballots_issued,
        "{what}: {t:?}"
    );
    assert!(
        l.ballots.ballots_issued <= l.ballots.voters_on_list,
        "{what}: {t:?}"
    );
    if t.precincts_reported == 0 {
        assert_eq!(
            *l,
            ProtocolLines::default(),
            "{what}: nothing reported but {t:?}"
        );
    }
}

/// The levels of a result add up (districts → region → nation), every level reconciles, the
/// shares are the stated ratios and the status follows from completeness and conflicts.
pub fn check_tree(t: &ResultsTree) {
    let mut national = Totals::default();
    for r in &t.regions {
        let mut region = Totals::default();
        for d in &r.districts {
            check_totals(&d.totals, &format!("district {}", d.id));
            region.merge(&d.totals);
        }
        assert_eq!(
            region, r.totals,
            "region {} is not the sum of its districts",
            r.code
        );
        check_totals(&r.totals, &format!("region {}", r.code));
        national.merge(&r.totals);
    }
    assert_eq!(
        national, t.national,
        "the nation is not the sum of its regions"
    );
    check_totals(&t.national, "national");
    let n = &t.national.lines;
    assert_eq!(
        t.outcome.turnout,
        Share::new(n.ballots.ballots_issued, n.ballots.voters_on_list)
    );
    assert_eq!(
        t.outcome.yes_share,
        Share::new(n.yes, n.ballots.ballots_issued)
    );
    assert!(
        t.outcome.valid || !t.outcome.adopted,
        "adopted but not valid: {:?}",
        t.outcome
    );
    let settled = t.national.complete() && t.open_conflicts == 0;
    match t.status {
        ResultStatus::Preliminary => assert!(!settled, "{:?} yet complete and settled", t.status),
        ResultStatus::Final | ResultStatus::Certified => {
            assert!(
                settled,
                "{:?} with {} open conflicts, {t:?}",
                t.status, t.open_conflicts
            )
        }
    }
}

/// `a / b > f` exactly (a share of an empty whole is 0).
fn exceeds(a: u64, b: u64, f: Fraction) -> bool {
    b > 0
        && u128::from(a) * u128::from(f.denominator.max(1))
            > u128::from(f.numerator) * u128::from(b)
}

/// The outcome restated from the definition: validity, adoption and the units in favour.
pub fn check_outcome(def: &ReferendumDefinition, t: &ResultsTree) {
    let n = &t.national.lines;
    let valid = exceeds(
        n.ballots.ballots_issued,
        n.ballots.voters_on_list,
        def.validity.min_turnout,
    );
    assert_eq!(t.outcome.valid, valid, "validity of {:?}", t.outcome);
    match def.adoption {
        AdoptionRule::NationalMajority { share } => {
            let adopted = valid && exceeds(n.yes, n.ballots.ballots_issued, share);
            assert_eq!(t.outcome.adopted, adopted, "adoption of {:?}", t.outcome);
            assert_eq!(t.outcome.units_in_favour, None);
        }
        AdoptionRule::RegionalMajority { share, units } => {
            let counted: Vec<_> = t
                .regions
                .iter()
                .filter(|r| r.kind != UnitKind::Abroad)
                .collect();
            let total = counted.len() as u64;
            let in_favour = counted
                .iter()
                .filter(|r| {
                    exceeds(
                        r.totals.lines.yes,
                        r.totals.lines.ballots.ballots_issued,
                        share,
                    )
                })
                .count() as u64;
            // At least `units` of them: in_favour / total ≥ units.
            let enough = total > 0
                && u128::from(in_favour) * u128::from(units.denominator.max(1))
                    >= u128::from(units.numerator) * u128::from(total);
            assert_eq!(t.outcome.units_in_favour, Some((in_favour, total)));
            assert_eq!(
                t.outcome.adopted,
                valid && enough,
                "adoption of {:?}",
                t.outcome
            );
        }
    }
}
