//! The precinct commission's signed protocol: signing, parsing and the offline check of the
//! signature against the commission keys the log registered.
//!
//! ## Encoding
//! Every signature in ashyq is Ed25519 over the RFC 8785 canonical JSON ([`crate::canonical`])
//! of the signed part, which begins with a `format` field naming the document type and version
//! (the tree head and the receipt of [`crate::transparency`] have their own). The format field
//! separates domains: a signature over one type can never pass as one over another — a
//! referendum protocol's signature never as a presidential one's.
//!
//! ## Signed referendum protocol (`ashyq-signed-protocol/1`)
//! ```json
//! {"statement": {"format": "ashyq-signed-protocol/1", "referendum": "kz-2026",
//!                "precinct": 17, "lines": {…all twelve lines…}, "version": 1,
//!                "signed_at": "2026-03-15T16:05:00Z", "key_id": "…64 hex…"},
//!  "signature": "…128 hex…"}
//! ```
//!
//! ## Signed presidential protocol (`ashyq-signed-presidential-protocol/1`)
//! ```json
//! {"statement": {"format": "ashyq-signed-presidential-protocol/1",
//!                "protocol": {"election": "kz-2029-president", "precinct": 17,
//!                             "ballots": {…lines 1–8…}, "votes": [{"candidate": …, "votes": …}, …],
//!                             "against_all": 12, "invalid": 3},
//!                "version": 1, "signed_at": "2029-…Z", "key_id": "…64 hex…"},
//!  "signature": "…128 hex…"}
//! ```
//!
//! Both kinds share one implementation ([`Signed`] over a [`Statement`]): the same form checks,
//! the same signing and verification, the same record in the log ([`ProtocolSignature`]).
//! The document hash ([`Verified::document_hash`]) is SHA-256 of the canonical statement: the
//! same document always has the same hash, whatever its spacing or key order.

use std::fmt::Debug;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::canonical::{CanonicalError, MAX_SAFE_INTEGER, to_canonical_vec};
use crate::chain::sha256_hex;
use crate::contest::ContestId;
use crate::keys::{
    Commission, CommissionPublicKey, CommissionSigningKey, KeyId, KeyRegistry, KeyStatusError,
    Signature,
};
use crate::president::PresidentialProtocol;
use crate::protocol::{MAX_LINE, PrecinctProtocol, ProtocolLines};
use crate::territory::PrecinctId;

