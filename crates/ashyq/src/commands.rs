//! The command line: every subcommand and its arguments ([`Cli`]), and the dispatch to the
//! module that runs it. Nothing here but the table of commands: each module below does its
//! own reading, calling and printing.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::{
    audit_cmd, backup_cmd, ballots_cmd, bench, bench_ballots, bench_load, bench_president,
    bench_signatures, commission_cmd, consult_cmd, database, demo, election_cmd, export_cmd,
    keys_cmd, kurultai_cmd, operator_cmd, president_cmd, protocol_cmd, referendum_cmd,
    register_cmd, seats_cmd, serve_cmd, territory_cmd, verify_cmd,
};
use crate::{bench_cluster, bench_kurultai, bench_mirror, publish_cmd};
use crate::{downloads_cmd, nist_cmd};

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
pub struct Cli {
    /// Database: `sqlite://FILE` (embedded, the default) or `postgres://USER@HOST/DB`.
    #[arg(long, global = true, env = "ASHYQ_DATABASE_URL", default_value = database::DEFAULT_DATABASE)]
    pub database_url: String,
    /// How diagnostics on standard error are written: `text` for a person, `json` (one
    /// object per line) for a log collector. What is logged is chosen by `RUST_LOG`
    /// (default `warn`); no IIN, key or token is ever in it.
    #[arg(
        long,
        global = true,
        env = "ASHYQ_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// The form of the diagnostics (see [`Cli::log_format`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for a person.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Load the Kazakhstan profile and the 2026 referendum and serve it live.
    #[command(after_help = "Examples:
  ashyq demo                       # replays election night over about a minute
  ashyq demo --instant             # loads every protocol at once
  ashyq demo --listen 0.0.0.0:9000")]
    Demo(demo::DemoArgs),
    /// Serve the API and results for an existing database.
    #[command(after_help = "Examples:
  ashyq serve
  ashyq --database-url postgres://postgres@127.0.0.1/ashyq serve --listen 127.0.0.1:9000
  ashyq serve --public-url https://consult.example.kz --oidc-issuer https://idp.example.kz \\
      --oidc-client-id ashyq --digest-key-file digest.key --moderator 3f…(64 hex digits)
  ashyq serve --dev-idp                        # test sign-in, for development only")]
    Serve(serve_cmd::ServeArgs),
    /// Write the static mirror: every public page (kk/ru/en) and document at the head as
    /// plain files, with the signed tree head (see docs/deploy.md).
    #[command(after_help = "Examples:
  ashyq publish --out /srv/ashyq-mirror
  ashyq serve --mirror /srv/ashyq-mirror        # keeps it current as the log grows
Serve the directory with any static server; docs/deploy.md has the nginx configuration.")]
    Publish(publish_cmd::PublishArgs),
    /// Create the database and load a generated territory of a jurisdiction profile.
    #[command(after_help = "Examples:
  ashyq init                                  # sqlite://ashyq.db with the kz territory, seed 2026
  ashyq --database-url sqlite://test.db init --seed 7
  ashyq init --no-territory                   # then: ashyq territory import FILE")]
    Init(territory_cmd::InitArgs),
    /// Generate, import and export territories.
    #[command(subcommand)]
    Territory(territory_cmd::TerritoryCommand),
    /// Define referendums.
    #[command(subcommand)]
    Referendum(referendum_cmd::ReferendumCommand),
    /// Submit, amend and review precinct protocols.
    #[command(subcommand)]
    Protocol(protocol_cmd::ProtocolCommand),
    /// Show the result, nationally or for a region.
    #[command(after_help = "Examples:
  ashyq results
  ashyq results --region KZ-43
  ashyq results --format json | jq .turnout
  ashyq results --format csv > results.csv")]
    Results(referendum_cmd::ResultsArgs),
    /// Certify the final result and lock it.
    #[command(after_help = "Example:
  ashyq certify --author \"N. Abdirov, CEC secretary\"")]
    Certify(referendum_cmd::CertifyArgs),
    /// Export the event log (JSON Lines) and results (JSON or CSV).
    #[command(after_help = "Examples:
  ashyq export --log log.jsonl
  ashyq export --results results.json
  ashyq export --results results.csv --level district
  ashyq export --protocols protocols.csv
  ashyq export --nist report.xml --contest kz-2026")]
    Export(export_cmd::ExportArgs),
    /// Import a NIST SP 1500-100 v2 results report (precinct-level, JSON) as protocols.
    #[command(after_help = "Examples:
  ashyq import --nist report.json --author \"A. Operator\"
  ashyq import --nist other-system.json --contest kz-2026 --author \"A. Operator\"
