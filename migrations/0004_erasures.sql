-- Erasure tombstones (issue 7). An event accepted just before an erasure may still be in the
-- queue when the erasure runs; without a guard the events consumer would store it afterwards
-- and recreate the profile. So for a few days after an erasure this table keeps the erased
-- subjects' pseudonyms (visitor and `customer:` ones, under every visitor key — never a raw id)
-- and the erasure time; the consumer does not store an event received at or before that time.
-- Rows older than the queues' message retention (4 days) are pruned by the 5-minute cron
-- (worker/privacy/tombstones.ts).
CREATE TABLE IF NOT EXISTS erasures (
  subject TEXT PRIMARY KEY,  -- a pseudonym
  at INTEGER NOT NULL        -- ms since the epoch: events received up to here are not stored
) WITHOUT ROWID;
