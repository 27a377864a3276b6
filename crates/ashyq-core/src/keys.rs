//! Commission keys: Ed25519 key pairs of the precinct, district, region and central
//! commissions, their key files, and the key registry as a pure state machine.
//!
//! ## Keys
//! Each commission signs with Ed25519 (RFC 8032) through `ed25519-dalek`; verification is
//! strict ([`ed25519_dalek::VerifyingKey::verify_strict`]: no small-order keys, canonical `S`).
//! A key is named by its [`KeyId`]: SHA-256 of the 32-byte public key, hex. Secret keys are
//! zeroized on drop (by `ed25519-dalek`'s `zeroize` feature) and never printed: [`fmt::Debug`]
//! of a [`CommissionSigningKey`] shows only the public half.
//!
//! ## Key files
//! A key file is text: header lines `name: value`, then a PEM block — PKCS#8 `PRIVATE KEY` for a
//! secret key (RFC 8410), `PUBLIC KEY` (SubjectPublicKeyInfo) for a public key. PEM readers
//! such as OpenSSL skip the header lines, so `openssl pkey -in precinct-17.key` reads it too.
//! ```text
//! # ashyq commission secret key: keep private, mode 0600
//! commission: precinct:17
//! key-id: 3f1c…
//! -----BEGIN PRIVATE KEY-----
//! MC4CAQAwBQYDK2VwBCIEI…
//! -----END PRIVATE KEY-----
//! ```
//!
//! ## Registry
//! The higher commission registers, rotates and revokes the keys of the commissions below it
//! (central → region → district → precinct), each as a [`KeyEvent`] in the log. Any strict
//! ancestor may act (the central commission may register a precinct key when the district
//! cannot); the central commission registers and rotates its own key. [`KeyRegistry::check`]
//! decides whether an event is allowed, [`KeyRegistry::apply`] records it, and
//! [`KeyRegistry::key_for_precinct`] answers "may this key sign for this precinct at this time",
//! with the reason when it may not. One key per commission is current; a rotation ends the old
//! key at the rotation time, a revocation at the time the revoking commission gives (which may
//! be earlier than the event, e.g. the moment a key was compromised).

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::{Zeroize, Zeroizing};

use crate::author::Author;
use crate::chain::sha256_hex;
use crate::territory::{DistrictId, PrecinctId, RegionCode, Territory};

/// A commission: the central one, or the commission of a region, district or precinct.
///
/// Written as text: `central`, `region:KZ-75`, `district:KZ-75-03`, `precinct:17`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Commission {
    /// The Central Election Commission.
    Central,
    /// A territorial commission of a first-level unit.
    Region(RegionCode),
    /// A territorial commission of a district.
    District(DistrictId),
    /// A precinct commission.
    Precinct(PrecinctId),
}

impl Commission {
    /// Parses `central`, `region:CODE`, `district:ID` or `precinct:NUMBER`.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let bad = || KeyError::BadCommission(text.chars().take(80).collect());
        if text == "central" {
            return Ok(Commission::Central);
        }
        let (kind, id) = text.split_once(':').ok_or_else(bad)?;
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            return Err(bad());
        }
        match kind {
            "region" => Ok(Commission::Region(RegionCode(id.to_owned()))),
            "district" => Ok(Commission::District(DistrictId(id.to_owned()))),
            "precinct" => id
                .parse::<u32>()
                .map(|n| Commission::Precinct(PrecinctId(n)))
                .map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Commission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Commission::Central => f.write_str("central"),
            Commission::Region(r) => write!(f, "region:{r}"),
            Commission::District(d) => write!(f, "district:{d}"),
            Commission::Precinct(p) => write!(f, "precinct:{p}"),
        }
    }
}

impl Serialize for Commission {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Commission {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Commission::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// What went wrong with a key, a key file or a commission name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not a commission name.
    #[error(
        "`{0}` is not a commission: write `central`, `region:KZ-75`, `district:KZ-75-03` or `precinct:17`"
    )]
    BadCommission(String),
    /// A public key that is not 64 hex digits of a valid Ed25519 point.
    #[error(
        "not an Ed25519 public key: expected 64 hex digits encoding a valid curve point; copy it from the `.pub` file made by `ashyq keys generate`"
    )]
    BadPublicKey,
    /// A signature that is not 128 hex digits.
    #[error("not an Ed25519 signature: expected 128 hex digits")]
    BadSignature,
    /// A key file that cannot be read.
    #[error("{0}")]
    BadKeyFile(String),
}

