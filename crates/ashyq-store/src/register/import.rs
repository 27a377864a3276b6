//! The bulk import of the register: a person split into a list line ([`ListRow`]) and a key
//! row ([`KeyRow`]), the key rows sorted by digest, and both tables written in one
//! transaction — SQLite through rusqlite on sqlx's own connection handle ([`direct`], the
//! crate's one `unsafe` block), PostgreSQL through `COPY … FROM STDIN`.

use ashyq_core::register::StoredVoter;
use chrono::NaiveDate;
use sqlx::Executor;

use super::columns::digest_key;
use crate::{Pool, Store, StoreError};

/// Key rows written per turn on the connection's handle ([`direct`]).
const KEY_ROWS_PER_TURN: usize = 50_000;

/// The index of `voter_lists`, dropped during a bulk load into an empty register.
const DROP_LIST_INDEX: &str = "DROP INDEX IF EXISTS voter_lists_by_precinct";
const CREATE_LIST_INDEX: &str = "CREATE INDEX voter_lists_by_precinct ON voter_lists (precinct)";

/// A person's line of a published precinct list, ready for the database (`voter_lists`):
/// every column already a string or an integer, so that the conversion runs in the caller's
/// worker threads and not in the one writing.
#[derive(Debug, Clone)]
pub struct ListRow {
    id: i64,
    precinct: i64,
    masked: String,
    name_kk: String,
    name_ru: String,
    birth_year: i64,
    sex: &'static str,
}

/// What the register's rules read of a person (`voters`), 56 bytes: a bulk import holds one
/// per person in memory and sorts them by digest, so that the table is written in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// The raw HMAC-SHA-256 of the IIN.
    pub digest: [u8; 32],
    /// The line of the input the person came from (for messages; not stored).
    pub line: u64,
    /// The number of the person's line in `voter_lists`.
    pub list_id: u32,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Home precinct.
    pub precinct: u32,
    /// Citizenship, two ASCII capital letters (ISO 3166-1 alpha-2).
    citizenship: [u8; 2],
    /// Has legal capacity.
    pub legal_capacity: bool,
    /// In custody by sentence.
    pub in_custody: bool,
}

/// Splits a stored voter into its list line, numbered `list_id`, and its key row; `digest` is
/// the raw form of `v.digest` (the import has it from computing the digest), `line` where the
/// person came from.
pub fn split_voter(
    v: StoredVoter,
    digest: [u8; 32],
    line: u64,
    list_id: u32,
) -> Result<(ListRow, KeyRow), StoreError> {
    let citizenship: [u8; 2] = v
        .citizenship
        .as_bytes()
        .try_into()
        .ok()
        .filter(|c: &[u8; 2]| c.iter().all(u8::is_ascii_uppercase))
        .ok_or_else(|| {
            StoreError::BadImport(format!(
                "line {line} has the citizenship {:?}; write it as two capital letters, e.g. KZ",
                v.citizenship
            ))
        })?;
    let list = ListRow {
        id: i64::from(list_id),
        precinct: i64::from(v.precinct.0),
        masked: v.masked,
        name_kk: v.name_kk,
        name_ru: v.name_ru,
        birth_year: i64::from(chrono::Datelike::year(&v.birth_date)),
        sex: match v.sex {
            ashyq_core::iin::Sex::Female => "f",
            ashyq_core::iin::Sex::Male => "m",
        },
    };
    let key = KeyRow {
        digest,
        line,
        list_id,
        birth_date: v.birth_date,
        precinct: v.precinct.0,
        citizenship,
        legal_capacity: v.legal_capacity,
        in_custody: v.in_custody,
    };
    Ok((list, key))
}

impl KeyRow {
    /// The citizenship as text.
    #[inline]
    pub fn citizenship(&self) -> &str {
        // Two ASCII capitals by construction (`split_voter`).
        std::str::from_utf8(&self.citizenship).unwrap_or("??")
    }
}

