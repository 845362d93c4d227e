/**
 * The browser project's globalSetup: one demo site for every browser test file, started once per
 * run (wrangler's dev server takes ~15 s to start on two cores; a file that started its own would
 * add that each time).
 *
 * It seeds a temporary local state from `content-variants/` (`tessera seed`, the same code as
 * `npm run dev`), serves it with wrangler's dev server in workerd on a free port of 127.0.0.1 with
 * the test keys (`test/support/keys.ts`, so tests mint cookies and admin tokens with
 * `test/support/tokens.ts`), unpacks the browser once (`test/support/browser.ts`) and hands the
 * site's origin to the tests. Origin mode works as in `npm run dev`: the demo origin
 * (demo-origin/) runs in a wrangler session of its own on another free port, and the worker's
 * ORIGIN_URL points at it, so /journal and /help come from it through Tessera:
 *
 * ```ts
 * import { inject } from 'vitest';
 * const origin = inject('siteOrigin'); // e.g. http://127.0.0.1:41234
 * ```
 *
 * Tests may read and write visitors' state (cookies, events) but must not publish to this site:
 * other files share it. A test that needs its own content starts its own site.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { demoOriginArgs } from '../../cli/commands/dev.ts';
import { chromiumPath } from './browser.ts';
import { freePort } from './dev-session.ts';
import { TEST_ADMIN_KEYS, TEST_VISITOR_KEYS } from './keys.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared demo site, e.g. `http://127.0.0.1:41234` (no trailing slash). */
    siteOrigin: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export default async function startSite({ provide }: TestProject): Promise<() => Promise<void>> {
  const state = mkdtempSync(path.join(tmpdir(), 'tessera-browser-state-'));
  const seeded = spawnSync(process.execPath, [path.join(ROOT, 'cli', 'tessera.mjs'), 'seed'], {
    cwd: ROOT,
    env: { ...process.env, TESSERA_LOCAL_STATE: path.join(state, 'v3') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (seeded.status !== 0)
    throw new Error(`browser tests: seeding the demo site failed:\n${seeded.stderr}`);

  const [browser, port] = await Promise.all([chromiumPath(), freePort()]);
  const demoOrigin = await startDemoOrigin(state);
  const { unstable_dev } = await import('wrangler');
  const worker = await unstable_dev(path.join(ROOT, 'worker', 'index.ts'), {
    config: path.join(ROOT, 'wrangler.toml'),
    ip: '127.0.0.1',
    port,
    persistTo: state,
    vars: {
      VISITOR_KEYS: TEST_VISITOR_KEYS,
      ADMIN_KEYS: TEST_ADMIN_KEYS,
      ORIGIN_URL: demoOrigin.url,
    },
    logLevel: 'none',
    experimental: { disableExperimentalWarning: true },
  });
  const origin = `http://127.0.0.1:${worker.port}`;
  console.log(`browser tests: demo site at ${origin}, Chromium ${browser}`);
  provide('siteOrigin', origin);

  return async () => {
    await worker.stop();
    await demoOrigin.stop();
    rmSync(state, { recursive: true, force: true });
  };
}

/** The demo origin on a free port, ready when it answers (bounded wait). */
async function startDemoOrigin(state: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const [port, inspector] = await Promise.all([freePort(), freePort()]);
  const url = `http://127.0.0.1:${port}`;
  const wrangler = path.join(ROOT, 'node_modules', '.bin', 'wrangler');
  const args = demoOriginArgs(String(port), String(inspector)).map((a) =>
    a.endsWith('demo-origin-state') ? path.join(state, 'demo-origin') : a,
  );
  const child: ChildProcess = spawn(wrangler, args, { cwd: ROOT, stdio: 'ignore' });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null)
      throw new Error(`browser tests: the demo origin exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/journal`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error('browser tests: the demo origin did not answer within 60 s');
}
