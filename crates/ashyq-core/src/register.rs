//! The voter register: who may vote, where, and whether they already have (issue 7).
//!
//! - [`Voter`]: a person on the register — IIN, names in Kazakh and Russian, citizenship,
//!   legal capacity, custody by a court sentence and the precinct of their address. Birth date
//!   and sex are not stored apart from the IIN: they are *derived* from it (BRIEF §6), so they
//!   can never disagree with it.
//! - [`parse_row`]: one CSV row of the register file into a [`Voter`], or every problem of the
//!   row with its column ([`RowError`]); never the IIN in clear.
//! - [`eligibility`]: the rules of who may vote on a date, with every reason when not.
//! - [`absentee`]: absentee certificates as BRIEF §3 states them.
//! - [`marks`]: the voting-day rule "one person, one ballot".
//! - [`generate`]: a synthetic population whose sizes per precinct match a [`Territory`].
//! - [`RegisterLookup`]: the register as the [`MemberEligibility`] check of party
//!   applications (issue 7, point 7).
//!
//! Pure like the rest of the crate: the caller reads files and talks to the database.
//!
//! [`Territory`]: crate::territory::Territory

pub mod absentee;
pub mod acts;
pub mod eligibility;
pub mod generate;
pub mod marks;
mod names;

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::iin::{Iin, IinDigest, IinError, PreparedDigestKey, Sex, mask_text};
use crate::party::{Ineligible, MemberEligibility};
use crate::territory::PrecinctId;

pub use eligibility::{IneligibleReason, eligibility};

/// The columns of a register CSV file, in order. The first line of a file is this header.
pub const CSV_HEADER: [&str; 7] = [
    "iin",
    "name_kk",
    "name_ru",
    "citizenship",
    "legal_capacity",
    "in_custody",
    "precinct",
];

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The citizenship that gives the right to vote in the `kz` profile (ISO 3166-1 alpha-2).
pub const KZ: &str = "KZ";

/// A person on the voter register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// The IIN; birth date and sex are derived from it.
    pub iin: Iin,
    /// Full name as written in Kazakh.
    pub name_kk: String,
    /// Full name as written in Russian.
    pub name_ru: String,
    /// Citizenship, ISO 3166-1 alpha-2 (two capital letters), e.g. `KZ`.
    pub citizenship: String,
    /// Has legal capacity (not declared legally incapable by a court).
    pub legal_capacity: bool,
    /// Held in custody by a court sentence.
    pub in_custody: bool,
    /// The precinct of the address of permanent registration.
    pub precinct: PrecinctId,
}

impl Voter {
    /// The birth date, from the IIN.
    pub fn birth_date(&self) -> NaiveDate {
        self.iin.birth_date()
    }

    /// The sex, from the IIN.
    pub fn sex(&self) -> Sex {
        self.iin.sex()
    }
}

/// The facts eligibility depends on: what the database keeps besides names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterStatus {
    /// Birth date (from the IIN).
    pub birth_date: NaiveDate,
    /// Whether the citizenship is that of the jurisdiction.
    pub citizen: bool,
    /// Has legal capacity.
    pub legal_capacity: bool,
    /// Held in custody by a court sentence.
    pub in_custody: bool,
}

impl From<&Voter> for VoterStatus {
    fn from(v: &Voter) -> Self {
        VoterStatus {
            birth_date: v.birth_date(),
            citizen: v.citizenship == KZ,
            legal_capacity: v.legal_capacity,
            in_custody: v.in_custody,
        }
    }
}

/// A voter as the database stores them: the IIN only as a keyed digest (for equality) and
/// masked (for a published list); birth date and sex derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVoter {
    /// HMAC-SHA-256 of the IIN under the register's key.
    pub digest: IinDigest,
    /// The masked IIN, e.g. `90•••••••••8`.
    pub masked: String,
    /// Full name in Kazakh.
    pub name_kk: String,
    /// Full name in Russian.
    pub name_ru: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Citizenship, ISO 3166-1 alpha-2.
    pub citizenship: String,
    /// Has legal capacity.
    pub legal_capacity: bool,
    /// In custody by sentence.
    pub in_custody: bool,
    /// Precinct of permanent registration.
    pub precinct: PrecinctId,
}

impl StoredVoter {
    /// The stored form of `voter` under `key`. Consumes the voter so that the IIN in clear
    /// does not outlive this call in the caller's hands.
    pub fn new(voter: Voter, key: &PreparedDigestKey) -> StoredVoter {
        StoredVoter::digested(voter, key).0
    }

