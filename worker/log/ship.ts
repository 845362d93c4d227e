/**
 * Sends a decision record on its way (issue 19: none may be lost when the queue stumbles).
 * Runs inside waitUntil, after the response has gone; nothing here reaches the visitor.
 *
 *   1. one structured JSON log line (`tessera.decision`, the record itself);
 *   2. the DECISIONS queue. The first try is shared (group commit, below): records waiting in
 *      this isolate leave together in one `sendBatch`. If that try fails, each record is retried
 *      on its own (`send`) up to SEND_ATTEMPTS tries in all, each bounded by SEND_TIMEOUT_MS,
 *      with backoff between them (SEND_BACKOFF_MS): at most ~9 s in all, well inside the 30 s a
 *      waitUntil may run after the response;
 *   3. if every try failed: the durable fallback, a `dead_letters` row in D1 that the control
 *      plane's cron drains into the decision log (shared/data/decision-spill.ts);
 *   4. if D1 fails too: `tessera.decision.lost`, a log line carrying the whole record (it holds
 *      the visitor's pseudonym, never their id), the last place it can be recovered from.
 *
 * **Group commit.** Per queue binding, at most one shared first try is in flight. A record that
 * arrives while one is in flight waits for it to land, and then the next batch leaves with every
 * record that waited (≤ BATCH_MAX_RECORDS, ≤ BATCH_MAX_CHARS of JSON). One request at a time →
 * batches of one, sent at once, as before; under load, one queue call for many records instead of
 * one each (docs/performance.md, "The decision record's send"). A record's own request waits in
 * its waitUntil until the try carrying it lands, so it never outlives what it depends on; a
 * flight that has not landed within SEND_TIMEOUT_MS + FLIGHT_GRACE_MS (its request cancelled)
 * counts as a failed first try for the records it carried, and no longer blocks the next batch.
 *
 * Every failed try logs `tessera.decision.send_failed`, per record. A send that failed but in
 * fact arrived, followed by a retry or a spill, is stored once: the decision log's inserts ignore
 * a known id. `shipCounts` counts outcomes per isolate (the soak prints them).
 */
import { withDeadline, type Outcome } from '../../shared/data/deadline.ts';
import { spillStatement } from '../../shared/data/decision-spill.ts';
import type { DecisionRecord } from '../../shared/schema/decision-record.ts';

export const DECISION_LOG_EVENT = 'tessera.decision';

export const SEND_ATTEMPTS = 4;
/** Waits before the 2nd, 3rd and 4th try. */
export const SEND_BACKOFF_MS = [50, 200, 800] as const;
/** A send that has not settled by then counts as failed (a hung send must not eat waitUntil). */
export const SEND_TIMEOUT_MS = 2_000;
/** Queues take at most 100 messages and 256 KB in one `sendBatch`. */
export const BATCH_MAX_RECORDS = 100;
/** Characters of JSON per batch: ≤ 256 KB even if every character took three bytes. */
export const BATCH_MAX_CHARS = 80_000;
/** How long past its deadline a shared try may take to land before its records move on. */
const FLIGHT_GRACE_MS = 1_000;
/**
 * How long a shared try waits for company before it leaves (unless its batch is full first): a
 * record's trip to the queue takes this much longer, after the response, in exchange for one
 * queue call per batch instead of one per record.
 */
export const BATCH_LINGER_MS = 20;

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
  /** Queue calls made (`sendBatch` for shared first tries, `send` for retries). */
  queueCalls: number;
}

export const shipCounts: ShipCounts = {
  rendered: 0,
  firstTry: 0,
  afterRetry: 0,
  spilled: 0,
  lost: 0,
  queueCalls: 0,
};

