//! Signed datasets: what the log's key says about a published file — its name, media type,
//! size, SHA-256 and the log head it reflects — in a sidecar (`FILE.sig.json`) that anyone can
//! check offline against the file and the log's public key ([`SignedDownload::verify`],
//! `ashyq verify-download`). The signature is Ed25519 over the RFC 8785 canonical JSON of the
//! [`DownloadStatement`].
//!
//! What is published is decided here too, once for the command (`ashyq downloads`) and the
//! server (`/downloads`): [`datasets`] renders every dataset of every contest from one state of
//! the ledger, [`LogDigest`] hashes the log as JSON Lines as it grows, and [`catalogue`] writes
//! the DCAT catalogue of a signed set. The same head gives the same bytes in both.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::canonical::to_canonical_vec;
use crate::chain::sha256_hex;
use crate::keys::{CommissionPublicKey, CommissionSigningKey, KeyId, Signature};
use crate::ledger::{Contest, Ledger};
use crate::nist::build::Issuer;
use crate::nist::from_ledger::{self, ReportError};
use crate::nist::{ReportDetailLevel, xml};
use crate::report::{self, Level};

/// The name of the log among the downloads.
pub const LOG_NAME: &str = "log.jsonl";

/// The name of the catalogue among the downloads.
pub const CATALOGUE_NAME: &str = "catalog.jsonld";

/// The media type of the log.
pub const LOG_MEDIA_TYPE: &str = "application/jsonl";

/// What the log is, in the catalogue.
pub const LOG_TITLE: &str =
    "The public log up to this head, one entry a line (check it with `ashyq verify`)";

/// The format of a statement; a different one is refused.
pub const FORMAT: &str = "ashyq-download/1";

/// The largest sidecar read (a statement is a few hundred bytes).
const MAX_SIDECAR: usize = 64 * 1024;

/// What the log's key signs about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadStatement {
    /// [`FORMAT`].
    pub format: String,
    /// The file's name as published.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// The sequence number of the log head the file reflects.
    pub log_seq: u64,
    /// That head's hash.
    pub log_head: String,
    /// The log key's identifier.
    pub key_id: KeyId,
}

/// A statement and the log key's signature over it: the sidecar `FILE.sig.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedDownload {
    /// What is signed.
    pub statement: DownloadStatement,
    /// Ed25519 over the canonical JSON of `statement`, 128 hex digits.
    pub signature: Signature,
}

/// Why a file does not check out against its sidecar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    /// The sidecar is not a signed statement.
    #[error("the signature file is not a signed download statement: {0}")]
    Malformed(String),
    /// Another format.
    #[error("the signature file has format {0:?}; this version reads {FORMAT:?}")]
    Format(String),
    /// The file's size differs.
    #[error(
        "the file has {found} bytes but the signed statement says {signed}: it is not the file that was published"
    )]
    Size {
        /// The file's size.
        found: u64,
        /// The signed size.
        signed: u64,
    },
    /// The file's hash differs.
    #[error(
        "the file's SHA-256 is {found} but the signed statement says {signed}: it was changed after publication"
    )]
    Hash {
        /// The file's hash.
        found: String,
        /// The signed hash.
        signed: String,
    },
    /// Signed by another key.
    #[error(
        "the statement names key {signed}, not the log key given ({given}): check with the log's public key"
    )]
    Key {
        /// The key named.
        signed: KeyId,
        /// The key given.
        given: KeyId,
    },
    /// The signature does not verify.
    #[error(
        "the log key's signature over the statement does not verify: the statement was altered or not signed by this key"
    )]
    Signature,
    /// Canonical JSON failed.
    #[error("{0}")]
    Canonical(String),
}

impl SignedDownload {
    /// Signs a file's statement with the log's key.
    pub fn sign(
        name: &str,
        media_type: &str,
        bytes: &[u8],
        head: (u64, &str),
        key: &CommissionSigningKey,
    ) -> Result<Self, DownloadError> {
        let digest = (bytes.len() as u64, sha256_hex(bytes));
        Self::sign_digest(name, media_type, digest, head, key)
    }

