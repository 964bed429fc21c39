-- Access codes and the called routes bound to them, per tenant.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE access_codes (
    id              bigint      PRIMARY KEY,              -- snowflake ID
    tenant_id       text        NOT NULL REFERENCES tenants (id),
    access_code     text        COLLATE "C" NOT NULL,     -- digits; "C" orders as SQLite does
    media_type      smallint    NOT NULL,
    n400_number     text,
    description     text,
    description_key text,                                 -- the folded description that search matches
    call_attr       smallint    NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (tenant_id, access_code)
);

-- Exact media type filters page in access code order without a scan.
CREATE INDEX access_codes_by_media ON access_codes (tenant_id, media_type, access_code);

-- Substring search (LIKE with escaped terms) through trigram indexes. A
-- small pending list bounds what a search must read besides the index
-- proper between clean-ups.
CREATE INDEX access_codes_code_trgm ON access_codes
    USING gin (access_code gin_trgm_ops) WITH (gin_pending_list_limit = 512);
CREATE INDEX access_codes_description_trgm ON access_codes
    USING gin (description_key gin_trgm_ops) WITH (gin_pending_list_limit = 512);

-- How many access codes each tenant has of each media type, kept by the
-- store in the transactions that change them: the totals of unfiltered
-- and media type queries without counting.
CREATE TABLE access_code_counts (
    tenant_id  text     NOT NULL,
    media_type smallint NOT NULL,
    n          bigint   NOT NULL,
    PRIMARY KEY (tenant_id, media_type)
);

-- Called routes: an access code (with an optional extension code) routed
-- to a skill queue (device_type 1) or an IVR flow (3).
CREATE TABLE called_routes (
    id              bigint      PRIMARY KEY,              -- snowflake ID
    tenant_id       text        NOT NULL REFERENCES tenants (id),
    access_code_id  bigint      NOT NULL REFERENCES access_codes (id),
    ext_code        text        COLLATE "C" NOT NULL DEFAULT '', -- '' is no extension code
    media_type      smallint    NOT NULL,
    device_type     smallint    NOT NULL,
    device_id       bigint      NOT NULL,
    device_desc     text,
    device_desc_key text,                                 -- the folded device description
    dnid            bigint      NOT NULL,                 -- configuration number, per tenant
    editable        smallint    NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (access_code_id, ext_code),
    UNIQUE (tenant_id, dnid)
);

CREATE INDEX called_routes_by_tenant ON called_routes (tenant_id, access_code_id, ext_code);
CREATE INDEX called_routes_device_trgm ON called_routes
    USING gin (device_desc_key gin_trgm_ops) WITH (gin_pending_list_limit = 512);
