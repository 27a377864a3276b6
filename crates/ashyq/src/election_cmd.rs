//! Parties, party-list elections, candidate lists, seats and mandates: `ashyq party …`,
//! `ashyq election …`, `ashyq list …`, `ashyq mandate …`, and party-list protocols for
//! `ashyq protocol submit`.
//!
//! Member lists and candidate lists hold IINs; they are read from private files, checked with
//! the digest key (never stored in the database, see `docs/elections.md`) and
//! recorded with digests and masked IINs only.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::contest::ContestId;
use ashyq_core::election::scenario::{self as election_scenario, KZ_2023_LIST_SEATS};
use ashyq_core::election::{ElectionDefinition, PartyListProtocol};
use ashyq_core::event::Event;
use ashyq_core::iin::PreparedDigestKey;
use ashyq_core::party::list::{
    CandidateList, CandidateRef, ListQuota, ListRules, MandateEnd, WithdrawnBy, check_list,
};
use ashyq_core::party::{PartyApplication, PartyRules, check_application, check_application_with};
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::register::RegisterLookup;
use ashyq_core::seats::hemicycle::hemicycle_svg;
use ashyq_core::seats::{AllocationRules, TieSeed, threshold_from_percent};
use ashyq_core::share::Fraction;
use ashyq_store::registrar::Registrar;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use crate::authors;
use crate::database::open;
use crate::digest_key::{KeyArgs, one_off_key};
use crate::files::read_text;
use crate::output::{self, thousands};
use crate::president_cmd;
use crate::seats_cmd::{self, BaseArg, MethodArg, SeatsFormat};

fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a date YYYY-MM-DD ({e})"))
}

fn parse_time(s: &str) -> std::result::Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|e| format!("{s:?} is not a time HH:MM ({e})"))
}

fn parse_percent(s: &str) -> std::result::Result<Fraction, String> {
    threshold_from_percent(s).map_err(|e| e.to_string())
}

/// The id of the election `election` names, or of the only one when it names none.
fn election_id(registrar: &Registrar, election: Option<&str>) -> Result<ContestId> {
    Ok(registrar
        .ledger()
        .resolve_election(election)?
        .definition
        .id
        .clone())
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

// ---- party ---------------------------------------------------------------------------------

/// `ashyq party …`
#[derive(Subcommand)]
pub enum PartyCommand {
    /// Register a party from its application (a private file with the members' IINs).
    #[command(after_help = "Example:
  ashyq party register amanat.json --on 2026-06-01 --digest-key-file digest.key

The application is JSON: {\"name\": \"Amanat party\", \"short_name\": \"Amanat\",
\"members\": [\"IIN\", …]}. Every member must be a valid IIN of an adult on the application
date and in no other party; the party needs the minimum number of members (5,000 by
default, see `ashyq party rules`). Errors list every offending entry with the IIN masked.
Only digests of the IINs are recorded.")]
    Register {
        /// The application file (JSON).
        file: PathBuf,
        /// The date of the application (default: today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        #[command(flatten)]
        key: KeyArgs,
        /// Who checks the application (recorded in the register's audit trail).
        #[arg(long, default_value = "central commission operator")]
        operator: String,
    },
    /// Set the rules of party registration.
    #[command(after_help = "Example:
  ashyq party rules --min-members 20000 --author \"CEC secretary\"   # the rule before 2026")]
    Rules {
        /// The fewest members a party needs.
        #[arg(long)]
        min_members: usize,
        /// The youngest a member may be.
        #[arg(long, default_value_t = 18)]
        min_age: u32,
        /// Who.
        #[arg(long)]
        author: String,
    },
    /// List the registered parties.
    List,
}

