-- The change feed (package changefeed): every committed write that changes
-- an entity some replica keeps in memory notifies the channel
-- aiccd_changes, in its own transaction, through the triggers below.
-- PostgreSQL delivers a notification only once its transaction has
-- committed, to every replica's LISTEN connection; the payload is
-- "kind key".
CREATE FUNCTION aiccd_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := to_jsonb(OLD);
    ELSE
        r := to_jsonb(NEW);
    END IF;
    -- TG_ARGV: the kind of change, then the column holding its key.
    PERFORM pg_notify('aiccd_changes', TG_ARGV[0] || ' ' || (r ->> TG_ARGV[1]));
    RETURN NULL;
END
$$;

-- Tokens are named by their hash in hex.
CREATE FUNCTION aiccd_notify_token_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('aiccd_changes', 'token ' || encode(OLD.hash, 'hex'));
    ELSE
        PERFORM pg_notify('aiccd_changes', 'token ' || encode(NEW.hash, 'hex'));
    END IF;
    RETURN NULL;
END
$$;

-- Creations change nothing cached (a miss reads the database); updates and
-- deletions do.
CREATE TRIGGER tenants_changed AFTER UPDATE OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('tenant', 'id');
CREATE TRIGGER app_keys_changed AFTER UPDATE OR DELETE ON app_keys
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('app_key', 'app_key');

-- A token is revoked by setting revoked_at. Deleting an expired token
-- (the hourly purge) changes nothing a replica may hold: expiry is checked
-- on every use.
CREATE TRIGGER tokens_revoked AFTER UPDATE OF revoked_at ON tokens
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_token_change();
CREATE TRIGGER tokens_deleted AFTER DELETE ON tokens
    FOR EACH ROW WHEN (OLD.expires_at > now()) EXECUTE FUNCTION aiccd_notify_token_change();

CREATE TRIGGER accounts_changed AFTER UPDATE OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('account', 'id');
CREATE TRIGGER iam_users_changed AFTER UPDATE OR DELETE ON iam_users
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('iam_user', 'id');
CREATE TRIGGER access_keys_changed AFTER UPDATE OR DELETE ON access_keys
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('access_key', 'ak');

-- Replicas hold the active fault rules: a new rule, a deleted one and a
-- counted one spent change them; counting down does not.
CREATE TRIGGER faults_changed AFTER INSERT OR DELETE ON faults
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('fault', 'id');
CREATE TRIGGER faults_spent AFTER UPDATE OF remaining ON faults
    FOR EACH ROW WHEN (NEW.remaining = 0) EXECUTE FUNCTION aiccd_notify_change('fault', 'id');

-- Every write of a tenant's SmartCare settings, scenes or rules bumps its
-- versions in the same transaction.
CREATE TRIGGER smartcare_versions_changed AFTER INSERT OR UPDATE ON smartcare_versions
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('smartcare', 'tenant_id');
