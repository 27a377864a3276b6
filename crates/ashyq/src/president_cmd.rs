//! `ashyq president`: the presidential election's commands. `tally` decides the outcome of a
//! round from a votes file with no database, like `ashyq seats`, for researchers and for
//! checking a published result.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use ashyq_core::contest::ContestId;
use ashyq_core::event::Event;
use ashyq_core::president::outcome::{self, CandidateVotes, RoundCount, RoundKind};
use ashyq_core::president::scenario as president_scenario;
use ashyq_core::president::{
    PresidentEvent, PresidentialOutcome, PresidentialRules, parse_tally_csv,
};
use ashyq_core::seats::TieSeed;
use ashyq_core::share::Share;
use ashyq_store::registrar::Registrar;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::authors;
use crate::database::open;
use crate::digest_key::{KeyArgs, one_off_key};
use crate::output::{self, thousands};

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
    /// Certify a round once its count is final, and lock it: the outcome with its reason.
    #[command(after_help = "Examples:
  ashyq president certify --author \"CEC secretary\"
  ashyq president certify --election president-2029 --author \"CEC secretary\" --seed \"$SEED\"
The seed (whose SHA-256 was published with the election) is needed only when a tie needs the
draw; a first round with no majority certifies into a second round of its two leaders.")]
    Certify(CertifyArgs),
    /// Check a candidate's support signatures against the voter register by digest: valid,
    /// duplicates, ineligible and other-region signatures (masked IINs), the regional spread.
    #[command(after_help = "Examples:
  ashyq president signatures lists.csv --digest-key-file digest.key --operator \"CEC clerk\"
  ashyq president signatures lists.csv --digest-key-file digest.key --operator clerk --format json

The lists are CSV rows iin,region (a header iin,region is optional): the signer's IIN and the
region code of the list it is on, e.g. 900101312348,KZ-75. Each signer is looked up by the
keyed digest of the IIN (the lookup is audited under --operator); no IIN is printed in clear.")]
    Signatures(SignaturesArgs),
    /// Call a round: its day, withdrawal deadline and the tie seed's commitment.
    #[command(after_help = "Examples:
  ashyq president call --id president-2029 --title \"Presidential election 2029\" \\
      --day 2029-11-18 --withdrawal-deadline 2029-11-12 --seed-sha256 \"$(printf %s \"$SEED\" | sha256sum | cut -c1-64)\"
The rules are the 2026 Constitution's (docs/president.md); the seed stays secret until the
certification needs it for a tie.")]
    Call(crate::president_flow::CallArgs),
    /// Record nominations from the nominators' documents (a private JSON file).
    #[command(after_help = "Examples:
  ashyq president nominate nominations.json --digest-key-file digest.key --author \"CEC clerk\"