/// Runs `ashyq party …`.
pub async fn party(db: &str, cmd: PartyCommand) -> Result<ExitCode> {
    let registrar = open(db).await?;
    match cmd {
        PartyCommand::Register {
            file,
            on,
            key,
            operator,
        } => {
            let key = key.key()?;
            let text = read_text(&file)?;
            let app: PartyApplication = serde_json::from_str(&text)
                .map_err(|e| anyhow!("{} is not a party application: {e}", file.display()))?;
            let on = on.unwrap_or_else(today);
            // Once a voter register is loaded, every member must be on it and eligible
            // (issue 7): look up exactly the applicants, audited under the operator's name.
            let store = registrar.store();
            let lookup = if store.has_voters().await? {
                let prepared = PreparedDigestKey::new(&key);
                let digests: Vec<_> = app.members.iter().map(|m| prepared.digest(m)).collect();
                let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let statuses = store
                    .voter_statuses(
                        &digests,
                        &ashyq_store::register::Operator {
                            name: &operator,
                            at: &at,
                        },
                    )
                    .await?;
                println!(
                    "Checking {} members against the voter register ({} found on it).",
                    thousands(app.members.len() as u64),
                    thousands(statuses.len() as u64)
                );
                Some(RegisterLookup::new(prepared, statuses))
            } else {
                None
            };
            let entry = registrar
                .record(|l| {
                    let party = match &lookup {
                        Some(register) => check_application_with(
                            &app,
                            l.parties(),
                            &l.party_rules(),
                            on,
                            &key,
                            register,
                        )?,
                        None => check_application(&app, l.parties(), &l.party_rules(), on, &key)?,
                    };
                    l.register_party(party)
                })
                .await?;
            if let Event::PartyRegistered { party } = &entry.event {
                println!(
                    "Registered {} ({}) with {} members, log entry {}.",
                    party.name,
                    party.short_name,
                    thousands(party.members.len() as u64),
                    entry.seq
                );
            }
        }
        PartyCommand::Rules {
            min_members,
            min_age,
            author: who,
        } => {
            let rules = PartyRules {
                min_members,
                min_member_age: min_age,
            };
            let entry = registrar
                .record(|l| l.set_party_rules(rules, authors::commission_operator(&who)))
                .await?;
            println!(
                "Parties now need {min_members} members of at least {min_age} (log entry {}).",
                entry.seq
            );
        }
        PartyCommand::List => {
            let ledger = registrar.ledger();
            if ledger.parties().is_empty() {
                println!("No party is registered yet (`ashyq party register FILE`).");
            }
            for p in ledger.parties() {
                println!(
                    "{:<34} {:<30} {:>8} members, registered {}",
                    p.short_name,
                    p.name,
                    thousands(p.members.len() as u64),
                    p.registered_on
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---- election ------------------------------------------------------------------------------

/// `ashyq election …`
#[derive(Subcommand)]
pub enum ElectionCommand {
    /// Define a party-list election.
    #[command(after_help = "Examples:
  ashyq election create --id kurultai-2026 --day 2026-08-30 --withdrawal-deadline 2026-08-20 \\
      --seed-sha256 $(printf %s \"$SEED\" | sha256sum | cut -c1-64)
  ashyq election create --id test --day 2026-08-30 --withdrawal-deadline 2026-08-20 \\
      --seed-sha256 … --seats 69 --method dhondt --base party-votes --no-against-all

The tie-break seed is committed to now (its SHA-256) and revealed only when the seats are
allocated (`ashyq election allocate --seed …`), so nobody can choose it after the count.")]
    Create(CreateArgs),
    /// Show an election: its rules, ballot and lists.
    Show {
        /// Election id (needed only when there are several).
        #[arg(long)]
        election: Option<String>,
    },
    /// The count so far: votes per party nationally and per region.
    Results {
        /// Election id (needed only when there are several).
        #[arg(long)]
        election: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SeatsFormat::Table)]
        format: SeatsFormat,
    },
    /// Allocate the seats once the count is final, revealing the committed seed, and name
    /// the deputies. Locks the result.
    #[command(after_help = "Example:
  ashyq election allocate --seed \"$SEED\" --author \"CEC secretary\" --svg kurultai.svg")]
    Allocate {
        /// Election id (needed only when there are several).
        #[arg(long)]
        election: Option<String>,
        /// The tie-break seed whose SHA-256 was published with the election.
        #[arg(long)]
        seed: String,
        /// Who.
        #[arg(long)]
        author: String,
        /// Also write the hemicycle diagram to this SVG file.
        #[arg(long)]
        svg: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SeatsFormat::Table)]
        format: SeatsFormat,
    },
    /// Load demo data: seven parties, their lists, and protocols from every precinct that add
    /// up to the published 2023 Mazhilis party-list votes (synthetic split); or, with
    /// `--preset kz-2022-presidential`, the six candidates and protocols that add up to the
    /// CEC's 2022 presidential figures (synthetic split).
    #[command(after_help = "Examples:
  ashyq election scenario && ashyq election allocate --seed demo-seed --author demo
  ashyq election scenario --preset kz-2022-presidential && ashyq election results --election president-2022")]
    Scenario {
        /// Which election.
        #[arg(long, value_enum, default_value_t = Preset::Kurultai2023)]
        preset: Preset,
        /// Election id (default kurultai-demo, or president-2022 for the presidential preset).
        #[arg(long)]
        election: Option<String>,
        /// House size (145 for the Kurultai; 69 gives the 2023 list seats).
        #[arg(long, default_value_t = 145)]
        seats: u32,
        /// The tie-break seed to commit to.
        #[arg(long, default_value = "demo-seed")]
        tie_seed: String,
        /// Seed of the synthetic split.
        #[arg(long, default_value_t = 2023)]
        seed: u64,
    },
}

