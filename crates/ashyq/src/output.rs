//! What the commands print: tables for people, JSON and CSV for programs, progress bars.

use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::{Result, anyhow};
use ashyq_core::receipt::Receipt;
use ashyq_core::referendum::ReferendumDefinition;
use ashyq_core::report::{RegionDocument, ResultsDocument};
use ashyq_core::tally::{RegionResult, ResultsTree, Totals};
use ashyq_core::territory::Territory;
use indicatif::{ProgressBar, ProgressStyle};

/// `12482613` → `12,482,613`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A progress bar on a terminal; hidden otherwise (long jobs then log their progress).
pub fn progress(len: u64, what: &str) -> ProgressBar {
    bar(
        len,
        what,
        "{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
    )
}

/// A progress bar over bytes.
pub fn progress_bytes(len: u64, what: &str) -> ProgressBar {
    bar(
        len,
        what,
        "{msg:>12} [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
    )
}

/// A spinner for a step of unknown length (one long query); hidden off a terminal.
pub fn spinner(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn bar(len: u64, what: &str, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

pub fn print_receipt(r: &Receipt) {
    println!(
        "precinct {}: {:?} — protocol {} at log entry {} ({})",
        r.precinct, r.status, r.protocol_hash, r.seq, r.entry_hash
    );
    for w in &r.warnings {
        println!("  warning, flagged for review: {w}");
    }
}

/// The national result with its keys (`eligible`, `participated`, `yes`, `no`, `invalid`,
/// `turnout`, `valid`, `adopted`, …) and a summary of every region.
pub fn national_json(tree: &ResultsTree) -> String {
    serde_json::to_string_pretty(&ResultsDocument::of(tree)).expect("a summary always serializes")
        + "\n"
}

fn find_region<'a>(tree: &'a ResultsTree, code: &str) -> Result<&'a RegionResult> {
    tree.regions
        .iter()
        .find(|r| r.code.0.eq_ignore_ascii_case(code))
        .ok_or_else(|| {
            let codes: Vec<&str> = tree.regions.iter().map(|r| r.code.0.as_str()).collect();
            anyhow!("no region {code:?}; regions: {}", codes.join(", "))
        })
}

pub fn region_json(tree: &ResultsTree, code: &str) -> Result<String> {
    find_region(tree, code)?;
    let doc = RegionDocument::of(tree, code).expect("the region exists");
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

pub fn region_csv(tree: &ResultsTree, code: &str) -> Result<String> {
    let r = find_region(tree, code)?;
    let single = ResultsTree {
        regions: vec![r.clone()],
        ..tree.clone()
    };
    let full = ashyq_core::report::results_csv(&single, ashyq_core::report::Level::District);
    // Drop the national row: this export is about the region.
    Ok(full
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| format!("{l}\n"))
        .collect())
}

fn row(out: &mut String, name: &str, t: &Totals) {
    let _ = writeln!(
        out,
        "{name:<34} {:>13} {:>11} {:>11} {:>7}% {:>11} {:>7}% {:>9} {:>8}",
        format!(
            "{}/{}",
            thousands(t.precincts_reported),
            thousands(t.precincts)
        ),
        thousands(t.eligible()),
        thousands(t.participated()),
        t.turnout().percent(2),
        thousands(t.lines.yes),
        t.yes_share().percent(2),
        thousands(t.lines.no),
        thousands(t.lines.invalid),
    );
}

fn header(out: &mut String, first: &str) {
    let _ = writeln!(
        out,
        "{first:<34} {:>13} {:>11} {:>11} {:>8} {:>11} {:>8} {:>9} {:>8}",
        "reported", "eligible", "took part", "turnout", "yes", "yes %", "no", "invalid"
    );
}

pub fn national_table(def: &ReferendumDefinition, tree: &ResultsTree) -> String {
    let mut out = String::new();
    let n = &tree.national;
    let _ = writeln!(out, "{} — {}", def.title.en, def.voting_day);
    let _ = writeln!(out, "Question: {}", def.question.en);
    let _ = writeln!(
        out,
        "Status: {:?}; {} of {} precincts reported ({}%), {}% of registered voters covered; {} open conflicts; {} protocols with warnings",
        tree.status,
        thousands(n.precincts_reported),
        thousands(n.precincts),
        n.precincts_progress().percent(2),
        n.eligible_coverage().percent(2),
        tree.open_conflicts,
        n.precincts_with_warnings,
    );
    let _ = writeln!(out);
    header(&mut out, "unit");
    for r in &tree.regions {
        row(&mut out, &r.names.en, &r.totals);
    }
    row(&mut out, "NATIONAL", n);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Both answers marked (valid, not counted): {}; ballots issued but not found: {}",
        thousands(n.lines.both_marked),
        thousands(
            n.lines
                .ballots
                .ballots_issued
                .saturating_sub(n.lines.ballots.ballots_found)
        )
    );
    let _ = writeln!(out, "{}", tree.outcome.validity_reason);
    let _ = writeln!(out, "{}", tree.outcome.adoption_reason);
    out
}

pub fn region_table(tree: &ResultsTree, code: &str) -> Result<String> {
    let r = find_region(tree, code)?;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}) — {:?}", r.names.en, r.code, tree.status);
    header(&mut out, "district");
    for d in &r.districts {
        row(&mut out, &d.names.en, &d.totals);
    }
    row(&mut out, &r.names.en.to_uppercase(), &r.totals);
    Ok(out)
}

/// One line about a territory: how many regions, districts, precincts and voters.
pub fn territory_summary(t: &Territory) -> String {
    format!(
        "{} regions, {} districts, {} precincts, {} registered voters",
        t.regions.len(),
        thousands(t.districts.len() as u64),
        thousands(t.precincts.len() as u64),
        thousands(t.registered_voters())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(12_482_613), "12,482,613");
    }
}
