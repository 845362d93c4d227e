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
 * ORIGIN_URL points at it, so /journal and /help come from it through Tessera.
 *
 * The site starts in the background: every project's globalSetup runs before the first test of
 * any project, and ~30 s of seeding and two wrangler starts held back the whole suite. The tests
 * wait for it where they need it (test/support/demo-site.ts):
 *
 * ```ts
 * const origin = await demoSite(); // e.g. http://127.0.0.1:41234, once it answers
 * ```
 *
 * Tests may read and write visitors' state (cookies, events) but must not publish to this site:
 * other files share it. A test that needs its own content starts its own site.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { demoOriginArgs } from '../../cli/commands/dev.ts';
import { chromiumPath } from './browser.ts';
import { freePort } from './dev-session.ts';
import { TEST_ADMIN_KEYS, TEST_VISITOR_KEYS } from './keys.ts';
import { writeStatus } from './browser-site-status.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * A file the site's start-up writes once it is done: `ready <origin>` or `failed <why>`
     * (read it with `demoSite()`, test/support/demo-site.ts).
     */
    siteStatus: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export default function startSite({ provide }: TestProject): () => Promise<void> {
  const state = mkdtempSync(path.join(tmpdir(), 'tessera-browser-state-'));
  const status = path.join(state, 'status');
  provide('siteStatus', status);
  const started = boot(state).then(
    (site) => {
      writeStatus(status, `ready ${site.origin}`);
      console.log(`browser tests: demo site at ${site.origin}, Chromium ${site.browser}`);
      return site;
    },
    (error: unknown) => {
      writeStatus(status, `failed ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    },
  );
  return async () => {
    const site = await started;
    await site?.stop();
    rmSync(state, { recursive: true, force: true });
  };
}

/** Seeds the state, unpacks Chromium, starts the demo origin and the site (in that order). */
async function boot(state: string) {
  const seeded = await runSeed(path.join(state, 'v3'));
  if (seeded.code !== 0)
    throw new Error(`browser tests: seeding the demo site failed:\n${seeded.stderr}`);
  const [browser, port] = await Promise.all([chromiumPath(), freePort()]);
  const demoOrigin = await startDemoOrigin(state);
  try {
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
    return {
      origin: `http://127.0.0.1:${worker.port}`,
      browser,
      stop: async () => {
        await worker.stop();
        await demoOrigin.stop();
      },
    };
  } catch (error) {
    await demoOrigin.stop();
    throw error;
  }
}

/** `tessera seed` into a state folder, as a child process (never blocking this one). */
function runSeed(localState: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'cli', 'tessera.mjs'), 'seed'], {
      cwd: ROOT,
      env: { ...process.env, TESSERA_LOCAL_STATE: localState },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve({ code: 1, stderr: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
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
