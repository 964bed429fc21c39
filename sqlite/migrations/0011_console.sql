-- The web console: named users, their sessions and the audit log of the
-- changes they make.

CREATE TABLE console_users (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

-- A session is stored under the SHA-256 of its token, never the token.
CREATE TABLE console_sessions (
    token_hash TEXT    PRIMARY KEY,
    user_name  TEXT    NOT NULL REFERENCES console_users (name) ON DELETE CASCADE,
    role       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX console_sessions_user ON console_sessions (user_name);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Kept when its user is deleted: the log outlives the account.
CREATE TABLE console_audit (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT    NOT NULL,
    action TEXT    NOT NULL,
    target TEXT    NOT NULL,
    detail TEXT    NOT NULL,
    source TEXT    NOT NULL
) STRICT;
CREATE INDEX console_audit_actor ON console_audit (actor, id);