/// The key rows of a bulk import in the order `voters` is written: sorted by digest. Returns
/// the pairs of rows that share a digest (first, later), which an import must refuse.
pub fn sort_key_rows(keys: &mut [KeyRow]) -> Vec<(u64, u64)> {
    keys.sort_unstable_by(|a, b| a.digest.cmp(&b.digest).then(a.line.cmp(&b.line)));
    let mut duplicates = Vec::new();
    let mut first = 0;
    for i in 1..keys.len() {
        if keys[i].digest == keys[first].digest {
            duplicates.push((keys[first].line, keys[i].line));
        } else {
            first = i;
        }
    }
    duplicates
}

/// Appends the 64 hex digits of a digest (the form stored and compared).
///
/// `#[inline]` on this, [`iso_date`] and [`KeyRow::citizenship`], which run once per person in
/// the key rows' loop: after the register module was split, that loop measured about 6% slower
/// (2,000,000 people, 10 runs each) with the same code; with the hint it measured as before.
#[inline]
fn hex_digest(bytes: &[u8; 32], out: &mut String) {
    let mut text = [0u8; 64];
    // Neither can fail: 64 bytes for 32, and hex digits are ASCII.
    if hex::encode_to_slice(bytes, &mut text).is_ok() {
        out.push_str(std::str::from_utf8(&text).unwrap_or_default());
    }
}

#[inline]
fn iso_date(d: NaiveDate, out: &mut String) {
    use chrono::Datelike;
    use std::fmt::Write as _;
    let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}

