-- What the client of a journaled request saw when it got no answer: the
-- connection reset by a fault rule ('reset'); '' for an answer.
ALTER TABLE request_journal ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
