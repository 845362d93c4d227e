/**
 * Drains spilled decision records (shared/data/decision-spill.ts) into the decision log: run by
 * the cron every 5 minutes. Each record goes in through the queue consumer's own inserts — so a
 * record also queued is stored once, and one whose visitor was erased since is not stored at all
 * (the erasure guard) — and its `dead_letters` row is deleted in the same transaction. A row
 * that is not a decision record stays a dead letter, renamed so the next run skips it.
 */
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import { DECISIONS_QUEUE_NAME, SPILL_REASON } from '../../shared/data/decision-spill.ts';
import { insertStatements } from '../consumers/decisions.ts';

/** Rows per run: a burst larger than this drains over the next runs. */
export const DRAIN_LIMIT = 500;

export interface Drained {
  /** Records now in the decision log (or refused by the erasure guard), their rows deleted. */
  drained: number;
  /** Rows that were not decision records (left as ordinary dead letters). */
  invalid: number;
}

export async function drainSpilledDecisions(db: D1Database, limit = DRAIN_LIMIT): Promise<Drained> {
  const rows = await db
    .prepare(
      'SELECT id, body FROM dead_letters WHERE queue = ?1 AND reason = ?2 ORDER BY id LIMIT ?3',
    )
    .bind(DECISIONS_QUEUE_NAME, SPILL_REASON, limit)
    .all<{ id: number; body: string }>();
  const statements: D1PreparedStatement[] = [];
  let drained = 0;
  let invalid = 0;
  for (const row of rows.results) {
    let parsed: ReturnType<typeof DecisionRecord.safeParse> | undefined;
    try {
      parsed = DecisionRecord.safeParse(JSON.parse(row.body));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      invalid++;
      statements.push(
        db.prepare("UPDATE dead_letters SET reason = 'spill_invalid' WHERE id = ?1").bind(row.id),
      );
      continue;
    }
    drained++;
    statements.push(
      ...insertStatements(db, parsed.data),
      db.prepare('DELETE FROM dead_letters WHERE id = ?1').bind(row.id),
    );
  }
  // One transaction: every drained record is in the log and its row gone, or nothing changed.
  if (statements.length) await db.batch(statements);
  if (drained || invalid)
    console.log(JSON.stringify({ event: 'tessera.decision.drained', drained, invalid }));
  return { drained, invalid };
}