/// The scenarios of `ashyq election scenario`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// The Kurultai with the 2023 Mazhilis party-list votes.
    #[value(name = "kurultai-2023")]
    Kurultai2023,
    /// The 2022 presidential election, CEC final figures.
    #[value(name = "kz-2022-presidential")]
    Kz2022Presidential,
}

/// `ashyq election create` arguments.
#[derive(Args)]
pub struct CreateArgs {
    /// Contest id (letters, digits and dashes; shared with referendums).
    #[arg(long)]
    id: String,
    /// Title.
    #[arg(long, default_value = "Elections to the Kurultai")]
    title: String,
    /// Voting day.
    #[arg(long, value_parser = parse_date)]
    day: NaiveDate,
    /// Last day of withdrawals.
    #[arg(long, value_parser = parse_date)]
    withdrawal_deadline: NaiveDate,
    /// When the polls close, local time (protocols are accepted from then on).
    #[arg(long, default_value = "20:00", value_parser = parse_time)]
    polls_close: chrono::NaiveTime,
    /// Local time's offset from UTC in minutes (Kazakhstan: 300).
    #[arg(long, default_value_t = 300, allow_negative_numbers = true)]
    utc_offset_minutes: i32,
    /// SHA-256 (hex) of the tie-break seed, published now.
    #[arg(long)]
    seed_sha256: String,
    /// House size.
    #[arg(long, default_value_t = 145)]
    seats: u32,
    /// Threshold in percent.
    #[arg(long, default_value = "5", value_parser = parse_percent)]
    threshold: Fraction,
    /// What the threshold is a share of.
    #[arg(long, value_enum, default_value_t = BaseArg::AllValid)]
    base: BaseArg,
    /// Allocation method.
    #[arg(long, value_enum, default_value_t = MethodArg::Hare)]
    method: MethodArg,
    /// The ballot has no "against all" line.
    #[arg(long)]
    no_against_all: bool,
    /// List quota in percent for women, young people and people with disabilities.
    #[arg(long, default_value = "30", value_parser = parse_percent)]
    quota: Fraction,
    /// Apply the quota in every block of this many positions too.
    #[arg(long)]
    quota_block: Option<std::num::NonZeroUsize>,
}

