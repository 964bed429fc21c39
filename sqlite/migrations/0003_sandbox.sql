-- The integrator sandbox: fault injection rules and the request journal.

CREATE TABLE faults (
    id         INTEGER PRIMARY KEY,
    tenant_id  TEXT    NOT NULL DEFAULT '',
    app_key    TEXT    NOT NULL DEFAULT '',
    endpoint   TEXT    NOT NULL DEFAULT '',
    latency_ms INTEGER NOT NULL,
    status     INTEGER NOT NULL,
    code       TEXT    NOT NULL,
    reset      INTEGER NOT NULL,
    remaining  INTEGER NOT NULL, -- -1: every request
    percent    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- The last requests of each tenant (or partner account), trimmed to a
-- bounded number per tenant.
CREATE TABLE request_journal (
    id            INTEGER PRIMARY KEY,
    tenant_id     TEXT    NOT NULL,
    at            INTEGER NOT NULL,
    request_id    TEXT    NOT NULL,
    method        TEXT    NOT NULL,
    path          TEXT    NOT NULL,
    route         TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    duration_ms   REAL    NOT NULL,
    code          TEXT    NOT NULL,
    caller        TEXT    NOT NULL,
    request_body  TEXT    NOT NULL,
    response_body TEXT    NOT NULL
) STRICT;
CREATE INDEX request_journal_tenant ON request_journal (tenant_id, id);
