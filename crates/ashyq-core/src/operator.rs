//! Operator accounts: roles, the permission check for each write, password hashing, API
//! tokens and the audit record. Pure rules; the store keeps the accounts and the server asks.
//!
//! ## Roles and permissions
//! | action | central operator | territorial operator (region R / district D) | observer |
//! |---|---|---|---|
//! | load territory, create referendum, certify, manage operators | yes | no | no |
//! | manage the keys of a commission | any | commissions strictly below R / D | no |
//! | amend a protocol, dismiss a conflict | any precinct | precincts in R / D | no |
//! | enter a protocol from paper, upload a signed protocol file | any precinct | precincts in R / D | no |
//!
//! The Kurultai's secretariat (`kurultai secretariat`) records the house's steps and nothing
//! else; no other role records them.
//!
//! Reading public data needs no account. Signed protocols are submitted by precinct
//! commissions with their key ([`crate::signed`]) and need no account; an operator who
//! uploads one in the commission portal does so for the precincts of their territory.
//!
//! ## Passwords
//! Argon2id (RFC 9106) through the RustCrypto `argon2` crate, stored as a PHC string
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`). Parameters: 19 MiB of memory, 2 passes,
//! 1 lane, a 16-byte random salt — the OWASP Password Storage Cheat Sheet's first
//! recommendation for Argon2id and the crate's default. Verification reads the parameters from
//! the stored string, so they can be raised later without invalidating old hashes.
//!
//! ## API tokens
//! `ashyq_` followed by 64 hex digits: 256 random bits. Shown to the operator once; the store
//! keeps only its SHA-256 ([`TokenDigest`]), compared in constant time (`subtle`). Neither the
//! token nor a password appears in `Debug` output or in an error.

use std::fmt;

use argon2::password_hash::{
    PasswordHash as PhcHash, PasswordHasher, PasswordVerifier, SaltString,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::keys::{Commission, CommissionHierarchy};
use crate::territory::{DistrictId, PrecinctId, RegionCode};

/// The territory a territorial operator works in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "level", content = "id", rename_all = "snake_case")]
pub enum TerritorialScope {
    /// A first-level unit.
    Region(RegionCode),
    /// A district.
    District(DistrictId),
}

impl TerritorialScope {
    fn commission(&self) -> Commission {
        match self {
            TerritorialScope::Region(r) => Commission::Region(r.clone()),
            TerritorialScope::District(d) => Commission::District(d.clone()),
        }
    }
}

/// An operator's role.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// An operator of the Central Election Commission: every write.
    CentralOperator,
    /// An operator of a territorial commission: writes within its territory.
    TerritorialOperator {
        /// Where.
        scope: TerritorialScope,
    },
    /// An observer: reads only.
    Observer,
    /// The Kurultai's secretariat: records the house's steps (`docs/kurultai.md`), nothing
    /// of the commissions'.
    KurultaiSecretariat,
    /// An audit board of a first-level unit: enters the hand counts of a risk-limiting
    /// audit's sampled items in its territory (`docs/audit.md`), nothing else.
    AuditBoard {
        /// The unit.
        region: RegionCode,
    },
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::CentralOperator => f.write_str("central operator"),
            Role::TerritorialOperator { scope } => {
                write!(f, "territorial operator of {}", scope.commission())
            }
            Role::Observer => f.write_str("observer"),
            Role::KurultaiSecretariat => f.write_str("kurultai secretariat"),
            Role::AuditBoard { region } => write!(f, "audit board of {}", region.0),
        }
    }
}

/// A write an operator asks to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Load the territory.
    LoadTerritory,
    /// Define a referendum.
    CreateReferendum,
    /// Certify a result.
    CertifyResult,
    /// Create, change or disable operator accounts.
    ManageOperators,
    /// Register, rotate or revoke a commission's key.
    ManageKeys {
        /// Whose key.
        of: Commission,
    },
    /// Amend a precinct's protocol.
    AmendProtocol {
        /// Which precinct.
        precinct: PrecinctId,
    },
    /// Dismiss a conflicting protocol.
    DismissConflict {
        /// Which precinct.
        precinct: PrecinctId,
    },
    /// Enter a precinct's protocol from the paper (recorded as an operator entry).
    EnterProtocol {
        /// Which precinct.
        precinct: PrecinctId,
    },
    /// Upload a precinct commission's signed protocol file.
    UploadSignedProtocol {
        /// Which precinct.
        precinct: PrecinctId,
    },
    /// Record a step of the Kurultai, the People's Council or the vice-presidency.
    RecordKurultaiStep,
    /// Enter an audit board's count of a sampled precinct or ballot.
    EnterAuditCount {
        /// The item's precinct.
        precinct: PrecinctId,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::LoadTerritory => f.write_str("load the territory"),
            Action::CreateReferendum => f.write_str("create a referendum"),
            Action::CertifyResult => f.write_str("certify a result"),
            Action::ManageOperators => f.write_str("manage operator accounts"),
            Action::ManageKeys { of } => write!(f, "manage the keys of {of}"),
            Action::AmendProtocol { precinct } => {
                write!(f, "amend the protocol of precinct {precinct}")
            }
            Action::DismissConflict { precinct } => {
                write!(f, "dismiss a conflict at precinct {precinct}")
            }
            Action::EnterProtocol { precinct } => {
                write!(f, "enter the protocol of precinct {precinct}")
            }
            Action::UploadSignedProtocol { precinct } => {
                write!(f, "upload the signed protocol of precinct {precinct}")
            }
            Action::RecordKurultaiStep => f.write_str("record a step of the Kurultai"),
            Action::EnterAuditCount { precinct } => {
                write!(f, "enter an audit count of precinct {precinct}")
            }
        }
    }
}

/// Why a write is not permitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermissionError {
    /// The role never may.
    #[error("the role {role} may not {action}: ask an operator of the Central Election Commission")]
    RoleMayNot {
        /// The role.
        role: Role,
        /// The action.
        action: Action,
    },
    /// Outside the operator's territory.
    #[error(
        "the role {role} may not {action}: it is outside that territory; ask the commission responsible for it"
    )]
    OutsideTerritory {
        /// The role.
        role: Role,
        /// The action.
        action: Action,
    },
    /// The unit named is not in the territory.
    #[error("cannot {action}: {detail}")]
    Unknown {
        /// The action.
        action: Action,
        /// What was not found.
        detail: String,
    },
}

/// Whether `role` may do `action` in this territory.
pub fn permits(
    role: &Role,
    action: &Action,
    hierarchy: &CommissionHierarchy,
) -> Result<(), PermissionError> {
    // The Kurultai's record is the secretariat's, and only the secretariat's.
    match (role, action) {
        (Role::KurultaiSecretariat, Action::RecordKurultaiStep) => return Ok(()),
        (Role::KurultaiSecretariat, _) | (_, Action::RecordKurultaiStep) => {
            return Err(PermissionError::RoleMayNot {
                role: role.clone(),
                action: action.clone(),
            });
        }
        _ => {}
    }
    // An audit's counts are the audit boards' (each in its unit) and the central
    // commission's; an audit board does nothing else.
    match (role, action) {
        (Role::AuditBoard { .. }, Action::EnterAuditCount { .. })
        | (Role::CentralOperator, Action::EnterAuditCount { .. }) => {}
        (Role::AuditBoard { .. }, _) | (_, Action::EnterAuditCount { .. }) => {
            return Err(PermissionError::RoleMayNot {
                role: role.clone(),
                action: action.clone(),
            });
        }
        _ => {}
    }
    let scope = match role {
        Role::CentralOperator => return Ok(()),
        Role::AuditBoard { region } => Commission::Region(region.clone()),
        Role::Observer | Role::KurultaiSecretariat => {
            return Err(PermissionError::RoleMayNot {
                role: role.clone(),
                action: action.clone(),
            });
        }
        Role::TerritorialOperator { scope } => scope.commission(),
    };
    let target = match action {
        Action::ManageKeys { of } => of.clone(),
        Action::AmendProtocol { precinct }
        | Action::DismissConflict { precinct }
        | Action::EnterProtocol { precinct }
        | Action::UploadSignedProtocol { precinct }
        | Action::EnterAuditCount { precinct } => Commission::Precinct(*precinct),
        Action::LoadTerritory
        | Action::CreateReferendum
        | Action::CertifyResult
        | Action::ManageOperators
        | Action::RecordKurultaiStep => {
            return Err(PermissionError::RoleMayNot {
                role: role.clone(),
                action: action.clone(),
            });
        }
    };
    match hierarchy.is_above(&scope, &target) {
        Ok(true) => Ok(()),
        Ok(false) => Err(PermissionError::OutsideTerritory {
            role: role.clone(),
            action: action.clone(),
        }),
        Err(e) => Err(PermissionError::Unknown {
            action: action.clone(),
            detail: e.to_string(),
        }),
    }
}

/// Why a password could not be hashed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Too short or too long.
    #[error("a password must have {min} to {max} characters; choose another")]
    BadLength {
        /// Minimum.
        min: usize,
        /// Maximum.
        max: usize,
    },
    /// The stored hash is not a PHC string argon2 understands.
    #[error("the stored password hash is not an Argon2 PHC string; reset the operator's password")]
    BadStoredHash,
    /// Hashing failed (invalid parameters).
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (bounds the hashing work per request).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// An Argon2id hash in PHC string format.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PasswordHash(pub String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

/// Hashes a password with Argon2id and the documented parameters; the salt comes from `rng`.
pub fn hash_password(
    password: &str,
    rng: &mut impl rand::CryptoRng,
) -> Result<PasswordHash, PasswordError> {
    hash_password_with(password, rng, argon2::Params::default())
}

fn hash_password_with(
    password: &str,
    rng: &mut impl rand::CryptoRng,
    params: argon2::Params,
) -> Result<PasswordHash, PasswordError> {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(PasswordError::BadLength {
            min: MIN_PASSWORD_CHARS,
            max: MAX_PASSWORD_CHARS,
        });
    }
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hashing(e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let hash = argon
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| PasswordError::Hashing(e.to_string()))?;
    Ok(PasswordHash(hash.to_string()))
}

/// Whether `password` matches the stored hash (constant time in the hash comparison).
pub fn verify_password(password: &str, stored: &PasswordHash) -> Result<bool, PasswordError> {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Ok(false);
    }
    let parsed = PhcHash::new(&stored.0).map_err(|_| PasswordError::BadStoredHash)?;
    // A PHC string of another algorithm, or without its hash, is not one of ours: report the
    // damaged record rather than answer "wrong password" (which argon2 does for some of them).
    let ours = ["argon2id", "argon2i", "argon2d"].contains(&parsed.algorithm.as_str());
    if !ours || parsed.hash.is_none() || parsed.salt.is_none() {
        return Err(PasswordError::BadStoredHash);
    }
    match argon2::Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(_) => Err(PasswordError::BadStoredHash),
    }
}

/// Does the work of [`verify_password`] for a sign-in whose account does not exist (or is
/// disabled): the same Argon2id verification, against a fixed hash made with the same
/// parameters as every stored one, so an unknown name costs as long as a wrong password and
/// timing does not tell which names are accounts (OWASP ASVS 4.0.3 V2.2.1 / V3.2; OWASP
/// Authentication Cheat Sheet, "Authentication responses"). The answer is always "no".
pub fn verify_password_of_no_account(password: &str) -> bool {
    let _ = verify_password(password, dummy_hash());
    false
}

/// The fixed hash behind [`verify_password_of_no_account`]: a password no operator has, a
/// constant salt, the parameters of [`hash_password`]. Made once per process.
fn dummy_hash() -> &'static PasswordHash {
    static DUMMY: std::sync::OnceLock<PasswordHash> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let argon = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::default(),
        );
        // Sixteen constant bytes: always a valid salt, and the default parameters are valid,
        // so hashing cannot fail; were it ever to, the dummy is an unparsable string and
        // verification still fails without a panic (only faster).
        SaltString::encode_b64(b"ashyq/no-account")
            .ok()
            .and_then(|salt| {
                argon
                    .hash_password(b"no operator has this password", &salt)
                    .map(|h| h.to_string())
                    .ok()
            })
            .map_or_else(|| PasswordHash(String::new()), PasswordHash)
    })
}

/// The prefix of every API token.
pub const TOKEN_PREFIX: &str = "ashyq_";

/// An API token in clear: shown once to its operator, then only its digest is kept.
/// Zeroized on drop; never printed.
pub struct ApiToken(Zeroizing<String>);

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(..)")
    }
}

/// A malformed token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not an ashyq API token: expected `ashyq_` followed by 64 hex digits; copy the token shown when it was created, or create a new one"
)]
pub struct BadToken;

impl ApiToken {
    /// A new token of 256 random bits from `rng`.
    pub fn generate(rng: &mut impl rand::CryptoRng) -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(bytes.as_mut());
        let mut text = Zeroizing::new(String::with_capacity(TOKEN_PREFIX.len() + 64));
        text.push_str(TOKEN_PREFIX);
        text.push_str(&hex::encode(bytes.as_ref()));
        ApiToken(text)
    }

    /// Parses a token presented by a client (e.g. from an `Authorization: Bearer` header).
    pub fn parse(text: &str) -> Result<Self, BadToken> {
        let hex_part = text.strip_prefix(TOKEN_PREFIX).ok_or(BadToken)?;
        if hex_part.len() != 64 || !hex_part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadToken);
        }
        Ok(ApiToken(Zeroizing::new(text.to_ascii_lowercase())))
    }

    /// The token text, to show once to its operator.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// Its SHA-256, what the store keeps.
    pub fn digest(&self) -> TokenDigest {
        TokenDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

/// The SHA-256 of an API token. Serialized as 64 hex digits.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TokenDigest(pub [u8; 32]);

impl TokenDigest {
    /// Whether `token` hashes to this digest, compared in constant time.
    pub fn matches(&self, token: &ApiToken) -> bool {
        self.0.ct_eq(&token.digest().0).into()
    }

    /// 64 hex digits, e.g. as a database key.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl PartialEq for TokenDigest {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for TokenDigest {}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A digest is not the token, but there is no need to print it whole either.
        write!(f, "TokenDigest({}…)", &self.to_hex()[..8])
    }
}

impl TryFrom<String> for TokenDigest {
    type Error = BadToken;
    fn try_from(text: String) -> Result<Self, BadToken> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(&text, &mut out).map_err(|_| BadToken)?;
        Ok(TokenDigest(out))
    }
}

impl From<TokenDigest> for String {
    fn from(d: TokenDigest) -> String {
        d.to_hex()
    }
}

/// An operator account as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorAccount {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: PasswordHash,
    /// Digests of its API tokens.
    pub tokens: Vec<TokenDigest>,
    /// A disabled account may do nothing.
    pub disabled: bool,
}

/// Whether the write was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AuditOutcome {
    /// Permitted and done.
    Done,
    /// Refused, and why.
    Refused {
        /// The reason given to the client.
        reason: String,
    },
}

/// One audited write: who, when, what, with which outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// The operator's account name.
    pub operator: String,
    /// The operator's role at the time.
    pub role: Role,
    /// What was asked.
    pub action: Action,
    /// A short description of the request (never a secret).
    pub detail: String,
    /// The outcome.
    pub outcome: AuditOutcome,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::territory;
    use rand::SeedableRng;

    fn rng() -> rand_chacha::ChaCha20Rng {
        rand_chacha::ChaCha20Rng::seed_from_u64(7)
    }

    /// Small parameters keep the test quick; verification reads them from the PHC string.
    #[test]
    fn the_dummy_of_an_unknown_account_is_hashed_like_every_stored_password() {
        let d = dummy_hash();
        assert!(
            d.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "the dummy must cost what a real verification costs: {}",
            d.0
        );
        assert_eq!(
            verify_password("no operator has this password", d),
            Ok(true)
        );
        assert!(!verify_password_of_no_account(
            "no operator has this password"
        ));
    }

    #[test]
    fn only_the_kurultai_secretariat_records_the_kurultai_and_it_records_nothing_else() {
        let h = CommissionHierarchy::from_territory(&territory());
        let step = Action::RecordKurultaiStep;
        assert_eq!(permits(&Role::KurultaiSecretariat, &step, &h), Ok(()));
        let region = Role::TerritorialOperator {
            scope: TerritorialScope::Region(RegionCode("KZ-75".into())),
        };
        for role in [Role::CentralOperator, Role::Observer, region] {
            assert!(
                matches!(
                    permits(&role, &step, &h),
                    Err(PermissionError::RoleMayNot { .. })
                ),
                "{role} must not record the Kurultai's steps"
            );
        }
        for action in [
            Action::LoadTerritory,
            Action::CertifyResult,
            Action::ManageOperators,
            Action::ManageKeys {
                of: Commission::Central,
            },
        ] {
            let e = permits(&Role::KurultaiSecretariat, &action, &h).unwrap_err();
            assert!(
                e.to_string()
                    .starts_with("the role kurultai secretariat may not"),
                "{e}"
            );
        }
    }

    fn quick() -> argon2::Params {
        argon2::Params::new(64, 1, 1, None).unwrap()
    }

    #[test]
    fn passwords_hash_to_phc_strings_and_verify() {
        let h = hash_password_with("correct horse battery", &mut rng(), quick()).unwrap();
        assert!(h.0.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{}", h.0);
        assert!(verify_password("correct horse battery", &h).unwrap());
        assert!(!verify_password("correct horse batterY", &h).unwrap());
        assert_eq!(
            verify_password("x", &PasswordHash("not a phc".into())),
            Err(PasswordError::BadStoredHash)
        );
        // Well-formed PHC strings that are not an argon2 hash with salt and output (proptest
        // found that argon2 answers "wrong password" for `$a`).
        for stored in [
            "$a",
            "$argon2id",
            "$argon2id$v=19$m=64,t=1,p=1",
            "$pbkdf2-sha256$i=1$c2FsdA$aGFzaA",
        ] {
            assert_eq!(
                verify_password(stored, &PasswordHash(stored.into())),
                Err(PasswordError::BadStoredHash),
                "{stored}"
            );
        }
        assert!(matches!(
            hash_password("short", &mut rng()),
            Err(PasswordError::BadLength { .. })
        ));
        assert_eq!(format!("{h:?}"), "PasswordHash(..)");
    }

    #[test]
    fn the_default_parameters_are_the_documented_ones() {
        let h = hash_password("correct horse battery", &mut rng()).unwrap();
        assert!(
            h.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            h.0
        );
        assert!(verify_password("correct horse battery", &h).unwrap());
    }

    #[test]
    fn tokens_are_256_bits_shown_once_and_compared_by_digest() {
        let token = ApiToken::generate(&mut rng());
        assert_eq!(token.reveal().len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(format!("{token:?}"), "ApiToken(..)");
        let digest = token.digest();
        assert!(!format!("{digest:?}").contains(&token.reveal()[6..]));
        let presented = ApiToken::parse(token.reveal()).unwrap();
        assert!(digest.matches(&presented));
        assert!(!digest.matches(&ApiToken::generate(&mut rng_other())));
        for bad in [
            "",
            "ashyq_",
            "ashyq_zz",
            "bearer",
            &format!("x{}", token.reveal()),
        ] {
            assert!(ApiToken::parse(bad).is_err());
        }
        let json = serde_json::to_string(&digest).unwrap();
        assert_eq!(serde_json::from_str::<TokenDigest>(&json).unwrap(), digest);
    }

    fn rng_other() -> rand_chacha::ChaCha20Rng {
        rand_chacha::ChaCha20Rng::seed_from_u64(8)
    }

    #[test]
    fn permissions_follow_role_and_territory() {
        let h = CommissionHierarchy::from_territory(&territory());
        let central = Role::CentralOperator;
        let region = Role::TerritorialOperator {
            scope: TerritorialScope::Region(RegionCode("KZ-10".into())),
        };
        let district = Role::TerritorialOperator {
            scope: TerritorialScope::District(DistrictId("KZ-75-01".into())),
        };
        let observer = Role::Observer;
        let p1 = PrecinctId(1);
        let p3 = PrecinctId(3);
        let keys_of = |c: &str| Action::ManageKeys {
            of: Commission::parse(c).unwrap(),
        };
        for action in [
            Action::LoadTerritory,
            Action::CertifyResult,
            keys_of("central"),
            Action::AmendProtocol { precinct: p3 },
        ] {
            assert!(permits(&central, &action, &h).is_ok());
            assert!(matches!(
                permits(&observer, &action, &h),
                Err(PermissionError::RoleMayNot { .. })
            ));
        }
        assert!(matches!(
            permits(&region, &Action::CertifyResult, &h),
            Err(PermissionError::RoleMayNot { .. })
        ));
        assert!(permits(&region, &keys_of("district:KZ-10-01"), &h).is_ok());
        assert!(permits(&region, &keys_of("precinct:1"), &h).is_ok());
        assert!(permits(&region, &Action::AmendProtocol { precinct: p1 }, &h).is_ok());
        // Not its own key, nor another region's precincts.
        assert!(matches!(
            permits(&region, &keys_of("region:KZ-10"), &h),
            Err(PermissionError::OutsideTerritory { .. })
        ));
        let err = permits(&region, &Action::DismissConflict { precinct: p3 }, &h).unwrap_err();
        assert!(err.to_string().contains("outside that territory"), "{err}");
        assert!(permits(&district, &Action::DismissConflict { precinct: p3 }, &h).is_ok());
        assert!(permits(&district, &Action::AmendProtocol { precinct: p1 }, &h).is_err());
        assert!(matches!(
            permits(
                &district,
                &Action::AmendProtocol {
                    precinct: PrecinctId(99)
                },
                &h
            ),
            Err(PermissionError::Unknown { .. })
        ));
        // Entering a protocol from paper and uploading a signed file follow the territory
        // like amendments; observers may do neither.
        for action in [
            Action::EnterProtocol { precinct: p1 },
            Action::UploadSignedProtocol { precinct: p1 },
        ] {
            assert!(permits(&central, &action, &h).is_ok());
            assert!(permits(&region, &action, &h).is_ok());
            assert!(permits(&district, &action, &h).is_err());
            assert!(matches!(
                permits(&observer, &action, &h),
                Err(PermissionError::RoleMayNot { .. })
            ));
        }
        assert!(matches!(
            permits(&region, &Action::EnterProtocol { precinct: p3 }, &h),
            Err(PermissionError::OutsideTerritory { .. })
        ));
    }

    #[test]
    fn audit_records_serialize_with_who_when_what() {
        let record = AuditRecord {
            at: crate::keys::tests::at("2026-03-15T20:00:00Z"),
            operator: "aigerim".into(),
            role: Role::Observer,
            action: Action::CertifyResult,
            detail: "POST /api/v1/referendums/kz-2026/certify".into(),
            outcome: AuditOutcome::Refused {
                reason: "an observer may not certify a result".into(),
            },
        };
        let json = serde_json::to_string(&record).unwrap();
        for part in [
            "\"operator\":\"aigerim\"",
            "\"role\":\"observer\"",
            "\"action\":\"certify_result\"",
            "\"outcome\":\"refused\"",
        ] {
            assert!(json.contains(part), "{json}");
        }
        assert_eq!(serde_json::from_str::<AuditRecord>(&json).unwrap(), record);
    }

    proptest::proptest! {
        #[test]
        fn any_presented_token_or_stored_hash_is_handled_without_panic(text in ".{0,80}", seed in proptest::prelude::any::<u64>()) {
            let token = ApiToken::generate(&mut rand_chacha::ChaCha20Rng::seed_from_u64(seed));
            let digest = token.digest();
            if let Ok(presented) = ApiToken::parse(&text) {
                proptest::prop_assert_eq!(digest.matches(&presented), presented.reveal() == token.reveal());
            }
            proptest::prop_assert!(verify_password(&text, &PasswordHash(text.clone())).is_err());
        }
    }
}