The file is one object or an array of them:
  [{\"name\": \"Aigerim Sadykova\", \"iin\": \"<12 digits>\",
    \"nominated_by\": {\"kind\": \"public_association\", \"name\": \"Union of Teachers\"},
    \"citizen_by_birth\": true, \"state_language\": true, \"residence_years\": 30,
    \"higher_education\": true, \"public_service_years\": 12}]
kind is public_association, party or self_nomination (as the rules allow). The log keeps the
IIN masked and as its keyed digest only; eligibility is checked criterion by criterion at
registration.")]
    Nominate(crate::president_flow::NominateArgs),
    /// Register a nominee with the decision on their support signatures (checked against
    /// the register), or refuse them on the ground the rules name.
    #[command(after_help = "Examples:
  ashyq president register \"Aigerim Sadykova\" --signatures lists.csv --digest-key-file digest.key --author \"CEC\"
Prints the signature decision (\"71,234 valid of 80,000; 14 of 20 regions meet the spread:
sufficient\"). A nominee who fails a criterion or whose signatures do not suffice is refused
with those numbers, and the command exits with status 1.")]
    Register(crate::president_flow::RegisterArgs),
    /// Refuse a nominee who fails an eligibility criterion (named in the record).
    #[command(after_help = "Examples:
  ashyq president refuse \"Nurlan Abenov\" --author \"CEC\"
Refused only on a ground: the criteria are checked again from the nomination's documents.")]
    Refuse(crate::president_flow::RefuseArgs),
    /// Record a nominee's or candidate's withdrawal, no later than the deadline.
    #[command(after_help = "Examples:
  ashyq president withdraw \"Aigerim Sadykova\" --on 2029-11-10 --author \"CEC clerk\"")]
    Withdraw(crate::president_flow::WithdrawArgs),
    /// Submit precinct protocols of a round (JSON: one protocol or an array).
    #[command(after_help = "Examples:
  ashyq president submit protocols.json
  ashyq president submit - < precinct-17.json
A protocol is {\"election\", \"precinct\", \"ballots\": lines 1-8, \"votes\":
[{\"candidate\", \"votes\"}, ...] in ballot order, \"against_all\", \"invalid\"}. The same
document again gets the same receipt; different numbers for a precinct that reported are a
conflict kept for review.")]
    Submit(crate::president_flow::SubmitArgs),
    /// Replace a precinct's protocol with a corrected one, with the reason.
    #[command(after_help = "Examples:
  ashyq president amend precinct-17.json --reason \"recount of 16 March\" --author \"DEC operator\"")]
    Amend(crate::president_flow::AmendArgs),
}

/// `ashyq president signatures`.
#[derive(Args)]
pub struct SignaturesArgs {
    /// The signature lists (CSV: iin,region).
    pub lists: PathBuf,
    /// The digest key of the register.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Who looks the signers up (the register's audit trail names them).
    #[arg(long)]
    pub operator: String,
    /// Eligibility is judged on this day (default: today).
    #[arg(long)]
    pub on: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TallyFormat::Table)]
    pub format: TallyFormat,
}