    /// [`StoredVoter::new`], also returning the digest's 32 raw bytes: the import detects
    /// duplicates by them, and computing the HMAC once instead of twice per person is a
    /// measurable share of a 12.5-million-row import.
    pub fn digested(voter: Voter, key: &PreparedDigestKey) -> (StoredVoter, [u8; 32]) {
        let bytes = key.digest_bytes(&voter.iin);
        let stored = StoredVoter {
            digest: IinDigest::from_bytes(&bytes),
            masked: voter.iin.masked(),
            birth_date: voter.iin.birth_date(),
            sex: voter.iin.sex(),
            name_kk: voter.name_kk,
            name_ru: voter.name_ru,
            citizenship: voter.citizenship,
            legal_capacity: voter.legal_capacity,
            in_custody: voter.in_custody,
            precinct: voter.precinct,
        };
        (stored, bytes)
    }

    /// The facts eligibility depends on.
    pub fn status(&self) -> VoterStatus {
        VoterStatus {
            birth_date: self.birth_date,
            citizen: self.citizenship == KZ,
            legal_capacity: self.legal_capacity,
            in_custody: self.in_custody,
        }
    }
}

/// What is wrong with one field of a register row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldProblem {
    /// The row has the wrong number of fields.
    #[error(
        "the row has {found} fields but a register row has {expected} ({columns}); check for a missing or extra comma"
    )]
    FieldCount {
        /// Fields found.
        found: usize,
        /// Fields expected.
        expected: usize,
        /// The expected columns, comma separated.
        columns: String,
    },
    /// The row cannot be read as CSV or is not UTF-8.
    #[error("the row cannot be read: {reason}")]
    Malformed {
        /// What is wrong.
        reason: String,
    },
    /// Not a valid IIN.
    #[error("{0}")]
    Iin(IinError),
    /// An empty or overlong name, or one with control characters.
    #[error(
        "a name must be 1–{MAX_NAME_CHARS} characters without tabs, line breaks or other control characters"
    )]
    Name,
    /// Not two capital Latin letters.
    #[error(
        "citizenship must be an ISO 3166-1 alpha-2 code, two capital letters such as KZ, but it is {found:?}"
    )]
    Citizenship {
        /// The value found (never personal: at most a few characters are quoted).
        found: String,
    },
    /// Not `true` or `false`.
    #[error("this column must be true or false, but it is {found:?}")]
    Flag {
        /// The value found (truncated).
        found: String,
    },
    /// Not a precinct number.
    #[error("the precinct must be a whole number from 1 to 4294967295, but it is {found:?}")]
    Precinct {
        /// The value found (truncated).
        found: String,
    },
    /// A precinct the territory does not have.
    #[error(
        "precinct {found} is not in the territory; use the numbers of `ashyq territory export`"
    )]
    UnknownPrecinct {
        /// The number.
        found: u32,
    },
    /// The same IIN as an earlier row.
    #[error(
        "the same IIN as row {first_row}; a person is on the register once — remove one of the two rows"
    )]
    Duplicate {
        /// The earlier row (line of the file, from 1 for the header).
        first_row: u64,
    },
}

/// A problem of one row of a register file: where (line and column) and what. It never
/// contains the IIN in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}, column {column}: {problem}")]
pub struct RowError {
    /// The line of the file, from 1 (the header is line 1).
    pub line: u64,
    /// The column name, or `row` for the row as a whole.
    pub column: String,
    /// What is wrong.
    pub problem: FieldProblem,
}

/// A quoted value in an error: at most 16 characters, and masked if it looks like an IIN.
fn shown(text: &str) -> String {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if digits >= 8 {
        return mask_text(text);
    }
    text.chars().take(16).collect()
}

fn parse_name(text: &str) -> Result<String, FieldProblem> {
    let t = text.trim();
    let n = t.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || t.chars().any(char::is_control) {
        return Err(FieldProblem::Name);
    }
    Ok(t.to_owned())
}

fn parse_flag(text: &str) -> Result<bool, FieldProblem> {
    match text.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(FieldProblem::Flag {
            found: shown(other),
        }),
    }
}

fn parse_citizenship(text: &str) -> Result<String, FieldProblem> {
    let t = text.trim();
    if t.len() == 2 && t.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(t.to_owned())
    } else {
        Err(FieldProblem::Citizenship { found: shown(t) })
    }
}

fn parse_precinct(text: &str) -> Result<PrecinctId, FieldProblem> {
    match text.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(PrecinctId(n)),
        _ => Err(FieldProblem::Precinct {
            found: shown(text.trim()),
        }),
    }
}