/// The identifier of a key: SHA-256 of its 32-byte public key, 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyId(pub String);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An Ed25519 public key. Serialized as 64 hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CommissionPublicKey(ed25519_dalek::VerifyingKey);

impl CommissionPublicKey {
    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| KeyError::BadPublicKey)?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(CommissionPublicKey)
            .map_err(|_| KeyError::BadPublicKey)
    }

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// The key's identifier.
    pub fn key_id(&self) -> KeyId {
        KeyId(sha256_hex(self.0.as_bytes()))
    }

    /// Verifies an Ed25519 signature over `message` (strict verification).
    pub fn verify(&self, message: &[u8], signature: &Signature) -> bool {
        self.0.verify_strict(message, &signature.0).is_ok()
    }

    /// The public key as a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo).
    pub fn to_pem(&self) -> String {
        self.0
            .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .unwrap_or_default()
    }

    /// Reads a PEM `PUBLIC KEY` block.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        ed25519_dalek::VerifyingKey::from_public_key_pem(pem)
            .map(CommissionPublicKey)
            .map_err(|_| KeyError::BadPublicKey)
    }
}

impl fmt::Debug for CommissionPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommissionPublicKey({})", self.to_hex())
    }
}

impl Serialize for CommissionPublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for CommissionPublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        CommissionPublicKey::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// An Ed25519 signature. Serialized as 128 hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(ed25519_dalek::Signature);

impl Signature {
    /// Parses 128 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let mut bytes = [0u8; 64];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| KeyError::BadSignature)?;
        Ok(Signature(ed25519_dalek::Signature::from_bytes(&bytes)))
    }

    /// 128 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_hex())
    }
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Signature::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// A commission's secret signing key. Zeroized on drop; never printed.
pub struct CommissionSigningKey {
    commission: Commission,
    key: ed25519_dalek::SigningKey,
}

impl fmt::Debug for CommissionSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommissionSigningKey")
            .field("commission", &self.commission)
            .field("public", &self.public())
            .finish_non_exhaustive()
    }
}

impl CommissionSigningKey {
    /// The key with this 32-byte secret seed (RFC 8032 §5.1.5).
    pub fn from_seed(commission: Commission, seed: &[u8; 32]) -> Self {
        CommissionSigningKey {
            commission,
            key: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }

    /// A new key from a cryptographically secure random number generator (the caller picks
    /// the source, e.g. the operating system's; this crate does no I/O).
    pub fn generate(commission: Commission, rng: &mut impl rand::CryptoRng) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        let key = CommissionSigningKey::from_seed(commission, &seed);
        seed.zeroize();
        key
    }

    /// The commission this key belongs to.
    pub fn commission(&self) -> &Commission {
        &self.commission
    }

    /// The public half.
    pub fn public(&self) -> CommissionPublicKey {
        CommissionPublicKey(self.key.verifying_key())
    }

    /// The key's identifier.
    pub fn key_id(&self) -> KeyId {
        self.public().key_id()
    }

    /// Signs `message` (Ed25519, deterministic).
    pub fn sign(&self, message: &[u8]) -> Signature {
        use ed25519_dalek::Signer;
        Signature(self.key.sign(message))
    }

    /// The secret key file (see the module documentation). Zeroized when dropped.
    pub fn to_key_file(&self) -> Zeroizing<String> {
        let pem = self
            .key
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .unwrap_or_default();
        let mut out = Zeroizing::new(String::with_capacity(pem.len() + 200));
        out.push_str("# ashyq commission secret key: keep private (file mode 0600)\n");
        out.push_str(&format!("commission: {}\n", self.commission));
        out.push_str(&format!("key-id: {}\n", self.key_id()));
        out.push_str(&pem);
        out
    }

    /// Reads a secret key file. Errors never contain key material.
    pub fn from_key_file(text: &str) -> Result<Self, KeyError> {
        let (commission, pem) = split_key_file(text, "PRIVATE KEY")?;
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem).map_err(|_| {
            KeyError::BadKeyFile(
                "the PRIVATE KEY block is not a valid Ed25519 PKCS#8 key; use a file made by `ashyq keys generate`"
                    .into(),
            )
        })?;
        Ok(CommissionSigningKey { commission, key })
    }
}

/// The public key file of a commission (see the module documentation).
pub fn public_key_file(commission: &Commission, key: &CommissionPublicKey) -> String {
    format!(
        "# ashyq commission public key\ncommission: {commission}\nkey-id: {}\n{}",
        key.key_id(),
        key.to_pem()
    )
}