/// `ashyq president certify`.
#[derive(Args)]
pub struct CertifyArgs {
    /// The round (needed only when there are several).
    #[arg(long)]
    pub election: Option<String>,
    /// Who certifies.
    #[arg(long)]
    pub author: String,
    /// The tie seed published before the count, if a tie needs the draw.
    #[arg(long)]
    pub seed: Option<String>,
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
pub async fn run(db: &str, cmd: PresidentCommand) -> Result<ExitCode> {
    match cmd {
        PresidentCommand::Tally(args) => tally(args),
        PresidentCommand::Certify(args) => certify(db, args).await,
        PresidentCommand::Signatures(args) => signatures(db, args).await,
        PresidentCommand::Call(a) => crate::president_flow::call(db, a).await,
        PresidentCommand::Nominate(a) => crate::president_flow::nominate(db, a).await,
        PresidentCommand::Register(a) => crate::president_flow::register(db, a).await,
        PresidentCommand::Refuse(a) => crate::president_flow::refuse(db, a).await,
        PresidentCommand::Withdraw(a) => crate::president_flow::withdraw(db, a).await,
        PresidentCommand::Submit(a) => crate::president_flow::submit(db, a).await,
        PresidentCommand::Amend(a) => crate::president_flow::amend(db, a).await,
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

/// `ashyq election scenario --preset kz-2022-presidential`: the 2022 election with synthetic
/// protocols that add up to the CEC's national figures exactly, through the submission path.
pub async fn scenario(
    registrar: &Registrar,
    election: &str,
    tie_seed: &str,
    seed: u64,
) -> Result<()> {
    let id = ContestId::parse(election)?;
    let territory = registrar
        .ledger()
        .territory()
        .cloned()
        .ok_or_else(|| anyhow!("no territory is loaded; run `ashyq init` first"))?;
    let key = one_off_key()?;
    let sc = president_scenario::kz_2022(&territory, &id, &TieSeed::new(tie_seed)?, &key, seed)?;
    let operator = authors::commission_operator("scenario (synthetic)");
    registrar
        .record(|l| l.call_presidential(sc.definition.clone()))
        .await?;
    for c in &sc.candidates {
        registrar
            .record(|l| l.nominate_candidate(&id, c.nomination.clone(), operator.clone()))
            .await?;
        registrar
            .record(|l| {
                l.register_candidate(
                    &id,
                    &c.nomination.name,
                    c.signatures.clone(),
                    operator.clone(),
                )
            })
            .await?;
    }
    let bar = output::progress(sc.protocols.len() as u64, "submitting");
    for chunk in sc.protocols.chunks(512) {
        for r in registrar.submit_presidential(chunk).await? {
            r?;
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    println!("{}", president_scenario::SCENARIO_NOTE);
    println!(
        "Presidential election {id}: {} candidates registered and {} precincts' protocols loaded. Next: ashyq election results --election {id}; ashyq president certify --election {id} --author NAME",
        sc.candidates.len(),
        thousands(sc.protocols.len() as u64)
    );
    Ok(())
}

/// `ashyq election results` for a presidential election: `eligible`, `participated`,
/// `candidates`, `against_all`, `invalid`, `outcome`, and the status and regions.
pub fn results(registrar: &Registrar, id: &ContestId, json: bool) -> Result<()> {
    let ledger = registrar.ledger();
    let r = ledger.presidential_results(id)?;
    let count = r.national.count();
    let outcome = r
        .outcome
        .clone()
        .unwrap_or(PresidentialOutcome::NotElected {
            reason: "no outcome yet: nothing counted, or a tie the certification's draw decides"
                .into(),
        });
    if json {
        #[derive(Serialize)]
        struct Doc<'a> {
            election: &'a ContestId,
            status: ashyq_core::tally::ResultStatus,
            precincts: u64,
            precincts_reported: u64,
            #[serde(flatten)]
            round: RoundDocument<'a>,
            regions: &'a [ashyq_core::president::RegionPresidentialTotals],
        }
        let doc = Doc {
            election: id,
            status: r.status,
            precincts: r.national.precincts,
            precincts_reported: r.national.precincts_reported,
            round: RoundDocument::new(Some(r.national.eligible()), &count, &outcome),
            regions: &r.regions,
        };
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "{id}: {:?}; {} of {} precincts reported; {} open conflicts; {} on the lists.",
            r.status,
            thousands(r.national.precincts_reported),
            thousands(r.national.precincts),
            r.open_conflicts,
            thousands(r.national.eligible())
        );
        print!("{}", table_text(&count, &outcome));
    }
    Ok(())
}

/// The presidential round `election results` is asked for: the one named, or the only
/// contest of an election kind when it is presidential; `None` leaves it to the party-list
/// results.
pub fn presidential_asked(registrar: &Registrar, election: Option<&str>) -> Option<ContestId> {
    let ledger = registrar.ledger();
    match election {
        Some(text) => ledger
            .resolve_presidential(Some(text))
            .ok()
            .map(|p| p.definition.id.clone()),
        None if ledger.elections().next().is_none() => ledger
            .resolve_presidential(None)
            .ok()
            .map(|p| p.definition.id.clone()),
        None => None,
    }
}

/// `ashyq president certify`.
async fn certify(db: &str, args: CertifyArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let seed = args.seed.map(TieSeed::new).transpose()?;
    certify_round(&registrar, args.election.as_deref(), &args.author, seed).await?;
    Ok(ExitCode::SUCCESS)
}

/// Certifies and locks a round (the only one when `election` is `None`) and prints its
/// outcome with the reason.
pub async fn certify_round(
    registrar: &Registrar,
    election: Option<&str>,
    author: &str,
    seed: Option<TieSeed>,
) -> Result<()> {
    let id = registrar
        .ledger()
        .resolve_presidential(election)?
        .definition
        .id
        .clone();
    let entry = registrar
        .record(|l| l.certify_presidential(&id, authors::commission_operator(author), seed.clone()))
        .await?;
    if let Event::President(PresidentEvent::RoundCertified { outcome, .. }) = &entry.event {
        println!(
            "{id} certified and locked (log entry {}): {}",
            entry.seq,
            outcome.reason()
        );
    }
    Ok(())
}

/// `ashyq president signatures`.
async fn signatures(db: &str, args: SignaturesArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let rules = PresidentialRules::kz_2026().signatures;
    let report = crate::president_flow::check_lists(
        &registrar,
        &args.key,
        &args.lists,
        &args.operator,
        args.on,
        &rules,
    )
    .await?;
    match args.format {
        TallyFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TallyFormat::Table => {
            println!("{}", report.tally);
            for r in &report.refused {
                println!("  row {:>7}  {}  {}", r.row, r.iin, r.fault);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
