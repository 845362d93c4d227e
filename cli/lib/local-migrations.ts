/**
 * Applies migrations/*.sql to the local D1 database through the platform proxy, recording them
 * in wrangler's own `d1_migrations` table, so `wrangler d1 migrations apply --local` and this
 * agree on what is applied. In-process because spawning wrangler costs ~5 s per command.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths.ts';

const MIGRATIONS_DIR = path.join(ROOT, 'migrations');

/** Statements of one migration file: comments dropped, split on `;` at the end of a line. */
export function statements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function applyLocalMigrations(db: D1Database): Promise<string[]> {
  await db
    .prepare(
      `CREATE TABLE IF NOT EXISTS d1_migrations(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT UNIQUE,
        applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
    )
    .run();
  const { results } = await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>();
  const applied = new Set(results.map((r) => r.name));
  const pending = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql') && !applied.has(f))
    .sort();
  for (const name of pending) {
    const sql = statements(readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8'));
    await db.batch([
      ...sql.map((s) => db.prepare(s)),
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?1)').bind(name),
    ]);
  }
  return pending;
}
