//! The commands: each reads its inputs, calls the registrar or the core, and prints.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::protocol::{self, PrecinctProtocol};
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::referendum::{ReferendumDefinition, presets};
use ashyq_core::report::{self, Level};
use ashyq_core::territory::{PrecinctId, Territory, generate, io as territory_io};
use ashyq_core::verify::{self, Verifier};
use ashyq_core::{profile, scenario};
use ashyq_store::registrar::Registrar;

use crate::output;
use crate::{
    BenchCommand, Cli, Command, ExportArgs, FileFormat, Format, LevelArg, ProtocolCommand,
    ReferendumCommand, TerritoryCommand,
};

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let db = cli.database_url;
    match cli.command {
        Command::Demo(args) => crate::demo::run(&db, args).await,
        Command::Serve {
            listen,
            rate_limit,
            log_key_file,
            secure_cookies,
            consult,
        } => {
            let registrar = Arc::new(open(&db).await?);
            let log_key = load_log_key(&db, log_key_file.as_deref())?;
            let (consult, dev_idp) =
                crate::consult_cmd::consult_service(registrar.store().clone(), consult).await?;
            // Follow what the secretariat records from the command line meanwhile.
            let following = consult.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(3));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    if let Err(e) = following.follow().await {
                        tracing::warn!(error = %e, "could not read the consultation's new entries");
                    }
                }
            });
            let config = ashyq_server::ServerConfig {
                consult: Some(consult),
                dev_idp,
                rate_limit: std::num::NonZeroU32::new(rate_limit).map(|n| {
                    ashyq_server::limits::RateLimit {
                        per_second: n,
                        burst: n.saturating_mul(std::num::NonZeroU32::new(2).expect("2 > 0")),
                    }
                }),
                secure_cookies,
                ..ashyq_server::ServerConfig::with_log_key(log_key)
            };
            ashyq_server::serve_with(registrar, listen, config, |addr| {
                println!(
                    "ashyq is serving {db_shown} on http://{addr}/",
                    db_shown = mask(&db)
                );
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init {
            profile,
            seed,
            no_territory,
        } => {
            let registrar = open(&db).await?;
            if no_territory {
                println!("Database ready at {}.", mask(&db));
                return Ok(ExitCode::SUCCESS);
            }
            if registrar.ledger().territory().is_some() {
                bail!(
                    "{} already has a territory; to replace it use `ashyq territory import FILE` or `ashyq territory generate` (possible until a referendum is defined)",
                    mask(&db)
                );
            }
            let profile = find_profile(&profile)?;
            let spec = generate::TerritorySpec {
                seed,
                ..Default::default()
            };
            let territory = generate::generate(&profile, &spec)?;
            let summary = territory_summary(&territory);
            registrar.load_territory(territory).await?;
            println!(
                "Database ready at {}; territory loaded: {summary}.",
                mask(&db)
            );
            println!("Next: ashyq referendum create --preset kz-2026");
            Ok(ExitCode::SUCCESS)
        }
        Command::Territory(cmd) => territory(&db, cmd).await,
        Command::Referendum(cmd) => referendum(&db, cmd).await,
        Command::Protocol(cmd) => protocol_cmd(&db, cmd).await,
        Command::Party(cmd) => crate::election_cmd::party(&db, cmd).await,
        Command::Election(cmd) => crate::election_cmd::election(&db, cmd).await,
        Command::List(cmd) => crate::election_cmd::list(&db, cmd).await,
        Command::Mandate(cmd) => crate::election_cmd::mandate(&db, cmd).await,
        Command::Results {
            referendum,
            region,
            format,
        } => {
            let registrar = open(&db).await?;
            let ledger = registrar.ledger();
            let r = ledger.resolve_referendum(referendum.as_deref())?;
            let tree = ledger.results(&r.definition.id)?;
            let text = match (format, region) {
                (Format::Json, None) => output::national_json(&tree),
                (Format::Json, Some(code)) => output::region_json(&tree, &code)?,
                (Format::Csv, None) => report::results_csv(&tree, Level::Region),
                (Format::Csv, Some(code)) => output::region_csv(&tree, &code)?,
                (Format::Table, None) => output::national_table(&r.definition, &tree),
                (Format::Table, Some(code)) => output::region_table(&tree, &code)?,
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Certify { referendum, author } => {
            let registrar = open(&db).await?;
            let id = resolve(&registrar, referendum.as_deref())?;
            let author = Author {
                name: author,
                role: "central commission".into(),
            };
            let entry = registrar.certify(&id, author).await?;
            let tree = registrar.ledger().results(&id)?;
            println!(
                "Certified {id} at entry {} ({}).\n{}\n{}",
                entry.seq, entry.hash, tree.outcome.validity_reason, tree.outcome.adoption_reason
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(args) => export(&db, args).await,
        Command::Verify {
            log,
            results,
            head,
            log_key,
            receipt,
            tree_head,
        } => verify_file(
            &log,
            results.as_deref(),
            head.as_deref(),
            &Transparency {
                log_key,
                receipts: receipt,
                tree_heads: tree_head,
            },
        ),
        Command::Bench(BenchCommand::Ingest { batch, runs }) => {
            crate::bench::ingest(&db, batch, runs).await
        }
        Command::Seats(args) => crate::seats_cmd::run(args),
        Command::Keys(cmd) => crate::keys_cmd::run(&db, cmd).await,
        Command::Operator(cmd) => crate::operator_cmd::run(&db, cmd).await,
        Command::VerifyReceipt(args) => crate::keys_cmd::verify_receipt(&args),
        Command::VerifyConsistency(args) => crate::keys_cmd::verify_consistency(&args),
        Command::Bench(BenchCommand::Seats(args)) => crate::seats_cmd::bench(args),
        Command::Bench(BenchCommand::Consult(args)) => crate::consult_cmd::bench(args),
        Command::Act(cmd) => crate::consult_cmd::act(&db, cmd).await,
        Command::Consult(cmd) => crate::consult_cmd::consult(&db, cmd).await,
        Command::Commission(cmd) => crate::commission_cmd::run(&db, cmd).await,
        Command::Register(command) => crate::register_cmd::run(&db, command).await,
        Command::Bench(BenchCommand::Register(args)) => crate::register_cmd::bench(args).await,
        Command::Bench(BenchCommand::Load(args)) => crate::bench_load::run(&db, args).await,
    }
}

pub async fn open(db: &str) -> Result<Registrar> {
    Registrar::open(db)
        .await
        .with_context(|| format!("cannot open the database {}", mask(db)))
}

/// Where the log's signing key lives unless `--log-key-file` says: next to a SQLite file
/// (`FILE.log-key`), or `ashyq-log.key` in the current directory for PostgreSQL.
pub fn default_log_key_path(db: &str) -> PathBuf {
    let sqlite = db
        .strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
        .or_else(|| (!db.contains("://")).then_some(db));
    match sqlite {
        Some(file) if !file.is_empty() && !file.starts_with(":memory:") => {
            PathBuf::from(format!("{file}.log-key"))
        }
        _ => PathBuf::from("ashyq-log.key"),
    }
}

/// Reads the log's signing key, creating it on first use, and says so.
pub fn load_log_key(
    db: &str,
    given: Option<&Path>,
) -> Result<ashyq_core::keys::CommissionSigningKey> {
    let path = given.map_or_else(|| default_log_key_path(db), Path::to_path_buf);
    let (key, created) = ashyq_server::transparency::load_or_create_log_key(&path)?;
    if created {
        eprintln!(
            "Created the log's signing key {} (keep it private and backed up; its public half is {}.pub). Key id {}.",
            path.display(),
            path.display(),
            key.key_id()
        );
    }
    Ok(key)
}

/// The URL with any password replaced by `***`, for messages.
pub fn mask(url: &str) -> String {
    ashyq_store::redact_url(url)
}

fn find_profile(code: &str) -> Result<profile::Profile> {
    profile::by_code(code).ok_or_else(|| {
        anyhow!(
            "unknown profile {code:?}; known profiles: {}",
            profile::CODES.join(", ")
        )
    })
}

fn resolve(registrar: &Registrar, id: Option<&str>) -> Result<ContestId> {
    Ok(registrar
        .ledger()
        .resolve_referendum(id)?
        .definition
        .id
        .clone())
}

pub fn territory_summary(t: &Territory) -> String {
    format!(
        "{} regions, {} districts, {} precincts, {} registered voters",
        t.regions.len(),
        output::thousands(t.districts.len() as u64),
        output::thousands(t.precincts.len() as u64),
        output::thousands(t.registered_voters())
    )
}

fn format_of(path: Option<&Path>, explicit: Option<FileFormat>) -> FileFormat {
    explicit.unwrap_or_else(
        || match path.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => FileFormat::Csv,
            _ => FileFormat::Json,
        },
    )
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "{} is not UTF-8 text (byte {}); save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display())),
        None => {
            std::io::stdout().write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

async fn territory(db: &str, cmd: TerritoryCommand) -> Result<ExitCode> {
    match cmd {
        TerritoryCommand::Generate {
            profile,
            seed,
            domestic_precincts,
            abroad_precincts,
            voters,
            output,
            format,
        } => {
            let profile = find_profile(&profile)?;
            let spec = generate::TerritorySpec {
                seed,
                domestic_precincts,
                abroad_precincts,
                registered_voters: voters,
                ..Default::default()
            };
            let territory = generate::generate(&profile, &spec)?;
            let summary = territory_summary(&territory);
            match output {
                Some(path) => {
                    let text = match format_of(Some(&path), format) {
                        FileFormat::Json => territory_io::to_json(&territory),
                        FileFormat::Csv => territory_io::to_csv(&territory),
                    };
                    write_output(Some(&path), &text)?;
                    eprintln!("Wrote {} ({summary}).", path.display());
                }
                None => {
                    let registrar = open(db).await?;
                    registrar.load_territory(territory).await?;
                    println!("Territory loaded into {}: {summary}.", mask(db));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        TerritoryCommand::Import {
            file,
            profile,
            format,
        } => {
            let text = read_text(&file)?;
            let territory = match format_of(Some(&file), format) {
                FileFormat::Json => territory_io::from_json(&text),
                FileFormat::Csv => territory_io::from_csv(&text, &find_profile(&profile)?),
            }
            .with_context(|| format!("cannot import {}", file.display()))?;
            let summary = territory_summary(&territory);
            let registrar = open(db).await?;
            registrar.load_territory(territory).await?;
            println!("Territory loaded into {}: {summary}.", mask(db));
            Ok(ExitCode::SUCCESS)
        }
        TerritoryCommand::Export { output, format } => {
            let registrar = open(db).await?;
            let ledger = registrar.ledger();
            let territory = ledger
                .territory()
                .ok_or_else(|| anyhow!("the database has no territory; run `ashyq init` first"))?;
            let text = match format_of(output.as_deref(), format) {
                FileFormat::Json => territory_io::to_json(territory),
                FileFormat::Csv => territory_io::to_csv(territory),
            };
            write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn referendum(db: &str, cmd: ReferendumCommand) -> Result<ExitCode> {
    match cmd {
        ReferendumCommand::Create { preset, file } => {
            let def: ReferendumDefinition = match (preset, file) {
                (Some(name), _) => presets::by_name(&name).ok_or_else(|| {
                    anyhow!("unknown preset {name:?}; presets: {}", presets::NAMES.join(", "))
                })?,
                (None, Some(path)) => serde_json::from_str(&read_text(&path)?).with_context(|| {
                    format!(
                        "{} is not a referendum definition; print a template with `ashyq referendum show --preset kz-2026`",
                        path.display()
                    )
                })?,
                (None, None) => bail!("give --preset kz-2026|kz-2022 or --file definition.json"),
            };
            let registrar = open(db).await?;
            let entry = registrar.create_referendum(def.clone()).await?;
            println!(
                "Referendum {} created (entry {}): voting on {} from {} to {}; question: {}",
                def.id,
                entry.seq,
                def.voting_day,
                def.polls_open.format("%H:%M"),
                def.polls_close.format("%H:%M"),
                def.question.en
            );
            Ok(ExitCode::SUCCESS)
        }
        ReferendumCommand::Show { preset: Some(name) } => {
            let def = presets::by_name(&name).ok_or_else(|| {
                anyhow!(
                    "unknown preset {name:?}; presets: {}",
                    presets::NAMES.join(", ")
                )
            })?;
            println!("{}", serde_json::to_string_pretty(&def)?);
            Ok(ExitCode::SUCCESS)
        }
        ReferendumCommand::Show { preset: None } => {
            let registrar = open(db).await?;
            let ledger = registrar.ledger();
            let mut any = false;
            for r in ledger.referendums() {
                any = true;
                let d = &r.definition;
                println!(
                    "{}\t{}\t{}\t{}",
                    d.id,
                    d.voting_day,
                    if r.certification().is_some() {
                        "certified"
                    } else {
                        "open"
                    },
                    d.question.en
                );
            }
            if !any {
                println!("No referendum yet: ashyq referendum create --preset kz-2026");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads protocols from a JSON or CSV file, chosen by extension (or by content for others).
pub fn read_protocols(path: &Path) -> Result<Vec<PrecinctProtocol>> {
    let text = read_text(path)?;
    let is_csv = match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => true,
        Some(e) if e.eq_ignore_ascii_case("json") => false,
        _ => !text.trim_start().starts_with(['{', '[']),
    };
    let parsed = if is_csv {
        protocol::parse_csv(&text)
    } else {
        protocol::parse_json(&text)
    };
    parsed.with_context(|| format!("cannot read {}", path.display()))
}

async fn protocol_cmd(db: &str, cmd: ProtocolCommand) -> Result<ExitCode> {
    match cmd {
        ProtocolCommand::Sign(args) => crate::keys_cmd::sign(&args),
        ProtocolCommand::Send(args) => crate::keys_cmd::send(&args).await,
        ProtocolCommand::Submit { files } => {
            // Read and parse everything first: a malformed file stops the command before
            // anything is submitted.
            let mut protocols = Vec::new();
            let mut party_lists = Vec::new();
            for f in &files {
                let text = read_text(f)?;
                if crate::election_cmd::is_party_list(&text) {
                    party_lists.extend(crate::election_cmd::read_party_lists(f, &text)?);
                } else {
                    protocols.extend(read_protocols(f)?);
                }
            }
            let mut refused_lists = 0;
            if !party_lists.is_empty() {
                let n = party_lists.len();
                let (ok, conflicts, refused) =
                    crate::election_cmd::submit_party_lists(db, party_lists).await?;
                println!(
                    "{n} party-list protocols: {ok} accepted or already recorded, {conflicts} conflicts recorded for review, {refused} refused."
                );
                if protocols.is_empty() {
                    return Ok(if refused > 0 {
                        ExitCode::FAILURE
                    } else {
                        ExitCode::SUCCESS
                    });
                }
                refused_lists = refused;
            }
            let registrar = open(db).await?;
            let bar = output::progress(protocols.len() as u64, "submitting");
            let mut refused = 0usize;
            let mut counts = [0usize; 4];
            for chunk in protocols.chunks(512) {
                let results = registrar.submit_batch(chunk.to_vec()).await?;
                for (p, r) in chunk.iter().zip(results) {
                    match r {
                        Ok(receipt) => {
                            match receipt.status {
                                ReceiptStatus::Accepted => counts[0] += 1,
                                ReceiptStatus::Conflict => counts[1] += 1,
                                ReceiptStatus::Amended => counts[2] += 1,
                            }
                            if protocols.len() <= 20 {
                                bar.suspend(|| output::print_receipt(&receipt));
                            }
                        }
                        Err(e) => {
                            refused += 1;
                            bar.suspend(|| eprintln!("refused: precinct {}: {e}", p.precinct));
                        }
                    }
                    bar.inc(1);
                }
            }
            bar.finish_and_clear();
            println!(
                "{} protocols: {} accepted or already recorded, {} conflicts recorded for review, {} refused.",
                protocols.len(),
                counts[0] + counts[2],
                counts[1],
                refused
            );
            Ok(if refused + refused_lists > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        ProtocolCommand::Amend {
            file,
            reason,
            author,
        } => {
            let mut protocols = read_protocols(&file)?;
            if protocols.len() != 1 {
                bail!(
                    "{} holds {} protocols; an amendment takes exactly one",
                    file.display(),
                    protocols.len()
                );
            }
            let registrar = open(db).await?;
            let receipt = registrar
                .amend(
                    protocols.remove(0),
                    &reason,
                    Author {
                        name: author,
                        role: "operator".into(),
                    },
                )
                .await?;
            output::print_receipt(&receipt);
            Ok(ExitCode::SUCCESS)
        }
        ProtocolCommand::Review { referendum } => {
            let registrar = open(db).await?;
            let ledger = registrar.ledger();
            let id = ledger
                .resolve_referendum(referendum.as_deref())?
                .definition
                .id
                .clone();
            let conflicts: Vec<_> = ledger.open_conflicts(&id)?.collect();
            println!("Open conflicts: {}", conflicts.len());
            for c in &conflicts {
                println!(
                    "  precinct {}: protocol {} (entry {}) differs from the applied one",
                    c.receipt.precinct, c.receipt.protocol_hash, c.receipt.seq
                );
            }
            let warned: Vec<_> = ledger
                .applied_protocols(&id)?
                .filter(|a| !a.warnings.is_empty())
                .collect();
            println!("Protocols with warnings: {}", warned.len());
            for a in &warned {
                for w in &a.warnings {
                    println!("  precinct {}: {w}", a.protocol.precinct);
                }
            }
            let missing = ledger.missing_precincts(&id)?;
            println!("Precincts not reported: {}", missing.len());
            Ok(ExitCode::SUCCESS)
        }
        ProtocolCommand::Dismiss {
            precinct,
            hash,
            reason,
            author,
            referendum,
        } => {
            let registrar = open(db).await?;
            let id = resolve(&registrar, referendum.as_deref())?;
            let entry = registrar
                .dismiss_conflict(
                    &id,
                    PrecinctId(precinct),
                    &hash,
                    &reason,
                    Author {
                        name: author,
                        role: "operator".into(),
                    },
                )
                .await?;
            println!("Conflict dismissed (entry {}, {}).", entry.seq, entry.hash);
            Ok(ExitCode::SUCCESS)
        }
        ProtocolCommand::Scenario { output, seed } => {
            let registrar = open(db).await?;
            let ledger = registrar.ledger();
            let territory = ledger
                .territory()
                .ok_or_else(|| anyhow!("the database has no territory; run `ashyq init` first"))?;
            let protocols = scenario::referendum_2026(territory, seed)?;
            let text = if format_of(Some(&output), None) == FileFormat::Csv {
                protocol::to_csv(&protocols)
            } else {
                serde_json::to_string_pretty(&protocols)?
            };
            write_output(Some(&output), &text)?;
            println!(
                "Wrote {} synthetic protocols to {}.",
                protocols.len(),
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn export(db: &str, args: ExportArgs) -> Result<ExitCode> {
    if args.log.is_none() && args.results.is_none() && args.protocols.is_none() {
        bail!("nothing to export: give --log FILE, --results FILE and/or --protocols FILE");
    }
    let registrar = open(db).await?;
    if let Some(path) = &args.log {
        let n = export_log(&registrar, path).await?;
        println!("Wrote {n} log entries to {}.", path.display());
    }
    if args.results.is_some() || args.protocols.is_some() {
        let ledger = registrar.ledger();
        let r = ledger.resolve_referendum(args.referendum.as_deref())?;
        let id = r.definition.id.clone();
        if let Some(path) = &args.results {
            let tree = ledger.results(&id)?;
            let text = if format_of(Some(path), None) == FileFormat::Csv {
                let level = match args.level {
                    LevelArg::National => Level::National,
                    LevelArg::Region => Level::Region,
                    LevelArg::District => Level::District,
                };
                report::results_csv(&tree, level)
            } else {
                serde_json::to_string_pretty(&tree)?
            };
            write_output(Some(path), &text)?;
            println!(
                "Wrote the {:?} result of {id} to {}.",
                tree.status,
                path.display()
            );
        }
        if let Some(path) = &args.protocols {
            let territory = ledger.territory().ok_or_else(|| anyhow!("no territory"))?;
            let text = report::precincts_csv(territory, |i| {
                let p = territory.precincts[i].id;
                ledger
                    .applied(&id, p)
                    .ok()
                    .flatten()
                    .map(|a| (a.protocol.lines, a.protocol_hash.clone()))
            });
            write_output(Some(path), &text)?;
            println!(
                "Wrote {} precincts to {}.",
                territory.precincts.len(),
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Streams the whole log to a JSON Lines file.
pub async fn export_log(registrar: &Registrar, path: &Path) -> Result<u64> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut after = 0u64;
    loop {
        let page = registrar.store().entries_after(after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            out.write_all(e.to_json_line().as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(after)
}

/// What `ashyq verify` checks of the transparency log, besides the log itself.
struct Transparency {
    log_key: Option<PathBuf>,
    receipts: Vec<PathBuf>,
    tree_heads: Vec<PathBuf>,
}

/// Checks signed tree heads and receipts against the tree rebuilt from the verified log: a
/// head whose root differs, or a receipt whose entry is not at its place, means the log given
/// is not the one the server signed — an entry was rewritten, dropped or reordered.
fn check_transparency(
    t: &Transparency,
    ledger: &ashyq_core::ledger::Ledger,
) -> Result<Vec<String>> {
    use ashyq_core::merkle;
    use ashyq_core::transparency::{SignedReceipt, SignedTreeHead};
    let mut failures = Vec::new();
    if t.receipts.is_empty() && t.tree_heads.is_empty() {
        return Ok(failures);
    }
    let Some(key_path) = &t.log_key else {
        bail!(
            "--receipt and --tree-head need --log-key: the log's public key file (GET /api/v1/log/key)"
        );
    };
    let log_key = crate::keys_cmd::read_log_key(key_path)?;
    let tree = ledger.tree();
    let check_head = |what: String, head: &SignedTreeHead, failures: &mut Vec<String>| {
        if let Err(e) = head.verify(&log_key) {
            failures.push(format!("{what}: {e}"));
            return false;
        }
        let size = head.head.tree_size;
        match tree.root_at(size) {
            Err(_) => failures.push(format!(
                "{what}: the signed tree has {size} entries but the log only {}: the log is cut short",
                tree.size()
            )),
            Ok(root) if root != head.head.root_hash => failures.push(format!(
                "{what}: the first {size} entries of this log do not give the signed root {}: an entry was rewritten, dropped or reordered",
                head.head.root_hash
            )),
            Ok(_) => return true,
        }
        false
    };
    for path in &t.tree_heads {
        let head = SignedTreeHead::parse(&read_text(path)?)?;
        if check_head(
            format!("tree head {}", path.display()),
            &head,
            &mut failures,
        ) {
            println!(
                "{}: the log's first {} entries are the ones the server signed at {}.",
                path.display(),
                head.head.tree_size,
                head.head.timestamp
            );
        }
    }
    for path in &t.receipts {
        let receipt = SignedReceipt::parse(&read_text(path)?)?;
        let what = format!("receipt {}", path.display());
        if let Err(e) = receipt.verify(&log_key) {
            failures.push(format!("{what}: {e}"));
            continue;
        }
        let r = &receipt.receipt;
        if !check_head(what.clone(), &r.tree_head, &mut failures) {
            continue;
        }
        let leaf = merkle::entry_leaf_hash(&r.entry_hash)?;
        if tree.leaf_hash_at(r.leaf_index) != Some(leaf) {
            failures.push(format!(
                "{what}: entry {} of the log is not the entry {} the receipt names",
                r.leaf_index + 1,
                r.entry_hash
            ));
            continue;
        }
        println!(
            "{}: precinct {} of {} is entry {} of the log, as the server promised ({:?}).",
            path.display(),
            r.precinct,
            r.referendum,
            r.leaf_index + 1,
            r.status
        );
    }
    Ok(failures)
}

fn verify_file(
    log: &PathBuf,
    results: Option<&Path>,
    head: Option<&str>,
    transparency: &Transparency,
) -> Result<ExitCode> {
    let file =
        std::fs::File::open(log).with_context(|| format!("cannot open {}", log.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = output::progress_bytes(size, "verifying");
    let mut reader = std::io::BufReader::new(file);
    let mut verifier = Verifier::new();
    let mut head_found = None;
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .with_context(|| format!("cannot read {}", log.display()))?;
        if n == 0 {
            break;
        }
        bar.inc(n as u64);
        if let Err(e) = verifier.feed(line.trim_end_matches(['\n', '\r'])) {
            bar.finish_and_clear();
            println!("FAILED: {e}");
            return Ok(ExitCode::FAILURE);
        }
        if let (Some(wanted), Some((seq, hash))) = (head, verifier.head())
            && head_found.is_none()
            && hash.0.eq_ignore_ascii_case(wanted.trim())
        {
            head_found = Some(seq);
        }
    }
    bar.finish_and_clear();
    let report = match verifier.finish() {
        Ok(r) => r,
        Err(e) => {
            println!("FAILED: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    println!(
        "Log verified: {} entries, hash chain intact, head {}.",
        report.entries, report.head
    );
    if let Some(wanted) = head {
        match head_found {
            Some(seq) if seq == report.entries => {
                println!("The published head {wanted} is the last entry of the log.");
            }
            Some(seq) => println!(
                "The published head {wanted} is entry {seq}; the log continues {} entries past it.",
                report.entries - seq
            ),
            None => {
                println!(
                    "FAILED: no entry of the log has the published head {wanted}: the log is cut short or is not the published one"
                );
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    let failures = check_transparency(transparency, &report.ledger)?;
    if !failures.is_empty() {
        for f in failures {
            println!("FAILED: {f}");
        }
        return Ok(ExitCode::FAILURE);
    }
    for tree in &report.results {
        let def = &report.ledger.referendum(&tree.referendum)?.definition;
        println!("Re-derived from the protocols in the log:");
        print!("{}", output::national_table(def, tree));
    }
    if let Some(path) = results {
        let published: ashyq_core::tally::ResultsTree = serde_json::from_str(&read_text(path)?)
            .with_context(|| {
                format!(
                    "{} is not a results file written by `ashyq export --results FILE.json`",
                    path.display()
                )
            })?;
        let Some(derived) = verify::result_of(&report, &published.referendum) else {
            println!(
                "FAILED: {} publishes {}, which is not in the log",
                path.display(),
                published.referendum
            );
            return Ok(ExitCode::FAILURE);
        };
        let diffs = verify::compare_results(derived, &published);
        if diffs.is_empty() {
            println!(
                "{}: every published figure matches the log.",
                path.display()
            );
        } else {
            println!("FAILED: {} does not match the log:", path.display());
            for d in diffs {
                println!("  {d}");
            }
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}
