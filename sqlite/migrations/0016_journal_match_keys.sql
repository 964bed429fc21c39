-- Keyed digests of each journaled request's headers and body fields with
-- their values, so that the journal can be queried by a value it keeps
-- masked or does not keep, the value itself not stored: ' '-separated
-- hex digests, with a space before the first and after the last ('' for
-- none). The time range is the other filter a query narrows by.
ALTER TABLE request_journal ADD COLUMN match_keys TEXT NOT NULL DEFAULT '';
CREATE INDEX request_journal_tenant_at ON request_journal (tenant_id, at);