Every precinct's counts become its protocol, decided as a submitted one (control ratios,
conflicts); the whole report is recorded in one transaction, or nothing when any element does
not map, and the error names each. The same report twice is refused.")]
    Import(nist_cmd::ImportArgs),
    /// Write every published dataset at the log's head, each signed by the log's key, and a
    /// DCAT catalogue of them.
    #[command(after_help = "Example:
  ashyq downloads --out public/
Writes the results (JSON, CSV), the NIST SP 1500-100 report (JSON, XML) and the log, each
with FILE.sig.json beside it, and catalog.jsonld (DCAT) listing sizes and SHA-256.")]
    Downloads(downloads_cmd::DownloadsArgs),
    /// Check offline that a downloaded dataset is the one the log's key signed.
    #[command(after_help = "Example:
  ashyq verify-download kz-2026-results.csv --log-key ashyq.db.log-key.pub
Reads FILE.sig.json beside the file unless --signature names it. Exits with status 1 when
the size, the SHA-256, the key or the signature does not check out.")]
    VerifyDownload(downloads_cmd::VerifyDownloadArgs),
    /// Verify an exported log offline: the hash chain, every protocol and every aggregate.
    #[command(after_help = "Examples:
  ashyq verify log.jsonl
  ashyq verify log.jsonl --results results.json   # also check a published result file
  ashyq verify log.jsonl --head 5f1c…             # the log reaches the published head
  ashyq verify log.jsonl --log-key log.pub --receipt receipt-17.json --tree-head sth.json
Exits with status 1 and names the first bad entry when anything does not add up.
Needs no database: it trusts nothing but the file.")]
    Verify(verify_cmd::VerifyArgs),
    /// Take a consistent backup of the live database (SQLite file or pg_dump archive).
    #[command(after_help = "Examples:
  ashyq backup --out ashyq-2026-03-16.db
  ashyq --database-url postgres://postgres@127.0.0.1/ashyq backup --out ashyq.pgdump
The log key file is not in the database and not in the backup: keep a copy of it apart.")]
    Backup(backup_cmd::BackupArgs),
    /// Restore a backup into an empty database (a new SQLite file or an empty PostgreSQL one).
    #[command(after_help = "Examples:
  ashyq --database-url sqlite://restored.db restore ashyq-2026-03-16.db
  ashyq --database-url postgres://postgres@127.0.0.1/fresh restore ashyq.pgdump")]
    Restore(backup_cmd::RestoreArgs),
    /// Allocate seats proportionally from a votes file (no database needed).
    Seats(seats_cmd::SeatsArgs),
    /// The presidential election: decide a round from a votes file (no database needed),
    /// certify a round.
    #[command(subcommand)]
    President(president_cmd::PresidentCommand),
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
    /// Risk-limiting audits of the paper count: define, seed, draw, enter, status, report;
    /// redraw a sample, simulate audits.
    #[command(subcommand)]
    Audit(audit_cmd::AuditCommand),
    /// The remote vote abroad: its ballot board, trustees, credentials, ballots, tally.
    #[command(subcommand)]
    Ballots(ballots_cmd::BallotsCommand),
    /// A trustee's part of the key ceremony and the decryption, on the trustee's own machine.
    #[command(subcommand)]
    Trustee(ballots_cmd::TrusteeCommand),
    /// A voter's device: encrypt (and audit or cast) a ballot, check a tracking code.
    #[command(subcommand)]
    Ballot(ballots_cmd::BallotCommand),
    /// Check an exported election record (`ashyq ballots export`) with nothing else.
    VerifyElection(ballots_cmd::VerifyElectionArgs),
    /// The Kurultai's secretariat: convene the house, record its steps, read them, export Popolo.
    #[command(subcommand)]
    Kurultai(kurultai_cmd::KurultaiCommand),
}

