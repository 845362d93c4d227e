-- Decision log (issue 3): one row per render in `decisions`, one per slot in `decision_slots`.
-- Written only by the DECISIONS queue consumer (worker/log/consumer.ts), never on the page path.
-- Inserts are idempotent (INSERT OR IGNORE on the primary keys) because queues deliver at least once.
CREATE TABLE IF NOT EXISTS decisions (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,            -- ISO 8601, UTC
  version TEXT NOT NULL,       -- bundle version
  page TEXT NOT NULL,          -- page id
  visitor TEXT NOT NULL,       -- keyed hash of the visitor id, never the raw id
  consent TEXT NOT NULL,
  profile TEXT NOT NULL,       -- customer | visitor | none
  context TEXT NOT NULL,       -- JSON object: context summary
  reasons TEXT NOT NULL,       -- JSON array of reason codes
  debug INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS decisions_at ON decisions (at);
CREATE INDEX IF NOT EXISTS decisions_visitor ON decisions (visitor, at);
CREATE INDEX IF NOT EXISTS decisions_version_page ON decisions (version, page);

CREATE TABLE IF NOT EXISTS decision_slots (
  decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,   -- order on the page (a page may list a slot twice)
  slot TEXT NOT NULL,
  variant TEXT NOT NULL,
  level TEXT NOT NULL,         -- individual | segment | cohort | default
  reason TEXT NOT NULL,        -- rule:<id> | nbo:<variant> | affinity:<category> | default:<cause>
  rule TEXT,
  segments TEXT,               -- JSON array, when the rule named segments that were true
  offer TEXT,
  fallback TEXT,               -- JSON array of causes that moved the slot down the ladder
  PRIMARY KEY (decision_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS decision_slots_variant ON decision_slots (slot, variant, level);
