//! `ashyq init` and `ashyq territory generate|import|export`: the database and its territory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::profile;
use ashyq_core::territory::{generate, io as territory_io};
use clap::{Args, Subcommand};

use crate::database::{mask, open};
use crate::files::{FileFormat, format_of, read_text, write_output};
use crate::output::territory_summary;

/// Arguments of `ashyq init`.
#[derive(Args)]
pub struct InitArgs {
    /// Jurisdiction profile.
    #[arg(long, default_value = "kz")]
    profile: String,
    /// Seed of the generated territory.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Only create the database.
    #[arg(long)]
    no_territory: bool,
}

/// `ashyq territory …`
#[derive(Subcommand)]
pub enum TerritoryCommand {
    /// Generate a realistic synthetic territory, deterministically from a seed.
    #[command(after_help = "Examples:
  ashyq territory generate --output kz.json
  ashyq territory generate --seed 7 --format csv --output kz.csv")]
    Generate {
        /// Jurisdiction profile.
        #[arg(long, default_value = "kz")]
        profile: String,
        /// Seed.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Precincts in the country.
        #[arg(long, default_value_t = 10_388)]
        domestic_precincts: u32,
        /// Precincts abroad.
        #[arg(long, default_value_t = 71)]
        abroad_precincts: u32,
        /// Registered voters in all.
        #[arg(long, default_value_t = 12_482_613)]
        voters: u64,
        /// Write to this file instead of loading it into the database.
        #[arg(long)]
        output: Option<PathBuf>,
        /// File format (default: from the file extension, else json).
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
    },
    /// Load a territory from a CSV or JSON file into the database.
    #[command(after_help = "Examples:
  ashyq territory import kz.json
  ashyq territory import precincts.csv --profile kz")]
    Import {
        /// The file.
        file: PathBuf,
        /// Profile whose regions a CSV refers to.
        #[arg(long, default_value = "kz")]
        profile: String,
        /// File format (default: from the extension).
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
    },
    /// Write the database's territory to a file (or standard output).
    #[command(after_help = "Example:
  ashyq territory export --format csv --output territory.csv")]
    Export {
        /// The file (standard output when absent).
        #[arg(long)]
        output: Option<PathBuf>,
        /// File format (default: from the extension, else json).
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
    },
}

/// The jurisdiction profile named `code`.
fn find_profile(code: &str) -> Result<profile::Profile> {
    profile::by_code(code).ok_or_else(|| {
        anyhow!(
            "unknown profile {code:?}; known profiles: {}",
            profile::CODES.join(", ")
        )
    })
}

/// Runs `ashyq init`: the database, and a generated territory unless `--no-territory`.
pub async fn init(db: &str, args: InitArgs) -> Result<ExitCode> {
    let InitArgs {
        profile,
        seed,
        no_territory,
    } = args;
    let registrar = open(db).await?;
    if no_territory {
        println!("Database ready at {}.", mask(db));
        return Ok(ExitCode::SUCCESS);
    }
    if registrar.ledger().territory().is_some() {
        bail!(
            "{} already has a territory; to replace it use `ashyq territory import FILE` or `ashyq territory generate` (possible until a referendum is defined)",
            mask(db)
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
        mask(db)
    );
    println!("Next: ashyq referendum create --preset kz-2026");
    Ok(ExitCode::SUCCESS)
}

/// Runs `ashyq territory …`.
pub async fn run(db: &str, cmd: TerritoryCommand) -> Result<ExitCode> {
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
