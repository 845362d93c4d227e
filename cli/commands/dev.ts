/**
 * `tessera dev` (what `npm run dev` runs): writes .dev.vars from the example when missing (and
 * its copy for the control plane), applies D1 migrations to local state, seeds local KV from
 * content-variants/, then runs both workers behind the dev router in one `wrangler dev` session
 * (lib/dev-session.ts) on http://127.0.0.1:8787 (override with --port): the site, the
 * admin API under /admin/ and the marketer console at /console (built first, and rebuilt on
 * every change to its code while the session runs; `tessera console` signs you in).
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildConsole, watchConsole } from '../lib/console-build.ts';
import { devSessionArgs } from '../lib/dev-session.ts';
import { ensureDevVars, syncControlDevVars } from '../lib/dev-vars.ts';
import { CliError } from '../lib/errors.ts';
import { LOCAL_STATE, ROOT } from '../lib/paths.ts';
import { seed } from './seed.ts';

export async function dev(port: string, log: (l: string) => void): Promise<number> {
  if (ensureDevVars()) log('wrote .dev.vars from .dev.vars.example (dev-only keys)');
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
    stdio: 'inherit',
  });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
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
      void watcher.dispose().finally(() => resolve(code ?? 0));
    }),
  );
}