/// The `format` of a signed referendum protocol statement.
pub const PROTOCOL_FORMAT: &str = "ashyq-signed-protocol/1";
/// The `format` of a signed presidential protocol statement.
pub const PRESIDENTIAL_FORMAT: &str = "ashyq-signed-presidential-protocol/1";
/// The largest signed document accepted, in bytes. A real one is under 1 KiB.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// Why a signed document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignedError {
    /// Not JSON of the expected shape.
    #[error(
        "the signed protocol is malformed: {0}; produce it with `ashyq protocol sign` and send the file unchanged"
    )]
    Malformed(String),
    /// Larger than [`MAX_DOCUMENT_BYTES`].
    #[error("the document is {len} bytes, more than the {max} allowed; send one signed protocol")]
    TooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// An unknown `format`.
    #[error(
        "unknown document format `{found}`: expected `{expected}`; sign again with this version of ashyq"
    )]
    UnsupportedFormat {
        /// What the document says.
        found: String,
        /// What is expected.
        expected: &'static str,
    },
    /// A protocol line above [`MAX_LINE`].
    #[error(
        "line `{line}` is {value}, more than any precinct can have ({MAX_LINE}); correct the protocol and sign again"
    )]
    LineOutOfRange {
        /// The line's name (a candidate's name for a candidate's line).
        line: String,
        /// Its value.
        value: u64,
    },
    /// Version 0 or beyond the exactly representable integers.
    #[error(
        "version {0} is out of range: the first protocol of a precinct is version 1, each correction the next number"
    )]
    BadVersion(u64),
    /// The key that is to sign belongs to another commission.
    #[error(
        "the key belongs to {key_commission}, but the protocol is for precinct {precinct}: sign with that precinct's key"
    )]
    WrongSigningKey {
        /// The key's commission.
        key_commission: Commission,
        /// The protocol's precinct.
        precinct: PrecinctId,
    },
    /// The signature does not verify.
    #[error(
        "the signature does not match the document and key {key_id}: the document was changed after signing or signed with another key; sign it again"
    )]
    BadSignature {
        /// The key named in the document.
        key_id: KeyId,
    },
    /// The key is unknown, or may not sign for this precinct at this time.
    #[error(transparent)]
    Key(#[from] KeyStatusError),
    /// The document cannot be canonicalized.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

/// What a precinct commission signs: a statement of one kind of protocol, with the version,
/// the signing time and the key. Implemented by [`ProtocolStatement`] (a referendum's) and
/// [`PresidentialStatement`].
pub trait Statement: Serialize + DeserializeOwned + Clone + Debug + PartialEq + Eq {
    /// The protocol the statement carries.
    type Protocol: Signable<Statement = Self>;
    /// The statement's `format`.
    const FORMAT: &'static str;
    /// The statement of `protocol`, signed at `signed_at` by `key_id`.
    fn new(
        protocol: &Self::Protocol,
        version: u64,
        signed_at: DateTime<Utc>,
        key_id: KeyId,
    ) -> Self;
    /// The protocol it carries.
    fn protocol(&self) -> Self::Protocol;
    /// Its `format` field as sent.
    fn format(&self) -> &str;
    /// 1 for the first protocol of a precinct, then each correction the next number.
    fn version(&self) -> u64;
    /// When the commission signed.
    fn signed_at(&self) -> DateTime<Utc>;
    /// The signing key.
    fn key_id(&self) -> &KeyId;
    /// Every count line with its name, for the bounds check.
    fn lines(&self) -> Vec<(String, u64)>;

    /// The protocol's precinct (without building the protocol).
    fn precinct(&self) -> PrecinctId;

    /// Checks what the types cannot: the format, the line bounds and the version.
    fn check_form(&self) -> Result<(), SignedError> {
        if self.format() != Self::FORMAT {
            return Err(SignedError::UnsupportedFormat {
                found: self.format().chars().take(64).collect(),
                expected: Self::FORMAT,
            });
        }
        if let Some((line, value)) = self.lines().into_iter().find(|(_, v)| *v > MAX_LINE) {
            return Err(SignedError::LineOutOfRange { line, value });
        }
        let version = self.version();
        if version == 0 || version > MAX_SAFE_INTEGER {
            return Err(SignedError::BadVersion(version));
        }
        Ok(())
    }

    /// The canonical bytes that are signed.
    fn canonical_bytes(&self) -> Result<Vec<u8>, SignedError> {
        Ok(to_canonical_vec(self)?)
    }
}

/// A protocol a commission can sign: it names its statement type.
pub trait Signable: Clone {
    /// The statement that carries it.
    type Statement: Statement<Protocol = Self>;
    /// Its precinct.
    fn precinct_id(&self) -> PrecinctId;
}

/// The signed part of a referendum protocol: what the precinct commission attests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolStatement {
    /// Always [`PROTOCOL_FORMAT`].
    pub format: String,
    /// The referendum.
    pub referendum: ContestId,
    /// The precinct.
    pub precinct: PrecinctId,
    /// All protocol lines.
    pub lines: ProtocolLines,
    /// 1 for the first protocol, then 2, 3, … for corrections.
    pub version: u64,
    /// When the commission signed.
    pub signed_at: DateTime<Utc>,
    /// The signing key.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key_id: KeyId,
}

impl Signable for PrecinctProtocol {
    type Statement = ProtocolStatement;
    fn precinct_id(&self) -> PrecinctId {
        self.precinct
    }
}

impl Statement for ProtocolStatement {
    type Protocol = PrecinctProtocol;
    const FORMAT: &'static str = PROTOCOL_FORMAT;
    fn new(p: &PrecinctProtocol, version: u64, signed_at: DateTime<Utc>, key_id: KeyId) -> Self {
        ProtocolStatement {
            format: PROTOCOL_FORMAT.to_owned(),
            referendum: p.referendum.clone(),
            precinct: p.precinct,
            lines: p.lines,
            version,
            signed_at,
            key_id,
        }
    }
    fn protocol(&self) -> PrecinctProtocol {
        PrecinctProtocol {
            referendum: self.referendum.clone(),
            precinct: self.precinct,
            lines: self.lines,
        }
    }
    fn format(&self) -> &str {
        &self.format
    }
    fn version(&self) -> u64 {
        self.version
    }
    fn signed_at(&self) -> DateTime<Utc> {
        self.signed_at
    }
    fn key_id(&self) -> &KeyId {
        &self.key_id
    }
    fn lines(&self) -> Vec<(String, u64)> {
        self.lines
            .named()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect()
    }
    fn precinct(&self) -> PrecinctId {
        self.precinct
    }
}

