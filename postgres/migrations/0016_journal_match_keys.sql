-- Keyed digests of each journaled request's headers and body fields with
-- their values, so that the journal can be queried by a value it keeps
-- masked or does not keep, the value itself not stored; a GIN index
-- answers "carries every one of these digests". The time range is the
-- other filter a query narrows by.
ALTER TABLE request_journal ADD COLUMN match_keys text[] NOT NULL DEFAULT '{}';
CREATE INDEX request_journal_match_keys ON request_journal USING gin (match_keys);
CREATE INDEX request_journal_tenant_at ON request_journal (tenant_id, at);