/// Reads a public key file: the commission and its key.
pub fn read_public_key_file(text: &str) -> Result<(Commission, CommissionPublicKey), KeyError> {
    let (commission, pem) = split_key_file(text, "PUBLIC KEY")?;
    Ok((commission, CommissionPublicKey::from_pem(pem)?))
}

/// Splits a key file into its `commission:` header and its PEM block of the given label.
fn split_key_file<'a>(text: &'a str, label: &str) -> Result<(Commission, &'a str), KeyError> {
    let begin = format!("-----BEGIN {label}-----");
    let start = text.find(&begin).ok_or_else(|| {
        KeyError::BadKeyFile(format!(
            "no `{begin}` line: this is not an ashyq {} key file",
            if label == "PUBLIC KEY" {
                "public"
            } else {
                "secret"
            }
        ))
    })?;
    let mut commission = None;
    for line in text[..start].lines() {
        let line = line.trim();
        if let Some(value) = line.strip_prefix("commission:") {
            commission = Some(Commission::parse(value.trim())?);
        }
    }
    let commission = commission.ok_or_else(|| {
        KeyError::BadKeyFile(
            "the key file has no `commission: …` line before the PEM block; add e.g. `commission: precinct:17`"
                .into(),
        )
    })?;
    Ok((commission, &text[start..]))
}

/// The key registry's events, each recorded in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KeyEvent {
    /// A commission's first key.
    KeyRegistered(KeyRegistered),
    /// A commission's key replaced by a new one.
    KeyRotated(KeyRotated),
    /// A key withdrawn.
    KeyRevoked(KeyRevoked),
}

/// A commission's first key, registered by a higher commission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRegistered {
    /// Whose key.
    pub commission: Commission,
    /// The public key.
    pub public_key: CommissionPublicKey,
    /// From when it may sign.
    pub valid_from: DateTime<Utc>,
    /// The commission that registers it.
    pub by: Commission,
    /// The operator who recorded it.
    pub author: Author,
}

/// A key replaced: the old key signs until `at`, the new one from `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRotated {
    /// The key being replaced.
    pub old_key: KeyId,
    /// The new public key.
    pub new_public_key: CommissionPublicKey,
    /// The moment of the switch.
    pub at: DateTime<Utc>,
    /// The commission that rotates it.
    pub by: Commission,
    /// The operator who recorded it.
    pub author: Author,
}

/// A key withdrawn: nothing it signs at or after `effective_from` is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRevoked {
    /// The key.
    pub key: KeyId,
    /// From when its signatures are invalid (e.g. when it was compromised).
    pub effective_from: DateTime<Utc>,
    /// Why.
    pub reason: String,
    /// The commission that revokes it.
    pub by: Commission,
    /// The operator who recorded it.
    pub author: Author,
}

/// The territory's chain of commissions: who is above whom.
#[derive(Debug, Clone, Default)]
pub struct CommissionHierarchy {
    precinct_district: HashMap<PrecinctId, DistrictId>,
    district_region: HashMap<DistrictId, RegionCode>,
    regions: std::collections::HashSet<RegionCode>,
}

impl CommissionHierarchy {
    /// The hierarchy of a territory.
    pub fn from_territory(territory: &Territory) -> Self {
        CommissionHierarchy {
            precinct_district: territory
                .precincts
                .iter()
                .map(|p| (p.id, p.district.clone()))
                .collect(),
            district_region: territory
                .districts
                .iter()
                .map(|d| (d.id.clone(), d.region.clone()))
                .collect(),
            regions: territory.regions.iter().map(|r| r.code.clone()).collect(),
        }
    }

    /// The commission directly above, `None` for the central one; an error if the unit is
    /// not in the territory.
    pub fn parent(&self, c: &Commission) -> Result<Option<Commission>, KeyRegistryError> {
        let unknown = || KeyRegistryError::UnknownCommission(c.clone());
        Ok(match c {
            Commission::Central => None,
            Commission::Region(r) => {
                if !self.regions.contains(r) {
                    return Err(unknown());
                }
                Some(Commission::Central)
            }
            Commission::District(d) => Some(Commission::Region(
                self.district_region.get(d).ok_or_else(unknown)?.clone(),
            )),
            Commission::Precinct(p) => Some(Commission::District(
                self.precinct_district.get(p).ok_or_else(unknown)?.clone(),
            )),
        })
    }

