/**
 * `tessera dev` (what `npm run dev` runs): writes .dev.vars from the example when missing,
 * seeds local KV from content-variants/, then serves the demo site with `wrangler dev` on
 * http://127.0.0.1:8787 (override with --port).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDevVars } from '../lib/dev-vars.ts';
import { ROOT } from '../lib/paths.ts';
import { seed } from './seed.ts';

export async function dev(port: string, log: (l: string) => void): Promise<number> {
  if (ensureDevVars()) log('wrote .dev.vars from .dev.vars.example (dev-only keys)');
  await seed(log);
  const wrangler = path.join(ROOT, 'node_modules', '.bin', 'wrangler');
  const child = spawn(wrangler, ['dev', '--ip', '127.0.0.1', '--port', port, '--show-interactive-dev-session=false'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}
