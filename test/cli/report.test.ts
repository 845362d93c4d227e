import { describe, expect, it } from 'vitest';
import { withLocalEnv } from '../../cli/lib/local-env.ts';
import { applyLocalMigrations } from '../../cli/lib/local-migrations.ts';
import { phaseOf } from '../../shared/experiments/phase.ts';
import { readPointer, readVersion } from '../../shared/publish/store.ts';
import { exposureStatements } from '../../control/consumers/exposures.ts';
import { copyContent } from './content-copy.ts';
import { tempDir, runCli } from './run.ts';

describe('tessera report', () => {
  it('prints exposures, conversions, lift with its interval and the SRM line from local state', async () => {
    const state = tempDir('report');
    expect(
      (await runCli(['seed', '--dir', copyContent()], { TESSERA_LOCAL_STATE: state })).code,
    ).toBe(0);
    const prev = process.env.TESSERA_LOCAL_STATE;
    process.env.TESSERA_LOCAL_STATE = state;
    try {
      await withLocalEnv(async (env) => {
        await applyLocalMigrations(env.DB); // what `tessera seed` applied, plus nothing
        // Exposures record the phase of the experiment as published (shared/experiments/phase.ts).
        const live = await readVersion(env.CONTENT, (await readPointer(env.CONTENT))!.version);
        const phase = phaseOf(live!.experiments!.find((e) => e.id === 'first-visit-cta')!);
        const rows: D1PreparedStatement[] = [];
        const click = env.DB.prepare(
          "INSERT INTO events (id, visitor_id, type, slot, at, received_at, processed, body) VALUES (?, ?, 'click', 'cta', ?, ?, 1, '{}')",
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
                exposures: [{ experiment: 'first-visit-cta', arm, slots: ['cta'], phase }],
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
    const r = await runCli(['report', 'first-visit-cta'], { TESSERA_LOCAL_STATE: state });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/welcome-code \(control\)\s+200\s+20\s+10\.00%/);
    expect(r.stdout).toMatch(
      /trail-club\s+200\s+40\s+20\.00%\s+\+10\.00 pp \[\+3\.00 pp, \+16\.99 pp\]/,
    );
    expect(r.stdout).toContain('sample ratio: consistent with the configured split');
    expect(r.stdout).toContain('RESULT: trail-club converts better than welcome-code');
    expect(r.stdout).toMatch(/phase [0-9a-f]{16}: 400 visitors since 2026-11-20 10:00/);

    const unknown = await runCli(['report', 'nope'], { TESSERA_LOCAL_STATE: state });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no experiment "nope" in live bundle');
    expect(unknown.stderr).toContain('known: holdout, first-visit-cta, reviews-bandit');
  }, 90_000);

  it('needs an admin token to report from a deployed worker', async () => {
    const r = await runCli(['report', 'first-visit-cta', '--target', 'https://shop.example.com'], {
      TESSERA_ADMIN_TOKEN: '',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('set TESSERA_ADMIN_TOKEN');
  });
});
