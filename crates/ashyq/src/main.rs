//! `ashyq`: the command-line program, the HTTP server and the demo.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// mimalloc instead of the system allocator: ingestion allocates many small, short-lived
/// strings and vectors, and glibc's malloc/free took about a fifth of `bench ingest`'s time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bench_load;
mod commands;
mod commission_cmd;
mod consult_cmd;
mod demo;
mod election_cmd;
mod keys_cmd;
mod operator_cmd;
mod output;
mod register_cmd;
mod seats_cmd;

/// The default database: one SQLite file in the current directory.
pub const DEFAULT_DATABASE: &str = "sqlite://ashyq.db";

#[derive(Parser)]
#[command(
    name = "ashyq",
    version,
    about = "Open, verifiable software for a constitutional referendum: territory, protocols, results, an event log anyone can verify.",
    after_help = "Examples:
  ashyq demo                                   # the 2026 referendum, live, on http://127.0.0.1:8080
  ashyq init && ashyq referendum create --preset kz-2026
  ashyq protocol submit protocols.csv
  ashyq results --format json
  ashyq export --log log.jsonl && ashyq verify log.jsonl"
)]
struct Cli {
    /// Database: `sqlite://FILE` (embedded, the default) or `postgres://USER@HOST/DB`.
    #[arg(long, global = true, env = "ASHYQ_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load the Kazakhstan profile and the 2026 referendum and serve it live.
    #[command(after_help = "Examples:
  ashyq demo                       # replays election night over about a minute
  ashyq demo --instant             # loads every protocol at once
  ashyq demo --listen 0.0.0.0:9000")]
    Demo(DemoArgs),
    /// Serve the API and results for an existing database.
    #[command(after_help = "Examples:
  ashyq serve
  ashyq --database-url postgres://postgres@127.0.0.1/ashyq serve --listen 127.0.0.1:9000
  ashyq serve --public-url https://consult.example.kz --oidc-issuer https://idp.example.kz \\
      --oidc-client-id ashyq --digest-key-file digest.key --moderator 3f…(64 hex digits)
  ashyq serve --dev-idp                        # test sign-in, for development only")]
    Serve {
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
        /// Sign-in for the public consultation.
        #[command(flatten)]
        consult: consult_cmd::ConsultServeArgs,
    },
    /// Create the database and load a generated territory of a jurisdiction profile.
    #[command(after_help = "Examples:
  ashyq init                                  # sqlite://ashyq.db with the kz territory, seed 2026
  ashyq --database-url sqlite://test.db init --seed 7
  ashyq init --no-territory                   # then: ashyq territory import FILE")]
    Init {
        /// Jurisdiction profile.
        #[arg(long, default_value = "kz")]
        profile: String,
        /// Seed of the generated territory.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Only create the database.
        #[arg(long)]
        no_territory: bool,
    },
    /// Generate, import and export territories.
    #[command(subcommand)]
    Territory(TerritoryCommand),
    /// Define referendums.
    #[command(subcommand)]
    Referendum(ReferendumCommand),
    /// Submit, amend and review precinct protocols.
    #[command(subcommand)]
    Protocol(ProtocolCommand),
    /// Show the result, nationally or for a region.
    #[command(after_help = "Examples:
  ashyq results
  ashyq results --region KZ-43
  ashyq results --format json | jq .turnout
  ashyq results --format csv > results.csv")]
    Results {
        /// Referendum id (needed only when there are several).
        #[arg(long)]
        referendum: Option<String>,
        /// A region's ISO code (e.g. KZ-75) or ABROAD.
        #[arg(long)]
        region: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Certify the final result and lock it.
    #[command(after_help = "Example:
  ashyq certify --author \"N. Abdirov, CEC secretary\"")]
    Certify {
        /// Referendum id (needed only when there are several).
        #[arg(long)]
        referendum: Option<String>,
        /// Who certifies.
        #[arg(long)]
        author: String,
    },
    /// Export the event log (JSON Lines) and results (JSON or CSV).
    #[command(after_help = "Examples:
  ashyq export --log log.jsonl
  ashyq export --results results.json
  ashyq export --results results.csv --level district
  ashyq export --protocols protocols.csv")]
    Export(ExportArgs),
    /// Verify an exported log offline: the hash chain, every protocol and every aggregate.
    #[command(after_help = "Examples:
  ashyq verify log.jsonl
  ashyq verify log.jsonl --results results.json   # also check a published result file
  ashyq verify log.jsonl --head 5f1c…             # the log reaches the published head
  ashyq verify log.jsonl --log-key log.pub --receipt receipt-17.json --tree-head sth.json
