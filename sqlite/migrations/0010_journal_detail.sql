-- The request journal says why a request was refused and which keys of
-- its body were ignored (a JSON array of strings, '' for none).
ALTER TABLE request_journal ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE request_journal ADD COLUMN ignored_keys TEXT NOT NULL DEFAULT '';