/// Runs `ashyq election …`.
pub async fn election(db: &str, cmd: ElectionCommand) -> Result<ExitCode> {
    let registrar = open(db).await?;
    match cmd {
        ElectionCommand::Create(a) => {
            let definition = ElectionDefinition {
                id: ContestId::parse(&a.id)?,
                title: a.title,
                election_day: a.day,
                polls_close: a.polls_close,
                utc_offset_minutes: a.utc_offset_minutes,
                rules: AllocationRules {
                    seats: a.seats,
                    threshold: a.threshold,
                    base: a.base.into(),
                    method: a.method.into(),
                },
                against_all: !a.no_against_all,
                list_rules: ListRules {
                    quota: (a.quota.numerator > 0).then_some(ListQuota {
                        share: a.quota,
                        block: a.quota_block,
                    }),
                    ..ListRules::KZ_2026
                },
                withdrawal_deadline: a.withdrawal_deadline,
                tie_seed_sha256: a.seed_sha256.trim().to_lowercase(),
            };
            let entry = registrar
                .record(|l| l.create_election(definition.clone()))
                .await?;
            println!(
                "Election {} defined (log entry {}). Next: register parties' lists with `ashyq list submit FILE --election {}`.",
                definition.id, entry.seq, definition.id
            );
        }
        ElectionCommand::Show { election } => {
            let ledger = registrar.ledger();
            let e = ledger.resolve_election(election.as_deref())?;
            let d = &e.definition;
            println!("{} — {}", d.id, d.title);
            println!(
                "Voting day {}; withdrawals until {}; {} seats, threshold {}% of {}, {}; \"against all\": {}.",
                d.election_day,
                d.withdrawal_deadline,
                d.rules.seats,
                d.rules.threshold.percent(),
                d.rules.base.name(),
                d.rules.method.description(),
                if d.against_all { "yes" } else { "no" }
            );
            println!("Tie seed SHA-256: {}", d.tie_seed_sha256);
            println!("Ballot:");
            for (i, l) in e.lists.iter().enumerate() {
                println!(
                    "  {:>2}. {:<34} {} candidates standing of {}",
                    i + 1,
                    l.party,
                    l.standing().count(),
                    l.entries.len()
                );
            }
        }
        ElectionCommand::Results { election, format } => {
            if let Some(id) = president_cmd::presidential_asked(&registrar, election.as_deref()) {
                return president_cmd::results(&registrar, &id, format == SeatsFormat::Json)
                    .map(|()| ExitCode::SUCCESS);
            }
            let ledger = registrar.ledger();
            let id = ledger
                .resolve_election(election.as_deref())?
                .definition
                .id
                .clone();
            let r = ledger.election_results(&id)?;
            match format {
                SeatsFormat::Json => println!("{}", serde_json::to_string_pretty(&r)?),
                SeatsFormat::Csv => {
                    let mut out = String::from("unit,party,votes\n");
                    let rows = std::iter::once(("national".to_owned(), &r.national))
                        .chain(r.regions.iter().map(|x| (x.code.0.clone(), &x.totals)));
                    for (unit, t) in rows {
                        for v in &t.votes {
                            out.push_str(&format!("{unit},{},{}\n", csv(&v.party), v.votes));
                        }
                        out.push_str(&format!("{unit},against all,{}\n", t.against_all));
                        out.push_str(&format!("{unit},invalid,{}\n", t.invalid));
                    }
                    print!("{out}");
                }
                SeatsFormat::Table => {
                    let n = &r.national;
                    println!(
                        "{id}: {:?}; {} of {} precincts reported; {} open conflicts; {} ballots found.",
                        r.status,
                        thousands(n.precincts_reported),
                        thousands(n.precincts),
                        r.open_conflicts,
                        thousands(n.ballots.ballots_found)
                    );
                    let valid: u64 = n.votes.iter().map(|v| v.votes).sum::<u64>() + n.against_all;
                    for v in &n.votes {
                        println!(
                            "  {:<34} {:>12}  {:>6}%",
                            v.party,
                            thousands(v.votes),
                            ashyq_core::share::Share::new(v.votes, valid).percent(2)
                        );
                    }
                    println!("  {:<34} {:>12}", "against all", thousands(n.against_all));
                    println!("  {:<34} {:>12}", "invalid", thousands(n.invalid));
                }
            }
        }
        ElectionCommand::Allocate {
            election,
            seed,
            author: who,
            svg,
            format,
        } => {
            let id = election_id(&registrar, election.as_deref())?;
            let seed = TieSeed::new(seed)?;
            let entry = registrar
                .record(|l| l.allocate_seats(&id, seed.clone(), authors::commission_operator(&who)))
                .await?;
            let Event::SeatsAllocated {
                allocation,
                deputies,
                vacant,
                ..
            } = &entry.event
            else {
                bail!("the log recorded {} instead of seats", entry.event.kind());
            };
            match format {
                SeatsFormat::Table => {
                    print!("{}", seats_cmd::table_text(allocation));
                    println!(
                        "{} deputies named (log entry {}); `ashyq mandate list` shows them.",
                        deputies.len(),
                        entry.seq
                    );
                    for (party, n) in vacant {
                        println!("  {party}: {n} seats left vacant, its list ran out");
                    }
                }
                SeatsFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&seats_cmd::JsonResult::new(
                        allocation,
                        Some(&seed)
                    ))?
                ),
                SeatsFormat::Csv => print!("{}", seats_cmd::csv_text(allocation)),
            }
            if let Some(path) = svg {
                let title = registrar.ledger().election(&id)?.definition.title.clone();
                std::fs::write(&path, hemicycle_svg(allocation, &title, &[]))
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("wrote the hemicycle diagram to {}", path.display());
            }
        }
        ElectionCommand::Scenario {
            preset: Preset::Kz2022Presidential,
            election,
            tie_seed,
            seed,
            ..
        } => {
            let id = election.unwrap_or_else(|| "president-2022".into());
            president_cmd::scenario(&registrar, &id, &tie_seed, seed).await?;
        }
        ElectionCommand::Scenario {
            preset: Preset::Kurultai2023,
            election,
            seats,
            tie_seed,
            seed,
        } => {
            let id = ContestId::parse(election.as_deref().unwrap_or("kurultai-demo"))?;
            load_kurultai_2023(&registrar, &id, seats, &tie_seed, seed).await?;
            println!("{}", election_scenario::SCENARIO_NOTE);
            println!(
                "Election {id}: {} parties, their lists and every precinct's protocol loaded. Next: ashyq election results; ashyq election allocate --seed <the tie seed> --author NAME",
                election_scenario::KZ_2023_PARTY_VOTES.len()
            );
            if seats == KZ_2023_LIST_SEATS {
                println!("With {seats} seats this is the 2023 Mazhilis list vote.");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads the party-list scenario (`ashyq election scenario`, the 2023 votes) as election `id`
/// of `seats` seats, its tie seed committed: the parties, their lists, the election and every
/// precinct's protocol.
pub async fn load_kurultai_2023(
    registrar: &Registrar,
    id: &ContestId,
    seats: u32,
    tie_seed: &str,
    seed: u64,
) -> Result<()> {
    let territory = registrar
        .ledger()
        .territory()
        .cloned()
        .ok_or_else(|| anyhow!("no territory is loaded; run `ashyq init` first"))?;
    let rules = registrar.ledger().party_rules();
    let sc = election_scenario::kurultai_2023_votes(
        &territory,
        id,
        rules.min_members.max(1),
        // Each list as long as the house: no party's list runs out of candidates
        // before its seats (with 60 a list, the largest party's share of 145 seats
        // left 23 of them vacant).
        (seats as usize).max(60),
        seed,
    )?;
    let key = one_off_key()?;
    let on = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
    let day = NaiveDate::from_ymd_opt(2026, 8, 30).expect("a date");
    let deadline = NaiveDate::from_ymd_opt(2026, 8, 20).expect("a date");
    for app in &sc.applications {
        registrar
            .record(|l| {
                let p = check_application(app, l.parties(), &l.party_rules(), on, &key)?;
                l.register_party(p)
            })
            .await?;
    }
    let mut def = ElectionDefinition::kurultai(
        id.clone(),
        day,
        deadline,
        &TieSeed::new(tie_seed.to_owned())?,
    );
    def.rules.seats = seats;
    registrar.record(|l| l.create_election(def.clone())).await?;
    for list in &sc.lists {
        registrar
            .record(|l| {
                let e = l.election(id)?;
                let checked = check_list(list, &e.lists, &e.definition.list_rules, day, &key)?;
                l.register_list(id, checked)
            })
            .await?;
    }
    let bar = output::progress(sc.protocols.len() as u64, "submitting");
    for p in sc.protocols {
        registrar.submit_party_list(p).await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}

fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

// ---- lists ---------------------------------------------------------------------------------

/// A place on a party's list: the candidate or deputy a command is about.
#[derive(Args)]
pub struct ListPlace {
    /// Election id (needed only when there are several).
    #[arg(long)]
    election: Option<String>,
    /// The party.
    #[arg(long)]
    party: String,
    /// Position on the party's list.
    #[arg(long)]
    position: usize,
}

/// Who withdraws.
#[derive(Clone, Copy, ValueEnum)]
pub enum ByArg {
    /// The candidate.
    Candidate,
    /// The party.
    Party,
}

/// `ashyq list …`
#[derive(Subcommand)]
pub enum ListCommand {
    /// Register a party's candidate list (a private file with the candidates' IINs).
    #[command(after_help = "Example:
  ashyq list submit amanat-list.json --election kurultai-2026 --digest-key-file digest.key

The list is JSON: {\"party\": \"Amanat\", \"candidates\": [{\"iin\": …, \"name\": …,
\"citizen\": true, \"permanent_residence_years\": 30, \"disability\": false}, …]} in list order.
Candidates must be citizens, 25 or older on voting day, with 10 years of residence, on no
other list; the list must meet the quota. Errors name each position with the IIN masked.")]
    Submit {
        /// The list file (JSON).
        file: PathBuf,
        /// Election id (needed only when there are several).
        #[arg(long)]
        election: Option<String>,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Withdraw a candidate (the candidate's own withdrawal, or the party's recall).
    #[command(after_help = "Example:
  ashyq list withdraw --party Amanat --position 12 --by candidate --on 2026-08-15")]
    Withdraw {
        #[command(flatten)]
        candidate: ListPlace,
        /// Who withdraws.
        #[arg(long, value_enum)]
        by: ByArg,
        /// The date (default: today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
    /// Show a party's list (IINs masked).
    Show {
        /// Election id (needed only when there are several).
        #[arg(long)]
        election: Option<String>,
        /// The party.
        #[arg(long)]
        party: String,
    },
}

/// Runs `ashyq list …`.
pub async fn list(db: &str, cmd: ListCommand) -> Result<ExitCode> {
    let registrar = open(db).await?;
    match cmd {
        ListCommand::Submit {
            file,
            election,
            key,
        } => {
            let key = key.key()?;
            let text = read_text(&file)?;
            let list: CandidateList = serde_json::from_str(&text)
                .map_err(|e| anyhow!("{} is not a candidate list: {e}", file.display()))?;
            let id = election_id(&registrar, election.as_deref())?;
            let entry = registrar
                .record(|l| {
                    let e = l.election(&id)?;
                    let checked = check_list(
                        &list,
                        &e.lists,
                        &e.definition.list_rules,
                        e.definition.election_day,
                        &key,
                    )?;
                    l.register_list(&id, checked)
                })
                .await?;
            if let Event::CandidateListRegistered { list, .. } = &entry.event {
                println!(
                    "Registered the list of {} with {} candidates (log entry {}).",
                    list.party,
                    list.entries.len(),
                    entry.seq
                );
            }
        }
        ListCommand::Withdraw {
            candidate:
                ListPlace {
                    election,
                    party,
                    position,
                },
            by,
            on,
        } => {
            let id = election_id(&registrar, election.as_deref())?;
            let by = match by {
                ByArg::Candidate => WithdrawnBy::Candidate,
                ByArg::Party => WithdrawnBy::Party,
            };
            let on = on.unwrap_or_else(today);
            let entry = registrar
                .record(|l| {
                    l.withdraw_candidate(&id, &party, &CandidateRef::Position(position), by, on)
                })
                .await?;
            if let Event::CandidateWithdrawn { withdrawal, .. } = &entry.event {
                println!(
                    "Candidate {} of {}: {} on {} (log entry {}).",
                    withdrawal.position, withdrawal.party, withdrawal.by, withdrawal.on, entry.seq
                );
                for s in &withdrawal.quota_shortfalls {
                    println!("  flagged for the commission: the list now misses the quota: {s}");
                }
            }
        }
        ListCommand::Show { election, party } => {
            let ledger = registrar.ledger();
            let e = ledger.resolve_election(election.as_deref())?;
            let l = e
                .lists
                .iter()
                .find(|l| l.party.eq_ignore_ascii_case(party.trim()))
                .ok_or_else(|| anyhow!("{party} has no list in {}", e.definition.id))?;
            for c in &l.entries {
                println!(
                    "{:>3}. {:<40} {}  {:?}{}{}",
                    c.position,
                    c.name,
                    c.iin,
                    c.sex,
                    if c.young { ", young" } else { "" },
                    if c.is_standing() { "" } else { ", withdrawn" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---- mandates ------------------------------------------------------------------------------

/// Why a mandate ends.
#[derive(Clone, Copy, ValueEnum)]
pub enum GroundArg {
    /// The elected candidate refused the mandate.
    Refused,
    /// Left the party.
    LeftParty,
    /// Expelled from the party.
    Expelled,
    /// The party ceased to exist.
    PartyDissolved,
    /// Moved abroad to live.
    MovedAbroad,
    /// Lost citizenship.
    LostCitizenship,
    /// Convicted by a judgment in force.
    Convicted,
}

impl From<GroundArg> for MandateEnd {
    fn from(g: GroundArg) -> MandateEnd {
        match g {
            GroundArg::Refused => MandateEnd::Refused,
            GroundArg::LeftParty => MandateEnd::LeftParty,
            GroundArg::Expelled => MandateEnd::Expelled,
            GroundArg::PartyDissolved => MandateEnd::PartyDissolved,
            GroundArg::MovedAbroad => MandateEnd::MovedAbroad,
            GroundArg::LostCitizenship => MandateEnd::LostCitizenship,
            GroundArg::Convicted => MandateEnd::Convicted,
        }
    }
}

/// `ashyq mandate …`
#[derive(Subcommand)]
pub enum MandateCommand {
    /// The deputies holding a mandate now.
    List {
        /// Election id (needed only when there are several).
        #[arg(long)]
        election: Option<String>,
    },
    /// End a mandate (or record an elected candidate's refusal); the seat passes to the next
    /// standing candidate of the same list.
    #[command(after_help = "Example:
  ashyq mandate end --party Auyl --position 3 --ground refused --on 2026-09-02 --author \"CEC secretary\"")]
    End {
        #[command(flatten)]
        deputy: ListPlace,
        /// Why.
        #[arg(long, value_enum)]
        ground: GroundArg,
        /// The date (default: today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// Who records it.
        #[arg(long)]
        author: String,
    },
}

/// Runs `ashyq mandate …`.
pub async fn mandate(db: &str, cmd: MandateCommand) -> Result<ExitCode> {
    let registrar = open(db).await?;
    match cmd {
        MandateCommand::List { election } => {
            let ledger = registrar.ledger();
            let e = ledger.resolve_election(election.as_deref())?;
            if e.allocation().is_none() {
                println!(
                    "The seats of {} are not allocated yet (`ashyq election allocate`).",
                    e.definition.id
                );
            }
            for d in e.deputies() {
                println!(
                    "{:<34} {:>3}. {:<40} {}",
                    d.party, d.position, d.name, d.iin
                );
            }
        }
        MandateCommand::End {
            deputy:
                ListPlace {
                    election,
                    party,
                    position,
                },
            ground,
            on,
            author: who,
        } => {
            let id = election_id(&registrar, election.as_deref())?;
            let on = on.unwrap_or_else(today);
            let entry = registrar
                .record(|l| {
                    l.end_mandate(
                        &id,
                        &party,
                        position,
                        ground.into(),
                        on,
                        authors::commission_operator(&who),
                    )
                })
                .await?;
            if let Event::MandateEnded {
                deputy,
                ground,
                successor,
                ..
            } = &entry.event
            {
                println!("{deputy}: {ground} (log entry {}).", entry.seq);
                match successor {
                    Some(s) => println!("The seat passes to {s}."),
                    None => println!("The seat stays vacant: nobody is left to take it."),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---- protocols -----------------------------------------------------------------------------

/// Whether a protocol file holds party-list protocols (JSON objects with an `election` key).
pub fn is_party_list(text: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let first = match &v {
        serde_json::Value::Array(a) => a.first(),
        other => Some(other),
    };
    first.is_some_and(|o| o.get("election").is_some())
}

/// Submits party-list protocols one by one; returns (accepted or known, conflicts, refused).
pub async fn submit_party_lists(
    db: &str,
    protocols: Vec<PartyListProtocol>,
) -> Result<(usize, usize, usize)> {
    let registrar = open(db).await?;
    let bar = output::progress(protocols.len() as u64, "submitting");
    let (mut ok, mut conflicts, mut refused) = (0, 0, 0);
    let few = protocols.len() <= 20;
    for p in protocols {
        let precinct = p.precinct;
        match registrar.submit_party_list(p).await {
            Ok(r) => {
                if r.status == ReceiptStatus::Conflict {
                    conflicts += 1;
                } else {
                    ok += 1;
                }
                if few {
                    bar.suspend(|| output::print_receipt(&r));
                }
            }
            Err(ashyq_store::registrar::RegistrarError::Refused(e)) => {
                refused += 1;
                bar.suspend(|| eprintln!("refused: precinct {precinct}: {e}"));
            }
            Err(e) => return Err(e.into()),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok((ok, conflicts, refused))
}

/// Reads party-list protocols from a JSON file.
pub fn read_party_lists(path: &Path, text: &str) -> Result<Vec<PartyListProtocol>> {
    PartyListProtocol::parse_json(text).with_context(|| format!("cannot read {}", path.display()))
}
