-- Tessera's D1 schema starts here; each feature adds a numbered migration after this one.
CREATE TABLE IF NOT EXISTS schema_notes (id INTEGER PRIMARY KEY, note TEXT NOT NULL);
