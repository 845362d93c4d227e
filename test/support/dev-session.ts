/**
 * A whole local site for tests that run in Node: both workers behind the dev router in one
 * `wrangler dev` session, as `npm run dev` runs them (cli/lib/dev-session.ts), on a free port of
 * 127.0.0.1 with a temporary state folder and the secrets and vars the test chooses.
 *
 * wrangler reads secrets from `.dev.vars` next to each config and applies `--var` to the first
 * worker only, so the session runs from copies of the configs (as JSON, every path made
 * absolute) in a temporary folder, each with its own `.dev.vars`: the developer's own files are
 * never read or written.
 *
 * ```ts
 * const site = await startDevSession({ state, vars: { POINTER_TTL_MS: '0' } });
 * await fetch(`${site.url}/admin/live`, …);   // the control plane
 * await fetch(`${site.url}/`);                 // the visitor worker
 * await site.stop();
 * ```
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEV_CONFIGS, devSessionArgs } from '../../cli/lib/dev-session.ts';
import { DEV_ROUTER_TOML, ROOT } from '../../cli/lib/paths.ts';
import { TEST_ADMIN_KEYS, TEST_VISITOR_KEYS } from './keys.ts';

export interface DevSessionOptions {
  /** `--persist-to`: local KV, D1 and queue state (seed it first, e.g. with `tessera seed`). */
  state: string;
  /** Secrets for both workers; the test keys (test/support/keys.ts) by default. */
  secrets?: Record<string, string>;
  /** Vars that override both workers' `[vars]`, e.g. `{ POINTER_TTL_MS: '0' }`. */
  vars?: Record<string, string>;
}

export interface RunningSession {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A port nothing listens on right now (the OS picks it; we release it for wrangler). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

type Raw = Record<string, unknown> & { main?: string; vars?: Record<string, unknown> };

/** The config as JSON in `dir`, with `main` and `migrations_dir` absolute and `vars` overridden. */
async function copyConfig(config: string, dir: string, o: DevSessionOptions): Promise<string> {
  const { experimental_readRawConfig } = await import('wrangler');
  const raw = { ...(experimental_readRawConfig({ config }).rawConfig as Raw) };
  const from = path.dirname(config);
  delete raw.env; // the top level only: environments name files of their own
  if (raw.main) raw.main = path.resolve(from, raw.main);
  if (Array.isArray(raw.d1_databases))
    raw.d1_databases = raw.d1_databases.map((db: Record<string, unknown>) =>
      typeof db.migrations_dir === 'string'
        ? { ...db, migrations_dir: path.resolve(from, db.migrations_dir) }
        : db,
    );
  const worker = config !== DEV_ROUTER_TOML;
  if (worker && o.vars) raw.vars = { ...raw.vars, ...o.vars };
  const out = path.join(dir, path.basename(from));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'wrangler.json'), JSON.stringify(raw, null, 2));
  if (worker) {
    const secrets = o.secrets ?? { VISITOR_KEYS: TEST_VISITOR_KEYS, ADMIN_KEYS: TEST_ADMIN_KEYS };
    writeFileSync(
      path.join(out, '.dev.vars'),
      Object.entries(secrets)
        // dotenv takes single-quoted values literally (JSON keeps its double quotes).
        .map(([k, v]) => `${k}='${v}'`)
        .join('\n'),
    );
  }
  return path.join(out, 'wrangler.json');
}

/**
 * A free port is only free until someone binds it: another session or test server started between
 * our probe and wrangler's bind takes it ("Address already in use"). Then start again on another.
 */
export async function startDevSession(o: DevSessionOptions): Promise<RunningSession> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(o);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

async function startOnce(o: DevSessionOptions): Promise<RunningSession> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-dev-session-'));
  const configs: string[] = [];
  for (const config of DEV_CONFIGS) configs.push(await copyConfig(config, dir, o));
  const port = await freePort();
  const wrangler = path.join(ROOT, 'node_modules', '.bin', 'wrangler');
  const child = spawn(
    wrangler,
    [
      ...devSessionArgs({ port: String(port), persistTo: o.state, configs }),
      '--log-level',
      'error',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
    },
  );
  let stderr = '';
  child.stderr.on(
    'data',
    (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)),
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, port, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the dev session did not come up within 60 s:\n${stderr}`);
}
