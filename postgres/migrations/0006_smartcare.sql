-- SmartCare: settings, complaint scenes, mass-fault rules, subscriber
-- records and delimitation tasks.

-- Change counters. Every write of settings or scenes bumps config_version,
-- every write of rules rules_version, in the same transaction: replicas
-- compare them with their in-memory copy before each query.
CREATE TABLE smartcare_versions (
    tenant_id      text   PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    config_version bigint NOT NULL DEFAULT 0,
    rules_version  bigint NOT NULL DEFAULT 0
);

CREATE TABLE smartcare_settings (
    tenant_id           text        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    default_backtrace_s integer     NOT NULL,
    time_zone           text        NOT NULL,
    retention_days      integer     NOT NULL,
    updated_at          timestamptz NOT NULL
);

CREATE TABLE smartcare_scenes (
    tenant_id   text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          text        COLLATE "C" NOT NULL,
    name        text        NOT NULL DEFAULT '',
    scene_codes text[]      NOT NULL, -- sorted
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE smartcare_rules (
    id              bigint      PRIMARY KEY,
    tenant_id       text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    scene_code      text        COLLATE "C" NOT NULL,
    reflection_rule text        COLLATE "C" NOT NULL, -- normalised
    active_from     timestamptz NOT NULL,
    active_until    timestamptz,                      -- NULL while the fault is ongoing
    description     text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX smartcare_rules_identity ON smartcare_rules (tenant_id, scene_code, reflection_rule, active_from);
CREATE INDEX smartcare_rules_tenant ON smartcare_rules (tenant_id, id);

-- Subscriber records: millions a day per tenant, append-only. Partitioned
-- by tenant and UTC day (range over (tenant_id, event_time)), so that
-- retention drops a whole day of a tenant at once and a query touches the
-- one or two partitions of its window. Partitions are created by ingest
-- (see smartcare_record_partitions) and attached, not created as
-- PARTITION OF, which would lock the whole table against queries.
-- Inside a partition a hash index on msisdn finds a subscriber's few
-- records; it costs ingest far less than a B-tree on text.
-- No foreign key: checking one per row would slow COPY, and the tenant is
-- checked once per import.
CREATE TABLE smartcare_records (
    tenant_id  text        COLLATE "C" NOT NULL,
    msisdn     text        COLLATE "C" NOT NULL,
    event_time timestamptz NOT NULL,
    scene_code text        COLLATE "C" NOT NULL,
    dims       text        COLLATE "C" NOT NULL -- KEY=VALUE pairs separated by tabs, sorted by key
) PARTITION BY RANGE (tenant_id, event_time);
CREATE INDEX smartcare_records_msisdn ON smartcare_records USING hash (msisdn);

-- One row per partition of smartcare_records: smartcare_records_p<id>
-- holds tenant_id's records of day (UTC). The primary key makes replicas
-- that ingest the same new day take turns creating its partition.
CREATE TABLE smartcare_record_partitions (
    id        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    tenant_id text   COLLATE "C" NOT NULL,
    day       date   NOT NULL,
    PRIMARY KEY (tenant_id, day)
);

CREATE TABLE smartcare_tasks (
    id          bigint      PRIMARY KEY,
    tenant_id   text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    msisdn      text        NOT NULL,
    fault_time  timestamptz NOT NULL,
    scene_id    text        NOT NULL,
    window_from timestamptz NOT NULL,
    window_to   timestamptz NOT NULL,
    session_id  text        NOT NULL DEFAULT '',
    status      text        NOT NULL, -- queued, running, finished, failed
    attempts    integer     NOT NULL DEFAULT 0,
    claim       bigint,                -- the worker's claim while running
    lease_until timestamptz,
    matches     text        NOT NULL DEFAULT '',
    error       text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE INDEX smartcare_tasks_queue ON smartcare_tasks (id) WHERE status IN ('queued', 'running');
CREATE INDEX smartcare_tasks_finished ON smartcare_tasks (finished_at) WHERE finished_at IS NOT NULL;