    /// Signs the statement of a file known by its size and SHA-256 only (the log, hashed as
    /// it is streamed: [`LogDigest`]).
    pub fn sign_digest(
        name: &str,
        media_type: &str,
        (size, sha256): (u64, String),
        (log_seq, log_head): (u64, &str),
        key: &CommissionSigningKey,
    ) -> Result<Self, DownloadError> {
        let statement = DownloadStatement {
            format: FORMAT.to_owned(),
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size,
            sha256,
            log_seq,
            log_head: log_head.to_owned(),
            key_id: key.key_id(),
        };
        let message =
            to_canonical_vec(&statement).map_err(|e| DownloadError::Canonical(e.to_string()))?;
        Ok(SignedDownload {
            signature: key.sign(&message),
            statement,
        })
    }

    /// Parses a sidecar (not yet its signature).
    pub fn parse(text: &str) -> Result<Self, DownloadError> {
        if text.len() > MAX_SIDECAR {
            return Err(DownloadError::Malformed(format!(
                "{} bytes is too large",
                text.len()
            )));
        }
        serde_json::from_str(text).map_err(|e| DownloadError::Malformed(e.to_string()))
    }

    /// Checks a file against the statement and the statement against the log's key.
    pub fn verify(&self, bytes: &[u8], log_key: &CommissionPublicKey) -> Result<(), DownloadError> {
        let st = &self.statement;
        if st.format != FORMAT {
            return Err(DownloadError::Format(st.format.chars().take(64).collect()));
        }
        if st.key_id != log_key.key_id() {
            return Err(DownloadError::Key {
                signed: st.key_id.clone(),
                given: log_key.key_id(),
            });
        }
        let message = to_canonical_vec(st).map_err(|e| DownloadError::Canonical(e.to_string()))?;
        if !log_key.verify(&message, &self.signature) {
            return Err(DownloadError::Signature);
        }
        if bytes.len() as u64 != st.size {
            return Err(DownloadError::Size {
                found: bytes.len() as u64,
                signed: st.size,
            });
        }
        let found = sha256_hex(bytes);
        if found != st.sha256 {
            return Err(DownloadError::Hash {
                found,
                signed: st.sha256.clone(),
            });
        }
        Ok(())
    }
}

/// One published dataset, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// Its file name: `<contest>-<form>.<ext>`, or a name of the house's records.
    pub name: String,
    /// Its media type.
    pub media_type: &'static str,
    /// What it is, in the catalogue.
    pub title: String,
    /// The contest it belongs to, if any.
    pub contest: Option<String>,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Dataset {
    fn new(
        name: String,
        media_type: &'static str,
        title: String,
        contest: Option<&str>,
        bytes: Vec<u8>,
    ) -> Self {
        Dataset {
            name,
            media_type,
            title,
            contest: contest.map(str::to_owned),
            bytes,
        }
    }
}

