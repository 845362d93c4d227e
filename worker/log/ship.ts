/**
 * Sends a decision record on its way (issue 19: none may be lost when the queue stumbles).
 * Runs inside waitUntil, after the response has gone; nothing here reaches the visitor.
 *
 *   1. one structured JSON log line (`tessera.decision`, the record itself);
 *   2. the DECISIONS queue, up to SEND_ATTEMPTS tries, each bounded by SEND_TIMEOUT_MS, with
 *      backoff between them (SEND_BACKOFF_MS): at most ~9 s in all, well inside the 30 s a
 *      waitUntil may run after the response;
 *   3. if every try failed: the durable fallback, a `dead_letters` row in D1 that the control
 *      plane's cron drains into the decision log (shared/data/decision-spill.ts);
 *   4. if D1 fails too: `tessera.decision.lost`, a log line carrying the whole record (it holds
 *      the visitor's pseudonym, never their id), the last place it can be recovered from.
 *
 * Every failed try logs `tessera.decision.send_failed`. A send that failed but in fact arrived,
 * followed by a retry or a spill, is stored once: the decision log's inserts ignore a known id.
 * `shipCounts` counts outcomes per isolate (the soak prints them).
 */
import { withDeadline } from '../../shared/data/deadline.ts';
import { spillStatement } from '../../shared/data/decision-spill.ts';
import type { DecisionRecord } from '../../shared/schema/decision-record.ts';

export const DECISION_LOG_EVENT = 'tessera.decision';

export const SEND_ATTEMPTS = 4;
/** Waits before the 2nd, 3rd and 4th try. */
export const SEND_BACKOFF_MS = [50, 200, 800] as const;
/** A send that has not settled by then counts as failed (a hung send must not eat waitUntil). */
export const SEND_TIMEOUT_MS = 2_000;

export interface ShipCounts {
  /** Records that left a render (one per logged page view or decision). */
  rendered: number;
  /** Queued on the first try. */
  firstTry: number;
  /** Queued after one or more retries. */
  afterRetry: number;
  /** Not queued: written to the D1 fallback, drained later. */
  spilled: number;
  /** Neither queued nor spilled: only the `tessera.decision.lost` log line has it. */
  lost: number;
}

export const shipCounts: ShipCounts = {
  rendered: 0,
  firstTry: 0,
  afterRetry: 0,
  spilled: 0,
  lost: 0,
};

export interface ShipTo {
  queue: Queue;
  /** The fallback's database (D1 `dead_letters`). */
  db: D1Database;
  /** The clock, for the fallback row. */
  now?: () => number;
  /** Waits between tries; tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function failed(event: string, record: DecisionRecord, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ event, id: record.id, ...fields }));
}

export async function shipDecision(to: ShipTo, record: DecisionRecord): Promise<void> {
  shipCounts.rendered++;
  console.log(JSON.stringify({ event: DECISION_LOG_EVENT, ...record }));
  const sleep = to.sleep ?? wait;
  for (let attempt = 1; attempt <= SEND_ATTEMPTS; attempt++) {
    const sent = await withDeadline(
      () => to.queue.send(record, { contentType: 'json' }),
      SEND_TIMEOUT_MS,
    );
    if (sent.ok) {
      if (attempt === 1) shipCounts.firstTry++;
      else shipCounts.afterRetry++;
      return;
    }
    const last = attempt === SEND_ATTEMPTS;
    failed('tessera.decision.send_failed', record, {
      attempt,
      of: SEND_ATTEMPTS,
      error:
        sent.cause === 'timeout' ? `no answer within ${SEND_TIMEOUT_MS} ms` : errorText(sent.error),
      next: last ? 'spill' : 'retry',
    });
    if (!last) await sleep(SEND_BACKOFF_MS[attempt - 1] ?? 0);
  }
  try {
    await spillStatement(to.db, record, SEND_ATTEMPTS, (to.now ?? Date.now)()).run();
    shipCounts.spilled++;
    failed('tessera.decision.spilled', record, { to: 'dead_letters' });
  } catch (error) {
    shipCounts.lost++;
    failed('tessera.decision.lost', record, { error: errorText(error), record });
  }
}
