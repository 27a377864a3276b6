//! Commission keys and signed documents: `ashyq keys generate` and `ashyq protocol sign` on
//! files; `ashyq keys register|rotate|revoke|list` on the database (each change a log event);
//! `ashyq protocol send` to a server; and the offline transparency checks
//! `ashyq verify-receipt` and `ashyq verify-consistency`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::keys::{
    Commission, CommissionPublicKey, CommissionSigningKey, KeyEvent, KeyId, KeyRegistered,
    KeyRevoked, KeyRotated, public_key_file, read_public_key_file,
};
use ashyq_core::president::PresidentialProtocol;
use ashyq_core::signed::{
    AnySigned, PresidentialStatement, ProtocolStatement, Signable, Signed, Statement,
};
use ashyq_core::transparency::{
    ConsistencyProof, InclusionProof, SignedReceipt, SignedTreeHead, verify_receipt_inclusion,
    verify_tree_heads_consistent,
};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use crate::authors;
use crate::database::open;
use crate::files::{read_protocols, read_text};

/// `ashyq keys …`
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Generate a commission's Ed25519 key pair: a secret key file (mode 0600) and a public
    /// key file.
    #[command(after_help = "Examples:
  ashyq keys generate --out-dir keys --commission precinct:17
  ashyq keys generate --out-dir keys --commission district:KZ-75-03
  ashyq keys generate --out-dir keys --commission region:KZ-75
  ashyq keys generate --out-dir keys --commission central
Writes DIR/<commission>.key (secret: keep it on the commission's machine) and
DIR/<commission>.pub (public: give it to the higher commission to register).
Both are text: a `commission:` header and a PEM block (PKCS#8 / SubjectPublicKeyInfo).
An existing file is never overwritten.")]
    Generate(GenerateArgs),
    /// Register a commission's first key (recorded in the log).
    #[command(after_help = "Example:
  ashyq keys register keys/precinct-17.pub --by district:KZ-75-03 --author \"B. Operator, TEC\"
The acting commission (--by) must be above the key's commission: central → region →
district → precinct; the central commission may act for any.")]
    Register {
        /// The public key file (`ashyq keys generate` wrote it).
        public_key: PathBuf,
        #[command(flatten)]
        acting: Acting,
        /// From when it may sign, RFC 3339 (default: now).
        #[arg(long)]
        valid_from: Option<String>,
    },
    /// Replace a commission's current key by a new one (recorded in the log).
    #[command(after_help = "Example:
  ashyq keys rotate 3f1c… keys-new/precinct-17.pub --by district:KZ-75-03 --author \"B. Operator\"")]
    Rotate {
        /// The current key's id.
        old_key: String,
        /// The new public key file.
        public_key: PathBuf,
        #[command(flatten)]
        acting: Acting,
        /// The moment of the switch, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
    },
    /// Revoke a key: nothing it signs from `--effective-from` on is accepted (recorded in the log).
    #[command(after_help = "Example:
  ashyq keys revoke 3f1c… --reason \"laptop stolen\" --effective-from 2026-03-15T18:00:00+05:00 --by central --author \"CEC\"")]
    Revoke {
        /// The key's id.
        key: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// From when its signatures are invalid, RFC 3339 (default: now).
        #[arg(long)]
        effective_from: Option<String>,
        #[command(flatten)]
        acting: Acting,
    },
    /// Create the secret key of the IINs' keyed digests (32 random bytes in hex), mode 0600.
    #[command(after_help = "Example:
  ashyq keys digest-key /etc/ashyq/digest.key
Give it as --digest-key-file to the commands that compare IINs without storing them. Keep it
outside the database and back it up: without it, stored digests can no longer be matched.
An existing file is never overwritten; a key file that other users may read is refused.")]
    DigestKey {
        /// The new key file.
        file: PathBuf,
    },
    /// List the registered keys.
    List {
        /// Only this commission's, e.g. precinct:17.
        #[arg(long)]
        commission: Option<String>,
    },
}

/// Who records a change of keys: the commission acting and the person.
#[derive(Args)]
pub struct Acting {
    /// The commission acting: above the key's commission (the central commission may act for
    /// any).
    #[arg(long)]
    by: String,
    /// Who records it.
    #[arg(long)]
    author: String,
}

impl Acting {
    /// The acting commission, parsed.
    fn commission(&self) -> Result<Commission> {
        Ok(Commission::parse(&self.by)?)
    }
}

