-- Publishing (issue 4): which version is live, moved with compare-and-swap, and the audit trail.
-- D1 is the source of truth for the live version because KV has no compare-and-swap; the KV key
-- `pointer:live` is the fast read-side copy the page path uses (see docs/publishing.md).

-- Exactly one row (id = 1) once anything has been published.
CREATE TABLE IF NOT EXISTS publish_live (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version TEXT NOT NULL,
  -- Milliseconds since the epoch; the next move must be at least 1000 ms later (KV: 1 write/s/key).
  moved_at INTEGER NOT NULL
);

-- Append-only: one row per pointer move (publish or rollback).
CREATE TABLE IF NOT EXISTS publish_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  by TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('publish', 'rollback')),
  from_version TEXT,
  to_version TEXT NOT NULL,
  summary TEXT NOT NULL
);
