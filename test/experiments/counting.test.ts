import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countArms,
  matchesGoal,
  unitOutcomes,
  type EventRow,
  type ExposureRow,
} from '../../shared/experiments/counting.ts';

const HOUR = 3600_000;
const WINDOW = 24 * HOUR;
const click = { event: 'click' } as const;

describe('counting', () => {
  it('counts a visitor in the arm of their first exposure only', () => {
    const counts = countArms(
      ['a', 'b'],
      [
        { unit: 'v1', arm: 'b', at: 2 * HOUR },
        { unit: 'v1', arm: 'a', at: HOUR },
        { unit: 'v1', arm: 'b', at: 3 * HOUR },
      ],
      [{ unit: 'v1', type: 'click', at: 4 * HOUR }],
      click,
      WINDOW,
    );
    expect(counts.map((c) => [c.arm, c.exposures, c.conversions])).toEqual([
      ['a', 1, 1],
      ['b', 0, 0],
    ]);
  });

  it('breaks a tie between two first exposures by arm id, whatever the row order', () => {
    const rows = [
      { unit: 'v1', arm: 'b', at: HOUR },
      { unit: 'v1', arm: 'a', at: HOUR },
    ];
    for (const order of [rows, [...rows].reverse()])
      expect(unitOutcomes(order, [], click, WINDOW)[0]!.arm).toBe('a');
  });

  it('counts a conversion only inside the window that opens at the first exposure', () => {
    const exposures = [
      { unit: 'v1', arm: 'a', at: 10 * HOUR },
      { unit: 'v1', arm: 'a', at: 40 * HOUR }, // a later visit does not reopen the window
    ];
    const at = (t: number): EventRow[] => [{ unit: 'v1', type: 'click', at: t }];
    const converted = (t: number) => unitOutcomes(exposures, at(t), click, WINDOW)[0]!.converted;
    expect(converted(9 * HOUR)).toBe(false);
    expect(converted(10 * HOUR)).toBe(true);
    expect(converted(34 * HOUR)).toBe(true);
    expect(converted(34 * HOUR + 1)).toBe(false);
    expect(converted(41 * HOUR)).toBe(false);
  });

  it('never credits one visitor’s event to another visitor', () => {
    const counts = countArms(
      ['a'],
      [{ unit: 'v1', arm: 'a', at: 0 }],
      [{ unit: 'v2', type: 'click', at: HOUR }],
      click,
      WINDOW,
    );
    expect(counts[0]).toMatchObject({ exposures: 1, conversions: 0 });
  });

  it('counts only exposures of the phase it is asked for', () => {
    const exposures: ExposureRow[] = [
      { unit: 'v1', arm: 'b', at: 0, phase: 'p1' },
      { unit: 'v1', arm: 'a', at: 5 * HOUR, phase: 'p2' },
      { unit: 'v2', arm: 'b', at: 0, phase: null },
    ];
    const events = [{ unit: 'v1', type: 'click', at: 2 * HOUR }];
    // In p2 the visitor's window opens at 5 h: the click at 2 h came before it.
    expect(countArms(['a', 'b'], exposures, events, click, WINDOW, 'p2')).toEqual([
      { arm: 'a', exposures: 1, conversions: 0, events: 0, value: 0 },
      { arm: 'b', exposures: 0, conversions: 0, events: 0, value: 0 },
    ]);
  });

  it('adds up goal events and their value per arm (orders and revenue)', () => {
    const counts = countArms(
      ['a'],
      [
        { unit: 'v1', arm: 'a', at: 0 },
        { unit: 'v2', arm: 'a', at: 0 },
      ],
      [
        { unit: 'v1', type: 'purchase', value: 30, currency: 'EUR', at: HOUR },
        { unit: 'v1', type: 'purchase', value: 20, currency: 'EUR', at: 2 * HOUR },
        { unit: 'v2', type: 'click', at: HOUR },
      ],
      { event: 'purchase' },
      WINDOW,
    );
    expect(counts[0]).toEqual({ arm: 'a', exposures: 2, conversions: 1, events: 2, value: 50 });
  });

  it('matches goals by type, custom name, clicked slot and purchase value and currency', () => {
    const e = (x: Partial<EventRow>): EventRow => ({ unit: 'v', type: 'click', at: 0, ...x });
    expect(matchesGoal({ event: 'click' }, e({ slot: 'footer' }))).toBe(true);
    expect(matchesGoal({ event: 'click', slots: ['hero'] }, e({ slot: 'footer' }))).toBe(false);
    expect(matchesGoal({ event: 'click', slots: ['hero'] }, e({ slot: 'hero' }))).toBe(true);
    expect(matchesGoal({ event: 'click', slots: ['hero'] }, e({}))).toBe(false);
    expect(
      matchesGoal({ event: 'custom', name: 'signup' }, e({ type: 'custom', name: 'signup' })),
    ).toBe(true);
    expect(
      matchesGoal({ event: 'custom', name: 'signup' }, e({ type: 'custom', name: 'other' })),
    ).toBe(false);
    const buy = (value: number, currency = 'EUR') => e({ type: 'purchase', value, currency });
    const big = { event: 'purchase', minValue: 50, currency: 'EUR' } as const;
    expect(matchesGoal(big, buy(50))).toBe(true);
    expect(matchesGoal(big, buy(49.99))).toBe(false);
    expect(matchesGoal(big, buy(500, 'USD'))).toBe(false);
    expect(matchesGoal({ event: 'add_to_cart' }, e({}))).toBe(false);
  });

  it('gives the same counts whatever order the rows arrive in', () => {
    const exposure = fc.record({
      unit: fc.constantFrom('v1', 'v2', 'v3', 'v4'),
      arm: fc.constantFrom('a', 'b'),
      at: fc.integer({ min: 0, max: 100 }).map((h) => h * HOUR),
    });
    const event = fc.record({
      unit: fc.constantFrom('v1', 'v2', 'v3', 'v4', 'v5'),
      type: fc.constantFrom('click', 'page_view'),
      at: fc.integer({ min: 0, max: 130 }).map((h) => h * HOUR),
    });
    fc.assert(
      fc.property(fc.array(exposure), fc.array(event), fc.integer(), (xs, es, seed) => {
        const shuffle = <T>(list: T[]) =>
          list
            .map((x, i) => ({ x, k: Math.sin(seed + i) }))
            .sort((p, q) => p.k - q.k)
            .map((p) => p.x);
        expect(countArms(['a', 'b'], shuffle(xs), shuffle(es), click, WINDOW)).toEqual(
          countArms(['a', 'b'], xs, es, click, WINDOW),
        );
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});
