//! `ashyq operator …`: operator accounts on the database directly (the first central operator
//! is created this way; after that the API does the same). Passwords are read without echo on
//! a terminal, or as the first line of standard input; tokens are printed once.

use std::io::{BufRead as _, IsTerminal as _};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ashyq_core::operator::{ApiToken, hash_password};
use ashyq_server::auth::parse_role;
use ashyq_store::operators::TokenKind;
use chrono::Utc;
use clap::Subcommand;
use zeroize::Zeroizing;

use crate::database::open_store;

/// `ashyq operator …`
#[derive(Subcommand)]
pub enum OperatorCommand {
    /// Create an account. The password is asked for (or read from standard input).
    #[command(after_help = "Examples:
  ashyq operator add cec --role central
  ashyq operator add aigerim --role region:KZ-75
  ashyq operator add tec-03 --role district:KZ-75-03
  ashyq operator add press --role observer
  printf '%s\\n' \"$PASSWORD\" | ashyq operator add cec --role central")]
    Add {
        /// Login name: lower-case letters, digits, '.', '_', '-'.
        name: String,
        /// central, observer, kurultai-secretariat, region:CODE or district:ID.
        #[arg(long)]
        role: String,
    },
    /// List the accounts.
    List,
    /// Disable an account: its sessions and tokens stop working at once.
    Disable {
        /// The account.
        name: String,
    },
    /// Enable a disabled account.
    Enable {
        /// The account.
        name: String,
    },
    /// Set a new password (ends the account's browser sessions).
    Password {
        /// The account.
        name: String,
    },
    /// Create an API token for an account; it is printed once and only its hash is kept.
    #[command(after_help = "Example:
  ashyq operator token aigerim --label \"district laptop\"
Use it as: curl -H \"Authorization: Bearer ashyq_…\" …")]
    Token {
        /// The account.
        name: String,
        /// What it is for.
        #[arg(long)]
        label: String,
    },
}

fn read_password(prompt: &str) -> Result<Zeroizing<String>> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).context("cannot read the password")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    Ok(Zeroizing::new(text))
}

fn rng() -> impl rand::CryptoRng {
    rand::TryRngCore::unwrap_err(rand::rngs::OsRng)
}

/// Runs `ashyq operator …` on the database at `db`.
pub async fn run(db: &str, cmd: OperatorCommand) -> Result<ExitCode> {
    let store = open_store(db).await?;
    match cmd {
        OperatorCommand::Add { name, role } => {
            let role = parse_role(&role).map_err(anyhow::Error::msg)?;
            let password =
                read_password(&format!("Password for {name} (at least 12 characters): "))?;
            let hash = hash_password(&password, &mut rng())?;
            let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            store.create_operator(&name, &role, &hash, &now).await?;
            println!("Created {name}, {role}. Sign in at /api/v1/session or on the web pages.");
        }
        OperatorCommand::List => {
            let list = store.operators().await?;
            if list.is_empty() {
                println!(
                    "No operators yet; create one with `ashyq operator add NAME --role central`."
                );
            }
            for o in list {
                println!(
                    "{:<24} {:<48} {}{}",
                    o.name,
                    o.role.to_string(),
                    o.created_at,
                    if o.disabled { "  (disabled)" } else { "" }
                );
            }
        }
        OperatorCommand::Disable { name } => {
            store.set_operator_disabled(&name, true).await?;
            println!("{name} is disabled.");
        }
        OperatorCommand::Enable { name } => {
            store.set_operator_disabled(&name, false).await?;
            println!("{name} is enabled.");
        }
        OperatorCommand::Password { name } => {
            if store.operator(&name).await?.is_none() {
                bail!("there is no operator named {name}; see `ashyq operator list`");
            }
            let password = read_password(&format!("New password for {name}: "))?;
            let hash = hash_password(&password, &mut rng())?;
            store.set_operator_password(&name, &hash).await?;
            println!("Password of {name} changed; its browser sessions have ended.");
        }
        OperatorCommand::Token { name, label } => {
            if store.operator(&name).await?.is_none() {
                bail!("there is no operator named {name}; see `ashyq operator list`");
            }
            let token = ApiToken::generate(&mut rng());
            store
                .add_token(
                    &name,
                    &token.digest(),
                    TokenKind::Api,
                    &label,
                    Utc::now(),
                    None,
                )
                .await?;
            eprintln!("API token for {name} ({label}); shown once, keep it secret:");
            println!("{}", token.reveal());
        }
    }
    Ok(ExitCode::SUCCESS)
}