/// The signed part of a presidential protocol: the protocol of one round as the precinct
/// commission attests it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresidentialStatement {
    /// Always [`PRESIDENTIAL_FORMAT`].
    pub format: String,
    /// The protocol: the round, the precinct, lines 1–8, each candidate's votes in ballot
    /// order, "against all" and the invalid ballots.
    pub protocol: PresidentialProtocol,
    /// 1 for the first protocol, then 2, 3, … for corrections.
    pub version: u64,
    /// When the commission signed.
    pub signed_at: DateTime<Utc>,
    /// The signing key.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key_id: KeyId,
}

impl Signable for PresidentialProtocol {
    type Statement = PresidentialStatement;
    fn precinct_id(&self) -> PrecinctId {
        self.precinct
    }
}

impl Statement for PresidentialStatement {
    type Protocol = PresidentialProtocol;
    const FORMAT: &'static str = PRESIDENTIAL_FORMAT;
    fn new(
        p: &PresidentialProtocol,
        version: u64,
        signed_at: DateTime<Utc>,
        key_id: KeyId,
    ) -> Self {
        PresidentialStatement {
            format: PRESIDENTIAL_FORMAT.to_owned(),
            protocol: p.clone(),
            version,
            signed_at,
            key_id,
        }
    }
    fn protocol(&self) -> PresidentialProtocol {
        self.protocol.clone()
    }
    fn format(&self) -> &str {
        &self.format
    }
    fn version(&self) -> u64 {
        self.version
    }
    fn signed_at(&self) -> DateTime<Utc> {
        self.signed_at
    }
    fn key_id(&self) -> &KeyId {
        &self.key_id
    }
    fn lines(&self) -> Vec<(String, u64)> {
        let p = &self.protocol;
        let mut lines: Vec<(String, u64)> = p
            .ballots
            .named()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect();
        lines.extend(p.votes.iter().map(|v| (v.candidate.clone(), v.votes)));
        lines.push(("against_all".into(), p.against_all));
        lines.push(("invalid".into(), p.invalid));
        lines
    }
    fn precinct(&self) -> PrecinctId {
        self.protocol.precinct
    }
}

/// A statement and the commission's signature over its canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound = "S: Statement")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signed<S> {
    /// What is signed.
    pub statement: S,
    /// Ed25519 over the canonical JSON of `statement`, 128 hex digits.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-fA-F]{128}$"))]
    pub signature: Signature,
}

/// A signed referendum protocol.
pub type SignedProtocol = Signed<ProtocolStatement>;
/// A signed presidential protocol.
pub type SignedPresidentialProtocol = Signed<PresidentialStatement>;

/// A signed protocol whose signature and key were checked. Only [`Signed::verify`] and
/// [`Signed::verify_with`] make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<S> {
    signed: Signed<S>,
    document_hash: String,
}

/// A checked signed referendum protocol.
pub type VerifiedProtocol = Verified<ProtocolStatement>;
/// A checked signed presidential protocol.
pub type VerifiedPresidentialProtocol = Verified<PresidentialStatement>;

impl<S: Statement> Verified<S> {
    /// The document.
    pub fn signed(&self) -> &Signed<S> {
        &self.signed
    }

    /// SHA-256 of the canonical statement, 64 hex digits.
    pub fn document_hash(&self) -> &str {
        &self.document_hash
    }

    /// The protocol it carries.
    pub fn protocol(&self) -> S::Protocol {
        self.signed.statement.protocol()
    }

    /// What the log keeps of the signature: enough to rebuild the statement from the protocol
    /// and check the signature again ([`ProtocolSignature::verify`]).
    pub fn signature_record(&self) -> ProtocolSignature {
        let st = &self.signed.statement;
        ProtocolSignature {
            version: st.version(),
            signed_at: st.signed_at(),
            key_id: st.key_id().clone(),
            signature: self.signed.signature,
            document_hash: self.document_hash.clone(),
        }
    }
}

