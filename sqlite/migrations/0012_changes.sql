-- The change feed (package changefeed): every committed write that changes
-- an entity some process keeps in memory adds a row here, in its own
-- transaction, through the triggers below; every serving process reads the
-- new rows when PRAGMA data_version tells it the file changed, and forgets
-- what they name. seq gives the commit order (one writer at a time);
-- AUTOINCREMENT never reuses a number once old rows are deleted.
CREATE TABLE changes (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT    NOT NULL,
    key  TEXT    NOT NULL,
    at   INTEGER NOT NULL DEFAULT (CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER)) -- epoch milliseconds
) STRICT;
CREATE INDEX changes_at ON changes (at);

-- Creations change nothing cached (a miss reads the database); updates and
-- deletions do.
CREATE TRIGGER tenants_changed AFTER UPDATE ON tenants
BEGIN INSERT INTO changes (kind, key) VALUES ('tenant', NEW.id); END;
CREATE TRIGGER tenants_deleted AFTER DELETE ON tenants
BEGIN INSERT INTO changes (kind, key) VALUES ('tenant', OLD.id); END;

CREATE TRIGGER app_keys_changed AFTER UPDATE ON app_keys
BEGIN INSERT INTO changes (kind, key) VALUES ('app_key', NEW.app_key); END;
CREATE TRIGGER app_keys_deleted AFTER DELETE ON app_keys
BEGIN INSERT INTO changes (kind, key) VALUES ('app_key', OLD.app_key); END;

-- A token is revoked by setting revoked_at. Deleting an expired token
-- (the hourly purge) changes nothing a process may hold: expiry is checked
-- on every use.
CREATE TRIGGER tokens_revoked AFTER UPDATE OF revoked_at ON tokens
BEGIN INSERT INTO changes (kind, key) VALUES ('token', lower(hex(NEW.hash))); END;
CREATE TRIGGER tokens_deleted AFTER DELETE ON tokens
WHEN OLD.expires_at > CAST(unixepoch('now', 'subsec') * 1000 AS INTEGER)
BEGIN INSERT INTO changes (kind, key) VALUES ('token', lower(hex(OLD.hash))); END;

CREATE TRIGGER accounts_changed AFTER UPDATE ON accounts
BEGIN INSERT INTO changes (kind, key) VALUES ('account', NEW.id); END;
CREATE TRIGGER accounts_deleted AFTER DELETE ON accounts
BEGIN INSERT INTO changes (kind, key) VALUES ('account', OLD.id); END;

CREATE TRIGGER iam_users_changed AFTER UPDATE ON iam_users
BEGIN INSERT INTO changes (kind, key) VALUES ('iam_user', NEW.id); END;
CREATE TRIGGER iam_users_deleted AFTER DELETE ON iam_users
BEGIN INSERT INTO changes (kind, key) VALUES ('iam_user', OLD.id); END;

CREATE TRIGGER access_keys_changed AFTER UPDATE ON access_keys
BEGIN INSERT INTO changes (kind, key) VALUES ('access_key', NEW.ak); END;
CREATE TRIGGER access_keys_deleted AFTER DELETE ON access_keys
BEGIN INSERT INTO changes (kind, key) VALUES ('access_key', OLD.ak); END;

-- Processes hold the active fault rules: a new rule, a deleted one and a
-- counted one spent change them; counting down does not.
CREATE TRIGGER faults_created AFTER INSERT ON faults
BEGIN INSERT INTO changes (kind, key) VALUES ('fault', NEW.id); END;
CREATE TRIGGER faults_spent AFTER UPDATE OF remaining ON faults WHEN NEW.remaining = 0
BEGIN INSERT INTO changes (kind, key) VALUES ('fault', NEW.id); END;
CREATE TRIGGER faults_deleted AFTER DELETE ON faults
BEGIN INSERT INTO changes (kind, key) VALUES ('fault', OLD.id); END;

-- Every write of a tenant's SmartCare settings, scenes or rules bumps its
-- versions in the same transaction.
CREATE TRIGGER smartcare_versions_created AFTER INSERT ON smartcare_versions
BEGIN INSERT INTO changes (kind, key) VALUES ('smartcare', NEW.tenant_id); END;
CREATE TRIGGER smartcare_versions_changed AFTER UPDATE ON smartcare_versions
BEGIN INSERT INTO changes (kind, key) VALUES ('smartcare', NEW.tenant_id); END;
