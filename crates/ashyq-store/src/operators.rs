//! Operator accounts, their tokens and the audit trail of their writes (migration
//! `0004_operators.sql`). The rules — roles, permissions, Argon2id hashing, token format —
//! are in `ashyq_core::operator`; this module only keeps what they produce. Tokens are stored
//! as their SHA-256 digest: a database dump gives nobody a working token.

use ashyq_core::operator::{Action, AuditOutcome, AuditRecord, PasswordHash, Role, TokenDigest};
use chrono::{DateTime, Utc};

use crate::error::from_bigint;
use crate::{Store, StoreError};

/// An operator account as stored (the password hash stays in the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: PasswordHash,
    /// A disabled account can neither sign in nor use its tokens.
    pub disabled: bool,
    /// When it was created.
    pub created_at: String,
}

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// For programs: `Authorization: Bearer …`.
    Api,
    /// A signed-in browser: the session cookie.
    Session,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
            TokenKind::Session => "session",
        }
    }
}

/// The longest operator name.
pub const MAX_NAME_CHARS: usize = 64;

/// Checks an operator name: 1–64 characters, lower-case letters, digits, `.`, `_`, `-`.
pub fn check_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_CHARS
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadOperatorName(name.chars().take(80).collect()))
    }
}

type Row = (String, String, String, i64, String);

/// A token joined with its operator.
#[derive(sqlx::FromRow)]
struct TokenRow {
    name: String,
    role: String,
    password_hash: String,
    disabled: i64,
    created_at: String,
    kind: String,
    expires_at: Option<String>,
}

/// A row of `operator_audit`.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: String,
    operator: String,
    role: String,
    action: String,
    detail: String,
    outcome: String,
    reason: Option<String>,
}

fn from_row(
    (name, role, password_hash, disabled, created_at): Row,
) -> Result<OperatorRow, StoreError> {
    let role = serde_json::from_str(&role).map_err(|e| StoreError::CorruptRow {
        what: format!("operators row {name}"),
        reason: format!("role: {e}"),
    })?;
    Ok(OperatorRow {
        name,
        role,
        password_hash: PasswordHash(password_hash),
        disabled: disabled != 0,
        created_at,
    })
}

const SELECT: &str = "SELECT name, role, password_hash, disabled, created_at FROM operators";

