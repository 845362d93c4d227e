/**
 * Sends a decision record on its way (issue 19: none may be lost when the queue stumbles).
 * Runs inside waitUntil, after the response has gone; nothing here reaches the visitor.
 *
 *   1. one structured JSON log line per batch (`tessera.decision.batch`: `count` and the records
 *      themselves, in full), written before the batch's first try;
 *   2. the DECISIONS queue, in the same batches (below): up to SEND_ATTEMPTS tries of
 *      `sendBatch`, each bounded by SEND_TIMEOUT_MS, with backoff between them (SEND_BACKOFF_MS):
 *      at most ~9 s in all, well inside the 30 s a waitUntil may run after the response;
 *   3. if every try failed: the durable fallback, one `dead_letters` row per record in D1 that
 *      the control plane's cron drains into the decision log (shared/data/decision-spill.ts);
 *   4. if D1 fails too: `tessera.decision.lost`, a log line carrying the whole record (it holds
 *      the visitor's pseudonym, never their id), the last place it can be recovered from.
 *
 * **Batches.** A record waits BATCH_LINGER_MS (20 ms) in its isolate's lane for its queue
 * binding, unless the isolate is quiet (nothing waiting, no record in the last 20 ms): then it
 * leaves at once, alone. After the wait, unless a batch has already taken it, its own request
 * takes every record waiting (oldest first, ≤ BATCH_MAX_RECORDS, ≤ BATCH_MAX_CHARS of JSON) and
 * sends them as one batch; the requests whose records it took are done. So one request at a
 * time → a send of its own, at once; under load, one queue call for every record an isolate
 * renders in 20 ms (docs/performance.md). Nothing crosses between requests but plain data: the
 * request that takes a batch sends, retries and spills it in its own waitUntil, which outlives
 * all of that (≤ ~9 s + the spill).
 *
 * Every failed try logs `tessera.decision.send_failed`, one line per record. A send that failed
 * but in fact arrived, followed by a retry or a spill, is stored once: the decision log's inserts
 * ignore a known id. `shipCounts` counts outcomes per isolate (the soak prints them).
 */
import { withDeadline } from '../../shared/data/deadline.ts';
import { spillStatement } from '../../shared/data/decision-spill.ts';
import type { DecisionRecord } from '../../shared/schema/decision-record.ts';

/**
 * The log line's event: one line per batch, not per record — a line costs the isolate ≈ 50 µs of
 * CPU locally (docs/performance.md); under load a batch carries many records, alone it carries
 * one. A batch's line holds at most BATCH_MAX_CHARS of records, inside the 256 KB of log events
 * Workers Logs keeps per invocation.
 */
export const DECISION_LOG_EVENT = 'tessera.decision.batch';

export const SEND_ATTEMPTS = 4;
/** Waits before the 2nd, 3rd and 4th try. */
export const SEND_BACKOFF_MS = [50, 200, 800] as const;
/** A send that has not settled by then counts as failed (a hung send must not eat waitUntil). */
export const SEND_TIMEOUT_MS = 2_000;
/** Queues take at most 100 messages and 256 KB in one `sendBatch`. */
export const BATCH_MAX_RECORDS = 100;
/** Characters of JSON per batch: ≤ 256 KB even if every character took three bytes. */
export const BATCH_MAX_CHARS = 80_000;
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
  /** Queue calls made (one `sendBatch` per try of a batch). */
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
  /** The clock, for the fallback row and for telling a quiet isolate (ms since the epoch). */
  now?: () => number;
  /** Waits between tries; tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Waits for company before a batch leaves: by default BATCH_LINGER_MS, or not at all in a quiet
   * isolate. Tests pass their own, which replaces that policy.
   */
  linger?: () => Promise<void>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function failed(event: string, record: DecisionRecord, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ event, id: record.id, ...fields }));
}

/** A record waiting for its batch. */
interface Entry {
  record: DecisionRecord;
  /** The record as JSON, for its batch's log line (and its size against BATCH_MAX_CHARS). */
  json: string;
  /** Taken into a batch (by its own request or another's). */
  taken: boolean;
}