    /// Whether `upper` is strictly above `lower`.
    pub fn is_above(
        &self,
        upper: &Commission,
        lower: &Commission,
    ) -> Result<bool, KeyRegistryError> {
        let mut cur = self.parent(lower)?;
        while let Some(c) = cur {
            if &c == upper {
                return Ok(true);
            }
            cur = self.parent(&c)?;
        }
        Ok(false)
    }

    /// Whether `by` may manage the keys of `of`: a strict ancestor, or the central commission
    /// for its own key.
    fn may_manage(&self, by: &Commission, of: &Commission) -> Result<bool, KeyRegistryError> {
        if *of == Commission::Central {
            return Ok(*by == Commission::Central);
        }
        self.is_above(by, of)
    }
}

/// Why a key event is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRegistryError {
    /// The commission's unit is not in the territory.
    #[error("{0} is not in the territory: check the precinct number, district id or region code")]
    UnknownCommission(Commission),
    /// The acting commission is not above the one whose key it manages.
    #[error(
        "{by} may not manage the keys of {of}: only a higher commission in the same territory (central → region → district → precinct) may"
    )]
    NotAuthorised {
        /// Who acted.
        by: Commission,
        /// Whose key.
        of: Commission,
    },
    /// The commission already has a current key.
    #[error(
        "{commission} already has a current key {current}: rotate it instead of registering a second one"
    )]
    AlreadyHasKey {
        /// The commission.
        commission: Commission,
        /// Its current key.
        current: KeyId,
    },
    /// The public key is already registered.
    #[error(
        "key {0} is already registered: generate a new key pair for each commission and rotation"
    )]
    DuplicateKey(KeyId),
    /// No such key.
    #[error("no key {0} is registered")]
    UnknownKey(KeyId),
    /// The key is no longer current.
    #[error(
        "key {0} is no longer current (rotated or revoked): rotate the commission's current key"
    )]
    NotCurrent(KeyId),
    /// The key was already revoked.
    #[error("key {0} is already revoked")]
    AlreadyRevoked(KeyId),
    /// A rotation dated before the old key's start.
    #[error("the rotation time {at} is before key {key} became valid ({valid_from})")]
    RotationBeforeStart {
        /// The key.
        key: KeyId,
        /// Its start.
        valid_from: DateTime<Utc>,
        /// The rotation time.
        at: DateTime<Utc>,
    },
}

/// Why a key may not sign for a precinct at a given time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyStatusError {
    /// No such key.
    #[error(
        "key {0} is not registered: ask the district commission to register the precinct's public key, or sign with the registered key"
    )]
    UnknownKey(KeyId),
    /// The key belongs to another commission.
    #[error("key {key} belongs to {owner}, not to {wanted}: sign with {wanted}'s own key")]
    OtherCommission {
        /// The key.
        key: KeyId,
        /// Its commission.
        owner: Commission,
        /// The commission asked about.
        wanted: Commission,
    },
    /// Signed before the key became valid.
    #[error("key {key} is valid from {valid_from}, but the document was signed at {signed_at}")]
    NotYetValid {
        /// The key.
        key: KeyId,
        /// Its start.
        valid_from: DateTime<Utc>,
        /// The signing time.
        signed_at: DateTime<Utc>,
    },
    /// Signed after the key was rotated.
    #[error(
        "key {key} was replaced by key {successor} at {at}, before the signing time {signed_at}: sign again with the new key"
    )]
    Rotated {
        /// The key.
        key: KeyId,
        /// The rotation time.
        at: DateTime<Utc>,
        /// The new key.
        successor: KeyId,
        /// The signing time.
        signed_at: DateTime<Utc>,
    },
    /// Signed after the key was revoked.
    #[error(
        "key {key} was revoked from {at} ({reason}), before the signing time {signed_at}: ask the district commission for a new key and sign again"
    )]
    Revoked {
        /// The key.
        key: KeyId,
        /// From when.
        at: DateTime<Utc>,
        /// Why.
        reason: String,
        /// The signing time.
        signed_at: DateTime<Utc>,
    },
}

/// A registered key and its lifetime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRecord {
    /// Its identifier.
    pub key_id: KeyId,
    /// Whose key.
    pub commission: Commission,
    /// The public key.
    pub public_key: CommissionPublicKey,
    /// From when it may sign.
    pub valid_from: DateTime<Utc>,
    /// When and by which key it was replaced.
    pub rotated: Option<(DateTime<Utc>, KeyId)>,
    /// When and why it was revoked.
    pub revoked: Option<(DateTime<Utc>, String)>,
}

