/**
 * Erasure tombstones (migrations/0004_erasures.sql): an event still in the queue when its sender
 * is erased must not be stored afterwards, nor recreate their profile.
 *
 * The erasure writes, in its own D1 batch, the erased pseudonyms (visitor, customer, and the
 * visitors stitched to that customer) with the erasure time; the events consumer's INSERT skips
 * any event received at or before a tombstone of its visitor or customer — inside the statement
 * it runs anyway, so the guard costs no extra round trip. An event received after the erasure
 * (the visitor browses on with the same cookie, possible after an admin erasure) is stored.
 * The cron prunes tombstones once no queue can hold an older message.
 */
import type { D1Subject } from './d1-scope.ts';

/** Queues keep an unconsumed message 4 days by default: no event queued before can come later. */
export const TOMBSTONE_MS = 4 * 24 * 3600 * 1000;

/**
 * SQL condition for the consumer: none of `subjects` (placeholders, e.g. `?2`) was erased at or
 * after `receivedAt` (a placeholder). A NULL subject matches nothing.
 */
export const notErasedSince = (subjects: string[], receivedAt: string) =>
  `NOT EXISTS (SELECT 1 FROM erasures WHERE subject IN (${subjects.join(', ')}) AND at >= ${receivedAt})`;

const UPSERT =
  'INSERT INTO erasures (subject, at) VALUES (?1, ?2) ON CONFLICT (subject) DO UPDATE SET at = max(at, excluded.at)';

/** Statements for the erasure batch; they must run before its `stitches` are deleted. */
export function tombstoneStatements(
  db: D1Database,
  s: D1Subject,
  nowMs: number,
): D1PreparedStatement[] {
  const statements = [...s.visitors, ...s.customers].map((p) => db.prepare(UPSERT).bind(p, nowMs));
  if (s.customers.length) {
    const marks = s.customers.map((_, i) => `?${i + 2}`).join(', ');
    statements.push(
      db
        .prepare(
          `INSERT INTO erasures (subject, at) SELECT visitor_id, ?1 FROM stitches WHERE customer_id IN (${marks}) ` +
            'ON CONFLICT (subject) DO UPDATE SET at = max(at, excluded.at)',
        )
        .bind(nowMs, ...s.customers),
    );
  }
  return statements;
}

/** Run by the cron: tombstones older than any message a queue can still hold have done their job. */
export async function pruneTombstones(db: D1Database, nowMs: number): Promise<void> {
  await db
    .prepare('DELETE FROM erasures WHERE at < ?1')
    .bind(nowMs - TOMBSTONE_MS)
    .run();
}
