-- Snapshots of a tenant's state (package snapshot): every row the tenant
-- owns, serialized per table as it is stored, so that secrets and personal
-- data stay sealed. schema_version is the migration the rows were read at;
-- a snapshot is restored only at that version. Deleting the tenant deletes
-- its snapshots.
CREATE TABLE tenant_snapshots (
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL, -- epoch milliseconds
    schema_version INTEGER NOT NULL,
    size           INTEGER NOT NULL, -- bytes of data
    row_count      INTEGER NOT NULL,
    data           BLOB    NOT NULL,
    PRIMARY KEY (tenant_id, name)
) STRICT;
