//! The register's audit trail: who looked up, listed, issued, closed or marked what, and
//! when (`register_audit`). Every audited operation of the register writes its row here
//! through [`Store::audit`] (a batch of marks writes its rows in its own transaction).

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
    /// Records that `operator` did `action` about `subject` (a digest or a precinct).
    pub async fn audit(
        &self,
        operator: &Operator<'_>,
        action: &str,
        subject: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO register_audit (at, operator, action, subject) VALUES ($1, $2, $3, $4)")
                .bind(operator.at)
                .bind(operator.name)
                .bind(action)
                .bind(subject)
                .execute(pool)
                .await
                .map(drop)
        })
        .map_err(StoreError::db("writing the register audit trail"))?;
        Ok(())
    }

    /// The audit trail, oldest first.
    pub async fn audit_trail(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<(String, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT at, operator, action, subject FROM register_audit ORDER BY at, action, subject")
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("reading the register audit trail"))?;
        Ok(rows
            .into_iter()
            .map(|(at, operator, action, subject)| AuditEntry {
                at,
                operator,
                action,
                subject,
            })
            .collect())
    }
}
