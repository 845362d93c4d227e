/**
 * What `npm run deploy` would ship (`wrangler deploy --dry-run --env production`): bench-only
 * routes stay off because nothing turns them on (issue 13 #11).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './run.ts';

describe('the production build', () => {
  it('sets no BENCH_ROUTES in any wrangler environment of either worker', () => {
    for (const config of ['wrangler.toml', 'control/wrangler.toml'])
      expect(readFileSync(path.join(ROOT, config), 'utf8')).not.toMatch(/BENCH_ROUTES/);
  });

  it('ships the visitor worker with only the documented vars, so the bare benchmark route is off', () => {
    const run = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'wrangler'),
      ['deploy', '--dry-run', '--env', 'production', '--outdir', tempDir('dry-run')],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } },
    );
    expect(run.status).toBe(0);
    const vars = [...run.stdout.matchAll(/env\.(\w+) \([^)]*\)\s+Environment Variable/g)].map(
      (m) => m[1],
    );
    expect(vars.sort()).toEqual(['KV_DEADLINE_MS', 'POINTER_TTL_MS']);
    expect(run.stdout).not.toMatch(/BENCH_ROUTES/);
  }, 120_000);
});
