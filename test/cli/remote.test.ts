import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history, rollback } from '../../cli/commands/history.ts';
import { publish } from '../../cli/commands/publish.ts';
import { adminToken } from '../../cli/commands/token.ts';
import { devVars } from '../../cli/lib/dev-vars.ts';
import { applyLocalMigrations } from '../../cli/lib/local-migrations.ts';
import { WRANGLER_TOML } from '../../cli/lib/paths.ts';
import { copyContent, editJson } from './content-copy.ts';
import { startDevSession } from '../support/dev-session.ts';
import { tempDir } from './run.ts';

/**
 * `--target http://127.0.0.1:<port>`: the CLI against the real workers (both, behind the dev
 * router in one wrangler dev session, on a free port and a temporary state folder), through the
 * admin API; the page comes from the visitor worker.
 */
describe('tessera publish / history / rollback --target <url> (admin API)', () => {
  const state = tempDir('remote-state');
  let port = 0;
  let url = '';
  const dir = copyContent();
  let stop: () => Promise<void>;
  const saved = process.env.TESSERA_ADMIN_TOKEN;

  const headline = async () =>
    (await (await fetch(`${url}/`)).text()).match(/<title>([^<]*)<\/title>/)?.[1] ?? '';
  const quiet = () => {};

  beforeAll(async () => {
    const { getPlatformProxy } = await import('wrangler');
    const proxy = await getPlatformProxy<{ DB: D1Database }>({
      configPath: WRANGLER_TOML,
      persist: { path: path.join(state, 'v3') },
    });
    await applyLocalMigrations(proxy.env.DB);
    await proxy.dispose();
    // The keys the CLI mints its admin tokens with.
    const keys = devVars();
    const site = await startDevSession({
      state,
      secrets: { VISITOR_KEYS: keys.VISITOR_KEYS!, ADMIN_KEYS: keys.ADMIN_KEYS! },
      vars: { POINTER_TTL_MS: '0' },
    });
    ({ port, url, stop } = site);
  }, 90_000);
  afterAll(async () => {
    process.env.TESSERA_ADMIN_TOKEN = saved;
    await stop?.();
  });

  it('publishes, changes the page, rolls back, and changes it back; history names the token’s subject', async () => {
    process.env.TESSERA_ADMIN_TOKEN = await adminToken('publish,read', 'ana@shop.test', undefined);
    const out: string[] = [];
    await publish(dir, url, false, { port: String(port) }, (l) => void out.push(l));
    expect(out[0]).toMatch(
      /^published version [0-9a-f]{16} to http:\/\/127\.0\.0\.1:\d+ \(was nothing\)$/,
    );
    const before = await headline();

    editJson(
      dir,
      'site.json',
      (s) => void ((s.site as Record<string, unknown>).name = 'Remote Rename'),
    );
    await new Promise((r) => setTimeout(r, 1100)); // the worker allows one pointer move per second
    await publish(dir, url, false, { port: String(port) }, quiet);
    expect(await headline()).toContain('Remote Rename');

    await new Promise((r) => setTimeout(r, 1100));
    await rollback(undefined, url, { port: String(port) }, quiet);
    expect(await headline()).toBe(before);

    const lines: string[] = [];
    await history(url, 10, { port: String(port) }, (l) => void lines.push(l));
    expect(lines.join('\n')).toMatch(/rollback .* by ana@shop\.test/);
    expect(lines.filter((l) => /^\d{4}-/.test(l))).toHaveLength(3);
  }, 60_000);

  it('reports a token without the publish scope precisely, and changes nothing', async () => {
    process.env.TESSERA_ADMIN_TOKEN = await adminToken('read', undefined, undefined);
    editJson(
      dir,
      'site.json',
      (s) => void ((s.site as Record<string, unknown>).name = 'Not allowed'),
    );
    await expect(publish(dir, url, false, { port: String(port) }, quiet)).rejects.toThrow(
      /refused the admin token \(403 insufficient_scope\): this route needs the "publish" scope/,
    );
    expect(await headline()).not.toContain('Not allowed');
  });

  it('reports a bad token as a 401', async () => {
    process.env.TESSERA_ADMIN_TOKEN = 'not-a-token';
    await expect(history(url, 10, { port: String(port) }, quiet)).rejects.toThrow(
      /refused the admin token \(401 invalid_token\)/,
    );
  });
});