#[derive(Subcommand)]
pub enum BenchCommand {
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
    /// The precinct-level NIST SP 1500-100 JSON report of the demo's 10,459 precincts against
    /// our own results JSON at the same head: time to generate and size.
    #[command(
        after_help = "Ends with one JSON line: {\"bench\":\"nist\",\"seconds\":…,\"baseline_seconds\":…,\"ratio\":…,\"size_ratio\":…}"
    )]
    Nist(nist_cmd::BenchNistArgs),
    /// Seat allocation: exact integer arithmetic against an f64 baseline.
    Seats(seats_cmd::BenchSeatsArgs),
    /// Ingest the 10,459 presidential protocols of the 2022 scenario through the submission
    /// path, against plain batched INSERTs.
    #[command(
        after_help = "Ends with one JSON line: {\"bench\":\"president\",\"seconds\":…,\"baseline_seconds\":…,\"ratio\":…}"
    )]
    President(bench_president::BenchPresidentArgs),
    /// Check 2,000,000 support signatures against a register of 12.5 M by digest, in memory.
    #[command(after_help = "Ends with one JSON line: {\"bench\":\"signatures\",\"seconds\":…}")]
    Signatures(bench_signatures::BenchSignaturesArgs),
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
    /// The static mirror on election night: its lag per entry while 10,459 signed protocols
    /// arrive, and nginx serving it against `ashyq serve` on the same URLs.
    #[command(after_help = "Examples:
  ashyq bench mirror
  ashyq bench mirror --publish-interval-ms 100 --readers 64
Needs nginx (Debian: apt-get install -y nginx). Ends with one JSON line:
{\"bench\":\"mirror\",\"mirror_lag_median_ms\":…,\"mirror_lag_p99_ms\":…,\"nginx_rps\":…,\"ashyq_rps\":…,\"ratio\":…}")]
    Mirror(bench_mirror::BenchMirrorArgs),
    /// A cluster on election night: 1 and then 3 `ashyq serve` instances on one PostgreSQL
    /// behind nginx take all 10,459 signed protocols with readers polling, one instance
    /// SIGKILLed mid-way; the mirror's lag, and nginx on the mirror against the instances.
    #[command(after_help = "Needs PostgreSQL and nginx. Examples:
  ashyq bench cluster
  ashyq bench cluster --postgres postgres://postgres@127.0.0.1:5432/postgres --protocols 2000
Ends with one JSON line: {\"bench\":\"cluster\",\"seconds\":…,\"seconds_n1\":…,\"mirror_lag_p50_ms\":…,\"mirror_lag_p99_ms\":…,
\"failover_read_error_rate\":…,\"lost_receipts\":…,\"nginx_rps\":…,\"ashyq_rps\":…}")]
    Cluster(bench_cluster::BenchClusterArgs),
    /// Risk-limiting audits: draw 10,000 of the 9.1 M ballots against the Python
    /// `consistent_sampler`, the risk of every contest, 1,000 simulated audits.
    #[command(after_help = "Examples:
  ashyq bench audit
  ashyq bench audit --no-baseline --audits 200
Ends with one JSON line: {\"bench\":\"audit\",\"seconds\":…,\"baseline_seconds\":…,\"ratio\":…,\"risk_seconds\":…,\"simulate_seconds\":…,\"simulated_audits\":…,\"wrong_outcome_confirmed\":…}")]
    Audit(audit_cmd::BenchAuditArgs),
    /// The remote vote's cryptography: encrypt, verify one by one and in batches, tally and
    /// threshold-decrypt N yes/no ballots.
    #[command(after_help = "Examples:
  ashyq bench ballots
  ashyq bench ballots --ballots 100000 --threads 2
Ends with one JSON line: {\"bench\":\"ballots\",\"verify_per_second\":…,\"baseline_verify_per_second\":…,\"ratio\":…}")]
    Ballots(bench_ballots::BenchBallotsArgs),
    /// A simulated five-year term of the Kurultai (2,000 bills × 3 readings × 145 deputies
    /// plus amendments, about a million individual votes) through the write path, against
    /// plain batched INSERTs of the same log rows; verify of the whole log; a deputy's page
    /// and the bills' search served from it.
    #[command(after_help = "Examples:
  ashyq bench kurultai
  ashyq bench kurultai --bills 200 --requests 500
