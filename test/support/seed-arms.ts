/**
 * Exposed visitors of one experiment arm, and what they did afterwards, written to D1 with the
 * decision-log consumer's own statements (control/consumers/exposures.ts) — how the report,
 * rollup and console tests get data without a page view per visitor. Takes the D1 to write to
 * (the test's binding, or test/support/local-d1.ts's), so it runs in workerd and in Node alike.
 */
import { exposureStatements } from '../../control/consumers/exposures.ts';

export interface SeedEvent {
  /** Unique within the arm, e.g. `c3` for visitor 3's click (the row's id is `<tag>-<id>`). */
  id: string;
  type: string;
  at: number;
  slot?: string | null;
  value?: number | null;
  currency?: string | null;
}

export interface ArmSeed {
  experiment: string;
  arm: string;
  phase: string;
  slot: string;
  visitors: number;
  /** When visitor `i` was exposed (ms since the epoch). */
  at: (i: number) => number;
  /** What visitor `i` (exposed at `at`) did: its events. */
  events?: (i: number, at: number) => SeedEvent[];
  /** Prefix of the visitors' ids; unique per call by default. */
  tag?: string;
}

let unique = 0;

/** Writes the arm's visitors (`<tag>-u<i>`), their exposures and events; returns the tag. */
export async function seedArm(db: D1Database, s: ArmSeed): Promise<string> {
  const tag = s.tag ?? `${s.experiment}-${s.arm}-${unique++}`;
  const event = db.prepare(
    'INSERT INTO events (id, visitor_id, type, slot, value, currency, at, received_at, processed, body) ' +
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, '{}')",
  );
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < s.visitors; i++) {
    const unitId = `${tag}-u${i}`;
    const at = s.at(i);
    statements.push(
      ...exposureStatements(db, {
        decisionId: `${tag}-d${i}`,
        unitId,
        sticky: true,
        at,
        exposures: [{ experiment: s.experiment, arm: s.arm, phase: s.phase, slots: [s.slot] }],
      }),
    );
    for (const e of s.events?.(i, at) ?? [])
      statements.push(
        event.bind(
          `${tag}-${e.id}`,
          unitId,
          e.type,
          e.slot ?? null,
          e.value ?? null,
          e.currency ?? null,
          e.at,
          e.at,
        ),
      );
  }
  for (let i = 0; i < statements.length; i += 200) await db.batch(statements.slice(i, i + 200));
  return tag;
}
