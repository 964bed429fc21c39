-- The console and the admin API list a tenant's rules of one scene code a
-- page at a time (WHERE tenant_id = ? AND scene_code = ? AND id > ?
-- ORDER BY id). Without this index that walks every rule of the tenant
-- in ID order, filtering: 34 to 116 ms on PostgreSQL for 100,000 rules.
CREATE INDEX smartcare_rules_scene ON smartcare_rules (tenant_id, scene_code, id);
