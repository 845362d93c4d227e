-- The marketer console (issue 16): drafts kept on the server, and single-use sign-in links.

-- One row per draft: a whole bundle body being edited (it may be invalid while being worked on;
-- it is validated again when previewed or published). Private to its owner for writing; any
-- reader may fetch one by id (`tessera pull draft:<id>`).
CREATE TABLE IF NOT EXISTS console_drafts (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  title TEXT NOT NULL,
  -- The live version the draft was started from (NULL: nothing was live).
  base_version TEXT,
  body TEXT NOT NULL,
  -- +1 on every save; a save names the revision it edited, so two tabs never overwrite each other.
  revision INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  -- Set when the draft was published (the version it became, and when).
  published_version TEXT,
  published_at INTEGER
);
CREATE INDEX IF NOT EXISTS console_drafts_owner ON console_drafts (owner, updated_at);

-- Sign-in links (`tessera console`) are exchanged once: the exchange records the link's jti.
CREATE TABLE IF NOT EXISTS console_links (
  jti TEXT PRIMARY KEY,
  used_at INTEGER NOT NULL,
  -- When the link expires anyway (rows older than that may be pruned).
  expires_at INTEGER NOT NULL
);