Ends with one JSON line: {\"bench\":\"kurultai\",\"seconds\":…,\"baseline_seconds\":…,\"ratio\":…,\"votes\":…,
\"verify_seconds\":…,\"deputy_page_p99_ms\":…,\"search_p99_ms\":…}
Fails when GET /kurultai/deputies/{id} or GET /kurultai/bills?q=… does not answer 200.")]
    Kurultai(bench_kurultai::BenchKurultaiArgs),
}

/// Runs the command `cli` names.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    let db = cli.database_url;
    match cli.command {
        Command::Demo(args) => demo::run(&db, args).await,
        Command::Serve(args) => serve_cmd::run(&db, args).await,
        Command::Init(args) => territory_cmd::init(&db, args).await,
        Command::Territory(cmd) => territory_cmd::run(&db, cmd).await,
        Command::Referendum(cmd) => referendum_cmd::run(&db, cmd).await,
        Command::Protocol(cmd) => protocol_cmd::run(&db, cmd).await,
        Command::Party(cmd) => election_cmd::party(&db, cmd).await,
        Command::Election(cmd) => election_cmd::election(&db, cmd).await,
        Command::List(cmd) => election_cmd::list(&db, cmd).await,
        Command::Mandate(cmd) => election_cmd::mandate(&db, cmd).await,
        Command::Results(args) => referendum_cmd::results(&db, args).await,
        Command::Certify(args) => referendum_cmd::certify(&db, args).await,
        Command::Export(args) => export_cmd::run(&db, args).await,
        Command::Verify(args) => verify_cmd::run(&args),
        Command::Backup(args) => backup_cmd::backup(&db, args).await,
        Command::Restore(args) => backup_cmd::restore(&db, args).await,
        Command::Bench(BenchCommand::Ingest { batch, runs }) => {
            bench::ingest(&db, batch, runs).await
        }
        Command::Seats(args) => seats_cmd::run(args),
        Command::President(cmd) => president_cmd::run(&db, cmd).await,
        Command::Keys(cmd) => keys_cmd::run(&db, cmd).await,
        Command::Operator(cmd) => operator_cmd::run(&db, cmd).await,
        Command::VerifyReceipt(args) => keys_cmd::verify_receipt(&args),
        Command::VerifyConsistency(args) => keys_cmd::verify_consistency(&args),
        Command::Bench(BenchCommand::Seats(args)) => seats_cmd::bench(args),
        Command::Bench(BenchCommand::President(args)) => bench_president::run(&db, args).await,
        Command::Bench(BenchCommand::Signatures(args)) => bench_signatures::run(args),
        Command::Bench(BenchCommand::Consult(args)) => consult_cmd::bench(args),
        Command::Act(cmd) => consult_cmd::act(&db, cmd).await,
        Command::Consult(cmd) => consult_cmd::consult(&db, cmd).await,
        Command::Commission(cmd) => commission_cmd::run(&db, cmd).await,
        Command::Register(command) => register_cmd::run(&db, command).await,
        Command::Kurultai(cmd) => kurultai_cmd::run(&db, cmd).await,
        Command::Bench(BenchCommand::Register(args)) => register_cmd::bench(args).await,
        Command::Bench(BenchCommand::Load(args)) => bench_load::run(&db, args).await,
        Command::Audit(cmd) => audit_cmd::run(&db, cmd).await,
        Command::Bench(BenchCommand::Audit(args)) => audit_cmd::bench(args),
        Command::Bench(BenchCommand::Ballots(args)) => bench_ballots::run(args),
        Command::Ballots(cmd) => ballots_cmd::board(&db, cmd).await,
        Command::Trustee(cmd) => ballots_cmd::trustee(cmd),
        Command::Ballot(cmd) => ballots_cmd::ballot(cmd),
        Command::VerifyElection(args) => ballots_cmd::verify_election(&args),
        Command::Import(args) => nist_cmd::import(&db, args).await,
        Command::Downloads(args) => downloads_cmd::run(&db, args).await,
        Command::VerifyDownload(args) => downloads_cmd::verify(&args),
        Command::Bench(BenchCommand::Nist(args)) => nist_cmd::bench(args),
        Command::Publish(args) => publish_cmd::run(&db, args).await,
        Command::Bench(BenchCommand::Mirror(args)) => bench_mirror::run(&db, args).await,
        Command::Bench(BenchCommand::Cluster(args)) => bench_cluster::run(&db, args).await,
        Command::Bench(BenchCommand::Kurultai(args)) => bench_kurultai::run(&db, args).await,
    }
}