/// Why the datasets could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A NIST report failed.
    #[error("the NIST report of {contest}: {source}")]
    Nist {
        /// The contest.
        contest: String,
        /// Why.
        source: ReportError,
    },
    /// A ledger look-up failed.
    #[error("{0}")]
    Ledger(#[from] crate::ledger::LedgerError),
    /// JSON failed.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

fn nist(ledger: &Ledger, id: &str, kind: &str, out: &mut Vec<Dataset>) -> Result<(), DatasetError> {
    let report = match from_ledger::report(
        ledger,
        Some(id),
        ReportDetailLevel::PrecinctLevel,
        &Issuer::default(),
    ) {
        Ok(r) => r,
        // Nothing counted yet: there is no report to publish.
        Err(ReportError::Empty) => return Ok(()),
        Err(source) => {
            return Err(DatasetError::Nist {
                contest: id.to_owned(),
                source,
            });
        }
    };
    out.push(Dataset::new(
        format!("{id}-results.nist.json"),
        "application/json",
        format!("The {kind}'s precinct-level results in the NIST SP 1500-100 v2 Common Data Format (JSON)"),
        Some(id),
        serde_json::to_vec(&report)?,
    ));
    out.push(Dataset::new(
        format!("{id}-results.nist.xml"),
        "application/xml",
        format!("The {kind}'s precinct-level results in the NIST SP 1500-100 v2 Common Data Format (XML)"),
        Some(id),
        xml::to_xml(&report).into_bytes(),
    ));
    Ok(())
}

/// Every dataset of the ledger's present state, in a fixed order: per contest (in the order of
/// their ids) its results as JSON (and, for a referendum, as CSV down to the districts) and its
/// precinct-level NIST report as JSON and XML; then the Kurultai's Popolo document and votes
/// once the house has members. The log itself is not among them (its bytes are the store's;
/// see [`LogDigest`]).
pub fn datasets(ledger: &Ledger) -> Result<Vec<Dataset>, DatasetError> {
    let mut out = Vec::new();
    let mut contests: Vec<_> = ledger.contests().all().collect();
    contests.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    for (id, contest) in contests {
        let name = id.as_str();
        match contest {
            Contest::Referendum(_) => {
                let tree = ledger.results(id)?;
                out.push(Dataset::new(
                    format!("{name}-results.json"),
                    "application/json",
                    "The referendum's result: national, per region and district (ashyq's results JSON)".into(),
                    Some(name),
                    serde_json::to_vec_pretty(&tree)?,
                ));
                out.push(Dataset::new(
                    format!("{name}-results.csv"),
                    "text/csv",
                    "The referendum's result per unit down to the districts, as CSV".into(),
                    Some(name),
                    report::results_csv(&tree, Level::District).into_bytes(),
                ));
                nist(ledger, name, "referendum", &mut out)?;
            }
            Contest::PartyList(e) => {
                out.push(Dataset::new(
                    format!("{name}-seats.json"),
                    "application/json",
                    "The party-list election's seat allocation and its deputies".into(),
                    Some(name),
                    serde_json::to_vec_pretty(&json!({
                        "election": e.definition.id,
                        "allocation": e.allocation(),
                        "seed": e.seed(),
                        "deputies": e.deputies().collect::<Vec<_>>(),
                        "mandates": e.mandates(),
                    }))?,
                ));
                nist(ledger, name, "party-list election", &mut out)?;
            }
            Contest::Presidential(_) => {
                out.push(Dataset::new(
                    format!("{name}-results.json"),
                    "application/json",
                    "The presidential round's result: every candidate's votes and the outcome"
                        .into(),
                    Some(name),
                    serde_json::to_vec_pretty(&ledger.presidential_results(id)?)?,
                ));
                nist(ledger, name, "presidential election", &mut out)?;
            }
        }
    }
    if !ledger.kurultai_deputies().is_empty() {
        out.push(Dataset::new(
            "kurultai-popolo.json".into(),
            "application/json",
            "The Kurultai's deputies, factions, committees and votes (Popolo JSON)".into(),
            None,
            serde_json::to_vec_pretty(&ledger.kurultai_popolo())?,
        ));
        out.push(Dataset::new(
            "kurultai-votes.csv".into(),
            "text/csv",
            "Every individual vote of every roll call of the Kurultai, as CSV".into(),
            None,
            ledger.kurultai_votes_csv().into_bytes(),
        ));
    }
    Ok(out)
}

/// The SHA-256 and size of the log as JSON Lines (`ashyq export --log`, `/api/v1/log`): one
/// entry's line and a newline after another. The hash of a longer log continues from a
/// shorter one's state, so a server that follows the log hashes each entry once.
#[derive(Debug, Clone, Default)]
pub struct LogDigest {
    hasher: Sha256,
    size: u64,
    seq: u64,
}

impl LogDigest {
    /// Adds the entry numbered `seq`, as its JSON line (without the newline).
    ///
    /// Entries come in order; an entry at or before the last one added is ignored, so a page
    /// read again changes nothing.
    pub fn push(&mut self, seq: u64, line: &str) {
        if seq <= self.seq {
            return;
        }
        self.hasher.update(line.as_bytes());
        self.hasher.update(b"\n");
        self.size += line.len() as u64 + 1;
        self.seq = seq;
    }

    /// The last entry added (0 for none).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The size and SHA-256 (hex) of the log so far.
    pub fn finish(&self) -> (u64, String) {
        (self.size, hex::encode(self.hasher.clone().finalize()))
    }
}

/// One entry of the catalogue: a signed file and what it is.
pub struct CatalogueEntry<'a> {
    /// The file's signed statement.
    pub signed: &'a SignedDownload,
    /// What it is.
    pub title: &'a str,
}

