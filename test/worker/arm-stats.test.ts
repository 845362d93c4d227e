/**
 * The D1 reader feeds the very counting the simulations drive (shared/experiments/counting.ts):
 * on seeded random rows, reading D1 page by page gives exactly what counting all rows at once
 * gives — so the simulations' figures are the report's figures.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArmCounts, readPhases } from '../../shared/experiments/arm-stats.ts';
import { countArms, type EventRow, type ExposureRow } from '../../shared/experiments/counting.ts';
import { mulberry32 } from '../../shared/experiments/random.ts';

const HOUR = 3600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const ARMS = ['a', 'b', 'c'];
const GOAL = { event: 'click', slots: ['hero'] } as const;
const WINDOW = 24 * HOUR;

const exposures: (ExposureRow & { sticky: boolean })[] = [];
const events: EventRow[] = [];

beforeAll(async () => {
  await env.DB.exec('DELETE FROM exposures; DELETE FROM events;');
  const rng = mulberry32(12);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  for (let u = 0; u < 400; u++) {
    const unit = `u${String(Math.floor(rng() * 1e9)).padStart(9, '0')}`;
    const sticky = rng() > 0.05;
    for (let k = 1 + Math.floor(rng() * 3); k > 0; k--)
      exposures.push({
        unit,
        arm: pick(ARMS),
        at: T0 + Math.floor(rng() * 72) * HOUR,
        phase: pick(['p1', 'p2', 'p2', null]),
        sticky,
      });
    for (let k = Math.floor(rng() * 3); k > 0; k--)
      events.push({
        unit,
        type: pick(['click', 'click', 'page_view']),
        slot: pick(['hero', 'cta']),
        at: T0 + Math.floor(rng() * 100) * HOUR,
      });
  }
  const insertExposure = env.DB.prepare(
    'INSERT INTO exposures (decision_id, experiment, arm, unit_id, sticky, at, phase) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertEvent = env.DB.prepare(
    "INSERT INTO events (id, visitor_id, type, slot, at, received_at, processed, body) VALUES (?, ?, ?, ?, ?, ?, 1, '{}')",
  );
  await env.DB.batch([
    ...exposures.map((x, i) =>
      insertExposure.bind(`d${i}`, 'diff-test', x.arm, x.unit, x.sticky ? 1 : 0, x.at, x.phase),
    ),
    ...events.map((e, i) => insertEvent.bind(`e${i}`, e.unit, e.type, e.slot, e.at, e.at)),
  ]);
});

describe('readArmCounts', () => {
  for (const pageUnits of [64, 2000]) {
    it(`counts D1 page by page (${pageUnits} rows a page) exactly as the pure counting does`, async () => {
      const read = await readArmCounts(
        env.DB,
        { experiment: 'diff-test', phase: 'p2', arms: ARMS, goal: GOAL, windowMs: WINDOW },
        pageUnits,
      );
      const sticky = exposures.filter((x) => x.sticky);
      expect(read.arms).toEqual(countArms(ARMS, sticky, events, GOAL, WINDOW, 'p2'));
      expect(read.arms.reduce((s, a) => s + a.exposures, 0)).toBeGreaterThan(200);
      expect(read.arms.some((a) => a.conversions > 0)).toBe(true);
      const perRequest = new Set(
        exposures.filter((x) => !x.sticky && x.phase === 'p2').map((x) => x.unit),
      );
      expect(read.excluded).toBe(perRequest.size);
    });
  }

  it('lists every phase with its first and last exposure, oldest first', async () => {
    const phases = await readPhases(env.DB, 'diff-test');
    expect(phases.map((p) => p.phase).sort()).toEqual([null, 'p1', 'p2'].sort());
    for (const p of phases) {
      const rows = exposures.filter((x) => x.phase === p.phase);
      expect(p.first).toBe(Math.min(...rows.map((x) => x.at)));
      expect(p.units).toBe(new Set(rows.map((x) => x.unit)).size);
    }
  });
});
