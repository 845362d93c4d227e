-- Dead letters name their data subject in columns of their own (issue 13 #4). Access and erasure
-- used to find a subject's dead letters by searching the body for `"visitorId":"<id>"`, which
-- also matched the same text inside an event's free-form `props` — anyone could plant a dead
-- letter in someone else's access report. Now whoever writes a dead letter (the dead-letter
-- consumer; the visitor worker when it spills a decision record) writes the pseudonyms of the
-- message's own sender here, taken from the message's top-level fields, and only these columns
-- are matched. Rows written before this migration have NULL in both: they are matched on the
-- message's top-level fields, parsed as JSON (shared/privacy/d1-scope.ts), never by substring.
ALTER TABLE dead_letters ADD COLUMN visitor TEXT;   -- visitor pseudonym (shared/privacy/pseudonym.ts)
ALTER TABLE dead_letters ADD COLUMN customer TEXT;  -- customer pseudonym, when the message names one
CREATE INDEX IF NOT EXISTS dead_letters_visitor ON dead_letters (visitor);
CREATE INDEX IF NOT EXISTS dead_letters_customer ON dead_letters (customer);
