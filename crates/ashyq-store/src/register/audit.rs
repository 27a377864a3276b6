//! The register's audit trail: who looked up, listed, issued, closed or marked what, and
//! when. Every audited act but a mark is an entry of the register's journal (`register_log`,
//! a hash chain: [`ashyq_core::register::acts`]), appended through [`Store::audit`] before
//! the act is carried out; a batch of marks writes one `register_audit` row per mark in its
//! own transaction, beside the append-only marks log, at the desks' rate.

use ashyq_core::register::acts::{RegisterAct, RegisterAction, RegisterActs};

use crate::chain::REGISTER_LOG;
use crate::journal::append_on_stored_head;
use crate::{Store, StoreError};

/// Who does what, when, for an audited operation.
#[derive(Debug, Clone)]
pub struct Operator<'a> {
    /// The operator's name or id.
    pub name: &'a str,
    /// When, RFC 3339 UTC.
    pub at: &'a str,
}

/// A row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: String,
    /// Who.
    pub operator: String,
    /// What, e.g. `lookup`, `mark`, `issue_certificate`.
    pub action: String,
    /// About whom or what: a digest or a precinct, never an IIN.
    pub subject: String,
}

impl Store {
    /// Records in the register's journal that `operator` did `action` about `subject` (a
    /// keyed digest or a precinct, never an IIN: a subject holding 12 digits in a row is
    /// refused).
    pub async fn audit(
        &self,
        operator: &Operator<'_>,
        action: RegisterAction,
        subject: &str,
    ) -> Result<(), StoreError> {
        let act = RegisterAct {
            operator: operator.name.to_owned(),
            action,
            subject: subject.to_owned(),
        };
        append_on_stored_head::<RegisterActs>(self, operator.at.to_owned(), act)
            .await
            .map_err(|e| match e {
                crate::journal::JournalError::Store(e) => e,
                other => StoreError::AuditRefused(other.to_string()),
            })?;
        Ok(())
    }

    /// The audit trail, oldest first: the register journal's acts and the marks' rows.
    pub async fn audit_trail(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut trail = Vec::new();
        loop {
            let page: Vec<ashyq_core::register::acts::RegisterEntry> = self
                .chain_entries_after(&REGISTER_LOG, trail.len() as u64, 5_000)
                .await?;
            if page.is_empty() {
                break;
            }
            trail.extend(page.into_iter().map(|e| AuditEntry {
                at: e.recorded_at,
                operator: e.event.operator,
                action: e.event.action.as_str().to_owned(),
                subject: e.event.subject,
            }));
        }
        let rows: Vec<(String, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT at, operator, action, subject FROM register_audit ORDER BY at, action, subject")
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("reading the register audit trail"))?;
        trail.extend(
            rows.into_iter()
                .map(|(at, operator, action, subject)| AuditEntry {
                    at,
                    operator,
                    action,
                    subject,
                }),
        );
        trail.sort_by(|a, b| (&a.at, &a.action, &a.subject).cmp(&(&b.at, &b.action, &b.subject)));
        Ok(trail)
    }
}
