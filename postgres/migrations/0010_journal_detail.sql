-- The request journal says why a request was refused and which keys of
-- its body were ignored.
ALTER TABLE request_journal ADD COLUMN detail text NOT NULL DEFAULT '';
ALTER TABLE request_journal ADD COLUMN ignored_keys text[] NOT NULL DEFAULT '{}';
