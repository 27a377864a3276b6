-- ashyq schema, version 1.
--
-- The same file runs on SQLite and PostgreSQL: only portable SQL here (BIGINT, TEXT, CHECK,
-- PRIMARY KEY, UNIQUE, REFERENCES; no AUTOINCREMENT/SERIAL, no backend-specific types).
-- The triggers that make `event_log` append-only cannot be written portably; the store
-- installs them in code right after the migrations (see `install_append_only_triggers`).

-- The append-only, hash-chained event log: one row per `LogEntry`, its fields as columns and
-- `event` the event's canonical JSON. `seq` is assigned by the ledger (1, 2, 3, … without
-- gaps), not by the database. `hash` has no UNIQUE index: every hash is pinned by the chain
-- (entry n+1 carries it as `prev`), and an index over random 64-character keys would cost
-- more than any query needs. A precinct's history is its rows here (`kind` says which).
CREATE TABLE event_log (
    seq         BIGINT NOT NULL PRIMARY KEY CHECK (seq >= 1),
    prev        TEXT   NOT NULL,
    hash        TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    recorded_at TEXT   NOT NULL,
    event       TEXT   NOT NULL
);

-- Projection: the protocol currently applied per (referendum, precinct), maintained in the
-- transaction that appends the events (`protocol_accepted` inserts, `protocol_amended`
-- replaces). The line columns are named exactly as the fields of `ProtocolLines`.
CREATE TABLE protocols (
    referendum                   TEXT   NOT NULL,
    precinct                     BIGINT NOT NULL,
    protocol_hash                TEXT   NOT NULL,
    seq                          BIGINT NOT NULL REFERENCES event_log (seq),
    status                       TEXT   NOT NULL CHECK (status IN ('accepted', 'amended')),
    voters_on_list               BIGINT NOT NULL,
    voters_added_on_day          BIGINT NOT NULL,
    voters_added_absentee        BIGINT NOT NULL,
    absentee_certificates_issued BIGINT NOT NULL,
    ballots_received             BIGINT NOT NULL,
    ballots_issued               BIGINT NOT NULL,
    ballots_cancelled            BIGINT NOT NULL,
    ballots_found                BIGINT NOT NULL,
    yes                          BIGINT NOT NULL,
    no                           BIGINT NOT NULL,
    both_marked                  BIGINT NOT NULL,
    invalid                      BIGINT NOT NULL,
    PRIMARY KEY (referendum, precinct)
);

-- Benchmark baseline for `ashyq bench ingest`: the columns of `protocols` and its primary
-- key, without the log, the foreign key or any projection logic.
CREATE TABLE bench_protocols (
    referendum                   TEXT   NOT NULL,
    precinct                     BIGINT NOT NULL,
    protocol_hash                TEXT   NOT NULL,
    seq                          BIGINT NOT NULL,
    status                       TEXT   NOT NULL CHECK (status IN ('accepted', 'amended')),
    voters_on_list               BIGINT NOT NULL,
    voters_added_on_day          BIGINT NOT NULL,
    voters_added_absentee        BIGINT NOT NULL,
    absentee_certificates_issued BIGINT NOT NULL,
    ballots_received             BIGINT NOT NULL,
    ballots_issued               BIGINT NOT NULL,
    ballots_cancelled            BIGINT NOT NULL,
    ballots_found                BIGINT NOT NULL,
    yes                          BIGINT NOT NULL,
    no                           BIGINT NOT NULL,
    both_marked                  BIGINT NOT NULL,
    invalid                      BIGINT NOT NULL,
    PRIMARY KEY (referendum, precinct)
);
