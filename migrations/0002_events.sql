-- Events, experiment exposures, identity stitches and dead letters (issue 5).
-- Like the decision log, D1 holds pseudonyms (worker/log/pseudonym.ts), never raw visitor or
-- customer ids: `visitor_id`, `customer_id` and `unit_id` are keyed hashes.

-- One row per behavioural event; the primary key is the client's event id, so a redelivered
-- message (queues deliver at least once) inserts nothing. `processed` flips to 1 once the
-- profile update for the event has been written, so a batch that failed half-way redoes it.
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  visitor_id TEXT NOT NULL,
  customer_id TEXT,
  type TEXT NOT NULL,
  name TEXT,
  decision_id TEXT,
  slot TEXT,
  value REAL,
  currency TEXT,
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  processed INTEGER NOT NULL DEFAULT 0,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_visitor_at ON events (visitor_id, at);
CREATE INDEX IF NOT EXISTS events_type_at ON events (type, at);

-- Who was assigned to which arm, when (from the decision log). `unit_id` is the visitor id for
-- sticky assignment, a per-request id otherwise; experiment `_holdout` records the holdout.
CREATE TABLE IF NOT EXISTS exposures (
  decision_id TEXT NOT NULL,
  experiment TEXT NOT NULL,
  arm TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  sticky INTEGER NOT NULL,
  epoch TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (decision_id, experiment)
);
CREATE INDEX IF NOT EXISTS exposures_experiment ON exposures (experiment, unit_id, at);

-- First time a visitor id is seen with a customer id: the anonymous behaviour was merged.
CREATE TABLE IF NOT EXISTS stitches (
  visitor_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (visitor_id, customer_id)
);

-- Messages no consumer could process (schema failures, exhausted retries): kept, never dropped.
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  message_id TEXT,
  reason TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_decision ON events (decision_id);
