//! `ashyq register …` (the voter register, issue 7) and `ashyq bench register`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::iin::{DigestKey, Iin, PreparedDigestKey};
use ashyq_core::profile;
use ashyq_core::register::absentee::Serial;
use ashyq_core::register::eligibility::IneligibleReason;
use ashyq_core::register::generate::Population;
use ashyq_core::register::{
    CSV_HEADER, FieldProblem, RowError, StoredVoter, csv_field, parse_row, write_row,
};
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::territory::{DistrictId, PrecinctId, Territory};
use ashyq_store::Store;
use ashyq_store::register::{
    KeyRow, ListRow, MarkDesk, MarkOutcome, MarkRequest, Operator, RegisterEvent, sort_key_rows,
    split_voter,
};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::json;

use crate::database::{open, open_store};
use crate::output;

/// The environment variable holding the digest key in hex.
pub const DIGEST_KEY_VAR: &str = "ASHYQ_DIGEST_KEY";

/// Lines per block handed to a parsing thread.
const BLOCK_LINES: usize = 20_000;

/// `ashyq register …`.
#[derive(Subcommand)]
pub enum RegisterCommand {
    /// Write a synthetic register as CSV (IINs in clear: a private input file).
    #[command(after_help = "Examples:
  ashyq register generate --count 100000 --output voters.csv
  ashyq register generate --count 12500000 --output voters.csv --seed 7
Sizes per precinct follow the generated kz territory (seed 2026), scaled to --count.")]
    Generate(GenerateArgs),
    /// Load a register CSV into an empty register (all rows or none).
    #[command(after_help = "Examples:
  ASHYQ_DIGEST_KEY=$(cat key.hex) ashyq register import voters.csv
  ashyq register import voters.csv --digest-key-file key.hex --errors problems.csv
Every bad row is reported with its line and column (never the IIN in clear), and then
nothing is imported.")]
    Import(ImportArgs),
    /// Write a precinct's voter list as CSV, IINs masked.
    #[command(after_help = "Example:
  ashyq register list --precinct 17 --operator \"A. Operator\" --output precinct-17.csv")]
    List {
        #[command(flatten)]
        at: AtPrecinct,
        /// Event id, for certificates issued.
        #[arg(long, default_value = "kz-2026")]
        event: String,
        /// The file (standard output when absent).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Count who may vote on a date, with the reasons of those who may not.
    Eligibility {
        /// Voting day.
        #[arg(long, default_value = "2026-03-15")]
        on: NaiveDate,
    },
    /// Mark people as having received a ballot: IINs on standard input, one per line.
    #[command(after_help = "Example:
  ashyq register mark --precinct 17 --operator \"PEC 17\" < iins.txt")]
    Mark {
        #[command(flatten)]
        at: AtPrecinct,
        #[command(flatten)]
        event: EventArgs,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Lock a precinct's list at close.
    Close {
        #[command(flatten)]
        at: AtPrecinct,
        /// Event id.
        #[arg(long, default_value = "kz-2026")]
        event: String,
    },
    /// Issue an absentee certificate: the IIN on standard input.
    #[command(after_help = "Example:
  echo $IIN | ashyq register absentee --precinct 17 --destination KZ-11-03 --at 2026-03-10T11:00 --operator \"PEC 17\"")]
    Absentee {
        /// The issuing precinct (the voter's own).
        #[arg(long)]
        precinct: u32,
        /// District id of the place the voter will be, when in the country.
        #[arg(long)]
        destination: Option<String>,
        /// Serial of the printed form (default: the next free).
        #[arg(long)]
        serial: Option<String>,
        /// Local time of the application, YYYY-MM-DDTHH:MM.
        #[arg(long)]
        at: String,
        /// Who issues (audited).
        #[arg(long)]
        operator: String,
        #[command(flatten)]
        event: EventArgs,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Turnout from the marks, per region (or per precinct).
    Turnout {
        /// Event id.
        #[arg(long, default_value = "kz-2026")]
        event: String,
        /// Per precinct instead of per region.
        #[arg(long)]
        precincts: bool,
    },
}

