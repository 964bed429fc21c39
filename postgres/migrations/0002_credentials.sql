-- Credentials. No secret is stored in the clear: app secrets and tokens as
-- SHA-256 hashes, IAM passwords as argon2id, SKs sealed with the master key.

CREATE TABLE app_keys (
    app_key     text        PRIMARY KEY,
    tenant_id   text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text        NOT NULL DEFAULT '',
    secret_hash bytea       NOT NULL,
    enabled     boolean     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX app_keys_tenant ON app_keys (tenant_id);

-- Bearer tokens of every kind: gateway (app key), mall (tenant), iam (user).
CREATE TABLE tokens (
    hash       bytea       PRIMARY KEY,
    kind       text        NOT NULL,
    tenant_id  text        REFERENCES tenants (id) ON DELETE CASCADE,
    subject    text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX tokens_subject ON tokens (kind, subject);
CREATE INDEX tokens_tenant ON tokens (kind, tenant_id);
CREATE INDEX tokens_expires ON tokens (expires_at);

-- Cloud accounts (IAM domains); partners have is_partner set.
CREATE TABLE accounts (
    id         text        PRIMARY KEY,
    name       text        NOT NULL UNIQUE,
    is_partner boolean     NOT NULL,
    enabled    boolean     NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE iam_users (
    id            text        PRIMARY KEY,
    account_id    text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    password_hash text        NOT NULL,
    enabled       boolean     NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE access_keys (
    ak          text        PRIMARY KEY,
    account_id  text        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    sealed_sk   bytea       NOT NULL,
    description text        NOT NULL DEFAULT '',
    enabled     boolean     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX access_keys_account ON access_keys (account_id);

-- Invalidations every replica polls to evict its credential caches.
CREATE TABLE credential_events (
    id      bigserial   PRIMARY KEY,
    kind    text        NOT NULL,
    subject text        NOT NULL,
    at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX credential_events_at ON credential_events (at);

CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);
