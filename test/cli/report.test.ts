import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLocalEnv } from '../../cli/lib/local-env.ts';
import { exposureStatements } from '../../control/consumers/exposures.ts';
import { ROOT, tempDir, tessera } from './run.ts';

/** Applies migrations/ to a local D1 the way `wrangler d1 migrations apply --local` would. */
async function migrate(db: D1Database) {
  const dir = path.join(ROOT, 'migrations');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const sql = readFileSync(path.join(dir, file), 'utf8').replace(/--.*$/gm, '');
    const statements = sql
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

describe('tessera report', () => {
  it('prints exposures, conversions, lift with its interval and the SRM line from local state', async () => {
    const state = tempDir('report');
    expect(tessera(['seed'], { TESSERA_LOCAL_STATE: state }).code).toBe(0);
    const prev = process.env.TESSERA_LOCAL_STATE;
    process.env.TESSERA_LOCAL_STATE = state;
    try {
      await withLocalEnv(async (env) => {
        await migrate(env.DB);
        const rows: D1PreparedStatement[] = [];
        const click = env.DB.prepare(
          "INSERT INTO events (id, visitor_id, type, at, received_at, processed, body) VALUES (?, ?, 'click', ?, ?, 1, '{}')",
        );
        const at = Date.parse('2026-11-20T10:00:00Z');
        for (const [arm, n, converted] of [
          ['welcome-code', 200, 20],
          ['trail-club', 200, 40],
        ] as const) {
          for (let i = 0; i < n; i++) {
            const unitId = `${arm}-${i}`;
            rows.push(
              ...exposureStatements(env.DB, {
                decisionId: `d-${unitId}`,
                unitId,
                sticky: true,
                at,
                exposures: [{ experiment: 'first-visit-cta', arm }],
              }),
            );
            if (i < converted)
              rows.push(click.bind(`e-${unitId}`, unitId, at + 60_000, at + 60_000));
          }
        }
        await env.DB.batch(rows);
      });
    } finally {
      process.env.TESSERA_LOCAL_STATE = prev;
    }
    const r = tessera(['report', 'first-visit-cta'], { TESSERA_LOCAL_STATE: state });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/welcome-code \(control\)\s+200\s+20\s+10\.00%/);
    expect(r.stdout).toMatch(
      /trail-club\s+200\s+40\s+20\.00%\s+\+10\.00 pp \[\+3\.00 pp, \+16\.99 pp\]/,
    );
    expect(r.stdout).toContain('sample ratio: consistent with the configured split');

    const unknown = tessera(['report', 'nope'], { TESSERA_LOCAL_STATE: state });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no experiment "nope" in live bundle');
    expect(unknown.stderr).toContain('known: holdout, first-visit-cta, reviews-bandit');
  }, 90_000);

  it('needs an admin token to report from a deployed worker', () => {
    const r = tessera(['report', 'first-visit-cta', '--target', 'https://shop.example.com'], {
      TESSERA_ADMIN_TOKEN: '',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('set TESSERA_ADMIN_TOKEN');
  });
});
