//! The consultation's persistence (migration `0003_consult.sql`): its append-only,
//! hash-chained log (`consult_log`, stored like every chain by [`crate::chain`]) and the
//! versions of legal acts (`act_versions`), both refusing UPDATE and DELETE by trigger, on
//! SQLite and PostgreSQL. The write path with the
//! in-memory state is [`crate::secretariat::Secretariat`].

use ashyq_core::consult::{ConsultEntry, act_sha256};
use ashyq_core::legal::Act;

use crate::chain::CONSULT_LOG;
use crate::error::from_bigint;
use crate::{Pool, Store, StoreError};

/// A version of an act as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAct {
    /// The order in which it was stored (1, 2, …).
    pub position: u64,
    /// SHA-256 of the act's JSON.
    pub content_sha256: String,
    /// When it was stored (RFC 3339).
    pub stored_at: String,
    /// The act.
    pub act: Act,
}

/// What storing a version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActStored {
    /// A new version, at this position.
    New(u64),
    /// The same content was already stored at this position; nothing changed.
    Known(u64),
}

impl Store {
    /// Appends consultation log entries in one transaction: all of them or none (see
    /// [`Store::append_chain`](crate::Store)); the journal's write path
    /// ([`crate::secretariat::Secretariat`]) is the usual way in.
    pub async fn append_consult(&self, entries: &[ConsultEntry]) -> Result<(), StoreError> {
        self.append_chain(&CONSULT_LOG, entries, None).await
    }

    /// Up to `limit` consultation entries with `seq > after_seq`, in order.
    pub async fn consult_entries_after(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<ConsultEntry>, StoreError> {
        self.chain_entries_after(&CONSULT_LOG, after_seq, limit)
            .await
    }

    /// Stores a version of an act. The same content under the same (work, version) again
    /// changes nothing ([`ActStored::Known`]); other content under a label already used is
    /// refused with [`StoreError::ActVersionExists`] (a stored version never changes).
    pub async fn store_act_version(
        &self,
        act: &Act,
        stored_at: &str,
    ) -> Result<ActStored, StoreError> {
        let json = serde_json::to_string(act).map_err(|e| StoreError::CorruptRow {
            what: format!("act {}@{}", act.work, act.version),
            reason: e.to_string(),
        })?;
        let sha = act_sha256(act);
        let action = "storing an act version";
        macro_rules! store_version {
            ($tx:ident) => {
                async {
                    let existing: Option<(i64, String)> = sqlx::query_as(
                        "SELECT position, content_sha256 FROM act_versions
                         WHERE work = $1 AND version = $2",
                    )
                    .bind(&act.work)
                    .bind(&act.version)
                    .fetch_optional(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
                    if let Some((position, stored_sha)) = existing {
                        let position = from_bigint(position, || "act_versions position".into())?;
                        return if stored_sha == sha {
                            Ok(ActStored::Known(position))
                        } else {
                            Err(StoreError::ActVersionExists {
                                work: act.work.clone(),
                                version: act.version.clone(),
                            })
                        };
                    }
                    let (last,): (Option<i64>,) =
                        sqlx::query_as("SELECT MAX(position) FROM act_versions")
                            .fetch_one(&mut *$tx)
                            .await
                            .map_err(StoreError::db(action))?;
                    let position = last.unwrap_or(0) + 1;
                    sqlx::query(
                        "INSERT INTO act_versions
                         (work, version, position, version_date, content_sha256, act, stored_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&act.work)
                    .bind(&act.version)
                    .bind(position)
                    .bind(act.date.as_deref())
                    .bind(&sha)
                    .bind(&json)
                    .bind(stored_at)
                    .execute(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
                    Ok(ActStored::New(from_bigint(position, || {
                        "act_versions position".into()
                    })?))
                }
            };
        }
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(StoreError::db(
                        "taking the SQLite write lock (BEGIN IMMEDIATE)",
                    ))?;
                let out = store_version!(tx).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Ok(out)
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(CONSULT_LOG.lock)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("taking the consultation append lock"))?;
                let out = store_version!(tx).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Ok(out)
            }
        }
    }

    /// How many act versions are stored (a cheap check before reading them all again).
    pub async fn act_version_count(&self) -> Result<u64, StoreError> {
        let n: i64 = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM act_versions")
                .fetch_one(pool)
                .await
        })
        .map_err(StoreError::db("counting act_versions"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Every stored act version, in the order stored. Each is checked against its content
    /// hash.
    pub async fn act_versions(&self) -> Result<Vec<StoredAct>, StoreError> {
        let rows: Vec<(i64, String, String, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT position, work, version, content_sha256, act, stored_at
                 FROM act_versions ORDER BY position",
            )
            .fetch_all(pool)
            .await
        })
        .map_err(StoreError::db("reading act_versions"))?;
        rows.into_iter()
            .map(|(position, work, version, sha, json, stored_at)| {
                let what = || format!("act_versions row {work}@{version}");
                let act: Act = serde_json::from_str(&json).map_err(|e| StoreError::CorruptRow {
                    what: what(),
                    reason: e.to_string(),
                })?;
                if act_sha256(&act) != sha || act.work != work || act.version != version {
                    return Err(StoreError::CorruptRow {
                        what: what(),
                        reason: "the act does not match its content hash or its key".into(),
                    });
                }
                Ok(StoredAct {
                    position: from_bigint(position, what)?,
                    content_sha256: sha,
                    stored_at,
                    act,
                })
            })
            .collect()
    }
}
