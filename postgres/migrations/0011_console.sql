-- The web console: named users, their sessions and the audit log of the
-- changes they make.

CREATE TABLE console_users (
    name          text        PRIMARY KEY,
    role          text        NOT NULL,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL
);

-- A session is stored under the SHA-256 of its token, never the token.
CREATE TABLE console_sessions (
    token_hash text        PRIMARY KEY,
    user_name  text        NOT NULL REFERENCES console_users (name) ON DELETE CASCADE,
    role       text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_user ON console_sessions (user_name);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Kept when its user is deleted: the log outlives the account.
CREATE TABLE console_audit (
    id     bigint      PRIMARY KEY,
    at     timestamptz NOT NULL,
    actor  text        NOT NULL,
    action text        NOT NULL,
    target text        NOT NULL,
    detail text        NOT NULL,
    source text        NOT NULL
);
CREATE INDEX console_audit_actor ON console_audit (actor, id);
