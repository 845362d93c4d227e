/**
 * What D1 holds about a data subject, and its erasure: decision records (`decisions`,
 * `decision_slots`), events, experiment exposures, identity stitches and dead letters. Which
 * rows are theirs is decided in one place, d1-scope.ts, for reading and erasing alike.
 */
import { D1_TABLES, subjectScope, type D1Subject, type D1Table } from './d1-scope.ts';
import { tombstoneStatements } from './tombstones.ts';

export type { D1Subject } from './d1-scope.ts';

const LIMIT = 1000;

/** What access shows per table: never the pseudonyms themselves, which mean nothing to anyone. */
const SHOWN: Record<Exclude<D1Table, 'decision_slots'>, { columns: string; order: string }> = {
  decisions: {
    columns: 'id, at, version, page, consent, profile, context, reasons',
    order: 'at DESC',
  },
  events: {
    columns: 'id, type, name, decision_id, slot, value, currency, at, received_at, body',
    order: 'at DESC',
  },
  exposures: { columns: 'decision_id, experiment, arm, sticky, epoch, at', order: 'at DESC' },
  stitches: { columns: 'at', order: 'at DESC' },
  dead_letters: { columns: 'queue, reason, body, at', order: 'at DESC' },
};

export interface HeldInD1 {
  decisions: unknown[];
  events: unknown[];
  exposures: unknown[];
  stitches: unknown[];
  deadLetters: unknown[];
}

export interface ErasedInD1 {
  decisions: number;
  events: number;
  exposures: number;
  stitches: number;
  deadLetters: number;
}

/** Every table in one batch, so the answer is one consistent snapshot. */
export async function readHeldInD1(db: D1Database, s: D1Subject): Promise<HeldInD1> {
  const scope = subjectScope(s);
  const tables = ['decisions', 'events', 'exposures', 'stitches', 'dead_letters'] as const;
  const results = await db.batch(
    tables.map((t) =>
      db
        .prepare(
          `SELECT ${SHOWN[t].columns} FROM ${t} WHERE ${scope[t].sql} ORDER BY ${SHOWN[t].order} LIMIT ${LIMIT}`,
        )
        .bind(...scope[t].params),
    ),
  );
  const rows = (i: number) => results[i]?.results ?? [];
  return {
    decisions: rows(0),
    events: rows(1),
    exposures: rows(2),
    stitches: rows(3),
    deadLetters: rows(4),
  };
}

/**
 * One batch, so one transaction: all of it goes, or none and the caller retries. Tombstones
 * first (tombstones.ts), then d1-scope.ts's order: rows found through other tables before
 * `stitches`, which goes last.
 */
export async function eraseInD1(db: D1Database, s: D1Subject, nowMs: number): Promise<ErasedInD1> {
  const scope = subjectScope(s);
  const tombstones = tombstoneStatements(db, s, nowMs);
  const order = D1_TABLES; // children before parents, `stitches` last (d1-scope.ts)
  const results = await db.batch([
    ...tombstones,
    ...order.map((t) =>
      db.prepare(`DELETE FROM ${t} WHERE ${scope[t].sql}`).bind(...scope[t].params),
    ),
  ]);
  const changes = (t: (typeof order)[number]) =>
    results[tombstones.length + order.indexOf(t)]?.meta.changes ?? 0;
  return {
    decisions: changes('decisions'),
    events: changes('events'),
    exposures: changes('exposures'),
    stitches: changes('stitches'),
    deadLetters: changes('dead_letters'),
  };
}
