//! `ashyq verify`: an exported log checked offline — the hash chain, every protocol and
//! aggregate decided again, a published head, signed tree heads and receipts, a published
//! results file.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ashyq_core::consult::Consultation;
use ashyq_core::journal::Domain;
use ashyq_core::register::acts::RegisterActs;
use ashyq_core::verify::{self, ChainKind, ChainVerifier, Verifier};
use clap::Args;

use crate::files::read_text;
use crate::{keys_cmd, output};

/// Arguments of `ashyq verify`.
#[derive(Args)]
pub struct VerifyArgs {
    /// The exported logs: the public log (`ashyq export --log`), the consultation's
    /// (`ashyq consult export`), the register's audit trail (`ashyq export --register-log`),
    /// in any order; each is checked by its own chain's rules.
    #[arg(required = true)]
    logs: Vec<PathBuf>,
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
}

/// Runs `ashyq verify`.
pub fn run(args: &VerifyArgs) -> Result<ExitCode> {
    let mut kinds = Vec::new();
    for path in &args.logs {
        kinds.push((path, chain_of(path)?));
    }
    let publics = kinds
        .iter()
        .filter(|(_, k)| *k == ChainKind::Public)
        .count();
    if publics != 1
        && (args.results.is_some()
            || args.head.is_some()
            || !args.receipt.is_empty()
            || !args.tree_head.is_empty())
    {
        bail!(
            "--results, --head, --receipt and --tree-head check the public log: give exactly one (found {publics})"
        );
    }
    let mut status = ExitCode::SUCCESS;
    for (path, kind) in kinds {
        let outcome = match kind {
            ChainKind::Public => verify_file(
                path,
                args.results.as_deref(),
                args.head.as_deref(),
                &Transparency {
                    log_key: args.log_key.clone(),
                    receipts: args.receipt.clone(),
                    tree_heads: args.tree_head.clone(),
                },
            )?,
            ChainKind::Consultation => verify_chain::<Consultation>(path, kind)?,
            ChainKind::Register => verify_chain::<RegisterActs>(path, kind)?,
            ChainKind::Ballots => verify_chain::<ashyq_core::ballots::board::Board>(path, kind)?,
        };
        if outcome != ExitCode::SUCCESS {
            status = outcome;
        }
    }
    Ok(status)
}

/// Which chain the file holds, from its first entry.
fn chain_of(path: &Path) -> Result<ChainKind> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut first = String::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if !line.trim().is_empty() {
            first = line;
            break;
        }
    }
    if first.is_empty() {
        bail!("{} is empty: it holds no log entry", path.display());
    }
    ChainKind::of_line(&first).ok_or_else(|| {
        anyhow::anyhow!(
            "{}: line 1 is not an entry of any ashyq log (public, consultation or register); give a file written by `ashyq export --log`, `ashyq consult export` or `ashyq export --register-log`",
            path.display()
        )
    })
}

/// Verifies a log of the chain of `D` by its rules alone and prints its head.
fn verify_chain<D: Domain>(path: &Path, kind: ChainKind) -> Result<ExitCode> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let bar = output::progress_bytes(file.metadata().map(|m| m.len()).unwrap_or(0), "verifying");
    let mut verifier = ChainVerifier::<D>::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        bar.inc(line.len() as u64 + 1);
        if let Err(e) = verifier.feed(&line) {
            bar.finish_and_clear();
            println!("FAILED: {} ({} log): {e}", path.display(), kind.name());
            return Ok(ExitCode::FAILURE);
        }
    }
    bar.finish_and_clear();
    match verifier.finish_chain() {
        Ok((entries, head, _)) => {
            println!(
                "{} log verified ({}): {entries} entries, hash chain intact, every rule re-checked, head {head}.",
                kind.name(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("FAILED: {} ({} log): {e}", path.display(), kind.name());
            Ok(ExitCode::FAILURE)
        }
    }
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
    let log_key = keys_cmd::read_log_key(key_path)?;
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
    log: &Path,
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
