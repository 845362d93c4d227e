/**
 * Sends a decision record on its way: one structured JSON log line, and the DECISIONS queue
 * (consumed by this worker into D1). Runs inside waitUntil, after the response has gone; a
 * queue failure is logged and never reaches the visitor.
 */
import type { DecisionRecord } from '../../shared/schema/decision-record.ts';

export const DECISION_LOG_EVENT = 'tessera.decision';

export async function shipDecision(queue: Queue, record: DecisionRecord): Promise<void> {
  console.log(JSON.stringify({ event: DECISION_LOG_EVENT, ...record }));
  try {
    await queue.send(record, { contentType: 'json' });
  } catch (error) {
    console.error(
      JSON.stringify({
        event: 'tessera.decision.queue_failed',
        id: record.id,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}