/// Parses the fields of one register row (in the order of [`CSV_HEADER`]) found on `line`.
/// Every field is checked, and every problem is returned, each with its column.
pub fn parse_row(f: &[&str], line: u64) -> Result<Voter, Vec<RowError>> {
    let err = |column: &str, problem| RowError {
        line,
        column: column.to_owned(),
        problem,
    };
    if f.len() != CSV_HEADER.len() {
        return Err(vec![err(
            "row",
            FieldProblem::FieldCount {
                found: f.len(),
                expected: CSV_HEADER.len(),
                columns: CSV_HEADER.join(","),
            },
        )]);
    }
    let mut errors = Vec::new();
    let iin = Iin::parse(f[0]).map_err(|e| errors.push(err("iin", FieldProblem::Iin(e))));
    let name_kk = parse_name(f[1]).map_err(|e| errors.push(err("name_kk", e)));
    let name_ru = parse_name(f[2]).map_err(|e| errors.push(err("name_ru", e)));
    let citizenship = parse_citizenship(f[3]).map_err(|e| errors.push(err("citizenship", e)));
    let legal_capacity = parse_flag(f[4]).map_err(|e| errors.push(err("legal_capacity", e)));
    let in_custody = parse_flag(f[5]).map_err(|e| errors.push(err("in_custody", e)));
    let precinct = parse_precinct(f[6]).map_err(|e| errors.push(err("precinct", e)));
    match (
        iin,
        name_kk,
        name_ru,
        citizenship,
        legal_capacity,
        in_custody,
        precinct,
    ) {
        (Ok(iin), Ok(name_kk), Ok(name_ru), Ok(citizenship), Ok(lc), Ok(ic), Ok(precinct)) => {
            Ok(Voter {
                iin,
                name_kk,
                name_ru,
                citizenship,
                legal_capacity: lc,
                in_custody: ic,
                precinct,
            })
        }
        _ => Err(errors),
    }
}

/// Writes `voter` as one CSV line (with the IIN in clear: a register file is a private input,
/// like the member list of a party), fields in the order of [`CSV_HEADER`].
pub fn write_row(voter: &Voter, out: &mut String) {
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "{},{},{},{},{},{},{}",
        voter.iin.expose(),
        csv_field(&voter.name_kk),
        csv_field(&voter.name_ru),
        voter.citizenship,
        voter.legal_capacity,
        voter.in_custody,
        voter.precinct.0
    );
}

/// A CSV field, quoted when it must be.
pub fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// The register in memory, keyed by digest, as the party-registration check consults it:
/// a member must be on the register and eligible on the application date.
#[derive(Debug, Default)]
pub struct RegisterLookup {
    key: Option<PreparedDigestKey>,
    voters: HashMap<IinDigest, VoterStatus>,
}

impl RegisterLookup {
    /// A lookup over `voters`, digested under `key`.
    pub fn new(key: PreparedDigestKey, voters: HashMap<IinDigest, VoterStatus>) -> Self {
        RegisterLookup {
            key: Some(key),
            voters,
        }
    }
}

impl MemberEligibility for RegisterLookup {
    fn check(&self, iin: &Iin, on: NaiveDate) -> Result<(), Ineligible> {
        let Some(key) = &self.key else {
            return Err(Ineligible::NotOnRegister);
        };
        let status = self
            .voters
            .get(&key.digest(iin))
            .ok_or(Ineligible::NotOnRegister)?;
        match eligibility(status, on).first() {
            None => Ok(()),
            Some(reason) => Err(Ineligible::Other(reason.to_string())),
        }
    }
}