/// Arguments of `ashyq protocol send`.
#[derive(Args)]
pub struct SendArgs {
    /// The signed protocol file.
    pub file: PathBuf,
    /// The server's address, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "ASHYQ_SERVER")]
    pub server: String,
    /// Write the receipt here (default: standard output).
    #[arg(long)]
    pub receipt: Option<PathBuf>,
}

/// Arguments of `ashyq keys generate`.
#[derive(Args)]
pub struct GenerateArgs {
    /// Directory for the two files (created if missing).
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Whose key: precinct:ID, district:ID, region:CODE or central.
    #[arg(long)]
    pub commission: String,
}

/// Arguments of `ashyq protocol sign`.
#[derive(Args)]
pub struct SignArgs {
    /// The precinct commission's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The protocol, in the JSON format `ashyq protocol submit` reads (one protocol), or a
    /// presidential round's protocol as `ashyq president submit` reads it (JSON with an
    /// `election` field).
    #[arg(long)]
    pub protocol: PathBuf,
    /// The protocol's version: 1 for the first, 2, 3, … for corrections.
    #[arg(long, default_value_t = 1)]
    pub version: u64,
    /// The signing time, RFC 3339 (default: now).
    #[arg(long)]
    pub signed_at: Option<String>,
    /// Write the signed document here (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `ashyq verify-receipt`.
#[derive(Args)]
pub struct VerifyReceiptArgs {
    /// The log's public key file (published by the central commission).
    #[arg(long)]
    pub log_key: PathBuf,
    /// The receipt the server returned.
    #[arg(long)]
    pub receipt: PathBuf,
    /// The inclusion proof (from the log's API) for the receipt's entry and the tree head.
    #[arg(long)]
    pub proof: PathBuf,
    /// A signed tree head to check against (default: the one in the receipt).
    #[arg(long)]
    pub head: Option<PathBuf>,
}

/// Arguments of `ashyq verify-consistency`.
#[derive(Args)]
pub struct VerifyConsistencyArgs {
    /// The log's public key file.
    #[arg(long)]
    pub log_key: PathBuf,
    /// The older signed tree head.
    #[arg(long)]
    pub older: PathBuf,
    /// The newer signed tree head.
    #[arg(long)]
    pub newer: PathBuf,
    /// The consistency proof between their sizes (from the log's API).
    #[arg(long)]
    pub proof: PathBuf,
}

/// Runs `ashyq keys …` (on the database at `db` where needed).
pub async fn run(db: &str, cmd: KeysCommand) -> Result<ExitCode> {
    let author = authors::command_line_operator;
    let change = match cmd {
        KeysCommand::Generate(args) => return generate(&args),
        KeysCommand::List { commission } => return list(db, commission.as_deref()).await,
        KeysCommand::DigestKey { file } => {
            crate::digest_key::create_key_file(&file)?;
            println!(
                "Created the digest key {} (mode 0600: keep it private, outside the database, and backed up)",
                file.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        KeysCommand::Register {
            public_key,
            acting,
            valid_from,
        } => {
            let (commission, key) = read_public_key_file(&read_text(&public_key)?)
                .with_context(|| format!("cannot read the public key {}", public_key.display()))?;
            KeyEvent::KeyRegistered(KeyRegistered {
                commission,
                public_key: key,
                valid_from: time_or_now("--valid-from", valid_from.as_deref())?,
                by: acting.commission()?,
                author: author(acting.author),
            })
        }
        KeysCommand::Rotate {
            old_key,
            public_key,
            acting,
            at,
        } => {
            let (_, key) = read_public_key_file(&read_text(&public_key)?)
                .with_context(|| format!("cannot read the public key {}", public_key.display()))?;
            KeyEvent::KeyRotated(KeyRotated {
                old_key: KeyId(old_key.trim().to_owned()),
                new_public_key: key,
                at: time_or_now("--at", at.as_deref())?,
                by: acting.commission()?,
                author: author(acting.author),
            })
        }
        KeysCommand::Revoke {
            key,
            reason,
            effective_from,
            acting,
        } => KeyEvent::KeyRevoked(KeyRevoked {
            key: KeyId(key.trim().to_owned()),
            effective_from: time_or_now("--effective-from", effective_from.as_deref())?,
            reason,
            by: acting.commission()?,
            author: author(acting.author),
        }),
    };
    let registrar = open(db).await?;
    let entry = registrar.manage_key(change).await?;
    println!(
        "Recorded as log entry {} ({}).",
        entry.seq,
        entry.event.kind()
    );
    Ok(ExitCode::SUCCESS)
}

fn time_or_now(flag: &str, text: Option<&str>) -> Result<DateTime<Utc>> {
    match text {
        None => Ok(Utc::now()),
        Some(t) => Ok(DateTime::parse_from_rfc3339(t)
            .map_err(|e| anyhow!("{flag} {t:?} is not an RFC 3339 time ({e}); write e.g. 2026-03-15T20:30:00+05:00"))?
            .to_utc()),
    }
}

async fn list(db: &str, commission: Option<&str>) -> Result<ExitCode> {
    let filter = commission.map(Commission::parse).transpose()?;
    let registrar = open(db).await?;
    let ledger = registrar.ledger();
    let mut n = 0;
    for k in ledger.keys().keys() {
        if filter.as_ref().is_some_and(|c| &k.commission != c) {
            continue;
        }
        n += 1;
        let status = match (&k.rotated, &k.revoked) {
            (_, Some((at, reason))) => format!("revoked from {at} ({reason})"),
            (Some((at, by)), None) => format!("rotated at {at} to {by}"),
            (None, None) => "current".to_owned(),
        };
        println!(
            "{}  {:<24} valid from {}  {status}",
            k.key_id,
            k.commission.to_string(),
            k.valid_from
        );
    }
    if n == 0 {
        println!(
            "No keys registered{}.",
            commission.map(|c| format!(" for {c}")).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `ashyq protocol send`.
pub async fn send(args: &SendArgs) -> Result<ExitCode> {
    let text = read_text(&args.file)?;
    let doc = AnySigned::parse(&text)
        .with_context(|| format!("{} is not a signed protocol", args.file.display()))?;
    let collection = match &doc {
        AnySigned::Referendum(_) => "referendums",
        AnySigned::Presidential(_) => "elections",
    };
    let url = format!(
        "{}/api/v1/{collection}/{}/protocols",
        args.server.trim_end_matches('/'),
        doc.contest()
    );
    let res = reqwest::Client::new()
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(text)
        .send()
        .await
        .with_context(|| format!("cannot reach {url}; check --server and that the server runs"))?;
    let status = res.status();
    let body: serde_json::Value = res
        .json()
        .await
        .with_context(|| format!("the answer of {url} is not JSON"))?;
    let receipt = if status.is_success() {
        Some(body.clone())
    } else {
        body.get("receipt").cloned()
    };
    if let Some(receipt) = &receipt {
        let json = serde_json::to_string_pretty(receipt)? + "\n";
        match &args.receipt {
            Some(path) => std::fs::write(path, &json)
                .with_context(|| format!("cannot write {}", path.display()))?,
            None => print!("{json}"),
        }
    }
    if status.is_success() {
        eprintln!(
            "Accepted: precinct {} is in the log; receipt{}.",
            doc.precinct(),
            args.receipt
                .as_ref()
                .map(|p| format!(" written to {}", p.display()))
                .unwrap_or_default()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "Not accepted ({status}): {}",
            body.get("detail")
                .and_then(|d| d.as_str())
                .unwrap_or("no detail given")
        );
        Ok(ExitCode::FAILURE)
    }
}

fn file_stem(commission: &Commission) -> String {
    commission.to_string().replace(':', "-")
}

fn generate(args: &GenerateArgs) -> Result<ExitCode> {
    let commission = Commission::parse(&args.commission)?;
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let stem = file_stem(&commission);
    let secret_path = args.out_dir.join(format!("{stem}.key"));
    let public_path = args.out_dir.join(format!("{stem}.pub"));
    for path in [&secret_path, &public_path] {
        if path.exists() {
            bail!(
                "{} already exists: a key is never overwritten; move it away first or choose another --out-dir",
                path.display()
            );
        }
    }
    let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
    let key = CommissionSigningKey::generate(commission.clone(), &mut rng);
    write_secret(&secret_path, key.to_key_file().as_bytes())?;
    std::fs::write(&public_path, public_key_file(&commission, &key.public()))
        .with_context(|| format!("cannot write {}", public_path.display()))?;
    println!(
        "Key pair for {commission}\n  key id:  {}\n  secret:  {} (mode 0600: keep it private)\n  public:  {} (give it to the higher commission to register)",
        key.key_id(),
        secret_path.display(),
        public_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a new file readable only by its owner.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    ashyq_server::secret_file::create_private(path, bytes)
        .with_context(|| format!("cannot create {}", path.display()))
}

/// Runs `ashyq protocol sign`.
pub fn sign(args: &SignArgs) -> Result<ExitCode> {
    let key = CommissionSigningKey::from_key_file(&read_text(&args.key)?)
        .with_context(|| format!("cannot read the key file {}", args.key.display()))?;
    let signed_at: DateTime<Utc> = match &args.signed_at {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|e| {
                anyhow!("--signed-at {text:?} is not an RFC 3339 time ({e}); write e.g. 2026-03-15T20:30:00+05:00")
            })?
            .to_utc(),
        None => Utc::now(),
    };
    let text = read_text(&args.protocol)?;
    if is_presidential(&text) {
        let protocols = PresidentialProtocol::parse_json(&text).with_context(|| {
            format!("{} is not a presidential protocol", args.protocol.display())
        })?;
        let protocol = only_one(protocols, &args.protocol)?;
        sign_one::<PresidentialStatement>(&protocol, args, &key, signed_at)
    } else {
        let protocol = only_one(read_protocols(&args.protocol)?, &args.protocol)?;
        sign_one::<ProtocolStatement>(&protocol, args, &key, signed_at)
    }
}

/// Whether a protocol file holds a presidential round's protocol (JSON with `election`).
fn is_presidential(text: &str) -> bool {
    let first = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => items.into_iter().next(),
        Ok(v) => Some(v),
        Err(_) => None,
    };
    first.is_some_and(|v| v.get("election").is_some())
}

fn only_one<P>(mut protocols: Vec<P>, path: &Path) -> Result<P> {
    if protocols.len() != 1 {
        bail!(
            "{} holds {} protocols; a signed document carries exactly one: put each precinct's protocol in its own file",
            path.display(),
            protocols.len()
        );
    }
    Ok(protocols.remove(0))
}

fn sign_one<S: Statement>(
    protocol: &S::Protocol,
    args: &SignArgs,
    key: &CommissionSigningKey,
    signed_at: DateTime<Utc>,
) -> Result<ExitCode> {
    let doc = Signed::<S>::sign(protocol, args.version, signed_at, key)?;
    let verified = doc.verify_with(&key.public())?;
    let json = doc.to_json_pretty() + "\n";
    match &args.out {
        Some(path) => {
            std::fs::write(path, &json)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "Signed protocol of precinct {} (version {}) written to {}\n  document hash: {}",
                protocol.precinct_id(),
                args.version,
                path.display(),
                verified.document_hash()
            );
        }
        None => print!("{json}"),
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn read_log_key(path: &Path) -> Result<CommissionPublicKey> {
    let (_, key) = read_public_key_file(&read_text(path)?)
        .with_context(|| format!("cannot read the log's public key {}", path.display()))?;
    Ok(key)
}

/// Runs `ashyq verify-receipt`.
pub fn verify_receipt(args: &VerifyReceiptArgs) -> Result<ExitCode> {
    let log_key = read_log_key(&args.log_key)?;
    let receipt = SignedReceipt::parse(&read_text(&args.receipt)?)?;
    let proof = InclusionProof::parse(&read_text(&args.proof)?)?;
    let head = match &args.head {
        Some(path) => SignedTreeHead::parse(&read_text(path)?)?,
        None => receipt.receipt.tree_head.clone(),
    };
    match verify_receipt_inclusion(&receipt, &proof, &head, &log_key) {
        Ok(()) => {
            let r = &receipt.receipt;
            let document = match (&r.version, &r.document_hash) {
                (Some(v), Some(h)) => format!("signed document version {v}, hash {h}"),
                _ => format!("unsigned, protocol hash {}", r.protocol_hash),
            };
            println!(
                "OK: the protocol of precinct {} ({document}) is entry {} of the log, included in the tree of size {} with root {} signed at {}.",
                r.precinct,
                r.leaf_index + 1,
                head.head.tree_size,
                head.head.root_hash,
                head.head.timestamp.to_rfc3339()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("NOT VERIFIED: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Runs `ashyq verify-consistency`.
pub fn verify_consistency(args: &VerifyConsistencyArgs) -> Result<ExitCode> {
    let log_key = read_log_key(&args.log_key)?;
    let older = SignedTreeHead::parse(&read_text(&args.older)?)?;
    let newer = SignedTreeHead::parse(&read_text(&args.newer)?)?;
    let proof = ConsistencyProof::parse(&read_text(&args.proof)?)?;
    match verify_tree_heads_consistent(&older, &newer, &proof, &log_key) {
        Ok(()) => {
            println!(
                "OK: the log of size {} (root {}) extends the log of size {} (root {}): no entry was changed, dropped or reordered.",
                newer.head.tree_size,
                newer.head.root_hash,
                older.head.tree_size,
                older.head.root_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("NOT CONSISTENT: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