export interface ShipTo {
  queue: Queue;
  /** The fallback's database (D1 `dead_letters`). */
  db: D1Database;
  /** The clock, for the fallback row and for a flight that never lands. */
  now?: () => number;
  /** Waits between tries; tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function failed(event: string, record: DecisionRecord, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ event, id: record.id, ...fields }));
}

/** A record waiting for, or carried by, a shared first try. */
interface Entry {
  record: DecisionRecord;
  chars: number;
  /** The shared try's outcome, once it has landed. */
  first?: Outcome<unknown>;
}

/** One queue binding's records and its shared try in flight. */
interface Lane {
  waiting: Entry[];
  /** When the shared try in flight left (ms), or undefined. */
  flying?: number;
  /** Wakes every record's request waiting on this lane; each added by its own request. */
  wakers: Set<() => void>;
}

const lanes = new WeakMap<Queue, Lane>();

function laneOf(queue: Queue): Lane {
  let lane = lanes.get(queue);
  if (!lane) lanes.set(queue, (lane = { waiting: [], wakers: new Set() }));
  return lane;
}

/** The oldest waiting records that fit one batch (always at least one). */
function take(lane: Lane): Entry[] {
  let chars = 0;
  let n = 0;
  while (n < lane.waiting.length && n < BATCH_MAX_RECORDS) {
    chars += lane.waiting[n]!.chars;
    if (n > 0 && chars > BATCH_MAX_CHARS) break;
    n++;
  }
  return lane.waiting.splice(0, n);
}

/** Sends one batch as the shared first try of every record in it, and wakes the lane. */
async function fly(to: ShipTo, lane: Lane, now: () => number): Promise<void> {
  lane.flying = now();
  if (lane.waiting.length < BATCH_MAX_RECORDS) await wait(BATCH_LINGER_MS);
  const batch = take(lane);
  shipCounts.queueCalls++;
  const first = await withDeadline(
    () => to.queue.sendBatch(batch.map((e) => ({ body: e.record, contentType: 'json' as const }))),
    SEND_TIMEOUT_MS,
  );
  lane.flying = undefined;
  for (const e of batch) e.first = first;
  for (const wake of lane.wakers) wake();
  lane.wakers.clear();
}

/** The shared first try for this record: it flies with the next batch, maybe carrying others. */
async function firstTry(to: ShipTo, entry: Entry, now: () => number): Promise<Outcome<unknown>> {
  const lane = laneOf(to.queue);
  lane.waiting.push(entry);
  const since = now();
  while (entry.first === undefined) {
    const stale =
      lane.flying !== undefined && now() - lane.flying > SEND_TIMEOUT_MS + FLIGHT_GRACE_MS;
    if (lane.flying === undefined || stale) {
      await fly(to, lane, now);
      continue;
    }
    if (now() - since > 2 * (SEND_TIMEOUT_MS + FLIGHT_GRACE_MS)) {
      // The try carrying it never landed (its request is gone): take it back, count it failed.
      const i = lane.waiting.indexOf(entry);
      if (i >= 0) lane.waiting.splice(i, 1);
      return { ok: false, cause: 'timeout' };
    }
    let wake = () => {};
    const landed = new Promise<void>((resolve) => (wake = resolve));
    lane.wakers.add(wake);
    const id = setTimeout(wake, SEND_TIMEOUT_MS + FLIGHT_GRACE_MS);
    await landed;
    clearTimeout(id);
    lane.wakers.delete(wake);
  }
  return entry.first;
}

export async function shipDecision(to: ShipTo, record: DecisionRecord): Promise<void> {
  shipCounts.rendered++;
  const line = JSON.stringify({ event: DECISION_LOG_EVENT, ...record });
  console.log(line);
  const sleep = to.sleep ?? wait;
  const now = to.now ?? Date.now;
  let sent = await firstTry(to, { record, chars: line.length }, now);
  for (let attempt = 1; ; attempt++) {
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
    if (last) break;
    await sleep(SEND_BACKOFF_MS[attempt - 1] ?? 0);
    shipCounts.queueCalls++;
    sent = await withDeadline(
      () => to.queue.send(record, { contentType: 'json' }),
      SEND_TIMEOUT_MS,
    );
  }
  try {
    await spillStatement(to.db, record, SEND_ATTEMPTS, now()).run();
    shipCounts.spilled++;
    failed('tessera.decision.spilled', record, { to: 'dead_letters' });
  } catch (error) {
    shipCounts.lost++;
    failed('tessera.decision.lost', record, { error: errorText(error), record });
  }
}
