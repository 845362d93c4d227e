/**
 * The local D1 of a state folder (`wrangler dev --persist-to <state>`), written from Node without
 * wrangler's platform proxy: a Miniflare of its own runs a small Worker bound to the same database
 * file, and every call is one ordinary HTTP request to it.
 *
 * Why not the platform proxy: its D1 makes a synchronous round trip into workerd for every
 * `prepare` and property read (miniflare's `SynchronousFetcher`), and under a busy suite one of
 * those failed an internal assertion (`message?.id === id`; docs/testing.md). Here nothing is
 * synchronous.
 *
 * ```ts
 * const d1 = await openLocalD1(state);          // state/v3/d1, as wrangler dev reads it
 * await applyLocalMigrations(d1.db);            // the CLI's own migration code
 * await d1.db.batch([d1.db.prepare('INSERT …').bind(1, 'a')]);
 * await d1.dispose();
 * ```
 *
 * Only what the tests' seeds and the migrations use: `prepare`, `bind`, `run`, `all`,
 * `batch`. Bound values travel as JSON (text, numbers, null).
 */
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { WRANGLER_TOML } from '../../cli/lib/paths.ts';

interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs a batch (one transaction) and answers each statement's rows. */
const D1_WORKER = `export default {
  async fetch(request, env) {
    const statements = await request.json();
    try {
      const results = await env.DB.batch(
        statements.map(({ sql, params }) => env.DB.prepare(sql).bind(...params)),
      );
      return Response.json(results.map((r) => r.results ?? []));
    } catch (error) {
      return new Response(String(error && error.message || error), { status: 400 });
    }
  },
};`;

/** The visitor worker's D1 binding and compatibility date, as wrangler.toml declares them. */
async function localConfig(): Promise<{ databaseId: string; compatibilityDate: string }> {
  const { experimental_readRawConfig } = await import('wrangler');
  const { rawConfig } = experimental_readRawConfig({ config: WRANGLER_TOML });
  const databases = (rawConfig.d1_databases ?? []) as { binding: string; database_id?: string }[];
  const databaseId = databases.find((d) => d.binding === 'DB')?.database_id;
  if (!databaseId || !rawConfig.compatibility_date)
    throw new Error('local D1: wrangler.toml names no DB database_id or compatibility_date');
  return { databaseId, compatibilityDate: rawConfig.compatibility_date };
}

export interface LocalD1 {
  db: D1Database;
  dispose(): Promise<void>;
}

export async function openLocalD1(state: string): Promise<LocalD1> {
  const { databaseId, compatibilityDate } = await localConfig();
  const mf = new Miniflare({
    modules: true,
    script: D1_WORKER,
    compatibilityDate,
    d1Databases: { DB: databaseId },
    d1Persist: path.join(state, 'v3', 'd1'),
  });
  await mf.ready;

  const send = async (list: Statement[]): Promise<unknown[][]> => {
    const res = await mf.dispatchFetch('http://d1.local/', {
      method: 'POST',
      body: JSON.stringify(list),
    });
    if (!res.ok) throw new Error(`local D1: ${await res.text()}`);
    return (await res.json()) as unknown[][];
  };
  const statement = (sql: string, params: unknown[] = []) => {
    const one = async () => ({ success: true, results: (await send([{ sql, params }]))[0] });
    return {
      sql,
      params,
      bind: (...values: unknown[]) => statement(sql, values),
      run: one,
      all: one,
    };
  };
  const db = {
    prepare: (sql: string) => statement(sql),
    batch: async (list: Statement[]) =>
      (await send(list.map(({ sql, params }) => ({ sql, params })))).map((results) => ({
        success: true,
        results,
      })),
  };
  // A structural stand-in: only the methods listed above exist (anything else is undefined).
  return { db: db as unknown as D1Database, dispose: () => mf.dispose() };
}
