//! The one error type of the crate.

use ashyq_core::LogHash;

/// Why a store operation failed. Every message says what was wrong and how to fix it; no
/// message contains a database password (URLs are shown through [`crate::redact_url`]).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL could not be understood.
    #[error(
        "cannot use the database URL {url}: {reason}. Use sqlite://PATH, sqlite:PATH or a plain file path for SQLite, or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE for PostgreSQL (check --database-url)"
    )]
    InvalidUrl {
        /// The URL, password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The SQLite database file could not be opened or created.
    #[error(
        "cannot open the SQLite database {path}: {reason}. Check that the directory exists and is writable, or choose another path with --database-url"
    )]
    SqliteOpen {
        /// The file.
        path: String,
        /// What failed.
        reason: String,
    },

    /// PostgreSQL could not be reached or refused the connection.
    #[error(
        "cannot connect to PostgreSQL at {url}: {reason}; is PostgreSQL running? check --database-url (host, port, user, password and database name)"
    )]
    Connect {
        /// The URL, password masked.
        url: String,
        /// What failed, as reported by the driver (password masked).
        reason: String,
    },

    /// The schema migrations failed.
    #[error(
        "cannot bring the {backend} database schema up to date: {reason}. If the database was created by a newer ashyq, use that version; if it belongs to another application, use a separate database"
    )]
    Migrate {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// What failed.
        reason: String,
    },

    /// A batch does not start at the current head of the stored log: another writer appended
    /// first, or the batch was sealed on an outdated head. Nothing was written.
    #[error(
        "the log head moved: the next entry must be seq {expected_seq} with prev {expected_prev}, but the batch starts at seq {found_seq} with prev {found_prev}; nothing was written. Another writer appended first: read the new head (Store::head), catch up and seal the events again"
    )]
    HeadMoved {
        /// The seq the next entry must have (stored head + 1).
        expected_seq: u64,
        /// The prev the next entry must have (the stored head's hash, genesis when empty).
        expected_prev: LogHash,
        /// The seq of the batch's first entry.
        found_seq: u64,
        /// The prev of the batch's first entry.
        found_prev: LogHash,
    },

    /// The entries of a batch do not form a hash chain. Nothing was written.
    #[error(
        "the batch does not form a hash chain at entry seq {seq}: {reason}; nothing was written. Seal each entry on the one before it (seq + 1, prev = the previous entry's hash)"
    )]
    BrokenChain {
        /// The first entry that does not chain.
        seq: u64,
        /// What is wrong.
        reason: String,
    },

    /// A backup could not be taken or restored; the reason says what to do.
    #[error("{0}")]
    Backup(String),

    /// An audited act of the register was refused by the trail's rules; nothing was done.
    #[error("the register's audit trail refused the act: {0}")]
    AuditRefused(String),

    /// The events of a batch cannot be projected: they contradict the stored state.
    /// Nothing was written.
    #[error("entry seq {seq} cannot be recorded: {reason}; nothing was written")]
    Projection {
        /// The entry.
        seq: u64,
        /// What is wrong.
        reason: String,
    },

    /// A number does not fit a database column (BIGINT holds at most 2^63 − 1).
    #[error(
        "{what} = {value} does not fit a BIGINT column (at most 9223372036854775807); nothing was written"
    )]
    OutOfRange {
        /// Which number.
        what: String,
        /// Its value.
        value: u64,
    },

    /// A stored row cannot be read back.
    #[error(
        "{what} cannot be read: {reason}. The database was changed outside ashyq: restore it from a backup or rebuild it from an exported log"
    )]
    CorruptRow {
        /// Which row, e.g. `event_log seq 17`.
        what: String,
        /// What is wrong.
        reason: String,
    },

    /// A bulk import into a register that already has people.
    #[error(
        "the voter register already has {voters} people; a bulk import loads an empty register: use a new database (--database-url)"
    )]
    RegisterNotEmpty {
        /// People already on the register.
        voters: u64,
    },

    /// A bulk import was refused before anything was written: people out of digest order or
    /// twice, a citizenship that is not two capital letters, too many people.
    #[error("the bulk import was refused, nothing was written: {0}")]
    BadImport(String),

    /// The group commit holding a mark failed; nothing of its batch was recorded.
    #[error(
        "the batch of marks holding this one could not be recorded ({0}); nothing of it was recorded, so marking again is safe"
    )]
    MarkBatchFailed(String),

    /// An operator name that is not allowed.
    #[error(
        "{0:?} is not an operator name: use 1 to 64 lower-case letters, digits, '.', '_' or '-'"
    )]
    BadOperatorName(String),
    /// The name is taken.
    #[error("an operator named {0} already exists; choose another name")]
    OperatorExists(String),
    /// No such operator.
    #[error("there is no operator named {0}; see `ashyq operator list`")]
    NoSuchOperator(String),
    /// A version label of an act already holds other content.
    #[error(
        "{work} already has a version {version} with other content; a stored version never changes: give the new text another version label"
    )]
    ActVersionExists {
        /// The work.
        work: String,
        /// The version label.
        version: String,
    },

    /// A database operation failed.
    #[error("database error while {action}: {source}")]
    Database {
        /// What the store was doing.
        action: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },

    /// A SQLite operation made directly on a connection's handle (the bulk register load)
    /// failed.
    #[error("database error while {action}: {source}")]
    SqliteDirect {
        /// What the store was doing.
        action: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// Wraps a driver error with what the store was doing.
    pub(crate) fn db(action: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |source| StoreError::Database { action, source }
    }

    /// Wraps an error of a direct SQLite call with what the store was doing.
    pub(crate) fn sqlite(action: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
        move |source| StoreError::SqliteDirect { action, source }
    }
}

/// Converts a number for a BIGINT column.
pub(crate) fn to_bigint(value: u64, what: impl FnOnce() -> String) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange {
        what: what(),
        value,
    })
}

/// Converts a number read from a BIGINT column.
pub(crate) fn from_bigint(value: i64, what: impl FnOnce() -> String) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::CorruptRow {
        what: what(),
        reason: format!("negative number {value}"),
    })
}
