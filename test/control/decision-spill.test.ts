/**
 * Issue 19: no decision record is lost when the DECISIONS queue stumbles. The visitor worker
 * retries the send inside waitUntil, then spills the record to D1 `dead_letters`; the control
 * plane's cron drains it into the decision log. Real queue, real D1, the real page route.
 */
import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import { SPILL_REASON } from '../../shared/data/decision-spill.ts';
import { createWorker } from '../../worker/index.ts';
import { createControlWorker } from '../../control/index.ts';
import { drainSpilledDecisions } from '../../control/cron/drain-decisions.ts';
import {
  DECISION_LOG_EVENT,
  SEND_ATTEMPTS,
  SEND_BACKOFF_MS,
  shipCounts,
  type ShipCounts,
} from '../../worker/log/ship.ts';
import { downD1 } from '../support/faults.ts';
import { publishTestBundle } from '../support/bundle.ts';
import { visitorPseudonym } from '../support/pseudonyms.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

/**
 * The real DECISIONS queue behind a switch: the first `failures` tries throw (Infinity: all), or
 * the tries whose numbers are in the set. A try is one `sendBatch` (the worker sends nothing
 * else); `batches` lists each one's size.
 */
function stumblingQueue(failures: number | Set<number>) {
  let tries = 0;
  const sent: unknown[] = [];
  const batches: number[] = [];
  const queue = new Proxy(env.DECISIONS, {
    get(target, prop, receiver) {
      if (prop === 'sendBatch')
        return async (messages: Iterable<MessageSendRequest>, o?: QueueSendBatchOptions) => {
          const list = [...messages];
          batches.push(list.length);
          tries++;
          if (typeof failures === 'number' ? tries <= failures : failures.has(tries))
            throw new Error(`injected queue failure ${tries}`);
          sent.push(...list.map((m) => m.body));
          return target.sendBatch(list, o);
        };
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { queue, sent, batches, tries: () => tries };
}

/** The waits between send retries, recorded instead of slept (the backoff itself is asserted). */
const waited: number[] = [];
const sleep = (ms: number) => {
  waited.push(ms);
  return Promise.resolve();
};

/**
 * Renders `/` through the real visitor worker with `queue` as DECISIONS; its waitUntil pending.
 * `linger`, when given, replaces the decision record's 20 ms wait for company.
 */
async function start(
  queue: Queue,
  visitor: string,
  db: D1Database = env.DB,
  linger?: () => Promise<void>,
) {
  const ctx = createExecutionContext();
  const res = await createWorker({ sleep, ...(linger ? { linger } : {}) }).fetch!(
    new Request('https://shop.test/', {
      headers: cookieHeader(await mintVisitorToken({ sub: visitor })),
    }) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, DECISIONS: queue, DB: db },
    ctx,
  );
  expect(res.status).toBe(200);
  return { id: res.headers.get('x-tessera-decision')!, settled: waitOnExecutionContext(ctx) };
}

/** Renders `/` and settles its waitUntil. */
async function render(queue: Queue, visitor: string, db: D1Database = env.DB) {
  const { id, settled } = await start(queue, visitor, db);
  await settled;
  return id;
}

const spilled = (id: string) =>
  env.DB.prepare('SELECT reason, visitor, attempts, body FROM dead_letters WHERE message_id = ?1')
    .bind(id)
    .all<{ reason: string; visitor: string; attempts: number; body: string }>();
const logged = (id: string) =>
  env.DB.prepare(
    'SELECT (SELECT count(*) FROM decisions WHERE id = ?1) AS decisions, (SELECT count(*) FROM decision_slots WHERE decision_id = ?1) AS slots',
  )
    .bind(id)
    .first<{ decisions: number; slots: number }>();

const since = (before: ShipCounts) =>
  Object.fromEntries(
    Object.entries(shipCounts).map(([k, v]) => [k, v - before[k as keyof ShipCounts]]),
  );

/** The decision log lines (`tessera.decision.batch` on stdout) that carry any of `ids`. */
function batchLines() {
  const spy = vi.spyOn(console, 'log');
  return (ids: readonly string[]) =>
    spy.mock.calls
      .map((c) => String(c[0]))
      .filter((line) => line.startsWith(`{"event":"${DECISION_LOG_EVENT}"`))
      .map((line) => JSON.parse(line) as { count?: number; records?: unknown[] })
      .map((line) => ({
        count: line.count,
        ids: (line.records ?? []).map((r) => DecisionRecord.parse(r).id),
      }))
      .filter((line) => line.ids.some((id) => ids.includes(id)));
}

/** The structured failure lines (`tessera.decision.*` on stderr) logged for one decision. */
function failureLines() {
  const spy = vi.spyOn(console, 'error');
  return (id: string) =>
    spy.mock.calls
      .map((c) => String(c[0]))
      .filter((line) => line.includes(`"id":"${id}"`))
      .map((line) => JSON.parse(line) as { event: string; attempt?: number; next?: string });
}

/**
 * Every record rendered in this isolate so far has its outcome. The counters are the isolate's:
 * a page view of the file that ran before this one in the same workerd may still be retrying in
 * its waitUntil (up to ~1 s of backoff) and would count in this file's window.
 */
const settled = () =>
  vi.waitFor(
    () => {
      const c = shipCounts;
      expect(c.firstTry + c.afterRetry + c.spilled + c.lost).toBe(c.rendered);
    },
    { timeout: 10_000, interval: 50 },
  );

describe('a decision record when the queue stumbles', () => {
  beforeEach(async () => {
    await settled();
    await publishTestBundle();
  });
  afterEach(() => vi.restoreAllMocks());

  it('arrives after retries when the queue fails the first sends, with a log line per failure', async () => {
    for (const failures of [1, 2, SEND_ATTEMPTS - 1]) {
      const lines = failureLines();
      const before = { ...shipCounts };
      const { queue, sent, tries } = stumblingQueue(failures);
      waited.length = 0;
      const id = await render(queue, `v-stumble-${failures}`);
      expect(tries()).toBe(failures + 1);
      // Backed off before each retry, longer each time.
      expect(waited).toEqual(SEND_BACKOFF_MS.slice(0, failures));
      expect(sent.map((r) => DecisionRecord.parse(r).id)).toEqual([id]);
      expect((await spilled(id)).results).toEqual([]);
      expect(since(before)).toMatchObject({
        rendered: 1,
        firstTry: 0,
        afterRetry: 1,
        spilled: 0,
        lost: 0,
      });
      expect(lines(id).map((l) => [l.event, l.attempt, l.next])).toEqual(
        Array.from({ length: failures }, (_, i) => [
          'tessera.decision.send_failed',
          i + 1,
          'retry',
        ]),
      );
      vi.restoreAllMocks();
    }
  });

  it('goes first try through a healthy queue, and counts so', async () => {
    const before = { ...shipCounts };
    const { queue, sent } = stumblingQueue(0);
    const id = await render(queue, 'v-healthy');
    expect(sent).toHaveLength(1);
    expect(since(before)).toMatchObject({
      rendered: 1,
      firstTry: 1,
      afterRetry: 0,
      spilled: 0,
      queueCalls: 1,
    });
    expect((await spilled(id)).results).toEqual([]);
  });

  it('is spilled to D1 when every send fails, then drained into the decision log by the cron', async () => {
    const lines = failureLines();
    const before = { ...shipCounts };
    const { queue, tries } = stumblingQueue(Infinity);
    const id = await render(queue, 'v-spill');
    expect(tries()).toBe(SEND_ATTEMPTS);
    expect(since(before)).toMatchObject({ rendered: 1, afterRetry: 0, spilled: 1, lost: 0 });
    expect(lines(id).map((l) => l.event)).toEqual([
      ...Array.from({ length: SEND_ATTEMPTS }, () => 'tessera.decision.send_failed'),
      'tessera.decision.spilled',
    ]);

    const [row] = (await spilled(id)).results;
    expect(row).toMatchObject({
      reason: SPILL_REASON,
      attempts: SEND_ATTEMPTS,
      visitor: await visitorPseudonym('v-spill'),
    });
    expect(DecisionRecord.parse(JSON.parse(row!.body)).id).toBe(id);
    expect(await logged(id)).toEqual({ decisions: 0, slots: 0 });

    // The control plane's cron, as scheduled in production.
    const ctx = createExecutionContext();
    await createControlWorker().scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: '*/5 * * * *' }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const stored = await logged(id);
    expect(stored?.decisions).toBe(1);
    expect(stored?.slots).toBeGreaterThan(0);
    expect((await spilled(id)).results).toEqual([]);
    // Draining again changes nothing.
    await drainSpilledDecisions(env.DB);
    expect((await logged(id))?.decisions).toBe(1);
  });

  it('is stored once when it was both queued and spilled (a send that failed but arrived)', async () => {
    const { queue } = stumblingQueue(Infinity);
    const id = await render(queue, 'v-twice');
    const record = DecisionRecord.parse(JSON.parse((await spilled(id)).results[0]!.body));
    await env.DECISIONS.send(record); // consumed by the real consumer
    await drainSpilledDecisions(env.DB);
    await vi.waitFor(async () => expect((await logged(id))?.decisions).toBe(1));
    expect((await logged(id))?.decisions).toBe(1);
  });

  it('is not drained into the log when its visitor was erased after the render', async () => {
    const { queue } = stumblingQueue(Infinity);
    const id = await render(queue, 'v-spill-erased');
    // The erasure's tombstone (shared/privacy/tombstones.ts) lands after the render, before the drain.
    await env.DB.prepare('INSERT INTO erasures (subject, at) VALUES (?1, ?2)')
      .bind(await visitorPseudonym('v-spill-erased'), Date.now() + 1000)
      .run();
    await drainSpilledDecisions(env.DB);
    expect(await logged(id)).toEqual({ decisions: 0, slots: 0 });
    expect((await spilled(id)).results).toEqual([]);
  });

  it('is logged whole as lost when D1 fails as well — never silently dropped', async () => {
    const lines = failureLines();
    const before = { ...shipCounts };
    const { queue } = stumblingQueue(Infinity);
    const id = await render(queue, 'v-lost', downD1(env.DB));
    expect(since(before)).toMatchObject({ rendered: 1, spilled: 0, lost: 1 });
    expect((await spilled(id)).results).toEqual([]);
    const lost = lines(id).find((l) => l.event === 'tessera.decision.lost') as
      { record: unknown } | undefined;
    expect(DecisionRecord.parse(lost?.record).id).toBe(id);
  });

  it('leaves a spilled row that is not a decision record as an ordinary dead letter', async () => {
    const { meta } = await env.DB.prepare(
      "INSERT INTO dead_letters (queue, message_id, reason, body, at) VALUES ('tessera-decisions', 'junk', ?1, '{\"not\":\"a record\"}', 0)",
    )
      .bind(SPILL_REASON)
      .run();
    expect(await drainSpilledDecisions(env.DB)).toMatchObject({ invalid: 1 });
    const row = await env.DB.prepare('SELECT reason FROM dead_letters WHERE id = ?1')
      .bind(meta.last_row_id)
      .first<{ reason: string }>();
    expect(row?.reason).toBe('spill_invalid');
    expect(await drainSpilledDecisions(env.DB)).toEqual({ drained: 0, invalid: 0 });
  });
});

describe('decision records rendered close together (batches)', () => {
  beforeEach(async () => {
    await settled();
    await publishTestBundle();
  });
  afterEach(() => vi.restoreAllMocks());

  /** Four page views whose records linger until the test lets them go. */
  async function fourTogether(failures: Set<number>) {
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const before = { ...shipCounts };
    const q = stumblingQueue(failures);
    const views = [];
    for (let i = 0; i < 4; i++)
      views.push(await start(q.queue, `v-group-${i}`, env.DB, () => gate));
    await vi.waitFor(() => expect(since(before).rendered).toBe(4));
    expect(q.batches).toEqual([]); // nothing leaves while they linger
    open();
    await Promise.all(views.map((v) => v.settled));
    return { q, before, ids: views.map((v) => v.id) };
  }

  it('leave in one sendBatch, each arriving once, and are logged whole in one line', async () => {
    const lines = batchLines();
    const { q, before, ids } = await fourTogether(new Set());
    expect(q.batches).toEqual([4]);
    const logged = lines(ids);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.count).toBe(4);
    expect([...logged[0]!.ids].sort()).toEqual([...ids].sort());
    expect(q.sent.map((r) => DecisionRecord.parse(r).id).sort()).toEqual([...ids].sort());
    expect(since(before)).toMatchObject({
      rendered: 4,
      firstTry: 4,
      afterRetry: 0,
      spilled: 0,
      lost: 0,
      queueCalls: 1,
    });
    for (const id of ids) expect((await spilled(id)).results).toEqual([]);
  });

  it('are retried together when their batch fails, each failure logged per record', async () => {
    const lines = failureLines();
    const logLines = batchLines();
    const { q, before, ids } = await fourTogether(new Set([1]));
    expect(q.batches).toEqual([4, 4]);
    expect(logLines(ids)).toHaveLength(1); // the batch's line is written once, not per try
    expect(waited).toContain(SEND_BACKOFF_MS[0]);
    expect(q.sent.map((r) => DecisionRecord.parse(r).id).sort()).toEqual([...ids].sort());
    expect(since(before)).toMatchObject({
      rendered: 4,
      firstTry: 0,
      afterRetry: 4,
      spilled: 0,
      lost: 0,
      queueCalls: 2,
    });
    for (const id of ids)
      expect(lines(id).map((l) => [l.event, l.attempt, l.next])).toEqual([
        ['tessera.decision.send_failed', 1, 'retry'],
      ]);
  });

  it('are each spilled when every try of their batch fails', async () => {
    const { q, before, ids } = await fourTogether(new Set([1, 2, 3, 4]));
    expect(q.batches).toEqual([4, 4, 4, 4]);
    expect(q.sent).toEqual([]);
    expect(since(before)).toMatchObject({ rendered: 4, spilled: 4, lost: 0, queueCalls: 4 });
    for (const id of ids) expect((await spilled(id)).results).toHaveLength(1);
  });
});
