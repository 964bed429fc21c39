-- Tenants: every other table is partitioned by tenant_id.
CREATE TABLE tenants (
    id         text        PRIMARY KEY,
    name       text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
