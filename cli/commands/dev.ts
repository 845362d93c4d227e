/**
 * `tessera dev` (what `npm run dev` runs): writes .dev.vars from the example when missing (and
 * its copy for the control plane), applies D1 migrations to local state, seeds local KV from
 * content-variants/, then runs both workers behind the dev router in one `wrangler dev` session
 * (lib/dev-session.ts) on http://127.0.0.1:8787 (override with --port): the site, and the
 * admin API under /admin/. Next to it, the demo origin (demo-origin/, a plain static site) on
 * http://127.0.0.1:8788, which wrangler.toml's ORIGIN_URL points the visitor worker at: /journal
 * and /help come from it through Tessera (origin mode, docs/origin-mode.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { devConfig } from '../lib/dev-keys.ts';
import { devSessionArgs } from '../lib/dev-session.ts';
import { ensureDevVars, syncControlDevVars } from '../lib/dev-vars.ts';
import { CliError } from '../lib/errors.ts';
import { DEMO_ORIGIN_PORT, DEMO_ORIGIN_TOML, LOCAL_STATE, ROOT } from '../lib/paths.ts';
import { seed } from './seed.ts';

export async function dev(port: string, log: (l: string) => void): Promise<number> {
  if (ensureDevVars()) log('wrote .dev.vars from .dev.vars.example (dev-only keys)');
  // The workers refuse weak or shared keys at start-up; say so here, before wrangler starts.
  devConfig();
  syncControlDevVars();
  const wrangler = path.join(ROOT, 'node_modules', '.bin', 'wrangler');
  const migrate = spawnSync(
    wrangler,
    ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', LOCAL_STATE],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CI: 'true' },
      encoding: 'utf8',
    },
  );
  if (migrate.status !== 0)
    throw new CliError(`applying D1 migrations to local state failed:\n${migrate.stdout}`);
  log('applied D1 migrations to local state');
  await seed(log);
  const child = spawn(wrangler, devSessionArgs({ port, persistTo: LOCAL_STATE }), {
    cwd: ROOT,
    stdio: 'inherit',
  });
  // The demo origin in a session of its own: a worker in the main session has no port, and the
  // visitor worker reaches its origin over HTTP, as in production.
  const origin = spawn(wrangler, demoOriginArgs(DEMO_ORIGIN_PORT, await freePort()), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  origin.on('exit', (code) => {
    if (code) log(`the demo origin stopped (exit ${code}): is port ${DEMO_ORIGIN_PORT} in use?`);
  });
  log(
    `demo origin (demo-origin/) on http://127.0.0.1:${DEMO_ORIGIN_PORT}: /journal and /help come from it`,
  );
  const stop = (signal: NodeJS.Signals) => {
    origin.kill(signal);
    child.kill(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // `kill <npm's pid>` stops npm and its shell but not us (Ctrl-C reaches the whole process
  // group; a lone SIGTERM does not): once orphaned, stop wrangler, which stops workerd.
  const parent = process.ppid;
  const orphaned = setInterval(() => process.ppid !== parent && stop('SIGTERM'), 500);
  orphaned.unref();
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearInterval(orphaned);
      origin.kill('SIGTERM');
      resolve(code ?? 0);
    }),
  );
}

/** A port nothing listens on right now (the OS picks it). */
function freePort(): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(String(address.port))
          : reject(new Error('no free port')),
      );
    });
  });
}

/**
 * `wrangler dev` for the demo origin alone (static assets). Its own inspector port: two
 * sessions starting together would otherwise both reach for the same default one.
 */
export function demoOriginArgs(port: string, inspectorPort: string): string[] {
  return [
    'dev',
    '-c',
    DEMO_ORIGIN_TOML,
    '--ip',
    '127.0.0.1',
    '--port',
    port,
    '--inspector-port',
    inspectorPort,
    // Its own state folder: two runtimes must never share one (the site's is LOCAL_STATE).
    '--persist-to',
    path.join(LOCAL_STATE, '..', 'demo-origin-state'),
    '--show-interactive-dev-session=false',
  ];
}
