-- Gateway tokens are no longer stored: a token carries the numeric ID of
-- its app key, sealed and signed with a key derived from the master key
-- (credential/gatewaytoken.go). The ID is given once and never changes;
-- new keys take the next one (the single writer keeps that race-free).
-- The rowid is not that ID: VACUUM may renumber it.
ALTER TABLE app_keys ADD COLUMN id INTEGER;
UPDATE app_keys SET id = rowid;
CREATE UNIQUE INDEX app_keys_id ON app_keys (id);

-- Tokens stored by earlier versions are of no use to this one.
DELETE FROM tokens WHERE kind = 'gateway';