/** Each queue binding's records waiting for a batch (oldest first), and when the last arrived. */
interface Lane {
  waiting: Entry[];
  lastArrival: number;
}

const lanes = new WeakMap<Queue, Lane>();

function laneOf(queue: Queue): Lane {
  let lane = lanes.get(queue);
  if (!lane) lanes.set(queue, (lane = { waiting: [], lastArrival: -Infinity }));
  return lane;
}

/** The oldest waiting records that fit one batch (always at least one), marked taken. */
function take(lane: Entry[]): Entry[] {
  let chars = 0;
  let n = 0;
  while (n < lane.length && n < BATCH_MAX_RECORDS) {
    chars += lane[n]!.json.length;
    if (n > 0 && chars > BATCH_MAX_CHARS) break;
    n++;
  }
  const batch = lane.splice(0, n);
  for (const e of batch) e.taken = true;
  return batch;
}

export async function shipDecision(to: ShipTo, record: DecisionRecord): Promise<void> {
  shipCounts.rendered++;
  const lane = laneOf(to.queue);
  const entry: Entry = { record, json: JSON.stringify(record), taken: false };
  const now = (to.now ?? Date.now)();
  // A quiet isolate (nothing waiting, nothing in the last BATCH_LINGER_MS) sends at once.
  const quiet = lane.waiting.length === 0 && now - lane.lastArrival > BATCH_LINGER_MS;
  lane.lastArrival = now;
  lane.waiting.push(entry);
  const linger = to.linger ?? (quiet ? undefined : lingerFor);
  if (linger && lane.waiting.length < BATCH_MAX_RECORDS) await linger();
  // Taken by a request whose linger ended first: that request sends it, retries it or spills it.
  while (!entry.taken) await shipBatch(to, take(lane.waiting));
}

const lingerFor = () => wait(BATCH_LINGER_MS);

/**
 * Logs one batch as one line, then sends it (tries, backoff, then the spill); every record is
 * counted, and every failure logged, per record.
 */
async function shipBatch(to: ShipTo, batch: Entry[]): Promise<void> {
  const sleep = to.sleep ?? wait;
  const records = batch.map((e) => e.record);
  // The records' own JSON, joined: nothing is serialised twice.
  console.log(
    `{"event":"${DECISION_LOG_EVENT}","count":${batch.length},"records":[${batch.map((e) => e.json).join(',')}]}`,
  );
  for (let attempt = 1; attempt <= SEND_ATTEMPTS; attempt++) {
    shipCounts.queueCalls++;
    const sent = await withDeadline(
      () => to.queue.sendBatch(records.map((body) => ({ body, contentType: 'json' as const }))),
      SEND_TIMEOUT_MS,
    );
    if (sent.ok) {
      if (attempt === 1) shipCounts.firstTry += records.length;
      else shipCounts.afterRetry += records.length;
      return;
    }
    const last = attempt === SEND_ATTEMPTS;
    const error =
      sent.cause === 'timeout' ? `no answer within ${SEND_TIMEOUT_MS} ms` : errorText(sent.error);
    for (const record of records)
      failed('tessera.decision.send_failed', record, {
        attempt,
        of: SEND_ATTEMPTS,
        error,
        next: last ? 'spill' : 'retry',
      });
    if (!last) await sleep(SEND_BACKOFF_MS[attempt - 1] ?? 0);
  }
  const at = (to.now ?? Date.now)();
  await Promise.all(records.map((record) => spill(to, record, at)));
}

async function spill(to: ShipTo, record: DecisionRecord, at: number): Promise<void> {
  try {
    await spillStatement(to.db, record, SEND_ATTEMPTS, at).run();
    shipCounts.spilled++;
    failed('tessera.decision.spilled', record, { to: 'dead_letters' });
  } catch (error) {
    shipCounts.lost++;
    failed('tessera.decision.lost', record, { error: errorText(error), record });
  }
}