Exits with status 1 and names the first bad entry when anything does not add up.
Needs no database: it trusts nothing but the file.")]
    Verify {
        /// The exported log.
        log: PathBuf,
        /// A results JSON file (from `ashyq export --results`) to check against the log.
        #[arg(long)]
        results: Option<PathBuf>,
        /// The hash of a log entry published elsewhere (e.g. with the certified result): the
        /// log must contain it. A log cut short verifies on its own; this catches it.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
        /// The log's public key file (GET /api/v1/log/key), for --receipt and --tree-head.
        #[arg(long)]
        log_key: Option<PathBuf>,
        /// A receipt the server gave (repeatable): its entry must be at its place in this log.
        #[arg(long)]
        receipt: Vec<PathBuf>,
        /// A signed tree head seen earlier (repeatable): this log must extend it.
        #[arg(long)]
        tree_head: Vec<PathBuf>,
    },
    /// Allocate seats proportionally from a votes file (no database needed).
    Seats(seats_cmd::SeatsArgs),
    /// Register parties and set the rules of party registration.
    #[command(subcommand)]
    Party(election_cmd::PartyCommand),
    /// Define party-list elections, follow the count, allocate the seats.
    #[command(subcommand)]
    Election(election_cmd::ElectionCommand),
    /// Register candidate lists and withdraw candidates.
    #[command(subcommand)]
    List(election_cmd::ListCommand),
    /// Deputies' mandates: who holds them, and their end with the seat passing down the list.
    #[command(subcommand)]
    Mandate(election_cmd::MandateCommand),
    /// Commission keys: generate key files; register, rotate, revoke and list them.
    #[command(subcommand)]
    Keys(keys_cmd::KeysCommand),
    /// Operator accounts: add, list, disable, passwords, API tokens.
    #[command(subcommand)]
    Operator(operator_cmd::OperatorCommand),
    /// Check offline that a receipt's protocol is in the transparency log.
    #[command(after_help = "Example:
  ashyq verify-receipt --log-key central.pub --receipt receipt.json --proof proof.json --head sth.json
Exits with status 1 when the proof, a signature or the key does not check out.")]
    VerifyReceipt(keys_cmd::VerifyReceiptArgs),
    /// Check offline that a newer signed tree head extends an older one.
    #[command(after_help = "Example:
  ashyq verify-consistency --log-key central.pub --older sth-1.json --newer sth-2.json --proof consistency.json
Exits with status 1 when the log was rewritten, dropped or reordered entries in between.")]
    VerifyConsistency(keys_cmd::VerifyConsistencyArgs),
    /// Measure performance against a baseline in the same run.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Legal texts: convert (Markdown, Akoma Ntoso 3.0, JSON), store and compare versions.
    #[command(subcommand)]
    Act(consult_cmd::ActCommand),
    /// The public consultation and the Constitutional Commission.
    #[command(subcommand)]
    Consult(consult_cmd::ConsultCommand),
    /// The Constitutional Commission's secretariat: moderation, clusters, the commission,
    /// meetings, agenda, recorded votes, minutes, the amended text.
    #[command(subcommand)]
    Commission(commission_cmd::CommissionCommand),
    /// The voter register: generate, import, lists, eligibility, certificates, marks, turnout.
    #[command(subcommand)]
    Register(register_cmd::RegisterCommand),
}