/// The DCAT catalogue (JSON-LD) of a signed set of files at one head of the log. `base` is
/// prepended to each file's name in `dcat:downloadURL` (empty for names relative to the
/// catalogue; `?at=SEQ` is appended by a server that holds several heads).
pub fn catalogue(
    entries: &[CatalogueEntry<'_>],
    (seq, head): (u64, &str),
    base: &str,
    suffix: &str,
) -> Value {
    let distributions: Vec<Value> = entries
        .iter()
        .map(|e| {
            let st = &e.signed.statement;
            json!({
                "@type": "dcat:Distribution",
                "dct:title": e.title,
                "dcat:downloadURL": { "@id": format!("{base}{}{suffix}", st.name) },
                "dcat:mediaType": format!("https://www.iana.org/assignments/media-types/{}", st.media_type),
                "dcat:byteSize": { "@value": st.size.to_string(), "@type": "xsd:nonNegativeInteger" },
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" },
                    "spdx:checksumValue": st.sha256,
                },
                "rdfs:seeAlso": { "@id": format!("{base}{}.sig.json{suffix}", st.name) },
            })
        })
        .collect();
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@type": "dcat:Catalog",
        "dct:title": "ashyq open election data",
        "dct:description": format!("Every dataset at entry {seq} of the public log ({head}); each file has a signature by the log's key beside it (FILE.sig.json), checked with `ashyq verify-download FILE --log-key LOG.pub`."),
        "dcat:dataset": [{
            "@type": "dcat:Dataset",
            "dct:title": "Election and referendum results, the Kurultai's records and the public log",
            "dct:identifier": format!("ashyq-log-{seq}-{head}"),
            "dct:publisher": { "@type": "foaf:Agent", "foaf:name": "Central Election Commission of the Republic of Kazakhstan" },
            "dcat:keyword": ["elections", "referendum", "NIST SP 1500-100", "OCD-ID", "Popolo"],
            "dcat:distribution": distributions,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Commission;

    fn key(seed: u8) -> CommissionSigningKey {
        CommissionSigningKey::from_seed(Commission::Central, &[seed; 32])
    }

    #[test]
    fn a_signed_file_checks_out_and_any_change_is_named() {
        let k = key(1);
        let bytes = b"region,yes,no\nKZ-75,10,5\n";
        let s = SignedDownload::sign("results.csv", "text/csv", bytes, (7, "ab"), &k).unwrap();
        let text = serde_json::to_string(&s).unwrap();
        let back = SignedDownload::parse(&text).unwrap();
        assert_eq!(back.verify(bytes, &k.public()), Ok(()));

        let mut changed = bytes.to_vec();
        changed[15] = b'9';
        assert!(matches!(
            back.verify(&changed, &k.public()),
            Err(DownloadError::Hash { .. })
        ));
        assert!(matches!(
            back.verify(&bytes[1..], &k.public()),
            Err(DownloadError::Size { .. })
        ));
        assert!(matches!(
            back.verify(bytes, &key(2).public()),
            Err(DownloadError::Key { .. })
        ));
        let mut forged = back.clone();
        forged.statement.log_seq = 8;
        assert_eq!(
            forged.verify(bytes, &k.public()),
            Err(DownloadError::Signature)
        );
        assert!(matches!(
            SignedDownload::parse("{\"statement\": 1}"),
            Err(DownloadError::Malformed(_))
        ));
    }

    #[test]
    fn the_log_digest_carried_on_is_the_digest_of_the_whole_file() {
        let lines = ["{\"seq\":1}", "{\"seq\":2,\"x\":\"ä\"}", "{\"seq\":3}"];
        let mut d = LogDigest::default();
        d.push(1, lines[0]);
        let early = d.clone();
        d.push(2, lines[1]);
        // A page read again adds nothing.
        d.push(1, lines[0]);
        d.push(2, lines[1]);
        d.push(3, lines[2]);
        let file: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(d.finish(), (file.len() as u64, sha256_hex(file.as_bytes())));
        assert_eq!(d.seq(), 3);
        let first = format!("{}\n", lines[0]);
        assert_eq!(
            early.finish(),
            (first.len() as u64, sha256_hex(first.as_bytes()))
        );
    }
}
