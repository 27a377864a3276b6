//! How the register's stored values read back: digests from their 64 hex digits, dates
//! from ISO text, booleans from integers, a person's status and a certificate's from their
//! columns.

use ashyq_core::register::VoterStatus;
use ashyq_core::register::absentee::CertificateStatus;
use ashyq_core::territory::PrecinctId;
use chrono::NaiveDate;

use crate::StoreError;

pub(super) fn bool_of(v: i64) -> bool {
    v != 0
}

fn parse_date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| StoreError::CorruptRow {
        what: "voters.birth_date".to_owned(),
        reason: e.to_string(),
    })
}

pub(super) fn status_of(row: (String, String, i64, i64)) -> Result<VoterStatus, StoreError> {
    Ok(VoterStatus {
        birth_date: parse_date(&row.0)?,
        citizen: row.1 == ashyq_core::register::KZ,
        legal_capacity: bool_of(row.2),
        in_custody: bool_of(row.3),
    })
}

pub(super) fn cert_status(status: &str, used_at: Option<i64>) -> CertificateStatus {
    match (status, used_at) {
        ("lost", _) => CertificateStatus::Lost,
        ("used", Some(p)) => CertificateStatus::Used {
            at: PrecinctId(u32::try_from(p).unwrap_or(0)),
        },
        _ => CertificateStatus::Issued,
    }
}

pub(super) fn precinct_of(v: i64) -> PrecinctId {
    PrecinctId(u32::try_from(v).unwrap_or(0))
}

/// The raw bytes of a digest's 64 hex digits (read from the database or an [`IinDigest`]).
pub(super) fn digest_key(hex: &str) -> Result<[u8; 32], StoreError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex, &mut out).map_err(|e| StoreError::CorruptRow {
        what: "an IIN digest".to_owned(),
        reason: e.to_string(),
    })?;
    Ok(out)
}