impl Store {
    /// Loads an **empty** register, in one transaction: all people or none.
    ///
    /// `lists` brings the published-list lines in the order of the input file; they go to
    /// `voter_lists` as they come, whose precinct index is dropped first and built again after
    /// the last line (one sort instead of millions of B-tree inserts). `keys` then brings the
    /// key rows **sorted by digest** ([`sort_key_rows`]), written to `voters` in that order so
    /// that its B-trees grow by appending — or `None`: the caller found problems in the input,
    /// and everything is rolled back (the result is `None`).
    ///
    /// SQLite steps prepared statements on the connection's own handle (`direct`); if this is
    /// the database's only connection, the load is written through a rollback journal instead
    /// of the WAL, so that the gigabytes of a full register are written once rather than into
    /// the WAL and again at the checkpoint (a rollback journal keeps nothing of pages added
    /// past the end of the file). PostgreSQL takes `COPY … FROM STDIN`.
    pub async fn import_voters(
        &self,
        mut lists: tokio::sync::mpsc::Receiver<Vec<ListRow>>,
        keys: tokio::sync::oneshot::Receiver<Option<Vec<KeyRow>>>,
    ) -> Result<Option<u64>, StoreError> {
        let existing = self.voter_count().await?;
        if existing > 0 {
            return Err(StoreError::RegisterNotEmpty { voters: existing });
        }
        let action = "loading the voter register";
        let mut listed = 0u64;
        let started = std::time::Instant::now();
        let written = match &self.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await.map_err(StoreError::db(action))?;
                // A larger page cache for this connection only, and helper threads for the
                // sort of the index build.
                conn.execute("PRAGMA cache_size = -262144; PRAGMA threads = 2")
                    .await
                    .map_err(StoreError::db(action))?;
                // Leaving WAL mode needs the database to itself: only when this is the pool's
                // one connection ([`Store::open_single`]), and another process may still hold
                // it (then SQLite says busy and the load goes through the WAL).
                let journal = pool.size() == 1
                    && match sqlx::query_as::<_, (String,)>("PRAGMA journal_mode = TRUNCATE")
                        .fetch_one(&mut *conn)
                        .await
                    {
                        Ok((mode,)) => mode.eq_ignore_ascii_case("truncate"),
                        Err(e) => {
                            tracing::info!(error = %e, "the register is loaded through the WAL");
                            false
                        }
                    };
                let loaded = async {
                    let mut tx = sqlx::Connection::begin(&mut *conn)
                        .await
                        .map_err(StoreError::db(action))?;
                    sqlx::raw_sql(DROP_LIST_INDEX)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db(action))?;
                    while let Some(chunk) = lists.recv().await {
                        direct(&mut tx, |db| {
                            let mut insert = db.prepare(
                                "INSERT INTO voter_lists (id, precinct, iin_masked, name_kk, name_ru, birth_year, sex) \
                                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            )?;
                            for r in &chunk {
                                insert.execute(rusqlite::params![
                                    r.id, r.precinct, r.masked, r.name_kk, r.name_ru, r.birth_year, r.sex
                                ])?;
                            }
                            Ok(())
                        })
                        .await?;
                        listed += chunk.len() as u64;
                    }
                    let lists_done = std::time::Instant::now();
                    let Some(keys) = keys.await.ok().flatten() else {
                        tx.rollback().await.map_err(StoreError::db(action))?;
                        return Ok(None);
                    };
                    let keys_received = std::time::Instant::now();
                    check_key_order(&keys, listed)?;
                    let mut text = String::with_capacity(74);
                    for rows in keys.chunks(KEY_ROWS_PER_TURN) {
                        direct(&mut tx, |db| {
                            let mut insert = db.prepare(
                                "INSERT INTO voters (iin_digest, list_id, precinct, birth_date, citizenship, legal_capacity, in_custody) \
                                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            )?;
                            for k in rows {
                                text.clear();
                                hex_digest(&k.digest, &mut text);
                                iso_date(k.birth_date, &mut text);
                                let (digest, date) = text.split_at(64);
                                insert.execute(rusqlite::params![
                                    digest,
                                    k.list_id,
                                    k.precinct,
                                    date,
                                    k.citizenship(),
                                    k.legal_capacity,
                                    k.in_custody
                                ])?;
                            }
                            Ok(())
                        })
                        .await?;
                        // Between turns, other tasks of this thread's runtime get to run.
                        tokio::task::yield_now().await;
                    }
                    let indexing = std::time::Instant::now();
                    sqlx::raw_sql(CREATE_LIST_INDEX)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db("indexing the voter register"))?;
                    let committing = std::time::Instant::now();
                    tx.commit().await.map_err(StoreError::db(action))?;
                    tracing::info!(
                        list_seconds = (lists_done - started).as_secs_f64(),
                        key_seconds = (indexing - keys_received).as_secs_f64(),
                        index_seconds = (committing - indexing).as_secs_f64(),
                        commit_seconds = committing.elapsed().as_secs_f64(),
                        "voter register written"
                    );
                    Ok::<Option<u64>, StoreError>(Some(keys.len() as u64))
                }
                .await;
                // Back to the store's settings whatever happened (a failed transaction was
                // rolled back when dropped, before this runs on the connection).
                let mut restore = String::from("PRAGMA cache_size = -2000; PRAGMA threads = 0;");
                if journal {
                    restore.push_str(" PRAGMA journal_mode = WAL;");
                }
                let restored = sqlx::raw_sql(&restore)
                    .execute(&mut *conn)
                    .await
                    .map_err(StoreError::db(action));
                let loaded = loaded?;
                restored?;
                loaded
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await.map_err(StoreError::db(action))?;
                let mut tx = sqlx::Connection::begin(&mut *conn)
                    .await
                    .map_err(StoreError::db(action))?;
                sqlx::raw_sql(DROP_LIST_INDEX)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
                let mut copy = tx
                    .copy_in_raw(
                        "COPY voter_lists (id, precinct, iin_masked, name_kk, name_ru, \
                         birth_year, sex) FROM STDIN",
                    )
                    .await
                    .map_err(StoreError::db(action))?;
                let mut buf = String::new();
                while let Some(chunk) = lists.recv().await {
                    buf.clear();
                    for r in &chunk {
                        list_copy_line(r, &mut buf);
                    }
                    copy.send(buf.as_bytes())
                        .await
                        .map_err(StoreError::db(action))?;
                    listed += chunk.len() as u64;
                }
                let Some(keys) = keys.await.ok().flatten() else {
                    copy.abort("the input has problems")
                        .await
                        .map_err(StoreError::db(action))?;
                    return Ok(None);
                };
                copy.finish().await.map_err(StoreError::db(action))?;
                check_key_order(&keys, listed)?;
                let mut copy = tx
                    .copy_in_raw(
                        "COPY voters (iin_digest, list_id, precinct, birth_date, citizenship, \
                         legal_capacity, in_custody) FROM STDIN",
                    )
                    .await
                    .map_err(StoreError::db(action))?;
                for rows in keys.chunks(20_000) {
                    buf.clear();
                    for k in rows {
                        key_copy_line(k, &mut buf);
                    }
                    copy.send(buf.as_bytes())
                        .await
                        .map_err(StoreError::db(action))?;
                }
                copy.finish().await.map_err(StoreError::db(action))?;
                sqlx::raw_sql(CREATE_LIST_INDEX)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("indexing the voter register"))?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Some(keys.len() as u64)
            }
        };
        if let Some(n) = written {
            tracing::info!(
                voters = n,
                seconds = started.elapsed().as_secs_f64(),
                "voter register loaded"
            );
        }
        Ok(written)
    }

    /// Loads an empty register with `voters` (a small one: a test, a district's file): the
    /// sorting and splitting that [`Store::import_voters`] leaves to a streaming caller.
    pub async fn import_register(&self, voters: Vec<StoredVoter>) -> Result<u64, StoreError> {
        let mut lists = Vec::with_capacity(voters.len());
        let mut keys = Vec::with_capacity(voters.len());
        for (i, v) in voters.into_iter().enumerate() {
            let raw = digest_key(v.digest.as_str())?;
            let id = u32::try_from(i + 1).map_err(|_| {
                StoreError::BadImport(
                    "more than 4,294,967,295 people; split the register into several files"
                        .to_owned(),
                )
            })?;
            let (l, k) = split_voter(v, raw, i as u64 + 1, id)?;
            lists.push(l);
            keys.push(k);
        }
        if let Some(&(first, again)) = sort_key_rows(&mut keys).first() {
            return Err(StoreError::BadImport(format!(
                "person {again} has the same IIN as person {first}; a person is on the register once"
            )));
        }
        let (list_tx, list_rx) = tokio::sync::mpsc::channel(1);
        let (key_tx, key_rx) = tokio::sync::oneshot::channel();
        let _ = list_tx.send(lists).await;
        drop(list_tx);
        let _ = key_tx.send(Some(keys));
        Ok(self.import_voters(list_rx, key_rx).await?.unwrap_or(0))
    }
}

