-- Channels (issue 15): where each decision was shown and each event happened — `web` for pages
-- and the browser tracker, or what a decision API caller names (`app`, `email`, `server`, a
-- custom name). Rows written before this migration were all web. Exposures carry the channel of
-- the decision that made them, so experiment and holdout reports can be split by channel
-- (`?channel=` / `tessera report --channel`). Apply before deploying the consumers that write it.
ALTER TABLE decisions ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
ALTER TABLE exposures ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
ALTER TABLE events ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
