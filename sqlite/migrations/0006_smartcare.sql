-- SmartCare: settings, complaint scenes, mass-fault rules, subscriber
-- records and delimitation tasks. Times are epoch milliseconds.

-- Change counters. Every write of settings or scenes bumps config_version,
-- every write of rules rules_version, in the same transaction: replicas
-- compare them with their in-memory copy before each query.
CREATE TABLE smartcare_versions (
    tenant_id      TEXT    PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    config_version INTEGER NOT NULL DEFAULT 0,
    rules_version  INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE smartcare_settings (
    tenant_id           TEXT    PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    default_backtrace_s INTEGER NOT NULL,
    time_zone           TEXT    NOT NULL,
    retention_days      INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE smartcare_scenes (
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          TEXT    NOT NULL,
    name        TEXT    NOT NULL DEFAULT '',
    scene_codes TEXT    NOT NULL, -- sorted, comma-separated: SMS,DATA
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE smartcare_rules (
    id              INTEGER PRIMARY KEY,
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    scene_code      TEXT    NOT NULL,
    reflection_rule TEXT    NOT NULL, -- normalised
    active_from     INTEGER NOT NULL,
    active_until    INTEGER,          -- NULL while the fault is ongoing
    description     TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX smartcare_rules_identity ON smartcare_rules (tenant_id, scene_code, reflection_rule, active_from);
CREATE INDEX smartcare_rules_tenant ON smartcare_rules (tenant_id, id);

-- Subscriber records: millions a day per tenant, append-only. The index
-- leads with the hour of the event (event_time / 3600000) so that a feed
-- arriving in time order inserts into a small, hot part of the index
-- instead of all over it, and so that retention deletes a contiguous
-- range. A query looks up each hour of its window (at most 25) by msisdn.
-- No foreign key: checking one per row would slow ingest, and the tenant
-- is checked once per import.
CREATE TABLE smartcare_records (
    tenant_id  TEXT    NOT NULL,
    hour       INTEGER NOT NULL,
    msisdn     TEXT    NOT NULL,
    event_time INTEGER NOT NULL,
    scene_code TEXT    NOT NULL,
    dims       TEXT    NOT NULL -- KEY=VALUE pairs separated by tabs, sorted by key
) STRICT;
CREATE INDEX smartcare_records_lookup ON smartcare_records (tenant_id, hour, msisdn, event_time);

-- The tenants that have records, for the retention job.
CREATE TABLE smartcare_record_tenants (
    tenant_id TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE smartcare_tasks (
    id          INTEGER PRIMARY KEY,
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    msisdn      TEXT    NOT NULL,
    fault_time  INTEGER NOT NULL,
    scene_id    TEXT    NOT NULL,
    window_from INTEGER NOT NULL,
    window_to   INTEGER NOT NULL,
    session_id  TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL, -- queued, running, finished, failed
    attempts    INTEGER NOT NULL DEFAULT 0,
    claim       INTEGER,          -- the worker's claim while running
    lease_until INTEGER,
    matches     TEXT    NOT NULL DEFAULT '',
    error       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    finished_at INTEGER
) STRICT;
CREATE INDEX smartcare_tasks_queue ON smartcare_tasks (status, id) WHERE status IN ('queued', 'running');
CREATE INDEX smartcare_tasks_finished ON smartcare_tasks (finished_at) WHERE finished_at IS NOT NULL;
