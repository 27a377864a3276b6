//! `ashyq serve`: the API, the web pages and the consultation for an existing database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use clap::Args;

use crate::consult_cmd;
use crate::database::{load_log_key, mask, open};

/// Arguments of `ashyq serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Requests per second each client address may make on average (bursts of twice
    /// that); 0 turns the limit off.
    #[arg(long, default_value_t = 100)]
    rate_limit: u32,
    /// The key that signs tree heads and receipts; created if missing. Default: next to a
    /// SQLite database (FILE.log-key), or ./ashyq-log.key for PostgreSQL. Every instance
    /// serving one database must use the same key.
    #[arg(long, env = "ASHYQ_LOG_KEY_FILE")]
    log_key_file: Option<PathBuf>,
    /// Mark the session cookie Secure (when clients reach the server over HTTPS).
    #[arg(long)]
    secure_cookies: bool,
    /// Behind a reverse proxy: take the client's address (for rate limits and sign-in
    /// throttling) from the last `X-Forwarded-For` entry, the one the proxy appends. Only
    /// with a proxy that sets it, or clients could pick their own address.
    #[arg(long)]
    behind_proxy: bool,
    /// Keep the static mirror in this directory current (as `ashyq publish --out DIR`
    /// writes it), rewriting what changed after each new head.
    #[arg(long, value_name = "DIR")]
    mirror: Option<PathBuf>,
    /// Milliseconds a published result stands after the head moved on (the read cache and
    /// the mirror): a burst of submissions within it costs one render; 0 renders every head.
    #[arg(long, default_value_t = 250)]
    publish_interval_ms: u64,
    /// Milliseconds the signed datasets of /downloads stand after the head moved on before a
    /// request builds them at the new head (each build renders every contest's NIST report);
    /// 0 builds them at every head.
    #[arg(long, default_value_t = 30_000)]
    downloads_interval_ms: u64,
    /// Sign-in for the public consultation.
    #[command(flatten)]
    consult: consult_cmd::ConsultServeArgs,
}

/// Runs `ashyq serve` on `db` until it is stopped.
pub async fn run(db: &str, args: ServeArgs) -> Result<ExitCode> {
    let ServeArgs {
        listen,
        rate_limit,
        log_key_file,
        secure_cookies,
        behind_proxy,
        consult,
        mirror,
        publish_interval_ms,
        downloads_interval_ms,
    } = args;
    let publish_interval = std::time::Duration::from_millis(publish_interval_ms);
    let registrar = Arc::new(open(db).await?);
    let log_key = load_log_key(db, log_key_file.as_deref())?;
    let (consult, dev_idp) =
        consult_cmd::consult_service(registrar.store().clone(), consult).await?;
    // Follow what other processes (another instance, the command line) append to the public
    // log: one cheap query a second when nothing changed.
    let _following_log = ashyq_store::journal::follow(
        &registrar,
        std::time::Duration::from_secs(1),
        |r: &ashyq_store::registrar::Registrar| r.journal(),
    );
    // Expired sessions, sign-ins in progress, notes and old failure counts are deleted now
    // and then (any instance may do it; the deletes are idempotent).
    let purging = registrar.store().clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = chrono::Utc::now().timestamp_millis();
            if let Err(e) = purging.purge_state(now, now - 24 * 3_600_000).await {
                tracing::warn!("expired shared state could not be purged: {e}");
            }
        }
    });
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
        behind_proxy,
        publish_interval,
        downloads_interval: std::time::Duration::from_millis(downloads_interval_ms),
        ..ashyq_server::ServerConfig::with_log_key(log_key)
    };
    let _mirror = match &mirror {
        Some(dir) => Some(
            crate::publish_cmd::keep_mirror(
                db,
                dir,
                &config,
                registrar.subscribe(),
                publish_interval,
            )
            .await?,
        ),
        None => None,
    };
    ashyq_server::serve_with(registrar, listen, config, |addr| {
        println!(
            "ashyq is serving {db_shown} on http://{addr}/",
            db_shown = mask(db)
        );
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
