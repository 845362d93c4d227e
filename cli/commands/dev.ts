/**
 * `tessera dev` (what `npm run dev` runs): writes .dev.vars from the example when missing (and
 * its copy for the control plane), applies D1 migrations to local state, seeds local KV from
 * content-variants/, then runs both workers behind the dev router in one `wrangler dev` session
 * (lib/dev-session.ts) on http://127.0.0.1:8787 (`--port`, or TESSERA_PORT): the site, the
 * admin API under /admin/ and the marketer console at /console (built first, and rebuilt on
 * every change to its code while the session runs; `tessera console` signs you in). Once the site
 * answers it prints one "ready" line with the URL and what to run next; the port is noted so
 * `preview`, `decide` and `console` follow it (lib/dev-port.ts). Without internet it says so in
 * one line instead of wrangler's stack trace (lib/dev-output.ts). Next to it, the demo origin
 * (demo-origin/, a plain static site) on http://127.0.0.1:8788, which wrangler.toml's ORIGIN_URL
 * points the visitor worker at: /journal and /help come from it through Tessera (origin mode,
 * docs/origin-mode.md).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { offlineFilter, readyLine } from '../lib/dev-output.ts';
import { rememberDevPort } from '../lib/dev-port.ts';
import { buildConsole, watchConsole } from '../lib/console-build.ts';
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
  const built = await buildConsole();
  log(
    `built the console (${Math.round(built.jsBytes / 1024)} KiB); sign in with \`npx tessera console\``,
  );
  const watcher = await watchConsole(log);
  const child = spawn(wrangler, devSessionArgs({ port, persistTo: LOCAL_STATE }), {
    cwd: ROOT,
    stdio: ['inherit', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const filter = offlineFilter();
  relay(child, filter);
  const forgetPort = rememberDevPort(port);
  // The demo origin in a session of its own: a worker in the main session has no port, and the
  // visitor worker reaches its origin over HTTP, as in production.
  const origin = spawn(wrangler, demoOriginArgs(DEMO_ORIGIN_PORT, await freePort()), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  relay(origin, filter);
  origin.on('exit', (code) => {
    if (code) log(`the demo origin stopped (exit ${code}): is port ${DEMO_ORIGIN_PORT} in use?`);
  });
  void whenReady(port, child).then((ready) => ready && log(readyLine(port, DEMO_ORIGIN_PORT)));
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
      forgetPort();
      origin.kill('SIGTERM');
      void watcher.dispose().finally(() => resolve(code ?? 0));
    }),
  );
}

/** Copies a child's output to ours, line by line, through the offline filter. */
function relay(child: ChildProcess, filter: ReturnType<typeof offlineFilter>): void {
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    if (!from) continue;
    createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => {
      const out = filter.next(line);
      if (out !== undefined) to.write(`${out}\n`);
    });
  }
}

/** Polls /healthz until the site answers (true), wrangler exits, or two minutes pass (false). */
async function whenReady(port: string, child: ChildProcess): Promise<boolean> {
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 120_000;
  while (!exited && Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!exited)
    console.error(
      `tessera dev: the site did not answer on http://127.0.0.1:${port} within 2 minutes`,
    );
  return false;
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
