//! `ashyq referendum create|show`, `ashyq results` and `ashyq certify`: referendums, their
//! result and its certification.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::contest::ContestId;
use ashyq_core::referendum::{ReferendumDefinition, presets};
use ashyq_core::report::{self, Level};
use ashyq_store::registrar::Registrar;
use clap::{Args, Subcommand, ValueEnum};

use crate::authors;
use crate::database::open;
use crate::files::read_text;
use crate::output;

/// `ashyq referendum …`
#[derive(Subcommand)]
pub enum ReferendumCommand {
    /// Define a referendum from a preset or a JSON definition.
    #[command(after_help = "Examples:
  ashyq referendum create --preset kz-2026   # national majority of participants
  ashyq referendum create --preset kz-2022   # majority in two thirds of regions and cities
  ashyq referendum create --file definition.json
  ashyq referendum show --preset kz-2026 > definition.json   # a template to edit")]
    Create {
        /// A preset: kz-2026 or kz-2022.
        #[arg(long, conflicts_with = "file")]
        preset: Option<String>,
        /// A definition in JSON.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Print a preset's definition as JSON, or list the database's referendums.
    Show {
        /// A preset to print.
        #[arg(long)]
        preset: Option<String>,
    },
}

/// Arguments of `ashyq results`.
#[derive(Args)]
pub struct ResultsArgs {
    /// Referendum id (needed only when there are several).
    #[arg(long)]
    referendum: Option<String>,
    /// A region's ISO code (e.g. KZ-75) or ABROAD.
    #[arg(long)]
    region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Arguments of `ashyq certify`.
#[derive(Args)]
pub struct CertifyArgs {
    /// Referendum id (needed only when there are several).
    #[arg(long)]
    referendum: Option<String>,
    /// Who certifies.
    #[arg(long)]
    author: String,
}

/// How `ashyq results` prints.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// The id of the referendum `id` names, or of the only one when it names none.
pub fn resolve(registrar: &Registrar, id: Option<&str>) -> Result<ContestId> {
    Ok(registrar
        .ledger()
        .resolve_referendum(id)?
        .definition
        .id
        .clone())
}

/// Runs `ashyq referendum …`.
pub async fn run(db: &str, cmd: ReferendumCommand) -> Result<ExitCode> {
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

/// Runs `ashyq results`.
pub async fn results(db: &str, args: ResultsArgs) -> Result<ExitCode> {
    let ResultsArgs {
        referendum,
        region,
        format,
    } = args;
    let registrar = open(db).await?;
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

/// Runs `ashyq certify`.
pub async fn certify(db: &str, args: CertifyArgs) -> Result<ExitCode> {
    let CertifyArgs { referendum, author } = args;
    let registrar = open(db).await?;
    let id = resolve(&registrar, referendum.as_deref())?;
    let author = authors::central_commission(author);
    let entry = registrar.certify(&id, author).await?;
    let tree = registrar.ledger().results(&id)?;
    println!(
        "Certified {id} at entry {} ({}).\n{}\n{}",
        entry.seq, entry.hash, tree.outcome.validity_reason, tree.outcome.adoption_reason
    );
    Ok(ExitCode::SUCCESS)
}
