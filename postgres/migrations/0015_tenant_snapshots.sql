-- Snapshots of a tenant's state (package snapshot): every row the tenant
-- owns, serialized per table as it is stored (json_agg), so that secrets
-- and personal data stay sealed. schema_version is the migration the rows
-- were read at; a snapshot is restored only at that version. Deleting the
-- tenant deletes its snapshots.
CREATE TABLE tenant_snapshots (
    tenant_id      text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name           text        NOT NULL,
    created_at     timestamptz NOT NULL,
    schema_version integer     NOT NULL,
    size           bigint      NOT NULL, -- bytes of data
    row_count      bigint      NOT NULL,
    data           bytea       NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
