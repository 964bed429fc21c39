-- Tenant profiles for the business software mall: kind, space status, VDN,
-- portal URL, trial expiry, and the contact details sealed with the master
-- key (tenant ID as additional data). Mobile number and e-mail address are
-- also kept as keyed hashes, to find duplicates without decrypting.
-- Existing tenants become formal tenants in service (status 2).
ALTER TABLE tenants ADD COLUMN kind             TEXT    NOT NULL DEFAULT 'formal';
ALTER TABLE tenants ADD COLUMN space_status     TEXT    NOT NULL DEFAULT '2';
ALTER TABLE tenants ADD COLUMN vdn              TEXT    NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN portal_url       TEXT    NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN trial_expires_at INTEGER; -- epoch milliseconds; trials only
ALTER TABLE tenants ADD COLUMN sealed_profile   BLOB;
ALTER TABLE tenants ADD COLUMN mobile_index     BLOB;
ALTER TABLE tenants ADD COLUMN email_index      BLOB;
ALTER TABLE tenants ADD COLUMN revision         INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tenants_mobile_index ON tenants (mobile_index) WHERE mobile_index IS NOT NULL;
CREATE INDEX tenants_email_index ON tenants (email_index) WHERE email_index IS NOT NULL;

-- What a tenant bought or was given for a period (queryresource).
CREATE TABLE tenant_resources (
    id            TEXT    PRIMARY KEY,
    tenant_id     TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type          TEXT    NOT NULL,
    spec          TEXT    NOT NULL DEFAULT '',
    quantity      INTEGER NOT NULL,
    start_at      INTEGER NOT NULL, -- epoch milliseconds
    end_at        INTEGER NOT NULL, -- excluded
    cancelled_at  INTEGER,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX tenant_resources_tenant ON tenant_resources (tenant_id, start_at, id);

-- Phone verification codes for trial applications, one per phone number,
-- as keyed hashes only.
CREATE TABLE phone_verification_codes (
    phone_index BLOB    PRIMARY KEY,
    code_hash   BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
