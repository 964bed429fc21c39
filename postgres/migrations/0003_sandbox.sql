-- The integrator sandbox: fault injection rules and the request journal.

CREATE TABLE faults (
    id         bigint      PRIMARY KEY,
    tenant_id  text        NOT NULL DEFAULT '',
    app_key    text        NOT NULL DEFAULT '',
    endpoint   text        NOT NULL DEFAULT '',
    latency_ms integer     NOT NULL,
    status     integer     NOT NULL,
    code       text        NOT NULL,
    reset      boolean     NOT NULL,
    remaining  integer     NOT NULL, -- -1: every request
    percent    integer     NOT NULL,
    created_at timestamptz NOT NULL
);

-- The last requests of each tenant (or partner account), trimmed to a
-- bounded number per tenant.
CREATE TABLE request_journal (
    id            bigserial        PRIMARY KEY,
    tenant_id     text             NOT NULL,
    at            timestamptz      NOT NULL,
    request_id    text             NOT NULL,
    method        text             NOT NULL,
    path          text             NOT NULL,
    route         text             NOT NULL,
    status        integer          NOT NULL,
    duration_ms   double precision NOT NULL,
    code          text             NOT NULL,
    caller        text             NOT NULL,
    request_body  text             NOT NULL,
    response_body text             NOT NULL
);
CREATE INDEX request_journal_tenant ON request_journal (tenant_id, id);
