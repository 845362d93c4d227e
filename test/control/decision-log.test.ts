import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { DecisionRecord, type DecisionRecordInput } from '../../shared/schema/decision-record.ts';
import { createWorker } from '../../worker/index.ts';
import { createControlWorker } from '../../control/index.ts';
import { DECISIONS_QUEUE, retryDelay } from '../../control/consumers/decisions.ts';
import { publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148';

/** A DECISIONS binding that records what is sent (and optionally fails or hangs). */
/** `hang`: every send waits until `release()` (so a test never leaves a send behind it). */
function capturingQueue(behaviour: 'ok' | 'throw' | 'hang' = 'ok') {
  const sent: unknown[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const accept = async (bodies: unknown[]) => {
    if (behaviour === 'throw') throw new Error('queue unavailable');
    if (behaviour === 'hang') await gate;
    sent.push(...bodies);
  };
  const queue = {
    send: (body: unknown) => accept([body]),
    // The worker sends its records in batches (worker/log/ship.ts).
    sendBatch: (messages: Iterable<MessageSendRequest>) => accept([...messages].map((m) => m.body)),
  } as unknown as Queue;
  return { queue, sent, release };
}

/** Send retries do not wait in real time here (decision-spill.test.ts asserts the backoff). */
const noWait = () => Promise.resolve();

async function render(
  queue: Queue,
  headers: Record<string, string> = {},
  url = 'https://shop.test/?utm_source=news&utm_term=secret',
) {
  const ctx = createExecutionContext();
  const res = await createWorker({ sleep: noWait }).fetch!(
    new Request(url, { headers: { 'user-agent': MOBILE, ...headers } }) as Request<
      unknown,
      IncomingRequestCfProperties
    >,
    { ...env, DECISIONS: queue },
    ctx,
  );
  return { res, settled: waitOnExecutionContext(ctx) };
}

type QueueMessage = Parameters<typeof createMessageBatch>[1][number];

function message(body: unknown, id: string, attempts = 1): QueueMessage {
  return { id, timestamp: new Date(), attempts, body };
}

/** What `getQueueResult` reports (its type is not in the pinned workers-types). */
interface QueueResult {
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
  retryBatch: { retry: boolean };
}

async function consume(
  bodies: unknown[],
  db: D1Database = env.DB,
  attempts = 1,
): Promise<QueueResult> {
  const batch = createMessageBatch(
    DECISIONS_QUEUE,
    bodies.map((b, i) => message(b, `m${i}`, attempts)),
  );
  const ctx = createExecutionContext();
  await createControlWorker().queue(batch, { ...env, DB: db }, ctx);
  return getQueueResult(batch, ctx);
}

function record(id: string, overrides: Partial<DecisionRecordInput> = {}): DecisionRecordInput {
  return {
    id,
    at: '2026-11-23T10:00:00.000Z',
    version: '0123456789abcdef',
    page: 'home',
    visitor: 'a'.repeat(32),
    profile: 'none',
    context: { device: 'mobile', returning: false },
    reasons: ['cookie.missing'],
    slots: [
      {
        slot: 'hero',
        variant: 'hero-mobile',
        level: 'cohort',
        reason: 'rule:mobile-hero',
        rule: 'mobile-hero',
        fallback: ['profile.none'],
      },
      { slot: 'cta', variant: 'cta-default', level: 'default', reason: 'default:no_profile' },
    ],
    ...overrides,
  };
}

/** Rows for these decision ids (storage is shared across the tests of this file). */
async function countRows(table: 'decisions' | 'decision_slots', ids: string[]): Promise<number> {
  const column = table === 'decisions' ? 'id' : 'decision_id';
  const marks = ids.map(() => '?').join(', ');
  const row = await env.DB.prepare(
    `SELECT count(*) AS n FROM ${table} WHERE ${column} IN (${marks})`,
  )
    .bind(...ids)
    .first<{ n: number }>();
  return row!.n;
}

describe('decision log', () => {
  beforeEach(async () => {
    await publishTestBundle();
    await putVisitorProfile('v-vip', { segments: ['vip'], traits: { plan: 'pro' } });
  });

  it('sends one record per render with a pseudonymous visitor, consent, context summary and every slot', async () => {
    const { queue, sent } = capturingQueue();
    const { res, settled } = await render(
      queue,
      cookieHeader(await mintVisitorToken({ sub: 'v-vip' })),
    );
    expect(res.status).toBe(200);
    await settled;
    expect(sent).toHaveLength(1);
    const rec = DecisionRecord.parse(sent[0]);
    expect(rec.id).toBe(res.headers.get('x-tessera-decision'));
    expect(rec.version).toBe(res.headers.get('x-tessera-version'));
    expect(rec.page).toBe('home');
    expect(rec.visitor).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(rec)).not.toContain('v-vip');
    expect(rec.consent).toBe('personal');
    expect(rec.profile).toBe('visitor');
    expect(rec.context).toMatchObject({
      device: 'mobile',
      utmSource: 'news',
      returning: true,
      path: '/',
    });
    expect(rec.context).not.toHaveProperty('utmTerm'); // search terms stay out of the log
    expect(rec.context).not.toHaveProperty('query');
    expect(rec.slots.map((s) => [s.slot, s.variant, s.level])).toEqual([
      ['banner', 'banner-vip', 'segment'],
      ['hero', 'hero-greeting', 'segment'],
      ['grid', 'grid-default', 'default'],
      ['quote', 'quote-default', 'default'],
      ['cta', 'cta-default', 'default'],
    ]);
    expect(rec.slots[0]).toMatchObject({ rule: 'vip-banner', segments: ['vip'] });
  });

  it('gives the same visitor the same pseudonym and different visitors different ones', async () => {
    const pseudonymOf = async (sub: string) => {
      const { queue, sent } = capturingQueue();
      const { settled } = await render(queue, cookieHeader(await mintVisitorToken({ sub })));
      await settled;
      return DecisionRecord.parse(sent[0]).visitor;
    };
    const a = await pseudonymOf('v-a');
    expect(await pseudonymOf('v-a')).toBe(a);
    expect(await pseudonymOf('v-b')).not.toBe(a);
  });

  it('serves the page normally when the queue rejects the record', async () => {
    const { queue } = capturingQueue('throw');
    const { res, settled } = await render(queue);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-tessera-slot="hero"');
    await expect(settled).resolves.toBeUndefined();
  });

  it('does not wait for the queue before responding', async () => {
    const { queue, sent, release } = capturingQueue('hang');
    const { res, settled } = await render(queue); // resolves while the send is still pending
    expect(res.status).toBe(200);
    expect(sent).toEqual([]);
    release(); // the send completes: nothing is left retrying behind this test
    await settled;
    expect(sent).toHaveLength(1);
  });

  it('carries a render from the page through the queue into D1', async () => {
    const { queue, sent } = capturingQueue();
    const { res, settled } = await render(
      queue,
      cookieHeader(await mintVisitorToken({ sub: 'v-vip' })),
    );
    await settled;
    const result = await consume(sent);
    expect(result.explicitAcks).toEqual(['m0']);
    expect(result.retryMessages).toEqual([]);
    const id = res.headers.get('x-tessera-decision');
    const row = await env.DB.prepare('SELECT * FROM decisions WHERE id = ?')
      .bind(id)
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({ page: 'home', consent: 'personal', profile: 'visitor', debug: 0 });
    expect(JSON.parse(String(row!.context))).toMatchObject({ device: 'mobile' });
    const slots = await env.DB.prepare(
      'SELECT slot, variant, level, reason, rule, segments FROM decision_slots WHERE decision_id = ? ORDER BY position',
    )
      .bind(id)
      .all<Record<string, unknown>>();
    expect(slots.results[0]).toEqual({
      slot: 'banner',
      variant: 'banner-vip',
      level: 'segment',
      reason: 'rule:vip-banner',
      rule: 'vip-banner',
      segments: '["vip"]',
    });
    expect(slots.results).toHaveLength(5);
  });

  it('writes a batch of records and acknowledges each message', async () => {
    const result = await consume([record('d1'), record('d2'), record('d3')]);
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm1', 'm2']);
    expect(await countRows('decisions', ['d1', 'd2', 'd3'])).toBe(3);
    expect(await countRows('decision_slots', ['d1', 'd2', 'd3'])).toBe(6);
    const slot = await env.DB.prepare(
      "SELECT fallback FROM decision_slots WHERE decision_id = 'd1' AND slot = 'hero'",
    ).first<{ fallback: string }>();
    expect(JSON.parse(slot!.fallback)).toEqual(['profile.none']);
  });

  it('stores a redelivered record once', async () => {
    await consume([record('dup')]);
    await consume([record('dup')]);
    expect(await countRows('decisions', ['dup'])).toBe(1);
    expect(await countRows('decision_slots', ['dup'])).toBe(2);
  });

  it('acknowledges (and drops) a message that is not a decision record', async () => {
    const result = await consume([{ hello: 'world' }, record('ok')]);
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm1']);
    expect(await countRows('decisions', ['ok'])).toBe(1);
  });

  it('retries every message with backoff when D1 is down', async () => {
    const down = {
      prepare: (sql: string) => env.DB.prepare(sql),
      batch: async () => {
        throw new Error('D1_ERROR: database unavailable');
      },
    } as unknown as D1Database;
    const result = await consume([record('x1'), record('x2')], down, 3);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(['m0', 'm1']);
    expect(await countRows('decisions', ['x1', 'x2'])).toBe(0);
  });

  it('backs off exponentially up to five minutes (the test harness does not report delays)', () => {
    expect([1, 2, 3, 6, 20].map(retryDelay)).toEqual([10, 20, 40, 300, 300]);
  });

  it('keeps good records when one record fails on its own', async () => {
    // A D1 that rejects any batch containing the decision "poison": the batch fails as a whole,
    // then each record is written on its own.
    const poisoned = new WeakSet<D1PreparedStatement>();
    const picky = {
      prepare: (sql: string) => {
        const stmt = env.DB.prepare(sql);
        return new Proxy(stmt, {
          get(target, prop) {
            if (prop === 'bind') {
              return (...args: unknown[]) => {
                const bound = target.bind(...args);
                if (args[0] === 'poison') poisoned.add(bound);
                return bound;
              };
            }
            const value: unknown = Reflect.get(target, prop, target);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      },
      batch: async (statements: D1PreparedStatement[]) => {
        if (statements.some((s) => poisoned.has(s))) throw new Error('D1_ERROR: rejected');
        return env.DB.batch(statements);
      },
    } as unknown as D1Database;
    const result = await consume([record('good-1'), record('poison'), record('good-2')], picky);
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm2']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m1']);
    expect(await countRows('decisions', ['good-1', 'good-2'])).toBe(2);
    expect(await countRows('decisions', ['poison'])).toBe(0);
  });

  it('retries messages from a queue it does not consume', async () => {
    const batch = createMessageBatch('tessera-something-else', [message({}, 'z0')]);
    const ctx = createExecutionContext();
    await createControlWorker().queue(batch, env, ctx);
    const result: QueueResult = await getQueueResult(batch, ctx);
    expect(result.retryBatch.retry).toBe(true);
  });
});