/// All registered keys, built by applying [`KeyEvent`]s in log order.
#[derive(Debug, Clone, Default)]
pub struct KeyRegistry {
    keys: BTreeMap<KeyId, KeyRecord>,
    current: BTreeMap<Commission, KeyId>,
}

impl KeyRegistry {
    /// No keys.
    pub fn new() -> Self {
        KeyRegistry::default()
    }

    /// A key by id.
    pub fn get(&self, key: &KeyId) -> Option<&KeyRecord> {
        self.keys.get(key)
    }

    /// The commission's current key, if any.
    pub fn current_key(&self, commission: &Commission) -> Option<&KeyRecord> {
        self.current.get(commission).and_then(|k| self.keys.get(k))
    }

    /// All keys, by id.
    pub fn keys(&self) -> impl Iterator<Item = &KeyRecord> {
        self.keys.values()
    }

    /// Decides whether the event may be applied.
    pub fn check(
        &self,
        event: &KeyEvent,
        hierarchy: &CommissionHierarchy,
    ) -> Result<(), KeyRegistryError> {
        let authorise = |by: &Commission, of: &Commission| {
            if hierarchy.may_manage(by, of)? {
                Ok(())
            } else {
                Err(KeyRegistryError::NotAuthorised {
                    by: by.clone(),
                    of: of.clone(),
                })
            }
        };
        match event {
            KeyEvent::KeyRegistered(e) => {
                hierarchy.parent(&e.commission)?;
                authorise(&e.by, &e.commission)?;
                if let Some(current) = self.current.get(&e.commission) {
                    return Err(KeyRegistryError::AlreadyHasKey {
                        commission: e.commission.clone(),
                        current: current.clone(),
                    });
                }
                let id = e.public_key.key_id();
                if self.keys.contains_key(&id) {
                    return Err(KeyRegistryError::DuplicateKey(id));
                }
            }
            KeyEvent::KeyRotated(e) => {
                let old = self
                    .keys
                    .get(&e.old_key)
                    .ok_or_else(|| KeyRegistryError::UnknownKey(e.old_key.clone()))?;
                authorise(&e.by, &old.commission)?;
                if self.current.get(&old.commission) != Some(&e.old_key) {
                    return Err(KeyRegistryError::NotCurrent(e.old_key.clone()));
                }
                if e.at < old.valid_from {
                    return Err(KeyRegistryError::RotationBeforeStart {
                        key: e.old_key.clone(),
                        valid_from: old.valid_from,
                        at: e.at,
                    });
                }
                let id = e.new_public_key.key_id();
                if self.keys.contains_key(&id) {
                    return Err(KeyRegistryError::DuplicateKey(id));
                }
            }
            KeyEvent::KeyRevoked(e) => {
                let key = self
                    .keys
                    .get(&e.key)
                    .ok_or_else(|| KeyRegistryError::UnknownKey(e.key.clone()))?;
                authorise(&e.by, &key.commission)?;
                if key.revoked.is_some() {
                    return Err(KeyRegistryError::AlreadyRevoked(e.key.clone()));
                }
            }
        }
        Ok(())
    }

    /// Checks the event, then records it.
    pub fn apply(
        &mut self,
        event: &KeyEvent,
        hierarchy: &CommissionHierarchy,
    ) -> Result<(), KeyRegistryError> {
        self.check(event, hierarchy)?;
        self.record(event);
        Ok(())
    }

    /// Records an event already checked (e.g. when replaying a verified log). Events that
    /// refer to unknown keys are ignored.
    pub fn record(&mut self, event: &KeyEvent) {
        match event {
            KeyEvent::KeyRegistered(e) => {
                let id = e.public_key.key_id();
                self.insert(id, e.commission.clone(), e.public_key, e.valid_from);
            }
            KeyEvent::KeyRotated(e) => {
                let new_id = e.new_public_key.key_id();
                let Some(old) = self.keys.get_mut(&e.old_key) else {
                    return;
                };
                old.rotated = Some((e.at, new_id.clone()));
                let commission = old.commission.clone();
                self.insert(new_id, commission, e.new_public_key, e.at);
            }
            KeyEvent::KeyRevoked(e) => {
                let Some(key) = self.keys.get_mut(&e.key) else {
                    return;
                };
                key.revoked = Some((e.effective_from, e.reason.clone()));
                if self.current.get(&key.commission) == Some(&e.key) {
                    let commission = key.commission.clone();
                    self.current.remove(&commission);
                }
            }
        }
    }

