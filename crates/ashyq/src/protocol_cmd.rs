//! `ashyq protocol submit|amend|review|dismiss|scenario` on the database, and the dispatch of
//! `ashyq protocol sign|send` (in `keys_cmd`). Party-list protocols go to `election_cmd`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use ashyq_core::protocol;
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::scenario;
use ashyq_core::territory::PrecinctId;
use clap::Subcommand;

use crate::database::open;
use crate::files::{FileFormat, format_of, read_protocols, read_text, write_output};
use crate::referendum_cmd::resolve;
use crate::{authors, election_cmd, keys_cmd, output};

/// `ashyq protocol …`
#[derive(Subcommand)]
pub enum ProtocolCommand {
    /// Submit protocol files (JSON: one object or an array; CSV: one row per protocol).
    #[command(after_help = "Examples:
  ashyq protocol submit precinct-17.json
  ashyq protocol submit night/*.json
  ashyq protocol submit protocols.csv
The same protocol again returns the same receipt; a different one for a precinct that
already reported is recorded as a conflict for review and not applied.
Exits with status 1 if any protocol was refused.")]
    Submit {
        /// Files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Replace a precinct's applied protocol by an explicit amendment.
    #[command(after_help = "Example:
  ashyq protocol amend precinct-17.json --reason \"recount ordered by the TEC\" --author \"A. Operator\"")]
    Amend {
        /// A file with exactly one protocol.
        file: PathBuf,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Who.
        #[arg(long)]
        author: String,
    },
    /// List open conflicts and protocols with warnings.
    Review {
        /// Referendum id (needed only when there are several).
        #[arg(long)]
        referendum: Option<String>,
    },
    /// Dismiss an open conflict, keeping the applied protocol.
    #[command(after_help = "Example:
  ashyq protocol dismiss 17 3f2a…  --reason \"duplicate upload of a draft\" --author \"A. Operator\"")]
    Dismiss {
        /// Precinct number.
        precinct: u32,
        /// Protocol hash of the conflict (see `ashyq protocol review`).
        hash: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Who.
        #[arg(long)]
        author: String,
        /// Referendum id (needed only when there are several).
        #[arg(long)]
        referendum: Option<String>,
    },
    /// Sign a precinct protocol — a referendum's, or a presidential round's — with the
    /// commission's key (no database needed).
    #[command(after_help = "Examples:
  ashyq protocol sign --key keys/precinct-17.key --protocol precinct-17.json --out precinct-17.signed.json
  ashyq protocol sign --key keys/precinct-17.key --protocol president-17.json --out president-17.signed.json
A file whose JSON has an `election` field is a presidential round's protocol (as `ashyq president
submit` reads it) and is signed as `ashyq-signed-presidential-protocol/1`; any other is a
referendum's (`ashyq-signed-protocol/1`).")]
    Sign(keys_cmd::SignArgs),
    /// Send a signed protocol (a referendum's or a presidential round's) to a server and keep
    /// its receipt (no database needed).
    #[command(after_help = "Example:
  ashyq protocol send precinct-17.signed.json --server https://results.example --receipt receipt-17.json
Sending the same file again is safe: the server answers the same receipt. A presidential
protocol goes to /api/v1/elections/ROUND/protocols, a referendum's to
/api/v1/referendums/ID/protocols.")]
    Send(keys_cmd::SendArgs),
    /// Write the synthetic 2026 protocols of the demo scenario to a file.
    #[command(after_help = "Example:
  ashyq protocol scenario --output protocols.csv   # for the database's territory (seed 2026)")]
    Scenario {
        /// The file (.csv or .json).
        #[arg(long)]
        output: PathBuf,
        /// Seed of the per-precinct distribution.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

/// Runs `ashyq protocol …`.
pub async fn run(db: &str, cmd: ProtocolCommand) -> Result<ExitCode> {
    match cmd {
        ProtocolCommand::Sign(args) => keys_cmd::sign(&args),
        ProtocolCommand::Send(args) => keys_cmd::send(&args).await,
        ProtocolCommand::Submit { files } => {
            // Read and parse everything first: a malformed file stops the command before
            // anything is submitted.
            let mut protocols = Vec::new();
            let mut party_lists = Vec::new();
            for f in &files {
                let text = read_text(f)?;
                if election_cmd::is_party_list(&text) {
                    party_lists.extend(election_cmd::read_party_lists(f, &text)?);
                } else {
                    protocols.extend(read_protocols(f)?);
                }
            }
            let mut refused_lists = 0;
            if !party_lists.is_empty() {
                let n = party_lists.len();
                let (ok, conflicts, refused) =
                    election_cmd::submit_party_lists(db, party_lists).await?;
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
                .amend(protocols.remove(0), &reason, authors::operator(author))
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
                    authors::operator(author),
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