/// Text for a field of `COPY … FROM STDIN` text format: `\\` escapes.
fn copy_escaped(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\\', '\t', '\n', '\r']) {
        std::borrow::Cow::Owned(
            s.replace('\\', "\\\\")
                .replace('\t', "\\t")
                .replace('\n', "\\n")
                .replace('\r', "\\r"),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// One line of `COPY voter_lists … FROM STDIN`: tab separated.
fn list_copy_line(r: &ListRow, out: &mut String) {
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        r.id,
        r.precinct,
        copy_escaped(&r.masked),
        copy_escaped(&r.name_kk),
        copy_escaped(&r.name_ru),
        r.birth_year,
        r.sex
    );
}

/// One line of `COPY voters … FROM STDIN`: tab separated.
fn key_copy_line(k: &KeyRow, out: &mut String) {
    use std::fmt::Write as _;
    hex_digest(&k.digest, out);
    let _ = write!(out, "\t{}\t{}\t", k.list_id, k.precinct);
    iso_date(k.birth_date, out);
    let _ = writeln!(
        out,
        "\t{}\t{}\t{}",
        k.citizenship(),
        i64::from(k.legal_capacity),
        i64::from(k.in_custody)
    );
}

/// Runs `f` on the connection's own SQLite handle, through rusqlite: the bulk load steps one
/// prepared statement per row, as `sqlite3 .import` does, where sqlx would copy every value to
/// hand it to its worker thread and build a statement of thousands of parameters (measured:
/// most of the time of the load). The handle is locked out of sqlx's worker meanwhile, so `f`
/// runs on this thread and should be short; the transaction and statements of sqlx are
/// untouched.
#[allow(unsafe_code)]
async fn direct<T>(
    conn: &mut sqlx::SqliteConnection,
    f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
) -> Result<T, StoreError> {
    let action = "loading the voter register";
    let mut handle = conn.lock_handle().await.map_err(StoreError::db(action))?;
    // SAFETY: the pointer is a live connection, and while `handle` is held no other thread
    // makes calls on it (sqlx's worker is locked out). A rusqlite connection made from a handle
    // does not close it when dropped; it is dropped, with its statements, before `handle`.
    let db = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr()) }
        .map_err(StoreError::sqlite(action))?;
    let out = f(&db).map_err(StoreError::sqlite(action));
    drop(db);
    drop(handle);
    out
}