    fn insert(
        &mut self,
        id: KeyId,
        commission: Commission,
        public_key: CommissionPublicKey,
        valid_from: DateTime<Utc>,
    ) {
        self.current.insert(commission.clone(), id.clone());
        self.keys.insert(
            id.clone(),
            KeyRecord {
                key_id: id,
                commission,
                public_key,
                valid_from,
                rotated: None,
                revoked: None,
            },
        );
    }

    /// The key, if it may sign for the commission at `signed_at`; otherwise why not.
    pub fn key_for(
        &self,
        key: &KeyId,
        commission: &Commission,
        signed_at: DateTime<Utc>,
    ) -> Result<&KeyRecord, KeyStatusError> {
        let record = self
            .keys
            .get(key)
            .ok_or_else(|| KeyStatusError::UnknownKey(key.clone()))?;
        if record.commission != *commission {
            return Err(KeyStatusError::OtherCommission {
                key: key.clone(),
                owner: record.commission.clone(),
                wanted: commission.clone(),
            });
        }
        if signed_at < record.valid_from {
            return Err(KeyStatusError::NotYetValid {
                key: key.clone(),
                valid_from: record.valid_from,
                signed_at,
            });
        }
        if let Some((at, reason)) = &record.revoked
            && signed_at >= *at
        {
            return Err(KeyStatusError::Revoked {
                key: key.clone(),
                at: *at,
                reason: reason.clone(),
                signed_at,
            });
        }
        if let Some((at, successor)) = &record.rotated
            && signed_at >= *at
        {
            return Err(KeyStatusError::Rotated {
                key: key.clone(),
                at: *at,
                successor: successor.clone(),
                signed_at,
            });
        }
        Ok(record)
    }

