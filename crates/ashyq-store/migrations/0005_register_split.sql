-- ashyq schema, version 5: the voter register in two tables (issue 7, full-size goals).
--
-- `voters` keeps only what the register's rules read — the digest, the home precinct and the
-- four facts of eligibility — keyed by the digest, and the number of the person's line in
-- `voter_lists`. A bulk import writes it in digest order, sorted in memory, so that it grows by
-- appending instead of by millions of random inserts or a sort of the whole table after the
-- load; the eligibility count and every mark read this narrow table only. (On SQLite the store
-- keeps it WITHOUT ROWID — one B-tree instead of a table and an index — which is not portable
-- SQL and is therefore done in code right after the migrations, as the append-only triggers
-- are.)
--
-- `voter_lists` keeps what a published precinct list prints: the masked IIN, the names, the
-- year of birth, and sex, numbered in the order of the register file and indexed by precinct.
CREATE TABLE voter_lists (
    id         INTEGER NOT NULL PRIMARY KEY,
    precinct   BIGINT  NOT NULL,
    iin_masked TEXT    NOT NULL,
    name_kk    TEXT    NOT NULL,
    name_ru    TEXT    NOT NULL,
    birth_year BIGINT  NOT NULL,
    sex        TEXT    NOT NULL CHECK (sex IN ('f', 'm'))
);
INSERT INTO voter_lists (id, precinct, iin_masked, name_kk, name_ru, birth_year, sex)
    SELECT ROW_NUMBER() OVER (ORDER BY iin_digest), precinct, iin_masked, name_kk, name_ru,
           CAST(SUBSTR(birth_date, 1, 4) AS BIGINT), sex
    FROM voters;
-- The bulk import drops this index while it loads an empty register and creates it again
-- afterwards; the name is therefore also in `crates/ashyq-store/src/register.rs`.
CREATE INDEX voter_lists_by_precinct ON voter_lists (precinct);

CREATE TABLE voters_narrow (
    iin_digest     TEXT    NOT NULL PRIMARY KEY,
    list_id        INTEGER NOT NULL,
    precinct       BIGINT  NOT NULL,
    birth_date     TEXT    NOT NULL,
    citizenship    TEXT    NOT NULL,
    legal_capacity BIGINT  NOT NULL CHECK (legal_capacity IN (0, 1)),
    in_custody     BIGINT  NOT NULL CHECK (in_custody IN (0, 1))
);
INSERT INTO voters_narrow (iin_digest, list_id, precinct, birth_date, citizenship, legal_capacity, in_custody)
    SELECT iin_digest, ROW_NUMBER() OVER (ORDER BY iin_digest), precinct, birth_date,
           citizenship, legal_capacity, in_custody
    FROM voters;
DROP TABLE voters;
ALTER TABLE voters_narrow RENAME TO voters;