/// Refuses key rows that are not sorted by digest, repeat one, or do not match the list
/// lines in number: the import would otherwise write a register whose two tables disagree.
fn check_key_order(keys: &[KeyRow], listed: u64) -> Result<(), StoreError> {
    if keys.len() as u64 != listed {
        return Err(StoreError::BadImport(format!(
            "{} key rows came for {listed} list lines; give each person one of each",
            keys.len()
        )));
    }
    if let Some(w) = keys.windows(2).find(|w| w[0].digest >= w[1].digest) {
        return Err(StoreError::BadImport(format!(
            "the person of line {} comes after that of line {} out of digest order or twice; \
             sort the key rows with sort_key_rows and refuse its duplicates",
            w[1].line, w[0].line
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ashyq_core::iin::{DigestKey, Iin, PreparedDigestKey, Sex};
    use ashyq_core::register::Voter;
    use ashyq_core::territory::PrecinctId;

    fn stored(serial: u16, citizenship: &str) -> (StoredVoter, [u8; 32]) {
        let key = PreparedDigestKey::new(&DigestKey::from_bytes(&[3; 32]).unwrap());
        let date = NaiveDate::from_ymd_opt(1970, 5, 6).unwrap();
        let iin = (serial..)
            .find_map(|s| Iin::from_parts(date, Sex::Female, s))
            .unwrap();
        let voter = Voter {
            iin,
            name_kk: "Әлиева Айгүл".into(),
            name_ru: "Алиева Айгуль".into(),
            citizenship: citizenship.into(),
            legal_capacity: true,
            in_custody: false,
            precinct: PrecinctId(4),
        };
        StoredVoter::digested(voter, &key)
    }

    fn key_row(serial: u16, line: u64) -> KeyRow {
        let (v, raw) = stored(serial, "KZ");
        split_voter(v, raw, line, line as u32).unwrap().1
    }

    #[test]
    fn sorting_key_rows_finds_every_repeated_person_with_both_lines() {
        let mut keys = vec![
            key_row(10, 2),
            key_row(20, 3),
            key_row(10, 4),
            key_row(10, 5),
        ];
        let mut duplicates = sort_key_rows(&mut keys);
        duplicates.sort_unstable();
        assert_eq!(duplicates, [(2, 4), (2, 5)]);
        assert!(keys.windows(2).all(|w| w[0].digest <= w[1].digest));
    }

    #[test]
    fn the_store_refuses_key_rows_out_of_order_repeated_or_miscounted() {
        let mut keys = vec![key_row(10, 2), key_row(20, 3), key_row(30, 4)];
        assert!(sort_key_rows(&mut keys).is_empty());
        check_key_order(&keys, 3).unwrap();
        let err = check_key_order(&keys, 4).unwrap_err().to_string();
        assert!(err.contains("3 key rows came for 4 list lines"), "{err}");
        keys.swap(0, 2);
        let err = check_key_order(&keys, 3).unwrap_err().to_string();
        assert!(err.contains("out of digest order or twice"), "{err}");
        let mut twice = vec![key_row(10, 2), key_row(10, 3)];
        sort_key_rows(&mut twice);
        assert!(check_key_order(&twice, 2).is_err());
    }

    #[test]
    fn a_citizenship_that_is_not_two_capitals_is_refused_with_its_line() {
        let (v, raw) = stored(10, "Kz");
        let err = split_voter(v, raw, 17, 16).unwrap_err().to_string();
        assert!(err.contains("line 17") && err.contains("\"Kz\""), "{err}");
        let (v, raw) = stored(10, "KZ");
        let (list, key) = split_voter(v, raw, 17, 16).unwrap();
        assert_eq!((list.id, list.birth_year, list.sex), (16, 1970, "f"));
        assert_eq!((key.citizenship(), key.list_id), ("KZ", 16));
        let mut text = String::new();
        hex_digest(&key.digest, &mut text);
        assert_eq!(digest_key(&text).unwrap(), key.digest);
    }
}
