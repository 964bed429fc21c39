-- Tenant profiles for the business software mall: kind, space status, VDN,
-- portal URL, trial expiry, and the contact details sealed with the master
-- key (tenant ID as additional data). Mobile number and e-mail address are
-- also kept as keyed hashes, to find duplicates without decrypting.
-- Existing tenants become formal tenants in service (status 2).
ALTER TABLE tenants
    ADD COLUMN kind             text        NOT NULL DEFAULT 'formal',
    ADD COLUMN space_status     text        NOT NULL DEFAULT '2',
    ADD COLUMN vdn              text        NOT NULL DEFAULT '',
    ADD COLUMN portal_url       text        NOT NULL DEFAULT '',
    ADD COLUMN trial_expires_at timestamptz, -- trials only
    ADD COLUMN sealed_profile   bytea,
    ADD COLUMN mobile_index     bytea,
    ADD COLUMN email_index      bytea,
    ADD COLUMN revision         bigint      NOT NULL DEFAULT 0;
CREATE INDEX tenants_mobile_index ON tenants (mobile_index) WHERE mobile_index IS NOT NULL;
CREATE INDEX tenants_email_index ON tenants (email_index) WHERE email_index IS NOT NULL;

-- What a tenant bought or was given for a period (queryresource).
CREATE TABLE tenant_resources (
    id           text        PRIMARY KEY,
    tenant_id    text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type         text        NOT NULL,
    spec         text        NOT NULL DEFAULT '',
    quantity     bigint      NOT NULL,
    start_at     timestamptz NOT NULL,
    end_at       timestamptz NOT NULL, -- excluded
    cancelled_at timestamptz,
    created_at   timestamptz NOT NULL
);
CREATE INDEX tenant_resources_tenant ON tenant_resources (tenant_id, start_at, id);

-- Phone verification codes for trial applications, one per phone number,
-- as keyed hashes only.
CREATE TABLE phone_verification_codes (
    phone_index bytea       PRIMARY KEY,
    code_hash   bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    attempts    integer     NOT NULL DEFAULT 0
);
