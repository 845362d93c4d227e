/**
 * The decision log's durable fallback (issue 19): a decision record the DECISIONS queue would
 * not take after every retry is written by the visitor worker straight into D1 `dead_letters`
 * (queue `tessera-decisions`, reason `queue_send_failed`), with its visitor pseudonym in the
 * subject column (so access and erasure find it). The control plane's cron drains those rows
 * into the decision log through the same inserts — and the same erasure guard — as the queue
 * consumer, deleting each row in the same transaction. docs/reliability.md has the whole path.
 */
import type { DecisionRecord } from '../schema/decision-record.ts';

export const DECISIONS_QUEUE_NAME = 'tessera-decisions';
export const SPILL_REASON = 'queue_send_failed';

/** One spilled record as a `dead_letters` row. */
export function spillStatement(
  db: D1Database,
  record: DecisionRecord,
  attempts: number,
  nowMs: number,
): D1PreparedStatement {
  return db
    .prepare(
      'INSERT INTO dead_letters (queue, message_id, reason, body, attempts, at, visitor, customer) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)',
    )
    .bind(
      DECISIONS_QUEUE_NAME,
      record.id,
      SPILL_REASON,
      JSON.stringify(record),
      attempts,
      nowMs,
      record.visitor,
    );
}
