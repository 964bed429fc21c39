-- Each tenant's share of the delimitation task queue: how many of its
-- tasks are unfinished (queued or running), which the quota bounds, and
-- the claim that last took one of them: workers claim from the tenant
-- served longest ago, so that one tenant's backlog cannot starve another.
CREATE TABLE smartcare_task_queues (
    tenant_id  text    PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    unfinished integer NOT NULL DEFAULT 0,
    served     bigint  NOT NULL DEFAULT 0  -- the claim ID of the latest claim
);
INSERT INTO smartcare_task_queues (tenant_id, unfinished)
    SELECT tenant_id, count(*) FROM smartcare_tasks WHERE status IN ('queued', 'running') GROUP BY tenant_id;
CREATE INDEX smartcare_task_queues_waiting ON smartcare_task_queues (served) WHERE unfinished > 0;

-- A tenant's next task, found without reading the other tenants' queues.
DROP INDEX smartcare_tasks_queue;
CREATE INDEX smartcare_tasks_queue ON smartcare_tasks (tenant_id, id) WHERE status IN ('queued', 'running');
