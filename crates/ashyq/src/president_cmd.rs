//! `ashyq president`: the presidential election's commands. `tally` decides the outcome of a
//! round from a votes file with no database, like `ashyq seats`, for researchers and for
//! checking a published result.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use ashyq_core::president::outcome::{self, CandidateVotes, RoundCount, RoundKind};
use ashyq_core::president::{PresidentialOutcome, PresidentialRules, parse_tally_csv};
use ashyq_core::seats::TieSeed;
use ashyq_core::share::Share;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::output::thousands;

/// The presidential election.
#[derive(Subcommand)]
pub enum PresidentCommand {
    /// Decide a round's outcome from a votes file (no database needed).
    #[command(after_help = "Examples:
  ashyq president tally votes.csv --participated 8300046
  ashyq president tally votes.csv --participated 8300046 --format json | jq .outcome
  ashyq president tally second.csv --participated 6100000 --round second --seed \"$(cat seed.txt)\"

The votes file is CSV with rows candidate,votes (a header candidate,votes is optional), the
row \"against all\" and optionally the row \"invalid\":
  candidate,votes
  Kassym-Jomart Tokayev,6456393
  Zhiguli Dairabayev,271641
  against all,460484
Without an \"invalid\" row the invalid ballots are those who took part less the valid votes.
Elected: more than 50% of those who took part; otherwise the two leading candidates meet in a
second round, where the higher vote wins. A tie at the cut is drawn from --seed, the text
published before the count: SHA-256(seed \\n place \\n candidate), lowest first. Rules and
sources: docs/president.md.")]
    Tally(TallyArgs),
}

/// `ashyq president tally`.
#[derive(Args)]
pub struct TallyArgs {
    /// The votes file (CSV: candidate,votes); `-` reads standard input.
    pub votes: PathBuf,
    /// The voters who took part (ballots issued): the base of the majority.
    #[arg(long)]
    pub participated: u64,
    /// Which round the count is of.
    #[arg(long, value_enum, default_value_t = RoundArg::First)]
    pub round: RoundArg,
    /// The tie-break seed published before the count (needed only if a tie needs the draw).
    #[arg(long)]
    pub seed: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TallyFormat::Table)]
    pub format: TallyFormat,
}

/// The rounds, by their CLI names.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoundArg {
    /// The first round: a majority elects, else the top two go on.
    First,
    /// The second round: the higher vote wins.
    Second,
}

/// Output formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TallyFormat {
    /// A table for people.
    Table,
    /// JSON for programs.
    Json,
}

/// Runs a `president` command.
pub fn run(cmd: PresidentCommand) -> Result<ExitCode> {
    match cmd {
        PresidentCommand::Tally(args) => tally(args),
    }
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

fn tally(args: TallyArgs) -> Result<ExitCode> {
    let text = read_input(&args.votes)?;
    let file = parse_tally_csv(&text)
        .with_context(|| format!("{} is not a valid votes file", args.votes.display()))?;
    let count = file.count(args.participated)?;
    let seed = args.seed.map(TieSeed::new).transpose()?;
    let round = match args.round {
        RoundArg::First => RoundKind::First,
        RoundArg::Second => RoundKind::Second,
    };
    let rules = PresidentialRules::kz_2026().outcome;
    let outcome = outcome::decide(&count, round, &rules, seed.as_ref())?;
    let out = match args.format {
        TallyFormat::Json => {
            let mut s = serde_json::to_string_pretty(&RoundDocument::new(None, &count, &outcome))?;
            s.push('\n');
            s
        }
        TallyFormat::Table => table_text(&count, &outcome),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// A round's figures and outcome as `ashyq president tally` and `ashyq election results`
/// print them: `eligible` (when known), `participated`, `candidates` (name → votes, in ballot
/// order), `against_all`, `invalid`, `outcome`.
#[derive(Serialize)]
pub struct RoundDocument<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    eligible: Option<u64>,
    participated: u64,
    candidates: CandidateMap<'a>,
    against_all: u64,
    invalid: u64,
    outcome: &'a PresidentialOutcome,
}

impl<'a> RoundDocument<'a> {
    /// The document of a count and its outcome.
    pub fn new(
        eligible: Option<u64>,
        count: &'a RoundCount,
        outcome: &'a PresidentialOutcome,
    ) -> Self {
        RoundDocument {
            eligible,
            participated: count.took_part,
            candidates: CandidateMap(&count.candidates),
            against_all: count.against_all,
            invalid: count.invalid,
            outcome,
        }
    }
}

/// The candidates as a JSON object in ballot order.
struct CandidateMap<'a>(&'a [CandidateVotes]);

impl Serialize for CandidateMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for c in self.0 {
            map.serialize_entry(&c.candidate, &c.votes)?;
        }
        map.end()
    }
}

/// The round as a table: each line with its share of the valid votes and of those who took
/// part, then the outcome with its reason.
pub fn table_text(count: &RoundCount, outcome: &PresidentialOutcome) -> String {
    let valid = count.valid_votes();
    let width = count
        .candidates
        .iter()
        .map(|c| c.candidate.chars().count())
        .max()
        .unwrap_or(0)
        .max("against all".len());
    let mut out = format!(
        "{:<width$}  {:>12}  {:>8}  {:>11}\n",
        "", "votes", "of valid", "of took part"
    );
    let line = |name: &str, votes: u64| {
        format!(
            "{name:<width$}  {:>12}  {:>7}%  {:>11}%\n",
            thousands(votes),
            Share::new(votes, valid).percent(2),
            Share::new(votes, count.took_part).percent(2)
        )
    };
    for c in &count.candidates {
        out.push_str(&line(&c.candidate, c.votes));
    }
    out.push_str(&line("against all", count.against_all));
    out.push_str(&format!(
        "{:<width$}  {:>12}\n{:<width$}  {:>12}\n\n{}\n",
        "invalid",
        thousands(count.invalid),
        "took part",
        thousands(count.took_part),
        outcome.reason()
    ));
    out
}
