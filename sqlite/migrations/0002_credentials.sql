-- Credentials. No secret is stored in the clear: app secrets and tokens as
-- SHA-256 hashes, IAM passwords as argon2id, SKs sealed with the master key.

CREATE TABLE app_keys (
    app_key     TEXT    PRIMARY KEY,
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL DEFAULT '',
    secret_hash BLOB    NOT NULL,
    enabled     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX app_keys_tenant ON app_keys (tenant_id);

-- Bearer tokens of every kind: gateway (app key), mall (tenant), iam (user).
CREATE TABLE tokens (
    hash       BLOB    PRIMARY KEY,
    kind       TEXT    NOT NULL,
    tenant_id  TEXT    REFERENCES tenants (id) ON DELETE CASCADE,
    subject    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX tokens_subject ON tokens (kind, subject);
CREATE INDEX tokens_tenant ON tokens (kind, tenant_id);
CREATE INDEX tokens_expires ON tokens (expires_at);

-- Cloud accounts (IAM domains); partners have is_partner set.
CREATE TABLE accounts (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    is_partner INTEGER NOT NULL,
    enabled    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE iam_users (
    id            TEXT    PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    enabled       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (account_id, name)
) STRICT;

CREATE TABLE access_keys (
    ak          TEXT    PRIMARY KEY,
    account_id  TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    sealed_sk   BLOB    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    enabled     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX access_keys_account ON access_keys (account_id);

-- Invalidations every process polls to evict its credential caches.
CREATE TABLE credential_events (
    id      INTEGER PRIMARY KEY,
    kind    TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    at      INTEGER NOT NULL -- epoch milliseconds
) STRICT;
CREATE INDEX credential_events_at ON credential_events (at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