/// The signature of a precinct commission over a protocol, as the log records it next to the
/// protocol's numbers. With the protocol it gives back the signed statement (the format is
/// the protocol kind's; contest, precinct and lines come from the protocol), so anyone can
/// check the signature again from the log alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolSignature {
    /// The protocol's version (1 for the first, then each correction).
    pub version: u64,
    /// When the commission signed.
    pub signed_at: DateTime<Utc>,
    /// The signing key (SHA-256 of the public key, hex).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key_id: KeyId,
    /// Ed25519 over the canonical statement, 128 hex digits.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-fA-F]{128}$"))]
    pub signature: Signature,
    /// SHA-256 of the canonical statement: the document hash.
    pub document_hash: String,
}

impl ProtocolSignature {
    /// The signed document this record and `protocol` stand for.
    pub fn document<P: Signable>(&self, protocol: &P) -> Signed<P::Statement> {
        Signed {
            statement: P::Statement::new(
                protocol,
                self.version,
                self.signed_at,
                self.key_id.clone(),
            ),
            signature: self.signature,
        }
    }

    /// Checks the signature over `protocol` against the registry as it stood (key registered,
    /// of this precinct, valid at the signing time), and that the recorded document hash is
    /// the statement's.
    pub fn verify<P: Signable>(
        &self,
        protocol: &P,
        registry: &KeyRegistry,
    ) -> Result<Verified<P::Statement>, SignedError> {
        let verified = self.document(protocol).verify(registry)?;
        if verified.document_hash != self.document_hash {
            return Err(SignedError::Malformed(format!(
                "the recorded document hash {} is not the hash of the signed statement {}",
                self.document_hash, verified.document_hash
            )));
        }
        Ok(verified)
    }
}

impl<S: Statement> Signed<S> {
    /// Signs a protocol with the precinct's key.
    pub fn sign(
        protocol: &S::Protocol,
        version: u64,
        signed_at: DateTime<Utc>,
        key: &CommissionSigningKey,
    ) -> Result<Self, SignedError> {
        let precinct = protocol.precinct_id();
        if *key.commission() != Commission::Precinct(precinct) {
            return Err(SignedError::WrongSigningKey {
                key_commission: key.commission().clone(),
                precinct,
            });
        }
        let statement = S::new(protocol, version, signed_at, key.key_id());
        statement.check_form()?;
        let signature = key.sign(&statement.canonical_bytes()?);
        Ok(Signed {
            statement,
            signature,
        })
    }

    /// Parses a signed protocol from JSON text, checking its form (not yet its signature).
    pub fn parse(text: &str) -> Result<Self, SignedError> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(SignedError::TooLarge {
                len: text.len(),
                max: MAX_DOCUMENT_BYTES,
            });
        }
        let doc: Signed<S> =
            serde_json::from_str(text).map_err(|e| SignedError::Malformed(e.to_string()))?;
        doc.statement.check_form()?;
        Ok(doc)
    }

    /// The protocol it carries.
    pub fn protocol(&self) -> S::Protocol {
        self.statement.protocol()
    }

    /// Pretty JSON, as written to a file.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks the signature against a given public key (no registry: for a commission's own
    /// check before sending).
    pub fn verify_with(&self, public: &CommissionPublicKey) -> Result<Verified<S>, SignedError> {
        self.statement.check_form()?;
        let bytes = self.statement.canonical_bytes()?;
        if public.key_id() != *self.statement.key_id() || !public.verify(&bytes, &self.signature) {
            return Err(SignedError::BadSignature {
                key_id: self.statement.key_id().clone(),
            });
        }
        Ok(Verified {
            signed: self.clone(),
            document_hash: sha256_hex(&bytes),
        })
    }

    /// Checks everything: the form, that the key is registered, the signature, and that the
    /// key belonged to this precinct and was neither rotated nor revoked at the signing time.
    pub fn verify(&self, registry: &KeyRegistry) -> Result<Verified<S>, SignedError> {
        let st = &self.statement;
        let record = registry
            .get(st.key_id())
            .ok_or_else(|| KeyStatusError::UnknownKey(st.key_id().clone()))?;
        let verified = self.verify_with(&record.public_key)?;
        registry.key_for_precinct(st.key_id(), st.precinct(), st.signed_at())?;
        Ok(verified)
    }
}

