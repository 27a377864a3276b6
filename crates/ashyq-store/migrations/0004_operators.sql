-- Operator accounts, their API and session tokens, and the audit trail of their writes.
-- Private tables: nothing here is part of the public event log. Passwords are Argon2id PHC
-- strings and tokens are kept only as their SHA-256 (see ashyq_core::operator).

CREATE TABLE operators (
    name          TEXT   NOT NULL PRIMARY KEY,
    -- The role as JSON, e.g. {"role":"territorial_operator","scope":{"level":"region","id":"KZ-75"}}.
    role          TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    disabled      BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT   NOT NULL
);

-- A token is an API token (no expiry unless given) or a web session (expires).
CREATE TABLE operator_tokens (
    digest     TEXT NOT NULL PRIMARY KEY,
    operator   TEXT NOT NULL REFERENCES operators (name),
    kind       TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT
);

-- One row per write asked of the server by an operator: who, when, what, and the outcome.
CREATE TABLE operator_audit (
    id       BIGINT NOT NULL PRIMARY KEY,
    at       TEXT   NOT NULL,
    operator TEXT   NOT NULL,
    role     TEXT   NOT NULL,
    action   TEXT   NOT NULL,
    detail   TEXT   NOT NULL,
    outcome  TEXT   NOT NULL CHECK (outcome IN ('done', 'refused')),
    reason   TEXT
);
