//! `ashyq seats`: proportional seat allocation from a votes file (table, JSON, CSV and a
//! hemicycle SVG), and `ashyq bench seats`: the exact allocation against a floating-point
//! baseline. Needs no database.

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ashyq_core::seats::float::allocate_f64;
use ashyq_core::seats::hemicycle::hemicycle_svg;
use ashyq_core::seats::{
    AllocationRules, KURULTAI_SEATS, Method, PartyVotes, SeatAllocation, ThresholdBase, TieRule,
    TieSeed, allocate, allocate_counts, parse_votes_csv, threshold_from_percent,
};
use ashyq_core::share::{Fraction, Share};
use clap::{Args, ValueEnum};
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::output::thousands;

/// Allocate seats proportionally from a votes file.
#[derive(Args)]
#[command(after_help = "Examples:
  ashyq seats votes.csv                                   # Kurultai: 145 seats, 5%, Hare
  ashyq seats --seats 69 --threshold 5 --method hare kz-2023.csv   # the 2023 Mazhilis seats
  ashyq seats --method dhondt --threshold 7.5 --base party-votes votes.csv
  ashyq seats votes.csv --format json | jq .seats
  ashyq seats votes.csv --svg kurultai.svg --title \"Kurultai 2026\"
  ashyq seats votes.csv --seed \"$(cat published-seed.txt)\"      # when a tie needs a draw

The votes file is CSV with the columns party,votes and optionally colour (#rrggbb):
  party,votes,colour
  Amanat,3431510,#1f77b4
  Auyl,693938,
  against all,248291
The row \"against all\" (any case) counts towards the all-valid threshold base and never
gets seats. A party qualifies with at least the threshold share of the base (5% qualifies at
5%). A tie for the last seat goes to the party with more votes, then to a draw from --seed,
the text published before the count: SHA-256(seed \\n seat \\n party), lowest first. Without
a seed such a tie is an error. Methods and formulas: docs/seats.md.")]
pub struct SeatsArgs {
    /// The votes file (CSV: party,votes[,colour]); `-` reads standard input.
    pub votes: PathBuf,
    /// House size.
    #[arg(long, default_value_t = KURULTAI_SEATS)]
    pub seats: u32,
    /// Threshold in percent, parsed exactly: 5, 7.5, 0.
    #[arg(long, default_value = "5", value_parser = parse_threshold)]
    pub threshold: Fraction,
    /// Apportionment method.
    #[arg(long, value_enum, default_value_t = MethodArg::Hare)]
    pub method: MethodArg,
    /// What the threshold is a share of: all valid ballots including "against all", or the
    /// votes for parties only.
    #[arg(long, value_enum, default_value_t = BaseArg::AllValid)]
    pub base: BaseArg,
    /// The tie-break seed published before the count (needed only if a tie ends in a draw).
    #[arg(long)]
    pub seed: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SeatsFormat::Table)]
    pub format: SeatsFormat,
    /// Also write the hemicycle diagram (SVG) to this file.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Title of the diagram.
    #[arg(long)]
    pub title: Option<String>,
}

/// The methods, by their CLI names.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Largest remainder, Hare quota V/S (the Kazakh law).
    Hare,
    /// Largest remainder, Droop quota floor(V/(S+1))+1.
    Droop,
    /// D'Hondt: divisors 1, 2, 3, …
    Dhondt,
    /// Sainte-Laguë: divisors 1, 3, 5, …
    SainteLague,
    /// Modified Sainte-Laguë: divisors 1.4, 3, 5, …
    ModifiedSainteLague,
    /// Adams: divisors 0, 1, 2, … (a seat for every qualified party first).
    Adams,
    /// Huntington–Hill: divisors √(n(n+1)).
    HuntingtonHill,
    /// Imperiali: divisors 2, 3, 4, …
    Imperiali,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Method {
        match m {
            MethodArg::Hare => Method::Hare,
            MethodArg::Droop => Method::Droop,
            MethodArg::Dhondt => Method::DHondt,
            MethodArg::SainteLague => Method::SainteLague,
            MethodArg::ModifiedSainteLague => Method::ModifiedSainteLague,
            MethodArg::Adams => Method::Adams,
            MethodArg::HuntingtonHill => Method::HuntingtonHill,
            MethodArg::Imperiali => Method::Imperiali,
        }
    }
}