/// Which kind of signed protocol a document is, read from its `format` before the whole
/// document is parsed: the portal's upload and `ashyq protocol check` take either kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnySigned {
    /// A referendum protocol.
    Referendum(SignedProtocol),
    /// A presidential protocol.
    Presidential(SignedPresidentialProtocol),
}

impl AnySigned {
    /// Parses either kind, by the statement's `format`.
    pub fn parse(text: &str) -> Result<Self, SignedError> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(SignedError::TooLarge {
                len: text.len(),
                max: MAX_DOCUMENT_BYTES,
            });
        }
        #[derive(Deserialize)]
        struct Head {
            statement: FormatOnly,
        }
        #[derive(Deserialize)]
        struct FormatOnly {
            format: String,
        }
        let head: Head =
            serde_json::from_str(text).map_err(|e| SignedError::Malformed(e.to_string()))?;
        match head.statement.format.as_str() {
            PRESIDENTIAL_FORMAT => Signed::parse(text).map(AnySigned::Presidential),
            _ => Signed::parse(text).map(AnySigned::Referendum),
        }
    }

    /// The precinct whose commission signed it.
    pub fn precinct(&self) -> PrecinctId {
        match self {
            AnySigned::Referendum(d) => d.statement.precinct,
            AnySigned::Presidential(d) => d.statement.protocol.precinct,
        }
    }

    /// The contest it is for.
    pub fn contest(&self) -> &ContestId {
        match self {
            AnySigned::Referendum(d) => &d.statement.referendum,
            AnySigned::Presidential(d) => &d.statement.protocol.election,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::keys::tests::{at, key, register, territory};
    use crate::keys::{CommissionHierarchy, KeyEvent, KeyRevoked, KeyRotated};
    use crate::protocol::BallotLines;
    use proptest::prelude::*;

    pub(crate) fn lines() -> ProtocolLines {
        ProtocolLines {
            ballots: BallotLines {
                voters_on_list: 1000,
                voters_added_on_day: 10,
                voters_added_absentee: 5,
                absentee_certificates_issued: 3,
                ballots_received: 1000,
                ballots_issued: 800,
                ballots_cancelled: 200,
                ballots_found: 800,
            },
            yes: 700,
            no: 80,
            both_marked: 5,
            invalid: 15,
        }
    }

    pub(crate) fn protocol(precinct: u32) -> PrecinctProtocol {
        PrecinctProtocol {
            referendum: ContestId("kz-2026".into()),
            precinct: PrecinctId(precinct),
            lines: lines(),
        }
    }

    pub(crate) fn registry() -> (KeyRegistry, CommissionSigningKey) {
        let h = CommissionHierarchy::from_territory(&territory());
        let mut reg = KeyRegistry::new();
        let p1 = key("precinct:1", 4);
        reg.apply(&register(&p1, "central", "2026-03-01T00:00:00Z"), &h)
            .unwrap();
        (reg, p1)
    }

    #[test]
    fn a_signed_protocol_verifies_and_survives_reformatting() {
        let (reg, p1) = registry();
        let doc = SignedProtocol::sign(&protocol(1), 1, at("2026-03-15T16:05:00Z"), &p1).unwrap();
        let verified = doc.verify(&reg).unwrap();
        assert_eq!(verified.protocol(), protocol(1));
        // Compact JSON with keys in another order parses to the same document and hash.
        let value: serde_json::Value = serde_json::from_str(&doc.to_json_pretty()).unwrap();
        let reordered = crate::canonical::to_canonical_string(&value).unwrap();
        let back = SignedProtocol::parse(&reordered).unwrap();
        assert_eq!(
            back.verify(&reg).unwrap().document_hash(),
            verified.document_hash()
        );
        assert_eq!(verified.document_hash().len(), 64);
    }

    #[test]
    fn each_failure_has_its_own_error() {
        let (mut reg, p1) = registry();
        let h = CommissionHierarchy::from_territory(&territory());
        let t = at("2026-03-15T16:05:00Z");
        // Signing with another precinct's key is refused at once.
        assert!(matches!(
            SignedProtocol::sign(&protocol(2), 1, t, &p1),
            Err(SignedError::WrongSigningKey { .. })
        ));
        // Version 0 and an impossible line.
        assert_eq!(
            SignedProtocol::sign(&protocol(1), 0, t, &p1),
            Err(SignedError::BadVersion(0))
        );
        let mut huge = protocol(1);
        huge.lines.yes = MAX_LINE + 1;
        assert!(matches!(
            SignedProtocol::sign(&huge, 1, t, &p1),
            Err(SignedError::LineOutOfRange { ref line, .. }) if line == "yes"
        ));
        let doc = SignedProtocol::sign(&protocol(1), 1, t, &p1).unwrap();
        // A changed line: bad signature.
        let mut forged = doc.clone();
        forged.statement.lines.yes += 1;
        assert!(matches!(
            forged.verify(&reg),
            Err(SignedError::BadSignature { .. })
        ));
        // An unknown key.
        let stranger = key("precinct:1", 99);
        let unknown = SignedProtocol::sign(&protocol(1), 1, t, &stranger).unwrap();
        assert!(matches!(
            unknown.verify(&reg),
            Err(SignedError::Key(KeyStatusError::UnknownKey(_)))
        ));
        // A registered key of another precinct, used for this one (a forged statement with
        // a valid signature by precinct 2's key).
        let p2 = key("precinct:2", 5);
        reg.apply(&register(&p2, "central", "2026-03-01T00:00:00Z"), &h)
            .unwrap();
        let mut statement = doc.statement.clone();
        statement.key_id = p2.key_id();
        let signature = p2.sign(&statement.canonical_bytes().unwrap());
        let cross = SignedProtocol {
            statement,
            signature,
        };
        assert!(matches!(
            cross.verify(&reg),
            Err(SignedError::Key(KeyStatusError::OtherCommission { .. }))
        ));
        // Rotated before the signing time, then revoked.
        let new = key("precinct:1", 6);
        reg.apply(
            &KeyEvent::KeyRotated(KeyRotated {
                old_key: p1.key_id(),
                new_public_key: new.public(),
                at: at("2026-03-15T12:00:00Z"),
                by: Commission::Central,
                author: crate::keys::tests::author(),
            }),
            &h,
        )
        .unwrap();
        assert!(matches!(
            doc.verify(&reg),
            Err(SignedError::Key(KeyStatusError::Rotated { .. }))
        ));
        let by_new = SignedProtocol::sign(&protocol(1), 2, t, &new).unwrap();
        assert!(by_new.verify(&reg).is_ok());
        reg.apply(
            &KeyEvent::KeyRevoked(KeyRevoked {
                key: new.key_id(),
                effective_from: at("2026-03-15T13:00:00Z"),
                reason: "compromised".into(),
                by: Commission::Central,
                author: crate::keys::tests::author(),
            }),
            &h,
        )
        .unwrap();
        let err = by_new.verify(&reg).unwrap_err();
        assert!(matches!(
            err,
            SignedError::Key(KeyStatusError::Revoked { .. })
        ));
        assert!(err.to_string().contains("compromised"));
    }

    #[test]
    fn malformed_documents_are_explained() {
        assert!(matches!(
            SignedProtocol::parse("{"),
            Err(SignedError::Malformed(_))
        ));
        assert!(matches!(
            SignedProtocol::parse(&" ".repeat(MAX_DOCUMENT_BYTES + 1)),
            Err(SignedError::TooLarge { .. })
        ));
        let (_, p1) = registry();
        let doc = SignedProtocol::sign(&protocol(1), 1, at("2026-03-15T16:05:00Z"), &p1).unwrap();
        let text = doc.to_json_pretty();
        let other_format = text.replace(PROTOCOL_FORMAT, "ashyq-signed-protocol/9");
        assert!(matches!(
            SignedProtocol::parse(&other_format),
            Err(SignedError::UnsupportedFormat { .. })
        ));
        let extra = text.replacen('{', "{\"extra\": 1,", 1);
        let err = SignedProtocol::parse(&extra).unwrap_err();
        assert!(err.to_string().contains("ashyq protocol sign"), "{err}");
        let bad_referendum = text.replace("kz-2026", "KZ 2026");
        assert!(matches!(
            SignedProtocol::parse(&bad_referendum),
            Err(SignedError::Malformed(_))
        ));
    }

    fn presidential(precinct: u32) -> PresidentialProtocol {
        use crate::president::CandidateVotes;
        let l = lines();
        PresidentialProtocol {
            election: ContestId("kz-2029-president".into()),
            precinct: PrecinctId(precinct),
            ballots: l.ballots,
            votes: vec![CandidateVotes::new("A", 600), CandidateVotes::new("B", 150)],
            against_all: 35,
            invalid: 15,
        }
    }

    #[test]
    fn a_presidential_protocol_is_signed_and_checked_by_the_same_rules() {
        let (reg, p1) = registry();
        let t = at("2026-03-15T16:05:00Z");
        let doc = SignedPresidentialProtocol::sign(&presidential(1), 1, t, &p1).unwrap();
        assert_eq!(doc.statement.format, PRESIDENTIAL_FORMAT);
        let verified = doc.verify(&reg).unwrap();
        assert_eq!(verified.protocol(), presidential(1));
        // The log's record gives the same document back, and checks again from it alone.
        let record = verified.signature_record();
        assert_eq!(
            record
                .verify(&presidential(1), &reg)
                .unwrap()
                .document_hash(),
            verified.document_hash()
        );
        // Another candidate's line changed: bad signature, also through the record.
        let mut changed = presidential(1);
        changed.votes[1].votes += 1;
        assert!(matches!(
            record.verify(&changed, &reg),
            Err(SignedError::BadSignature { .. })
        ));
        // Another precinct's key, an impossible candidate line named by the candidate.
        assert!(matches!(
            SignedPresidentialProtocol::sign(&presidential(2), 1, t, &p1),
            Err(SignedError::WrongSigningKey { .. })
        ));
        let mut huge = presidential(1);
        huge.votes[0].votes = MAX_LINE + 1;
        assert!(matches!(
            SignedPresidentialProtocol::sign(&huge, 1, t, &p1),
            Err(SignedError::LineOutOfRange { ref line, .. }) if line == "A"
        ));
    }

    #[test]
    fn a_signature_over_one_kind_never_passes_as_the_other() {
        let (reg, p1) = registry();
        let t = at("2026-03-15T16:05:00Z");
        let referendum = SignedProtocol::sign(&protocol(1), 1, t, &p1).unwrap();
        let president = SignedPresidentialProtocol::sign(&presidential(1), 1, t, &p1).unwrap();
        // The referendum document's signature on the presidential statement, and back.
        let swapped = SignedPresidentialProtocol {
            statement: president.statement.clone(),
            signature: referendum.signature,
        };
        assert!(matches!(
            swapped.verify(&reg),
            Err(SignedError::BadSignature { .. })
        ));
        // Each parses only as its own kind, and AnySigned tells them apart by the format.
        let text = president.to_json_pretty();
        assert!(matches!(
            SignedProtocol::parse(&text),
            Err(SignedError::Malformed(_))
        ));
        let with_other_format = text.replace(PRESIDENTIAL_FORMAT, PROTOCOL_FORMAT);
        assert!(SignedPresidentialProtocol::parse(&with_other_format).is_err());
        assert_eq!(
            AnySigned::parse(&text).unwrap(),
            AnySigned::Presidential(president.clone())
        );
        let any = AnySigned::parse(&referendum.to_json_pretty()).unwrap();
        assert_eq!(any, AnySigned::Referendum(referendum));
        assert_eq!(any.precinct(), PrecinctId(1));
        assert!(matches!(
            AnySigned::parse("{\"statement\": 1}"),
            Err(SignedError::Malformed(_))
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_text_parses_or_is_refused_without_panic(text in ".{0,300}") {
            let _ = SignedProtocol::parse(&text);
            let _ = AnySigned::parse(&text);
        }

        #[test]
        fn any_changed_line_breaks_the_signature(which in 0usize..12, delta in 1u64..1000) {
            let (reg, p1) = registry();
            let doc = SignedProtocol::sign(&protocol(1), 1, at("2026-03-15T16:05:00Z"), &p1).unwrap();
            let mut value = serde_json::to_value(&doc).unwrap();
            let name = ProtocolLines::FIELDS[which];
            let old = value["statement"]["lines"][name].as_u64().unwrap();
            value["statement"]["lines"][name] = (old + delta).into();
            let forged: SignedProtocol = serde_json::from_value(value).unwrap();
            let is_bad_signature = matches!(forged.verify(&reg), Err(SignedError::BadSignature { .. }));
            prop_assert!(is_bad_signature);
        }
    }
}