#[derive(Args)]
struct DemoArgs {
    /// Load all protocols at once instead of replaying election night.
    #[arg(long)]
    instant: bool,
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seconds over which election night is replayed.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Load the data, print the result and exit without serving.
    #[arg(long)]
    no_serve: bool,
    /// The key that signs tree heads and receipts (created if missing; default: next to the
    /// database, ashyq-demo.db.log-key).
    #[arg(long, env = "ASHYQ_LOG_KEY_FILE")]
    log_key_file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum TerritoryCommand {
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

#[derive(Subcommand)]
enum ReferendumCommand {
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

#[derive(Subcommand)]
enum ProtocolCommand {
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
    /// Sign a precinct protocol with the commission's key (no database needed).
    #[command(after_help = "Example:
  ashyq protocol sign --key keys/precinct-17.key --protocol precinct-17.json --out precinct-17.signed.json")]
    Sign(keys_cmd::SignArgs),
    /// Send a signed protocol to a server and keep its receipt (no database needed).
    #[command(after_help = "Example:
  ashyq protocol send precinct-17.signed.json --server https://results.example --receipt receipt-17.json
Sending the same file again is safe: the server answers the same receipt.")]
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

#[derive(Args)]
struct ExportArgs {
    /// Write the event log as JSON Lines to this file.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Write the result to this file (.json or .csv).
    #[arg(long)]
    results: Option<PathBuf>,
    /// Depth of a CSV result export.
    #[arg(long, value_enum, default_value_t = LevelArg::District)]
    level: LevelArg,
    /// Write every precinct's applied protocol as CSV to this file.
    #[arg(long)]
    protocols: Option<PathBuf>,
    /// Referendum id (needed only when there are several).
    #[arg(long)]
    referendum: Option<String>,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Ingest all 10,459 protocols through the submission path, against plain batched INSERTs.
    #[command(after_help = "Examples:
  ashyq bench ingest
  ashyq bench ingest --database-url postgres://postgres@127.0.0.1:5432/test
Ends with one JSON line: {\"bench\":\"ingest\",\"seconds\":…,\"baseline_seconds\":…,\"ratio\":…}")]
    Ingest {
        /// Protocols per transaction (group commit), as a server batches concurrent submissions.
        #[arg(long, default_value_t = 512)]
        batch: usize,
        /// Runs; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Seat allocation: exact integer arithmetic against an f64 baseline.
    Seats(seats_cmd::BenchSeatsArgs),
    /// Proposals: ingest, cluster (MinHash/LSH) and index 100,000; search latency; recall
    /// against exact pairwise Jaccard on a sample.
    #[command(after_help = "Examples:
  ashyq bench consult
  ashyq bench consult --proposals 10000 --sample 1000
Ends with one JSON line: {\"bench\":\"consult\",\"seconds\":…,\"search_p99_ms\":…,\"recall\":…}")]
    Consult(consult_cmd::BenchConsultArgs),
    /// The voter register: generate and import 12.5 M people against `sqlite3 .import`;
    /// eligibility and marks.
    #[command(after_help = "Examples:
  ashyq bench register
  ashyq bench register --count 100000 --postgres postgres://postgres@127.0.0.1:5432/test
Ends with one JSON line: {\"bench\":\"register\",\"seconds\":…,\"baseline_seconds\":…,\"ratio\":…}")]
    Register(register_cmd::BenchRegisterArgs),
    /// The HTTP server under election-night load on loopback: 10,459 signed protocols from
    /// concurrent submitters while readers poll the results, against the same server's
    /// trivial endpoint as the ceiling.
    #[command(after_help = "Examples:
  ashyq bench load
  ashyq bench load --database-url postgres://postgres@127.0.0.1:5432/test
  ashyq bench load --submitters 16 --readers 64 --read-seconds 3
Ends with one JSON line: {\"bench\":\"load\",\"seconds\":…,\"baseline_seconds\":…,\"ratio\":…}
(seconds per results read under load against seconds per trivial read: the ratio is how many
times slower a results read is than the ceiling).")]
    Load(bench_load::BenchLoadArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FileFormat {
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum LevelArg {
    National,
    Region,
    District,
}

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
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