    /// The key, if it may sign the protocol of `precinct` at `signed_at`; otherwise why not.
    pub fn key_for_precinct(
        &self,
        key: &KeyId,
        precinct: PrecinctId,
        signed_at: DateTime<Utc>,
    ) -> Result<&KeyRecord, KeyStatusError> {
        self.key_for(key, &Commission::Precinct(precinct), signed_at)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::territory::{District, Names, Precinct, Region, UnitKind};

    pub(crate) fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    pub(crate) fn key(commission: &str, seed: u8) -> CommissionSigningKey {
        CommissionSigningKey::from_seed(Commission::parse(commission).unwrap(), &[seed; 32])
    }

    pub(crate) fn author() -> Author {
        Author {
            name: "op".into(),
            role: "test".into(),
        }
    }

    /// Two regions, one district each, two precincts in the first district.
    pub(crate) fn territory() -> Territory {
        let region = |code: &str| Region {
            code: RegionCode(code.into()),
            kind: UnitKind::Oblys,
            names: Names::same(code),
            centre: String::new(),
        };
        let district = |id: &str, region: &str| District {
            id: DistrictId(id.into()),
            region: RegionCode(region.into()),
            names: Names::same(id),
        };
        let precinct = |id: u32, district: &str| Precinct {
            id: PrecinctId(id),
            district: DistrictId(district.into()),
            name: format!("School {id}"),
            registered_voters: 1000,
        };
        Territory {
            profile: "test".into(),
            country: Names::same("Test"),
            utc_offset_minutes: 300,
            source: "synthetic".into(),
            regions: vec![region("KZ-10"), region("KZ-75")],
            districts: vec![district("KZ-10-01", "KZ-10"), district("KZ-75-01", "KZ-75")],
            precincts: vec![
                precinct(1, "KZ-10-01"),
                precinct(2, "KZ-10-01"),
                precinct(3, "KZ-75-01"),
            ],
        }
    }

    pub(crate) fn register(of: &CommissionSigningKey, by: &str, from: &str) -> KeyEvent {
        KeyEvent::KeyRegistered(KeyRegistered {
            commission: of.commission().clone(),
            public_key: of.public(),
            valid_from: at(from),
            by: Commission::parse(by).unwrap(),
            author: author(),
        })
    }

    #[test]
    fn commissions_parse_and_print_round_trip() {
        for text in [
            "central",
            "region:KZ-75",
            "district:KZ-75-03",
            "precinct:17",
        ] {
            assert_eq!(Commission::parse(text).unwrap().to_string(), text);
        }
        for bad in [
            "",
            "precinct:",
            "precinct:x",
            "county:1",
            "region:a b",
            "central:1",
        ] {
            assert!(matches!(
                Commission::parse(bad),
                Err(KeyError::BadCommission(_))
            ));
        }
    }

    #[test]
    fn the_secret_key_never_shows_in_debug() {
        let k = key("precinct:1", 42);
        let secret_hex = hex::encode([42u8; 32]);
        let debug = format!("{k:?}");
        assert!(debug.contains("Precinct"));
        assert!(!debug.contains(&secret_hex), "{debug}");
        assert!(!debug.contains("42, 42"), "{debug}");
    }

    #[test]
    fn key_files_round_trip_and_bad_files_are_explained() {
        let k = key("district:KZ-10-01", 7);
        let file = k.to_key_file();
        assert!(file.contains("commission: district:KZ-10-01"));
        assert!(file.contains("-----BEGIN PRIVATE KEY-----"));
        let back = CommissionSigningKey::from_key_file(&file).unwrap();
        assert_eq!(back.public(), k.public());
        assert_eq!(back.commission(), k.commission());

        let public = public_key_file(k.commission(), &k.public());
        let (c, p) = read_public_key_file(&public).unwrap();
        assert_eq!((c, p), (k.commission().clone(), k.public()));

        assert!(CommissionSigningKey::from_key_file(&public).is_err());
        let no_header = file.replace("commission: district:KZ-10-01\n", "");
        let err = CommissionSigningKey::from_key_file(&no_header).unwrap_err();
        assert!(err.to_string().contains("commission:"), "{err}");
        let broken = file.replace(
            "-----BEGIN PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nAAAA",
        );
        assert!(CommissionSigningKey::from_key_file(&broken).is_err());
    }

    #[test]
    fn signatures_verify_only_for_the_signed_bytes_and_key() {
        let k = key("precinct:1", 1);
        let sig = k.sign(b"protocol");
        assert!(k.public().verify(b"protocol", &sig));
        assert!(!k.public().verify(b"protocoL", &sig));
        assert!(!key("precinct:1", 2).public().verify(b"protocol", &sig));
        let json = serde_json::to_string(&sig).unwrap();
        assert_eq!(serde_json::from_str::<Signature>(&json).unwrap(), sig);
        assert!(Signature::from_hex("00").is_err());
        assert!(CommissionPublicKey::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn rfc_8032_test_vector_1() {
        // RFC 8032 §7.1, TEST 1: empty message.
        let seed: [u8; 32] =
            hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap()
                .try_into()
                .unwrap();
        let k = CommissionSigningKey::from_seed(Commission::Central, &seed);
        assert_eq!(
            k.public().to_hex(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            k.sign(b"").to_hex(),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }

    #[test]
    fn the_hierarchy_decides_who_registers_whom() {
        let h = CommissionHierarchy::from_territory(&territory());
        let mut reg = KeyRegistry::new();
        let central = key("central", 1);
        let region = key("region:KZ-10", 2);
        let district = key("district:KZ-10-01", 3);
        let p1 = key("precinct:1", 4);
        let p3 = key("precinct:3", 5);
        let t = "2026-03-01T00:00:00Z";
        reg.apply(&register(&central, "central", t), &h).unwrap();
        reg.apply(&register(&region, "central", t), &h).unwrap();
        // A region of another branch may not register a district.
        assert!(matches!(
            reg.check(&register(&district, "region:KZ-75", t), &h),
            Err(KeyRegistryError::NotAuthorised { .. })
        ));
        // A precinct may not register its own key, nor a district its neighbour's precinct.
        assert!(matches!(
            reg.check(&register(&p1, "precinct:1", t), &h),
            Err(KeyRegistryError::NotAuthorised { .. })
        ));
        reg.apply(&register(&district, "region:KZ-10", t), &h)
            .unwrap();
        assert!(matches!(
            reg.check(&register(&p3, "district:KZ-10-01", t), &h),
            Err(KeyRegistryError::NotAuthorised { .. })
        ));
        reg.apply(&register(&p1, "district:KZ-10-01", t), &h)
            .unwrap();
        // Central may register any key below it.
        reg.apply(&register(&p3, "central", t), &h).unwrap();
        // Unknown units, second keys and reused keys are refused.
        let p9 = key("precinct:9", 9);
        assert_eq!(
            reg.check(&register(&p9, "central", t), &h),
            Err(KeyRegistryError::UnknownCommission(Commission::Precinct(
                PrecinctId(9)
            )))
        );
        let p1b = key("precinct:1", 6);
        assert!(matches!(
            reg.check(&register(&p1b, "district:KZ-10-01", t), &h),
            Err(KeyRegistryError::AlreadyHasKey { .. })
        ));
        let p2_reuse =
            CommissionSigningKey::from_seed(Commission::Precinct(PrecinctId(2)), &[4; 32]);
        assert!(matches!(
            reg.check(&register(&p2_reuse, "central", t), &h),
            Err(KeyRegistryError::DuplicateKey(_))
        ));
    }

    #[test]
    fn validity_follows_rotation_and_revocation_with_reasons() {
        let h = CommissionHierarchy::from_territory(&territory());
        let mut reg = KeyRegistry::new();
        let old = key("precinct:1", 4);
        let new = key("precinct:1", 5);
        reg.apply(&register(&old, "central", "2026-03-01T00:00:00Z"), &h)
            .unwrap();
        let p1 = PrecinctId(1);
        assert!(
            reg.key_for_precinct(&old.key_id(), p1, at("2026-03-15T16:00:00Z"))
                .is_ok()
        );
        assert!(matches!(
            reg.key_for_precinct(&old.key_id(), p1, at("2026-02-28T00:00:00Z")),
            Err(KeyStatusError::NotYetValid { .. })
        ));
        assert!(matches!(
            reg.key_for_precinct(&old.key_id(), PrecinctId(2), at("2026-03-15T16:00:00Z")),
            Err(KeyStatusError::OtherCommission { .. })
        ));
        assert!(matches!(
            reg.key_for_precinct(&new.key_id(), p1, at("2026-03-15T16:00:00Z")),
            Err(KeyStatusError::UnknownKey(_))
        ));

        let rotate = KeyEvent::KeyRotated(KeyRotated {
            old_key: old.key_id(),
            new_public_key: new.public(),
            at: at("2026-03-15T12:00:00Z"),
            by: Commission::parse("district:KZ-10-01").unwrap(),
            author: author(),
        });
        assert!(matches!(
            reg.check(
                &KeyEvent::KeyRotated(KeyRotated {
                    by: Commission::parse("precinct:2").unwrap(),
                    ..match &rotate {
                        KeyEvent::KeyRotated(r) => r.clone(),
                        _ => unreachable!(),
                    }
                }),
                &h
            ),
            Err(KeyRegistryError::NotAuthorised { .. })
        ));
        reg.apply(&rotate, &h).unwrap();
        assert_eq!(
            reg.current_key(old.commission()).unwrap().key_id,
            new.key_id()
        );
        // The old key signed before the rotation: still valid; after: refused, naming the new key.
        assert!(
            reg.key_for_precinct(&old.key_id(), p1, at("2026-03-15T11:59:59Z"))
                .is_ok()
        );
        let err = reg
            .key_for_precinct(&old.key_id(), p1, at("2026-03-15T16:00:00Z"))
            .unwrap_err();
        assert!(
            matches!(err, KeyStatusError::Rotated { ref successor, .. } if *successor == new.key_id())
        );
        assert!(err.to_string().contains("sign again with the new key"));
        // Rotating the old key again is refused.
        assert_eq!(
            reg.check(&rotate, &h),
            Err(KeyRegistryError::NotCurrent(old.key_id()))
        );

        let revoke = KeyEvent::KeyRevoked(KeyRevoked {
            key: new.key_id(),
            effective_from: at("2026-03-15T18:00:00Z"),
            reason: "laptop stolen".into(),
            by: Commission::Central,
            author: author(),
        });
        reg.apply(&revoke, &h).unwrap();
        assert!(
            reg.key_for_precinct(&new.key_id(), p1, at("2026-03-15T17:00:00Z"))
                .is_ok()
        );
        let err = reg
            .key_for_precinct(&new.key_id(), p1, at("2026-03-15T18:00:00Z"))
            .unwrap_err();
        assert!(matches!(err, KeyStatusError::Revoked { .. }));
        assert!(err.to_string().contains("laptop stolen"));
        assert!(reg.current_key(old.commission()).is_none());
        assert_eq!(
            reg.check(&revoke, &h),
            Err(KeyRegistryError::AlreadyRevoked(new.key_id()))
        );
        // Events survive a JSON round trip, as they will in the log.
        let json = serde_json::to_string(&revoke).unwrap();
        assert!(json.contains("\"type\":\"key_revoked\""));
        assert_eq!(serde_json::from_str::<KeyEvent>(&json).unwrap(), revoke);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_a_commission_or_a_clear_error(text in ".{0,40}") {
            match Commission::parse(&text) {
                Ok(c) => proptest::prop_assert_eq!(c.to_string(), text.clone()),
                Err(e) => proptest::prop_assert!(e.to_string().contains("precinct:17")),
            }
            let _ = CommissionSigningKey::from_key_file(&text);
            let _ = read_public_key_file(&text);
        }
    }
}