impl Store {
    /// Creates an operator account. Refused if the name is taken or malformed.
    pub async fn create_operator(
        &self,
        name: &str,
        role: &Role,
        password_hash: &PasswordHash,
        created_at: &str,
    ) -> Result<(), StoreError> {
        check_name(name)?;
        if self.operator(name).await?.is_some() {
            return Err(StoreError::OperatorExists(name.to_owned()));
        }
        let role = serde_json::to_string(role).expect("a role serializes");
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO operators (name, role, password_hash, disabled, created_at) VALUES ($1, $2, $3, 0, $4)")
                .bind(name).bind(&role).bind(&password_hash.0).bind(created_at)
                .execute(pool).await.map(drop)
        })
        .map_err(StoreError::db("creating an operator account"))?;
        Ok(())
    }

    /// An operator by name.
    pub async fn operator(&self, name: &str) -> Result<Option<OperatorRow>, StoreError> {
        let sql = format!("{SELECT} WHERE name = $1");
        let row: Option<Row> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(name).fetch_optional(pool).await
        })
        .map_err(StoreError::db("reading an operator account"))?;
        row.map(from_row).transpose()
    }

    /// Every operator, by name.
    pub async fn operators(&self) -> Result<Vec<OperatorRow>, StoreError> {
        let sql = format!("{SELECT} ORDER BY name");
        let rows: Vec<Row> = with_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await)
            .map_err(StoreError::db("listing operator accounts"))?;
        rows.into_iter().map(from_row).collect()
    }

    /// Disables or re-enables an account; a disabled account's tokens stop working at once.
    pub async fn set_operator_disabled(
        &self,
        name: &str,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let n = with_pool!(self, pool => {
            sqlx::query("UPDATE operators SET disabled = $2 WHERE name = $1")
                .bind(name).bind(i64::from(disabled)).execute(pool).await.map(|r| r.rows_affected())
        })
        .map_err(StoreError::db("disabling an operator account"))?;
        if n == 0 {
            return Err(StoreError::NoSuchOperator(name.to_owned()));
        }
        Ok(())
    }

    /// Replaces an account's password hash and ends its sessions.
    pub async fn set_operator_password(
        &self,
        name: &str,
        hash: &PasswordHash,
    ) -> Result<(), StoreError> {
        let n = with_pool!(self, pool => {
            sqlx::query("UPDATE operators SET password_hash = $2 WHERE name = $1")
                .bind(name).bind(&hash.0).execute(pool).await.map(|r| r.rows_affected())
        })
        .map_err(StoreError::db("changing an operator's password"))?;
        if n == 0 {
            return Err(StoreError::NoSuchOperator(name.to_owned()));
        }
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM operator_tokens WHERE operator = $1 AND kind = 'session'")
                .bind(name).execute(pool).await.map(drop)
        })
        .map_err(StoreError::db("ending an operator's sessions"))?;
        Ok(())
    }

    /// Stores a token's digest for an operator.
    pub async fn add_token(
        &self,
        operator: &str,
        digest: &TokenDigest,
        kind: TokenKind,
        label: &str,
        created_at: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO operator_tokens (digest, operator, kind, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(digest.to_hex()).bind(operator).bind(kind.as_str()).bind(label)
                .bind(time(created_at)).bind(expires_at.map(time))
                .execute(pool).await.map(drop)
        })
        .map_err(StoreError::db("storing a token"))?;
        Ok(())
    }

    /// The enabled operator a token belongs to, if the token exists and has not expired at
    /// `now`. The digest is the primary key, so the look-up is by equality on SHA-256 outputs,
    /// which reveals nothing about the token's text.
    pub async fn token_operator(
        &self,
        digest: &TokenDigest,
        now: DateTime<Utc>,
    ) -> Result<Option<(OperatorRow, TokenKind)>, StoreError> {
        let row: Option<TokenRow> =
            with_pool!(self, pool => {
                sqlx::query_as(
                    "SELECT o.name, o.role, o.password_hash, o.disabled, o.created_at, t.kind, t.expires_at
                     FROM operator_tokens t JOIN operators o ON o.name = t.operator
                     WHERE t.digest = $1",
                )
                .bind(digest.to_hex())
                .fetch_optional(pool)
                .await
            })
            .map_err(StoreError::db("looking up a token"))?;
        let Some(TokenRow {
            name,
            role,
            password_hash: hash,
            disabled,
            created_at: created,
            kind,
            expires_at: expires,
        }) = row
        else {
            return Ok(None);
        };
        if let Some(expires) = expires {
            let expired = DateTime::parse_from_rfc3339(&expires)
                .map(|t| t.to_utc() <= now)
                .unwrap_or(true);
            if expired {
                return Ok(None);
            }
        }
        let operator = from_row((name, role, hash, disabled, created))?;
        if operator.disabled {
            return Ok(None);
        }
        let kind = if kind == "session" {
            TokenKind::Session
        } else {
            TokenKind::Api
        };
        Ok(Some((operator, kind)))
    }

    /// Deletes a token (sign-out, or an API token withdrawn).
    pub async fn remove_token(&self, digest: &TokenDigest) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM operator_tokens WHERE digest = $1").bind(digest.to_hex()).execute(pool).await.map(drop)
        })
        .map_err(StoreError::db("removing a token"))?;
        Ok(())
    }

    /// Appends a record to the audit trail.
    pub async fn audit_operator_write(&self, record: &AuditRecord) -> Result<(), StoreError> {
        let role = serde_json::to_string(&record.role).expect("a role serializes");
        let action = serde_json::to_string(&record.action).expect("an action serializes");
        let (outcome, reason) = match &record.outcome {
            AuditOutcome::Done => ("done", None),
            AuditOutcome::Refused { reason } => ("refused", Some(reason.as_str())),
        };
        let at = record
            .at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        with_pool!(self, pool => {
            // The id is the next number; the primary key makes two writers taking the same one
            // fail instead of both succeeding, and the caller's retry takes the next.
            let mut attempt = 0;
            loop {
                let result = sqlx::query(
                    "INSERT INTO operator_audit (id, at, operator, role, action, detail, outcome, reason)
                     SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4, $5, $6, $7 FROM operator_audit",
                )
                .bind(&at).bind(&record.operator).bind(&role).bind(&action)
                .bind(&record.detail).bind(outcome).bind(reason)
                .execute(pool)
                .await;
                match result {
                    Err(e) if attempt < 5 && is_unique_violation(&e) => attempt += 1,
                    other => break other.map(drop),
                }
            }
        })
        .map_err(StoreError::db("writing the audit trail"))?;
        Ok(())
    }

    /// The audit trail, newest first, at most `limit` records with id below `before`.
    pub async fn operator_audit_trail(
        &self,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<(u64, AuditRecord)>, StoreError> {
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let rows: Vec<AuditRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, at, operator, role, action, detail, outcome, reason FROM operator_audit
                 WHERE id < $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
        })
        .map_err(StoreError::db("reading the audit trail"))?;
        rows.into_iter()
            .map(
                |AuditRow {
                     id,
                     at,
                     operator,
                     role,
                     action,
                     detail,
                     outcome,
                     reason,
                 }| {
                    let what = || format!("operator_audit row {id}");
                    let corrupt = |reason: String| StoreError::CorruptRow {
                        what: what(),
                        reason,
                    };
                    let record = AuditRecord {
                        at: DateTime::parse_from_rfc3339(&at)
                            .map_err(|e| corrupt(format!("time: {e}")))?
                            .to_utc(),
                        operator,
                        role: serde_json::from_str::<Role>(&role)
                            .map_err(|e| corrupt(format!("role: {e}")))?,
                        action: serde_json::from_str::<Action>(&action)
                            .map_err(|e| corrupt(format!("action: {e}")))?,
                        detail,
                        outcome: match (outcome.as_str(), reason) {
                            ("done", _) => AuditOutcome::Done,
                            (_, reason) => AuditOutcome::Refused {
                                reason: reason.unwrap_or_default(),
                            },
                        },
                    };
                    Ok((from_bigint(id, what)?, record))
                },
            )
            .collect()
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