/// `ashyq register generate`.
#[derive(Args)]
pub struct GenerateArgs {
    /// People.
    #[arg(long, default_value_t = 12_482_613)]
    count: u64,
    /// The file (standard output when absent).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Seed.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Ages are relative to this voting day.
    #[arg(long, default_value = "2026-03-15")]
    voting_day: NaiveDate,
}

/// `ashyq register import`.
#[derive(Args)]
pub struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// Where to write the problems found (default: FILE.errors.csv).
    #[arg(long)]
    errors: Option<PathBuf>,
    #[command(flatten)]
    key: KeyArgs,
}

/// The digest key, outside the database.
#[derive(Args)]
pub struct KeyArgs {
    /// A file holding the digest key in hex (at least 32 bytes). Or set ASHYQ_DIGEST_KEY.
    #[arg(long)]
    digest_key_file: Option<PathBuf>,
}

/// The precinct and the operator of an audited act there.
#[derive(Args)]
pub struct AtPrecinct {
    /// The precinct.
    #[arg(long)]
    precinct: u32,
    /// Who does it (audited).
    #[arg(long)]
    operator: String,
}

/// The event and its voting day.
#[derive(Args)]
pub struct EventArgs {
    /// Event id.
    #[arg(long, default_value = "kz-2026")]
    event: String,
    /// Voting day.
    #[arg(long, default_value = "2026-03-15")]
    voting_day: NaiveDate,
}

impl EventArgs {
    /// The event, for the store.
    fn event(&self) -> RegisterEvent<'_> {
        RegisterEvent {
            id: &self.event,
            voting_day: self.voting_day,
        }
    }
}

impl KeyArgs {
    fn load(&self) -> Result<DigestKey> {
        let text = match &self.digest_key_file {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the digest key file {}", path.display()))?,
            None => std::env::var(DIGEST_KEY_VAR).map_err(|_| {
                anyhow!(
                    "no digest key: pass --digest-key-file FILE or set {DIGEST_KEY_VAR} to the key in hex (generate one with `openssl rand -hex 32`; keep it outside the database)"
                )
            })?,
        };
        DigestKey::from_hex(&text).map_err(|e| anyhow!("the digest key is not usable: {e}"))
    }
}

fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// The generated default territory (what `ashyq init` loads).
fn default_territory() -> Result<Territory> {
    Ok(generate(&profile::kz(), &TerritorySpec::default())?)
}

/// The database's territory, or the generated default when none is loaded.
async fn territory_of(db: &str) -> Result<(Store, Territory)> {
    let registrar = open(db).await?;
    let territory = registrar.ledger().territory().cloned();
    let territory = match territory {
        Some(t) => t,
        None => default_territory()?,
    };
    Ok((registrar.store().clone(), territory))
}

