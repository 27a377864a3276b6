-- ashyq schema, version 2: the voter register (issue 7). Portable SQL, as in 0001.
--
-- No IIN is stored in clear. `iin_digest` is HMAC-SHA-256 of the IIN under a key kept outside
-- the database (`--digest-key-file` / ASHYQ_DIGEST_KEY): enough for equality (is this person
-- on the register, already marked, already holding a certificate) and useless to anyone
-- without the key. `iin_masked` is the form printed on a published list (`90•••••••••8`).
-- Birth date and sex are derived from the IIN at import. Booleans are 0/1 BIGINTs.
CREATE TABLE voters (
    iin_digest     TEXT   NOT NULL,
    iin_masked     TEXT   NOT NULL,
    name_kk        TEXT   NOT NULL,
    name_ru        TEXT   NOT NULL,
    birth_date     TEXT   NOT NULL,
    sex            TEXT   NOT NULL CHECK (sex IN ('f', 'm')),
    citizenship    TEXT   NOT NULL,
    legal_capacity BIGINT NOT NULL CHECK (legal_capacity IN (0, 1)),
    in_custody     BIGINT NOT NULL CHECK (in_custody IN (0, 1)),
    precinct       BIGINT NOT NULL
);
-- The bulk import drops these two indexes while it loads an empty register and creates them
-- again afterwards (one sort instead of millions of random B-tree inserts); the names are
-- therefore also in `crates/ashyq-store/src/register.rs`.
CREATE UNIQUE INDEX voters_by_digest ON voters (iin_digest);
CREATE INDEX voters_by_precinct ON voters (precinct);

-- Absentee certificates (BRIEF §3): five-digit serials unique per event, one per person and
-- event whatever becomes of it (a lost certificate is not replaced).
CREATE TABLE absentee_certificates (
    event         TEXT   NOT NULL,
    serial        BIGINT NOT NULL CHECK (serial BETWEEN 1 AND 99999),
    iin_digest    TEXT   NOT NULL,
    home_precinct BIGINT NOT NULL,
    issued_at     TEXT   NOT NULL,
    issued_by     TEXT   NOT NULL,
    status        TEXT   NOT NULL CHECK (status IN ('issued', 'lost', 'used')),
    used_at       BIGINT,
    PRIMARY KEY (event, serial),
    UNIQUE (event, iin_digest)
);

-- Voting-day marks: one row per person who received a ballot. The primary key is the rule
-- "one person, one ballot" as the database enforces it.
CREATE TABLE voting_marks (
    event       TEXT   NOT NULL,
    iin_digest  TEXT   NOT NULL,
    precinct    BIGINT NOT NULL,
    marked_at   TEXT   NOT NULL,
    certificate BIGINT,
    PRIMARY KEY (event, iin_digest)
);
CREATE INDEX voting_marks_by_precinct ON voting_marks (event, precinct);

-- Refused marks that are incidents (a second ballot asked for elsewhere, …).
CREATE TABLE mark_incidents (
    event      TEXT   NOT NULL,
    at         TEXT   NOT NULL,
    precinct   BIGINT NOT NULL,
    iin_digest TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    detail     TEXT   NOT NULL
);

-- A precinct's list is locked once it closes.
CREATE TABLE precinct_closures (
    event     TEXT   NOT NULL,
    precinct  BIGINT NOT NULL,
    closed_at TEXT   NOT NULL,
    PRIMARY KEY (event, precinct)
);

-- Every look-up and change by an operator: who, when, what, about whom (a digest or a
-- precinct number, never an IIN).
CREATE TABLE register_audit (
    at       TEXT NOT NULL,
    operator TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL
);
