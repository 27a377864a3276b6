//! `ashyq`: the command-line program, the HTTP server and the demo.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser as _;

/// mimalloc instead of the system allocator: ingestion allocates many small, short-lived
/// strings and vectors, and glibc's malloc/free took about a fifth of `bench ingest`'s time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Layers, each importing only from those below it: the leaves `authors`, `database`,
// `digest_key`, `files` and `output`; the command modules (`*_cmd`, `bench`, `bench_load`,
// `demo`), a few of which use another's pieces (`election_cmd` prints with `seats_cmd`,
// `protocol_cmd` hands party lists to `election_cmd` and `sign`/`send` to `keys_cmd`);
// `commands`, the table of commands and the dispatch; and `main`.
mod audit_cmd;
mod audit_flow;
mod authors;
mod backup_cmd;
mod ballots_cmd;
mod bench;
mod bench_ballots;
mod bench_cluster;
mod bench_kurultai;
mod bench_load;
mod bench_mirror;
mod bench_nginx;
mod bench_president;
mod bench_signatures;
mod commands;
mod commission_cmd;
mod consult_cmd;
mod database;
mod demo;
mod demo_kurultai;
mod demo_president;
mod demo_register;
mod digest_key;
mod downloads_cmd;
mod election_cmd;
mod export_cmd;
mod files;
mod keys_cmd;
mod kurultai_cmd;
mod nist_cmd;
mod operator_cmd;
mod output;
mod president_cmd;
mod president_flow;
mod protocol_cmd;
mod publish_cmd;
mod referendum_cmd;
mod register_cmd;
mod seats_cmd;
mod serve_cmd;
mod territory_cmd;
mod verify_cmd;

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = commands::Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        commands::LogFormat::Text => logs.init(),
        commands::LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `ashyq results | head` closes standard output early; Rust's `println!` then panics with
/// "failed printing to stdout: Broken pipe". Exit quietly instead, as Unix tools do (status
/// 141 = 128 + SIGPIPE); every other panic is reported as usual. (Restoring the default
/// SIGPIPE action would need `unsafe`, which this crate forbids.)
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