/// Runs `ashyq register …`.
pub async fn run(db: &str, command: RegisterCommand) -> Result<ExitCode> {
    match command {
        RegisterCommand::Generate(args) => {
            let territory = default_territory()?;
            let n = generate_csv(&territory, &args, args.output.as_deref())?;
            eprintln!(
                "{} synthetic people written (invented names and IINs; sizes follow the synthetic territory).",
                output::thousands(n)
            );
            Ok(ExitCode::SUCCESS)
        }
        RegisterCommand::Import(args) => {
            let key = args.key.load()?;
            let (store, territory) = territory_of(db).await?;
            store.close().await;
            // One connection: the load can then bypass the WAL (Store::open_single).
            let store = Store::open_single(db).await?;
            let precincts: HashSet<u32> = territory.precincts.iter().map(|p| p.id.0).collect();
            let report = import_file(&store, &args.file, &key, &precincts).await?;
            store.close().await;
            if report.errors.is_empty() {
                println!(
                    "{} people imported in {:.1} s.",
                    output::thousands(report.imported),
                    report.seconds
                );
                return Ok(ExitCode::SUCCESS);
            }
            let path = args.errors.unwrap_or_else(|| {
                let mut p = args.file.clone().into_os_string();
                p.push(".errors.csv");
                PathBuf::from(p)
            });
            write_errors(&path, &report.errors)?;
            eprintln!(
                "{} problems in {}; nothing was imported. First ones:",
                report.errors.len(),
                args.file.display()
            );
            for e in report.errors.iter().take(10) {
                eprintln!("  {e}");
            }
            eprintln!("All of them, with line and column: {}", path.display());
            Ok(ExitCode::FAILURE)
        }
        RegisterCommand::List {
            at: AtPrecinct { precinct, operator },
            event,
            output: out,
        } => {
            let store = open_store(db).await?;
            let at = now();
            let op = Operator {
                name: &operator,
                at: &at,
            };
            let list = store.voter_list(&event, PrecinctId(precinct), &op).await?;
            let mut text =
                String::from("precinct,iin,name_kk,name_ru,birth_year,absentee_certificate\n");
            for e in &list {
                text.push_str(&format!(
                    "{precinct},{},{},{},{},{}\n",
                    e.masked,
                    csv_field(&e.name_kk),
                    csv_field(&e.name_ru),
                    e.birth_year,
                    e.absentee.as_deref().unwrap_or("")
                ));
            }
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        RegisterCommand::Eligibility { on } => {
            let store = open_store(db).await?;
            let c = store.eligibility_counts(on).await?;
            println!(
                "on {on}: {} people on the register",
                output::thousands(c.checked)
            );
            println!("  may vote       {:>12}", output::thousands(c.eligible));
            println!("  may not vote   {:>12}", output::thousands(c.ineligible));
            for (r, n) in IneligibleReason::ALL.iter().zip(c.by_reason) {
                println!("    {:<40} {:>10}", r.to_string(), output::thousands(n));
            }
            Ok(ExitCode::SUCCESS)
        }
        RegisterCommand::Mark {
            at: AtPrecinct { precinct, operator },
            event,
            key,
        } => {
            let key = PreparedDigestKey::new(&key.load()?);
            let store = open_store(db).await?;
            let mut requests = Vec::new();
            for (i, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let iin = Iin::parse(&line).map_err(|e| anyhow!("line {}: {e}", i + 1))?;
                requests.push(MarkRequest {
                    digest: key.digest(&iin),
                    precinct: PrecinctId(precinct),
                });
            }
            let at = now();
            let ev = event.event();
            let outcomes = store
                .mark_voted(
                    &ev,
                    &requests,
                    &Operator {
                        name: &operator,
                        at: &at,
                    },
                )
                .await?;
            let mut refused = 0;
            for (i, o) in outcomes.iter().enumerate() {
                match o {
                    MarkOutcome::Recorded => println!("line {}: marked", i + 1),
                    MarkOutcome::AlreadyMarked => println!("line {}: already marked here", i + 1),
                    MarkOutcome::Refused { reason, incident } => {
                        refused += 1;
                        let inc = if *incident {
                            " (incident recorded)"
                        } else {
                            ""
                        };
                        println!("line {}: refused: {reason}{inc}", i + 1);
                    }
                }
            }
            Ok(if refused == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        RegisterCommand::Close {
            at: AtPrecinct { precinct, operator },
            event,
        } => {
            let store = open_store(db).await?;
            let at = now();
            store
                .close_precinct(
                    &event,
                    PrecinctId(precinct),
                    &Operator {
                        name: &operator,
                        at: &at,
                    },
                )
                .await?;
            println!("precinct {precinct}: list locked");
            Ok(ExitCode::SUCCESS)
        }
        RegisterCommand::Absentee {
            precinct,
            destination,
            serial,
            at: local,
            operator,
            event,
            key,
        } => {
            let key = PreparedDigestKey::new(&key.load()?);
            let local =
                chrono::NaiveDateTime::parse_from_str(&local, "%Y-%m-%dT%H:%M").map_err(|_| {
                    anyhow!("--at must be a local time YYYY-MM-DDTHH:MM, e.g. 2026-03-10T11:00")
                })?;
            let serial = serial
                .map(|s| Serial::parse(&s))
                .transpose()
                .map_err(|e| anyhow!("--serial: {e}"))?;
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            let iin = Iin::parse(&line).map_err(|e| anyhow!("standard input: {e}"))?;
            let (store, territory) = territory_of(db).await?;
            let destination = destination.map(DistrictId);
            let at = now();
            let ev = event.event();
            let result = store
                .issue_certificate(
                    &ev,
                    &territory,
                    &key.digest(&iin),
                    PrecinctId(precinct),
                    destination.as_ref(),
                    serial,
                    local,
                    &Operator {
                        name: &operator,
                        at: &at,
                    },
                )
                .await?;
            match result {
                Ok(serial) => {
                    println!(
                        "certificate {serial} issued to {}; the list of precinct {precinct} is marked",
                        iin.masked()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(refusal) => {
                    eprintln!("refused: {refusal}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        RegisterCommand::Turnout { event, precincts } => {
            let (store, territory) = territory_of(db).await?;
            let rows = store.turnout(&event).await?;
            if precincts {
                println!("precinct,on_list,added_absentee,marked");
                for r in rows {
                    println!(
                        "{},{},{},{}",
                        r.precinct.0, r.on_list, r.added_absentee, r.marked
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            let district_region: HashMap<&DistrictId, &str> = territory
                .districts
                .iter()
                .map(|d| (&d.id, d.region.0.as_str()))
                .collect();
            let precinct_region: HashMap<u32, &str> = territory
                .precincts
                .iter()
                .filter_map(|p| Some((p.id.0, *district_region.get(&p.district)?)))
                .collect();
            let mut by: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
            for r in rows {
                let region = precinct_region
                    .get(&r.precinct.0)
                    .copied()
                    .unwrap_or("unknown");
                let e = by.entry(region).or_default();
                e.0 += r.on_list + r.added_absentee;
                e.1 += r.marked;
            }
            println!("region,on_list,marked,turnout_percent");
            for (region, (list, marked)) in by {
                println!("{region},{list},{marked},{}", percent(marked, list));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `part/whole` as a percentage with two decimals, rounded half up in integers.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.00".into();
    }
    let hundredths = (u128::from(part) * 10_000 * 2 + u128::from(whole)) / (2 * u128::from(whole));
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// Writes the CSV of `args.count` people to `output` (or standard output); returns the count.
fn generate_csv(territory: &Territory, args: &GenerateArgs, out: Option<&Path>) -> Result<u64> {
    let sink: Box<dyn Write> = match out {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = BufWriter::with_capacity(1 << 20, sink);
    writeln!(w, "{}", CSV_HEADER.join(","))?;
    let bar = output::progress(args.count, "people");
    let mut line = String::with_capacity(256);
    let mut n = 0u64;
    for voter in Population::new(territory, args.count, args.seed, args.voting_day) {
        line.clear();
        write_row(&voter, &mut line);
        w.write_all(line.as_bytes())?;
        n += 1;
        if n.is_multiple_of(100_000) {
            bar.set_position(n);
        }
    }
    bar.finish_and_clear();
    w.flush()?;
    Ok(n)
}

/// The result of an import.
pub struct ImportReport {
    /// People imported (0 when there were problems).
    pub imported: u64,
    /// Every problem, in line order.
    pub errors: Vec<RowError>,
    /// Seconds, reading to commit.
    pub seconds: f64,
}

/// A block of lines: its index, the line number of its first line, the bytes.
struct Block {
    index: u64,
    first_line: u64,
    bytes: Vec<u8>,
}

/// A parsed block: list lines, key rows (with their line numbers), problems.
struct Parsed {
    index: u64,
    rows: Vec<ListRow>,
    keys: Vec<KeyRow>,
    errors: Vec<RowError>,
}

fn parse_block(block: Block, key: &PreparedDigestKey, precincts: &HashSet<u32>) -> Parsed {
    let mut rows = Vec::with_capacity(BLOCK_LINES);
    let mut keys = Vec::with_capacity(BLOCK_LINES);
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(block.bytes.as_slice());
    let mut record = csv::ByteRecord::new();
    loop {
        let line = block.first_line + reader.position().line() - 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(RowError {
                    line,
                    column: "row".into(),
                    problem: FieldProblem::Malformed {
                        reason: e.to_string(),
                    },
                });
                continue;
            }
        }
        let mut fields: Vec<&str> = Vec::with_capacity(CSV_HEADER.len());
        let mut bad_utf8 = false;
        for f in record.iter() {
            match std::str::from_utf8(f) {
                Ok(s) => fields.push(s),
                Err(_) => {
                    bad_utf8 = true;
                    break;
                }
            }
        }
        if bad_utf8 {
            errors.push(RowError {
                line,
                column: "row".into(),
                problem: FieldProblem::Malformed {
                    reason: "not UTF-8 text; save the file as UTF-8".into(),
                },
            });
            continue;
        }
        match parse_row(&fields, line) {
            Ok(voter) => {
                if !precincts.contains(&voter.precinct.0) {
                    errors.push(RowError {
                        line,
                        column: "precinct".into(),
                        problem: FieldProblem::UnknownPrecinct {
                            found: voter.precinct.0,
                        },
                    });
                    continue;
                }
                let (stored, digest) = StoredVoter::digested(voter, key);
                // Lines are numbered from 2 (after the header): the person's list number is
                // the line's number less one, so list numbers follow the file.
                let Ok(list_id) = u32::try_from(line - 1) else {
                    errors.push(RowError {
                        line,
                        column: "row".into(),
                        problem: FieldProblem::Malformed {
                            reason: "a register file has at most 4,294,967,295 people; split it"
                                .into(),
                        },
                    });
                    continue;
                };
                match split_voter(stored, digest, line, list_id) {
                    Ok((list, k)) => {
                        rows.push(list);
                        keys.push(k);
                    }
                    Err(e) => errors.push(RowError {
                        line,
                        column: "citizenship".into(),
                        problem: FieldProblem::Malformed {
                            reason: e.to_string(),
                        },
                    }),
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    Parsed {
        index: block.index,
        rows,
        keys,
        errors,
    }
}

/// Imports a register file: a reader thread cuts it into blocks of lines, one parsing thread
/// per core parses, validates and digests them, and the database load runs on this task. The
/// list lines go to the database as they come; the key rows (56 bytes a person) are kept,
/// sorted by digest at the end — which also finds every duplicate IIN, with its lines — and
/// written in that order. Any problem stops the load and rolls it back; reading goes on to the
/// end so that every problem is reported.
pub async fn import_file(
    store: &Store,
    path: &Path,
    key: &DigestKey,
    precincts: &HashSet<u32>,
) -> Result<ImportReport> {
    let started = Instant::now();
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = output::progress_bytes(size, "importing");
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut header = String::new();
    reader.read_line(&mut header)?;
    let expected = CSV_HEADER.join(",");
    if header
        .trim_end_matches(['\r', '\n'])
        .trim_start_matches('\u{feff}')
        != expected
    {
        bail!(
            "line 1 of {} must be the header {expected}; add it, or check that this is a register file",
            path.display()
        );
    }
    let key = PreparedDigestKey::new(key);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (block_tx, block_rx) = mpsc::sync_channel::<Block>(workers * 2);
    let block_rx = Arc::new(Mutex::new(block_rx));
    let (parsed_tx, parsed_rx) = mpsc::sync_channel::<Parsed>(workers * 2);
    let (rows_tx, rows_rx) = tokio::sync::mpsc::channel::<Vec<ListRow>>(4);
    let (keys_tx, keys_rx) = tokio::sync::oneshot::channel::<Option<Vec<KeyRow>>>();
    let header_len = header.len() as u64;
    // Room for every key row from the start (a line of a register file is some 100 bytes or
    // more): growing the vector by doubling would hold the old and the new one at once.
    let expected_people = usize::try_from(size / 100)
        .unwrap_or(0)
        .saturating_add(1024);

    let reader_thread = {
        let bar = bar.clone();
        std::thread::spawn(move || -> std::io::Result<()> {
            let mut index = 0;
            let mut line_no = 2u64;
            let mut read = header_len;
            loop {
                let mut bytes = Vec::with_capacity(BLOCK_LINES * 120);
                let mut lines = 0;
                while lines < BLOCK_LINES {
                    let n = reader.read_until(b'\n', &mut bytes)?;
                    if n == 0 {
                        break;
                    }
                    lines += 1;
                }
                if lines == 0 {
                    // What is left: sorting the people by digest, writing them, indexing.
                    bar.set_message("indexing");
                    bar.enable_steady_tick(std::time::Duration::from_millis(500));
                    return Ok(());
                }
                read += bytes.len() as u64;
                bar.set_position(read);
                let block = Block {
                    index,
                    first_line: line_no,
                    bytes,
                };
                index += 1;
                line_no += lines as u64;
                if block_tx.send(block).is_err() {
                    return Ok(());
                }
            }
        })
    };
    let mut parsers = Vec::new();
    for _ in 0..workers {
        let rx = Arc::clone(&block_rx);
        let tx = parsed_tx.clone();
        let key = key.clone();
        let precincts = precincts.clone();
        parsers.push(std::thread::spawn(move || {
            loop {
                let block = match rx.lock() {
                    Ok(guard) => guard.recv(),
                    Err(_) => return,
                };
                let Ok(block) = block else { return };
                if tx.send(parse_block(block, &key, &precincts)).is_err() {
                    return;
                }
            }
        }));
    }
    drop(parsed_tx);
    // Puts blocks back in order, forwards list lines while nothing is wrong, keeps the key
    // rows; at the end sorts them, which finds duplicates, and hands them over.
    let collector = std::thread::spawn(move || -> Vec<RowError> {
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        let mut keys: Vec<KeyRow> = Vec::with_capacity(expected_people);
        let mut errors = Vec::new();
        let mut rows_tx = Some(rows_tx);
        for parsed in parsed_rx {
            pending.insert(parsed.index, parsed);
            while let Some(mut p) = pending.remove(&next) {
                next += 1;
                if !p.errors.is_empty() {
                    rows_tx = None;
                    errors.append(&mut p.errors);
                }
                keys.append(&mut p.keys);
                if let Some(tx) = &rows_tx
                    && tx.blocking_send(p.rows).is_err()
                {
                    rows_tx = None;
                }
            }
        }
        drop(rows_tx);
        for (first, again) in sort_key_rows(&mut keys) {
            errors.push(RowError {
                line: again,
                column: "iin".into(),
                problem: FieldProblem::Duplicate { first_row: first },
            });
        }
        let _ = keys_tx.send(errors.is_empty().then_some(keys));
        errors.sort_by_key(|e| e.line);
        errors
    });
    let load = store.import_voters(rows_rx, keys_rx).await;
    let errors = tokio::task::spawn_blocking(move || collector.join())
        .await?
        .map_err(|_| anyhow!("the import's collecting thread failed"))?;
    for p in parsers {
        p.join().map_err(|_| anyhow!("a parsing thread failed"))?;
    }
    reader_thread
        .join()
        .map_err(|_| anyhow!("the reading thread failed"))?
        .with_context(|| format!("cannot read {}", path.display()))?;
    bar.finish_and_clear();
    if !errors.is_empty() {
        return Ok(ImportReport {
            imported: 0,
            errors,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    let imported = load?.ok_or_else(|| anyhow!("the import was abandoned"))?;
    Ok(ImportReport {
        imported,
        errors,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn write_errors(path: &Path, errors: &[RowError]) -> Result<()> {
    let mut w = BufWriter::new(
        File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
    );
    writeln!(w, "line,column,problem")?;
    for e in errors {
        writeln!(
            w,
            "{},{},{}",
            e.line,
            e.column,
            csv_field(&e.problem.to_string())
        )?;
    }
    w.flush()?;
    Ok(())
}

/// Peak resident memory of this process so far (VmHWM), in bytes, when the system says.
fn peak_rss() -> Option<u64> {
    let mut text = String::new();
    File::open("/proc/self/status")
        .ok()?
        .read_to_string(&mut text)
        .ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// `ashyq bench register`.
#[derive(Args)]
pub struct BenchRegisterArgs {
    /// People to generate and import.
    #[arg(long, default_value_t = 12_500_000)]
    count: u64,
    /// Marks to time (people of the register marked at their precinct).
    #[arg(long, default_value_t = 500_000)]
    marks: u64,
    /// Terminals marking at the same time, each one mark after another; their marks are
    /// committed together (group commit).
    #[arg(long, default_value_t = 32)]
    mark_clients: usize,
    /// Directory for the CSV and databases (default: a temporary directory).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Also import into PostgreSQL at this URL (a scratch database is created and dropped).
    #[arg(long)]
    postgres: Option<String>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Generates the CSV, imports it into SQLite (and PostgreSQL when asked), runs the baseline
/// `sqlite3 .import`, times eligibility and marks, and prints one JSON line.
pub async fn bench(args: BenchRegisterArgs) -> Result<ExitCode> {
    let scratch = std::env::temp_dir().join(format!("ashyq-bench-register-{}", std::process::id()));
    let dir = args.dir.clone().unwrap_or_else(|| scratch.clone());
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    let csv_path = dir.join("voters.csv");
    let territory = default_territory()?;
    let voting_day = NaiveDate::from_ymd_opt(2026, 3, 15).expect("a date");
    let gen_args = GenerateArgs {
        count: args.count,
        output: None,
        seed: 2026,
        voting_day,
    };
    let t0 = Instant::now();
    generate_csv(&territory, &gen_args, Some(&csv_path))?;
    let generate_seconds = t0.elapsed().as_secs_f64();
    let csv_bytes = std::fs::metadata(&csv_path)?.len();
    println!(
        "bench register: {} people, CSV {} MB generated in {generate_seconds:.1} s",
        output::thousands(args.count),
        csv_bytes / 1_000_000
    );

    // A throw-away key for synthetic people, discarded with the bench's database; it need
    // not be unpredictable, only not fixed in the code.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ u64::from(std::process::id());
    let mut key_bytes = [0u8; 32];
    rand::Rng::fill(
        &mut <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed),
        &mut key_bytes,
    );
    let key = DigestKey::from_bytes(&key_bytes).map_err(|e| anyhow!("{e}"))?;
    let precincts: HashSet<u32> = territory.precincts.iter().map(|p| p.id.0).collect();

    // ashyq import into SQLite.
    let db_path = dir.join("register.db");
    let _ = std::fs::remove_file(&db_path);
    let url = format!("sqlite://{}", db_path.display());
    let store = Store::open_single(&url).await?;
    let report = import_file(&store, &csv_path, &key, &precincts).await?;
    store.close().await;
    let store = Store::open(&url).await?;
    if !report.errors.is_empty() {
        bail!("the generated CSV has problems: {}", report.errors[0]);
    }
    let import_seconds = report.seconds;
    let rss = peak_rss();
    println!(
        "  ashyq import (SQLite)        {import_seconds:>8.2} s  ({:.0} rows/s), peak RSS {}",
        args.count as f64 / import_seconds,
        rss.map_or("unknown".into(), |b| format!("{} MiB", b / (1 << 20)))
    );

    // Baseline: sqlite3 .import of the same CSV into a plain table.
    let base_path = dir.join("baseline.db");
    let _ = std::fs::remove_file(&base_path);
    let t = Instant::now();
    let baseline_seconds = match std::process::Command::new("sqlite3")
        .arg(&base_path)
        .arg(".mode csv")
        .arg(format!(".import {} voters", csv_path.display()))
        .stdin(std::process::Stdio::null())
        .status()
    {
        Ok(status) if status.success() => Some(t.elapsed().as_secs_f64()),
        Ok(status) => {
            eprintln!("  sqlite3 .import failed ({status}); no baseline");
            None
        }
        Err(_) => {
            eprintln!("  sqlite3 is not installed (apt-get install -y sqlite3); no baseline");
            None
        }
    };
    let _ = std::fs::remove_file(&base_path);
    let ratio = baseline_seconds.map(|b| import_seconds / b);
    match (baseline_seconds, ratio) {
        (Some(b), Some(r)) => {
            println!("  sqlite3 .import (baseline)   {b:>8.2} s");
            println!("  ratio                        {r:>8.2}×");
        }
        _ => println!("  sqlite3 .import (baseline)   not available"),
    }

    // Eligibility of everyone on voting day.
    let spin = output::spinner("eligibility of everyone");
    let t = Instant::now();
    let counts = store.eligibility_counts(voting_day).await?;
    let eligibility_seconds = t.elapsed().as_secs_f64();
    spin.finish_and_clear();
    println!(
        "  eligibility of {} people   {eligibility_seconds:>8.2} s  ({} eligible)",
        output::thousands(counts.checked),
        output::thousands(counts.eligible)
    );

    // Marks: people of the register in file order, each at their own precinct.
    let marks = args.marks.min(args.count) as usize;
    let key_p = PreparedDigestKey::new(&key);
    let mut requests = Vec::with_capacity(marks);
    for voter in Population::new(&territory, args.count, 2026, voting_day).take(marks) {
        requests.push(MarkRequest {
            digest: key_p.digest(&voter.iin),
            precinct: voter.precinct,
        });
    }
    let ev = RegisterEvent {
        id: "kz-2026",
        voting_day,
    };
    let at = now();
    let desk = Arc::new(MarkDesk::new(store.clone(), &ev));
    let clients = args.mark_clients.clamp(1, marks.max(1));
    let mut shares: Vec<Vec<MarkRequest>> = (0..clients).map(|_| Vec::new()).collect();
    for (i, r) in requests.into_iter().enumerate() {
        shares[i % clients].push(r);
    }
    let bar = output::progress(marks as u64, "marking");
    let t = Instant::now();
    let mut terminals = Vec::with_capacity(clients);
    for share in shares {
        let desk = Arc::clone(&desk);
        let at = at.clone();
        let bar = bar.clone();
        terminals.push(tokio::spawn(async move {
            let op = Operator {
                name: "bench",
                at: &at,
            };
            let mut latencies = Vec::with_capacity(share.len());
            let mut recorded = 0u64;
            for r in share {
                let t1 = Instant::now();
                let outcome = desk.mark(r, &op).await?;
                latencies.push(t1.elapsed().as_secs_f64());
                recorded += u64::from(outcome == MarkOutcome::Recorded);
                bar.inc(1);
            }
            Ok::<_, ashyq_store::StoreError>((latencies, recorded))
        }));
    }
    let mut latencies = Vec::with_capacity(marks);
    let mut recorded = 0u64;
    for terminal in terminals {
        let (l, r) = terminal.await??;
        latencies.extend(l);
        recorded += r;
    }
    let mark_seconds = t.elapsed().as_secs_f64();
    bar.finish_and_clear();
    drop(desk);
    latencies.sort_by(f64::total_cmp);
    let p99 = latencies
        .get(latencies.len().saturating_sub(1) * 99 / 100)
        .copied()
        .unwrap_or(0.0);
    let marks_per_second = marks as f64 / mark_seconds;
    println!(
        "  marks                        {marks_per_second:>8.0} /s  ({marks} marks by {clients} terminals, {recorded} recorded; p99 of a mark {:.2} ms)",
        p99 * 1000.0
    );
    // Turnout counted from the marks' log.
    let t = Instant::now();
    let turnout = store.turnout("kz-2026").await?;
    let turnout_seconds = t.elapsed().as_secs_f64();
    let turnout_marked: u64 = turnout.iter().map(|p| p.marked).sum();
    println!(
        "  turnout from the marks       {turnout_seconds:>8.2} s  ({} precincts, {} marked)",
        output::thousands(turnout.len() as u64),
        output::thousands(turnout_marked)
    );
    store.close().await;
    drop(store);

    // PostgreSQL with COPY.
    let mut pg_seconds = None;
    if let Some(pg) = &args.postgres {
        let db = ashyq_store::testing::TestDb::postgres_at(pg)
            .map_err(|e| anyhow!("cannot create a scratch PostgreSQL database: {e}"))?;
        let store = Store::open(&db.url).await?;
        let report = import_file(&store, &csv_path, &key, &precincts).await?;
        println!("  ashyq import (PostgreSQL COPY) {:>6.2} s", report.seconds);
        pg_seconds = Some(report.seconds);
        store.close().await;
    }
    let peak = peak_rss();
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&scratch);
    } else {
        // The WAL and shared-memory files too: gigabytes after a full-size run.
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db_path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
        let _ = std::fs::remove_file(&csv_path);
    }
    println!(
        "{}",
        json!({
            "bench": "register",
            "backend": "sqlite",
            "voters": args.count,
            "csv_bytes": csv_bytes,
            "generate_seconds": round3(generate_seconds),
            "seconds": round3(import_seconds),
            "baseline_seconds": baseline_seconds.map(round3),
            "ratio": ratio.map(round3),
            "rows_per_second": (args.count as f64 / import_seconds).round(),
            "peak_rss_bytes": peak,
            "peak_rss_after_import_bytes": rss,
            "eligibility_seconds": round3(eligibility_seconds),
            "eligible": counts.eligible,
            "marks": marks,
            "mark_clients": clients,
            "marks_per_second": marks_per_second.round(),
            "mark_p99_ms": round3(p99 * 1000.0),
            "turnout_seconds": round3(turnout_seconds),
            "postgres_copy_seconds": pg_seconds.map(round3),
        })
    );
    Ok(ExitCode::SUCCESS)
}
