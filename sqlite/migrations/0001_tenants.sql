-- Tenants: every other table is partitioned by tenant_id.
CREATE TABLE tenants (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL, -- epoch milliseconds
    updated_at INTEGER NOT NULL
) STRICT;