impl fmt::Display for StoredVoter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.masked, self.name_ru)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iin::DigestKey;
    use proptest::prelude::*;

    fn iin(y: i32, m: u32, d: u32, serial: u16) -> Iin {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        (serial..)
            .find_map(|s| Iin::from_parts(date, Sex::Female, s))
            .unwrap()
    }

    fn row(iin: &str, rest: &[&str]) -> Vec<String> {
        std::iter::once(iin.to_owned())
            .chain(rest.iter().map(|s| s.to_string()))
            .collect()
    }

    #[test]
    fn a_good_row_round_trips_through_write_row() {
        let v = Voter {
            iin: iin(1990, 1, 1, 12),
            name_kk: "Әлия Серікқызы, кіші".into(),
            name_ru: "Алия \"Серикова\"".into(),
            citizenship: "KZ".into(),
            legal_capacity: true,
            in_custody: false,
            precinct: PrecinctId(17),
        };
        let mut line = String::new();
        write_row(&v, &mut line);
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(parse_row(&rec.iter().collect::<Vec<_>>(), 2).unwrap(), v);
    }

    #[test]
    fn every_bad_field_is_reported_with_its_column_and_no_iin() {
        let clear = "900101312340";
        let fields = row(clear, &["", "Иванов", "kz", "maybe", "false", "0"]);
        let errors =
            parse_row(&fields.iter().map(String::as_str).collect::<Vec<_>>(), 5).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            [
                "iin",
                "name_kk",
                "citizenship",
                "legal_capacity",
                "precinct"
            ]
        );
        for e in &errors {
            assert_eq!(e.line, 5);
            assert!(!e.to_string().contains(clear), "{e}");
        }
    }

    #[test]
    fn a_row_with_too_few_fields_says_which_columns_are_expected() {
        let errors = parse_row(&["a", "b"], 3).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("iin,name_kk,name_ru"));
    }

    #[test]
    fn the_lookup_refuses_someone_not_on_the_register_and_names_the_reason_otherwise() {
        let key = PreparedDigestKey::new(&DigestKey::from_bytes(&[7; 32]).unwrap());
        let adult = iin(1980, 5, 5, 1);
        let in_custody = iin(1981, 6, 6, 1);
        let stranger = iin(1982, 7, 7, 1);
        let status = |birth: &Iin, in_custody| VoterStatus {
            birth_date: birth.birth_date(),
            citizen: true,
            legal_capacity: true,
            in_custody,
        };
        let voters = HashMap::from([
            (key.digest(&adult), status(&adult, false)),
            (key.digest(&in_custody), status(&in_custody, true)),
        ]);
        let lookup = RegisterLookup::new(key, voters);
        let on = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        assert_eq!(lookup.check(&adult, on), Ok(()));
        assert_eq!(lookup.check(&stranger, on), Err(Ineligible::NotOnRegister));
        assert!(matches!(
            lookup.check(&in_custody, on),
            Err(Ineligible::Other(reason)) if reason.contains("custody")
        ));
    }

    #[test]
    fn the_prepared_key_gives_the_same_digest_as_iin_digest() {
        let key = DigestKey::from_bytes(&[3; 40]).unwrap();
        let prepared = PreparedDigestKey::new(&key);
        let i = iin(2001, 2, 3, 44);
        assert_eq!(prepared.digest(&i), i.digest(&key));
    }

    proptest! {
        // Any text in any field: an error or a voter, never a panic, never the IIN in errors.
        #[test]
        fn parse_row_never_panics_nor_leaks(fields in proptest::collection::vec(".{0,20}", 0..9)) {
            match parse_row(&fields.iter().map(String::as_str).collect::<Vec<_>>(), 9) {
                Ok(v) => prop_assert_eq!(v.iin.expose(), fields[0].trim()),
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for e in errors {
                        let text = e.to_string();
                        if let Some(first) = fields.first() {
                            let digits: String = first.chars().filter(char::is_ascii_digit).collect();
                            if digits.len() >= 8 {
                                prop_assert!(!text.contains(&digits), "{}", text);
                            }
                        }
                    }
                }
            }
        }

        // Every generated-looking voter written as CSV parses back to itself.
        #[test]
        fn written_rows_parse_back(
            days in 0i64..60_000, serial in 0u16..9999, male: bool,
            name_kk in "[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі ,\"-]{1,30}",
            name_ru in "[A-Za-zА-Яа-я ,\"'-]{1,30}",
            lc: bool, ic: bool, precinct in 1u32..100_000,
        ) {
            let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let sex = if male { Sex::Male } else { Sex::Female };
            prop_assume!(!name_kk.trim().is_empty() && !name_ru.trim().is_empty());
            if let Some(iin) = Iin::from_parts(date, sex, serial) {
                let v = Voter {
                    iin,
                    name_kk: name_kk.trim().to_owned(),
                    name_ru: name_ru.trim().to_owned(),
                    citizenship: "KZ".into(),
                    legal_capacity: lc,
                    in_custody: ic,
                    precinct: PrecinctId(precinct),
                };
                let mut line = String::new();
                write_row(&v, &mut line);
                let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
                let rec = r.records().next().unwrap().unwrap();
                prop_assert_eq!(parse_row(&rec.iter().collect::<Vec<_>>(), 2).unwrap(), v);
            }
        }
    }
}
