/**
 * Runs before every test file of the workerd projects (vitest.config.ts, `setupFiles`).
 *
 * The files of a project share one workerd (`isolate: false`: starting a workerd per file cost
 * more than most files' tests), so each file starts here from what a workerd of its own would
 * give it: D1 migrated (migrations/, idempotent) and empty, both KV namespaces empty, tokens
 * minted at the wall clock. Tests within
 * a file still share storage: a test that needs "nothing live" says so (`resetPublishing`).
 */
import { applyD1Migrations, env } from 'cloudflare:test';
import { useTokenClock } from './tokens.ts';

// Tokens are minted at the wall clock until a test's worker sets a clock of its own (tokens.ts).
useTokenClock(undefined);

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await emptyD1(env.DB);
await Promise.all([emptyKv(env.CONTENT), emptyKv(env.PROFILES)]);

/** Deletes every row of every table but the migrations log, children before their parents. */
async function emptyD1(db: D1Database): Promise<void> {
  const { results } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' " +
        "AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name != 'd1_migrations' ORDER BY rowid DESC",
    )
    .all<{ name: string }>();
  if (results.length) await db.batch(results.map((t) => db.prepare(`DELETE FROM "${t.name}"`)));
}

async function emptyKv(kv: KVNamespace): Promise<void> {
  for (let cursor: string | undefined; ;) {
    const page = await kv.list(cursor ? { cursor } : {});
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    if (page.list_complete) return;
    cursor = page.cursor;
  }
}
