-- A fault rule may answer with a body and headers of its own (an
-- override) and apply only to requests whose JSON body holds given values.
-- body is the JSON as the admin gave it ('' for none); headers and
-- body_match are JSON objects ('' for none).
ALTER TABLE faults ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE faults ADD COLUMN headers TEXT NOT NULL DEFAULT '';
ALTER TABLE faults ADD COLUMN free_form INTEGER NOT NULL DEFAULT 0;
ALTER TABLE faults ADD COLUMN body_match TEXT NOT NULL DEFAULT '';
