-- ashyq schema, version 3: the public consultation (issue 8). Portable SQL, as in 0001.
--
-- The consultation is its own append-only, hash-chained log (`ConsultEntry` of
-- `ashyq_core::consult`), kept apart from the referendum's `event_log` (ARCHITECTURE.md says
-- why). Same layout and the same discipline: `seq` assigned by the consultation (1, 2, 3, …
-- without gaps), the event's JSON as written, triggers installed in code right after the
-- migrations refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL). Citizens appear in the
-- events only as keyed digests (`CitizenRef`), never by their sign-in subject.
CREATE TABLE consult_log (
    seq         BIGINT NOT NULL PRIMARY KEY CHECK (seq >= 1),
    prev        TEXT   NOT NULL,
    hash        TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    recorded_at TEXT   NOT NULL,
    event       TEXT   NOT NULL
);

-- Versions of legal acts (the old text, the draft, the adopted text, …): one row per
-- (work, version), never changed or removed (the same triggers). `position` is the order in
-- which versions were stored (1, 2, …), the order the comparisons follow; `act` is the act's
-- JSON (`ashyq_core::legal::Act`) and `content_sha256` the SHA-256 of exactly that JSON (the
-- hash a `draft_published` event pins).
CREATE TABLE act_versions (
    work           TEXT   NOT NULL,
    version        TEXT   NOT NULL,
    position       BIGINT NOT NULL UNIQUE CHECK (position >= 1),
    version_date   TEXT,
    content_sha256 TEXT   NOT NULL,
    act            TEXT   NOT NULL,
    stored_at      TEXT   NOT NULL,
    PRIMARY KEY (work, version)
);