/// The threshold base, by its CLI name.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BaseArg {
    /// All valid ballots, including "against all" (as in 2023).
    AllValid,
    /// The votes for parties only.
    PartyVotes,
}

impl From<BaseArg> for ThresholdBase {
    fn from(b: BaseArg) -> ThresholdBase {
        match b {
            BaseArg::AllValid => ThresholdBase::AllValid,
            BaseArg::PartyVotes => ThresholdBase::PartyVotes,
        }
    }
}

/// Output formats of `ashyq seats`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeatsFormat {
    /// An aligned table for people.
    Table,
    /// One JSON object.
    Json,
    /// CSV: party,votes,share_percent,qualified,seats.
    Csv,
}

fn parse_threshold(s: &str) -> std::result::Result<Fraction, String> {
    threshold_from_percent(s).map_err(|e| e.to_string())
}

fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the votes from standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the votes file {}", path.display()))
}

/// `ashyq seats`.
pub fn run(args: SeatsArgs) -> Result<ExitCode> {
    let text = read_input(&args.votes)?;
    let table = parse_votes_csv(&text).with_context(|| {
        format!(
            "{} is not a valid votes file",
            if args.votes.as_os_str() == "-" {
                "standard input".to_owned()
            } else {
                args.votes.display().to_string()
            }
        )
    })?;
    let seed = args.seed.map(TieSeed::new).transpose()?;
    let rules = AllocationRules {
        seats: args.seats,
        threshold: args.threshold,
        base: args.base.into(),
        method: args.method.into(),
    };
    let result = allocate(&rules, &table.parties, table.against_all, seed.as_ref())?;
    let out = match args.format {
        SeatsFormat::Table => table_text(&result),
        SeatsFormat::Json => {
            let mut s = serde_json::to_string_pretty(&JsonResult::new(&result, seed.as_ref()))?;
            s.push('\n');
            s
        }
        SeatsFormat::Csv => csv_text(&result),
    };
    if let Some(path) = &args.svg {
        let title = args.title.clone().unwrap_or_else(|| {
            format!(
                "{} seats: {}",
                rules.seats,
                capitalise(rules.method.description())
            )
        });
        let svg = hemicycle_svg(&result, &title, &table.colours);
        std::fs::write(path, svg)
            .with_context(|| format!("cannot write the diagram to {}", path.display()))?;
        eprintln!("wrote the hemicycle diagram to {}", path.display());
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn base_text(base: ThresholdBase) -> &'static str {
    match base {
        ThresholdBase::AllValid => "all valid ballots incl. \"against all\"",
        ThresholdBase::PartyVotes => "the votes for parties",
    }
}

fn pad_right(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

pub(crate) fn table_text(r: &SeatAllocation) -> String {
    let rules = &r.rules;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} seats · {} ({})",
        rules.seats,
        rules.method,
        rules.method.description()
    );
    let qualified = r.qualified().count();
    let _ = writeln!(
        out,
        "threshold {}% of {}: {} votes; {} of {} parties qualify, with {} votes\n",
        rules.threshold.percent(),
        base_text(rules.base),
        thousands(r.base_votes),
        qualified,
        r.parties.len(),
        thousands(r.qualified_votes),
    );
    let name_w = r
        .parties
        .iter()
        .map(|p| p.party.chars().count())
        .chain(["against all".len(), "party".len()])
        .max()
        .unwrap_or(5)
        .min(48);
    let total_votes: u64 = r.parties.iter().map(|p| p.votes).sum::<u64>() + r.against_all;
    let votes_w = thousands(total_votes).len().max(5);
    let _ = writeln!(
        out,
        "{}  {:>votes_w$}  {:>7}  {:>5}",
        pad_right("party", name_w),
        "votes",
        "share",
        "seats"
    );
    for p in &r.parties {
        let name: String = p.party.chars().take(name_w).collect();
        let seats = if p.qualified {
            p.seats.to_string()
        } else {
            "—".to_owned()
        };
        let note = if p.qualified {
            ""
        } else {
            "  below the threshold"
        };
        let _ = writeln!(
            out,
            "{}  {:>votes_w$}  {:>6}%  {:>5}{note}",
            pad_right(&name, name_w),
            thousands(p.votes),
            p.share.percent(2),
            seats,
        );
    }
    if r.against_all > 0 {
        let share = Share::new(r.against_all, r.base_votes);
        let share = if rules.base == ThresholdBase::AllValid {
            format!("{:>6}%", share.percent(2))
        } else {
            format!("{:>7}", "—")
        };
        let _ = writeln!(
            out,
            "{}  {:>votes_w$}  {share}  {:>5}  never gets seats",
            pad_right("against all", name_w),
            thousands(r.against_all),
            "—",
        );
    }
    let _ = writeln!(
        out,
        "{}  {:>votes_w$}  {:>7}  {:>5}",
        pad_right("total", name_w),
        thousands(total_votes),
        "",
        r.total_seats()
    );
    if !r.ties.is_empty() {
        out.push_str("\nties at the last seat:\n");
        for t in &r.ties {
            let seats = if t.seats == 1 {
                format!("seat {}", t.first_seat)
            } else {
                format!("seats {}–{}", t.first_seat, t.first_seat + t.seats - 1)
            };
            let equal = match t.equal {
                ashyq_core::seats::TieOn::Quotient => "quotient",
                ashyq_core::seats::TieOn::Remainder => "remainder",
            };
            let rule = match t.rule {
                TieRule::MoreVotes => "more votes",
                TieRule::Draw => "draw from the seed",
            };
            let _ = writeln!(
                out,
                "  {seats}: {} (equal {equal}) → {rule}: {}",
                t.tied.join(", "),
                t.winners.join(", ")
            );
            for ticket in &t.tickets {
                let _ = writeln!(out, "    ticket {}  {}", ticket.sha256, ticket.party);
            }
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub(crate) fn csv_text(r: &SeatAllocation) -> String {
    let mut out = String::from("party,votes,share_percent,qualified,seats\n");
    for p in &r.parties {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            csv_field(&p.party),
            p.votes,
            p.share.percent(2),
            p.qualified,
            p.seats
        );
    }
    if r.against_all > 0 {
        // Its share of the base only when the base includes it.
        let share = if r.rules.base == ThresholdBase::AllValid {
            Share::new(r.against_all, r.base_votes).percent(2)
        } else {
            String::new()
        };
        let _ = writeln!(out, "against all,{},{share},false,0", r.against_all);
    }
    out
}

/// A JSON object whose keys keep the order given (serde_json's own map sorts them).
struct Ordered<V>(Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
pub(crate) struct JsonResult<'a> {
    seats: Ordered<u32>,
    qualified: Vec<&'a str>,
    method: String,
    method_description: &'static str,
    house_size: u32,
    threshold_percent: String,
    threshold: String,
    base: &'static str,
    base_votes: u64,
    qualified_votes: u64,
    against_all: u64,
    /// Percent of all valid ballots (party votes and "against all").
    against_all_percent_of_valid: String,
    votes: Ordered<u64>,
    /// Percent of the threshold base, two decimals, rounded half up for display.
    shares: Ordered<String>,
    /// The exact shares, `votes/base`.
    shares_exact: Ordered<String>,
    ties: &'a [ashyq_core::seats::TieBreak],
    seed: Option<&'a str>,
}

impl<'a> JsonResult<'a> {
    pub(crate) fn new(r: &'a SeatAllocation, seed: Option<&'a TieSeed>) -> Self {
        let each = |f: &dyn Fn(&ashyq_core::seats::PartyResult) -> String| {
            Ordered(r.parties.iter().map(|p| (p.party.clone(), f(p))).collect())
        };
        JsonResult {
            seats: Ordered(r.seats().map(|(p, s)| (p.to_owned(), s)).collect()),
            qualified: r.qualified().collect(),
            method: r.rules.method.to_string(),
            method_description: r.rules.method.description(),
            house_size: r.rules.seats,
            threshold_percent: r.rules.threshold.percent(),
            threshold: r.rules.threshold.to_string(),
            base: r.rules.base.name(),
            base_votes: r.base_votes,
            qualified_votes: r.qualified_votes,
            against_all: r.against_all,
            against_all_percent_of_valid: r.against_all_share.percent(2),
            votes: Ordered(
                r.parties
                    .iter()
                    .map(|p| (p.party.clone(), p.votes))
                    .collect(),
            ),
            shares: each(&|p| p.share.percent(2)),
            shares_exact: each(&|p| format!("{}/{}", p.share.numerator, p.share.denominator)),
            ties: &r.ties,
            seed: seed.map(TieSeed::as_str),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ashyq bench seats

/// Measure seat allocation: exact integer arithmetic against an `f64` baseline.
#[derive(Args)]
#[command(after_help = "Examples:
  ashyq bench seats
  ashyq bench seats --sweep 100000 --parties 12
(1) one allocation among --parties parties with seeded random votes, threshold 0 so all of
them compete: median of --repetitions timings per method; (2) a what-if sweep of --sweep
allocations cycling through the 8 methods, thresholds 0–5% in steps of 0.5%, both threshold
bases, and votes moving between parties (2% at a time, back to the start every 64 moves); (3) the same sweep with the f64 baseline.
Ends with one JSON line: {\"bench\":\"seats\",\"seconds\":…,\"baseline_seconds\":…,\"ratio\":…,\"per_allocation_ns\":…}")]
pub struct BenchSeatsArgs {
    /// Parties in the synthetic vote.
    #[arg(long, default_value_t = 50)]
    pub parties: usize,
    /// House size.
    #[arg(long, default_value_t = KURULTAI_SEATS)]
    pub seats: u32,
    /// Timings of the single allocation per method (the median is reported).
    #[arg(long, default_value_t = 10_001)]
    pub repetitions: usize,
    /// Allocations in the sweep.
    #[arg(long, default_value_t = 1_000_000)]
    pub sweep: usize,
    /// Seed of the synthetic votes.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

fn synthetic_votes(parties: usize, seed: u64) -> (Vec<PartyVotes>, u64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let parties: Vec<PartyVotes> = (0..parties)
        .map(|i| {
            // A long tail: the first parties get about a million votes, the 50th ~65,000.
            let v = rng.random_range(500_000u64..=1_500_000) * 10 / (10 + 3 * i as u64);
            PartyVotes::new(format!("Party {:02}", i + 1), v)
        })
        .collect();
    let total: u64 = parties.iter().map(|p| p.votes).sum();
    (parties, total / 50)
}

fn median_ns(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn digest(seats: &[u32]) -> u64 {
    // FNV-1a over the seat counts.
    seats.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &s| {
        (h ^ u64::from(s)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The sweep's rules for allocation `j`.
fn sweep_rules(j: usize, seats: u32) -> AllocationRules {
    AllocationRules {
        seats,
        threshold: Fraction {
            numerator: ((j / 8) % 11) as u64,
            denominator: 200,
        },
        base: if (j / 88).is_multiple_of(2) {
            ThresholdBase::AllValid
        } else {
            ThresholdBase::PartyVotes
        },
        method: Method::ALL[j % 8],
    }
}

/// Every 176 allocations (all methods × thresholds × bases), 2% of one party's votes move to
/// another, as a slider on a what-if page would; every 64 moves the votes return to the start,
/// so the sweep stays around a realistic result instead of drifting.
fn sweep_move(j: usize, parties: &mut [PartyVotes], start: &[PartyVotes]) {
    if j == 0 || !j.is_multiple_of(176) {
        return;
    }
    let n = parties.len();
    let t = j / 176;
    if t.is_multiple_of(64) {
        parties.clone_from_slice(start);
        return;
    }
    let from = t % n;
    let to = (t * 7 + 3) % n;
    if from != to {
        let amount = parties[from].votes / 50;
        parties[from].votes -= amount;
        parties[to].votes += amount;
    }
}

/// `ashyq bench seats`.
pub fn bench(args: BenchSeatsArgs) -> Result<ExitCode> {
    if args.parties == 0 || args.repetitions == 0 || args.sweep == 0 || args.seats == 0 {
        bail!("--parties, --repetitions, --sweep and --seats must be at least 1");
    }
    if args.parties > 1_000 {
        bail!("--parties: at most 1,000");
    }
    let (parties, against_all) = synthetic_votes(args.parties, args.seed);
    let tie_seed = TieSeed::new(format!("bench seats {}", args.seed))?;
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run `cargo run --release -- bench seats` for real figures");
    }
    println!(
        "ashyq bench seats: {} seats, {} parties (seeded votes, seed {}), {} against all",
        args.seats,
        args.parties,
        args.seed,
        thousands(against_all)
    );

    // (1) One allocation.
    println!(
        "\n(1) one allocation, threshold 0 (all {} parties compete), median of {} timings",
        args.parties, args.repetitions
    );
    println!(
        "{:<22} {:>12} {:>13} {:>13} {:>7}",
        "method", "exact full", "exact counts", "f64 baseline", "ratio"
    );
    let mut single = Vec::new();
    for method in Method::ALL {
        let rules = AllocationRules {
            seats: args.seats,
            threshold: Fraction {
                numerator: 0,
                denominator: 1,
            },
            base: ThresholdBase::AllValid,
            method,
        };
        if method.first_seat_for_all() && args.parties > args.seats as usize {
            println!("{:<22} (more parties than seats)", method.name());
            continue;
        }
        let exact = allocate(&rules, &parties, against_all, Some(&tie_seed))?;
        let float = allocate_f64(&rules, &parties, against_all)?;
        let same = exact.seats().map(|(_, s)| s).eq(float.iter().copied());
        let mut full = Vec::with_capacity(args.repetitions);
        let mut counts = Vec::with_capacity(args.repetitions);
        let mut base = Vec::with_capacity(args.repetitions);
        for _ in 0..args.repetitions {
            let t = Instant::now();
            black_box(allocate(
                black_box(&rules),
                black_box(&parties),
                against_all,
                Some(&tie_seed),
            )?);
            full.push(t.elapsed().as_nanos() as u64);
            let t = Instant::now();
            black_box(allocate_counts(
                black_box(&rules),
                black_box(&parties),
                against_all,
                Some(&tie_seed),
            )?);
            counts.push(t.elapsed().as_nanos() as u64);
            let t = Instant::now();
            black_box(allocate_f64(
                black_box(&rules),
                black_box(&parties),
                against_all,
            )?);
            base.push(t.elapsed().as_nanos() as u64);
        }
        let (f, c, b) = (median_ns(full), median_ns(counts), median_ns(base));
        println!(
            "{:<22} {:>9} ns {:>10} ns {:>10} ns {:>7.2}{}",
            method.name(),
            thousands(f),
            thousands(c),
            thousands(b),
            c as f64 / b.max(1) as f64,
            if same { "" } else { "  (f64 result differs)" }
        );
        single.push((method.name(), f, c, b));
    }

    // (2) and (3): the sweep, exact then f64, on the same sequence of inputs.
    let n = args.sweep;
    println!(
        "\n(2)+(3) what-if sweep: {} allocations (8 methods × thresholds 0–5% × 2 bases, votes moving)",
        thousands(n as u64)
    );
    let mut digests = Vec::with_capacity(n);
    let mut ties = 0u64;
    let mut errors = 0u64;
    let mut first_error = None;
    let bar = crate::output::progress(2 * n as u64, "allocations");
    let mut votes = parties.clone();
    let t0 = Instant::now();
    for j in 0..n {
        sweep_move(j, &mut votes, &parties);
        let rules = sweep_rules(j, args.seats);
        match allocate_counts(&rules, &votes, against_all, Some(&tie_seed)) {
            Ok(c) => {
                ties += u64::from(c.ties.iter().any(|t| t.rule == TieRule::Draw));
                digests.push(digest(&c.seats));
            }
            Err(e) => {
                if errors == 0 {
                    first_error = Some(format!("allocation {j} ({}): {e}", rules.method));
                }
                errors += 1;
                digests.push(u64::MAX);
            }
        }
        if j % 16_384 == 0 {
            bar.set_position(j as u64);
        }
    }
    let exact_s = t0.elapsed().as_secs_f64();
    let mut votes = parties.clone();
    let mut differ = 0u64;
    let mut first_difference = None;
    let t0 = Instant::now();
    for (j, &d) in digests.iter().enumerate() {
        sweep_move(j, &mut votes, &parties);
        let rules = sweep_rules(j, args.seats);
        let got = match allocate_f64(&rules, &votes, against_all) {
            Ok(s) => digest(&s),
            Err(_) => u64::MAX,
        };
        if got != d {
            if differ == 0 {
                first_difference = Some(format!(
                    "allocation {j} ({}, threshold {}% of {})",
                    rules.method,
                    rules.threshold.percent(),
                    rules.base
                ));
            }
            differ += 1;
        }
        if j % 16_384 == 0 {
            bar.set_position((n + j) as u64);
        }
    }
    let float_s = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let per = exact_s * 1e9 / n as f64;
    let base_per = float_s * 1e9 / n as f64;
    let ratio = exact_s / float_s.max(1e-12);
    println!("{:<22} {:>10} {:>16}", "", "seconds", "per allocation");
    println!("{:<22} {:>10.3} {:>13.0} ns", "exact (ashyq)", exact_s, per);
    println!(
        "{:<22} {:>10.3} {:>13.0} ns",
        "f64 baseline", float_s, base_per
    );
    println!("{:<22} {:>10.2}", "ratio exact / f64", ratio);
    println!(
        "f64 results that differ from the exact ones: {differ} of {}; exact allocations with a draw: {ties}; errors: {errors}",
        thousands(n as u64)
    );
    if let Some(e) = &first_error {
        println!("first error: {e}");
    }
    if let Some(d) = &first_difference {
        println!("first difference: {d}");
    }

    let single_json: serde_json::Map<String, serde_json::Value> = single
        .iter()
        .map(|(m, f, c, b)| {
            (
                (*m).to_owned(),
                serde_json::json!({"full_ns": f, "counts_ns": c, "baseline_ns": b}),
            )
        })
        .collect();
    let line = serde_json::json!({
        "bench": "seats",
        "seconds": exact_s,
        "baseline_seconds": float_s,
        "ratio": ratio,
        "per_allocation_ns": per,
        "baseline_per_allocation_ns": base_per,
        "allocations": n,
        "seats": args.seats,
        "parties": args.parties,
        "float_disagreements": differ,
        "draws": ties,
        "errors": errors,
        "single_allocation": single_json,
    });
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_inputs_are_deterministic_and_stay_positive() {
        let (mut a, _) = synthetic_votes(50, 2026);
        let (b, _) = synthetic_votes(50, 2026);
        assert_eq!(a, b);
        let mut c = a.clone();
        for j in 0..=176 * 64 {
            sweep_move(j, &mut c, &b);
        }
        assert_eq!(c, b, "back to the start after 64 moves");
        assert_eq!(a, b);
        for j in 0..200_000 {
            sweep_move(j, &mut a, &b);
        }
        assert!(a.iter().all(|p| p.votes > 0));
        assert_eq!(
            a.iter().map(|p| p.votes).sum::<u64>(),
            b.iter().map(|p| p.votes).sum::<u64>()
        );
        assert_eq!(sweep_rules(8 * 10, 145).threshold.numerator, 10);
    }
}
