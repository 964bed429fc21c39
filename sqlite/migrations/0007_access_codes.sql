-- Access codes and the called routes bound to them, per tenant.
CREATE TABLE access_codes (
    id              INTEGER PRIMARY KEY, -- snowflake ID
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id),
    access_code     TEXT    NOT NULL,    -- digits
    media_type      INTEGER NOT NULL,
    n400_number     TEXT,
    description     TEXT,
    description_key TEXT,                -- the folded description that search matches
    call_attr       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,    -- epoch milliseconds
    updated_at      INTEGER NOT NULL,
    UNIQUE (tenant_id, access_code)
) STRICT;

-- How many access codes each tenant has of each media type, kept by the
-- store in the transactions that change them: totals of unfiltered and
-- media type queries, and the size a search plan compares with.
CREATE TABLE access_code_counts (
    tenant_id  TEXT    NOT NULL,
    media_type INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, media_type)
) STRICT, WITHOUT ROWID;

-- Substring search: trigram indexes over the access code and the folded
-- description, keyed by the access code's ID. They hold no text of their
-- own (content=''), only which rows hold which trigrams (detail=none);
-- candidates are checked against the row itself. Each indexed text ends in
-- two U+0001 characters, which validation keeps out of descriptions, so
-- that every 1- or 2-character substring begins some trigram and short
-- terms can be served from the index too. The store writes them in the
-- transactions that change the rows (see sqlite/accesscode.go), a whole
-- import batch in one statement: FTS5 writes its pending entries out at
-- every statement, and fewer, larger segments cost far less merging.
CREATE VIRTUAL TABLE access_code_fts USING fts5 (
    code, content = '', columnsize = 0, detail = none, tokenize = 'trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE access_code_fts_terms USING fts5vocab (access_code_fts, row);
CREATE VIRTUAL TABLE access_code_description_fts USING fts5 (
    description, content = '', columnsize = 0, detail = none, tokenize = 'trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE access_code_description_fts_terms USING fts5vocab (access_code_description_fts, row);

-- Let a whole import batch's entries wait in memory, to be written as one
-- segment (the default writes one every megabyte).
INSERT INTO access_code_fts (access_code_fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO access_code_description_fts (access_code_description_fts, rank) VALUES ('hashsize', 67108864);

-- Called routes: an access code (with an optional extension code) routed
-- to a skill queue (device_type 1) or an IVR flow (3).
CREATE TABLE called_routes (
    id              INTEGER PRIMARY KEY, -- snowflake ID
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id),
    access_code_id  INTEGER NOT NULL REFERENCES access_codes (id),
    ext_code        TEXT    NOT NULL DEFAULT '', -- '' is no extension code
    media_type      INTEGER NOT NULL,
    device_type     INTEGER NOT NULL,
    device_id       INTEGER NOT NULL,
    device_desc     TEXT,
    device_desc_key TEXT,                -- the folded device description
    dnid            INTEGER NOT NULL,    -- configuration number, per tenant
    editable        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (access_code_id, ext_code),
    UNIQUE (tenant_id, dnid)
) STRICT;

CREATE INDEX called_routes_by_tenant ON called_routes (tenant_id, access_code_id, ext_code);

CREATE VIRTUAL TABLE called_route_device_fts USING fts5 (
    device, content = '', columnsize = 0, detail = none, tokenize = 'trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE called_route_device_fts_terms USING fts5vocab (called_route_device_fts, row);
