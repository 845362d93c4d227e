import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { SITE } from '../support/site.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { MAX_EVENTS_BODY_BYTES } from '../../shared/schema/events.ts';
import type { ErrorBody } from '../../shared/schema/api-error.ts';
import type { Env } from '../../worker/env.ts';
import { loadConfig } from '../../shared/config.ts';
import { trackerTag } from '../../worker/tracker/tag.ts';
import { createWorker } from '../../worker/index.ts';
import { createControlWorker } from '../../control/index.ts';
import { pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { publishTestBundle } from '../support/bundle.ts';
import { eventually } from '../support/eventually.ts';
import { captureQueue, deliver } from '../support/queues.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

let seq = 0;
const eventId = () => `evt-${Date.now().toString(36)}-${(seq++).toString(36).padStart(4, '0')}`;

async function post(
  visitor: string | undefined,
  body: unknown,
  o: { cid?: string; type?: string; worker?: ExportedHandler<Env>; env?: Env } = {},
) {
  const headers: Record<string, string> = { 'content-type': o.type ?? 'text/plain;charset=UTF-8' };
  if (visitor)
    Object.assign(headers, cookieHeader(await mintVisitorToken({ sub: visitor, cid: o.cid })));
  const url = 'https://shop.test/events';
  const init = {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
  return o.worker
    ? o.worker.fetch!(new Request(url, init), o.env ?? env, createExecutionContext())
    : SITE.fetch(url, init);
}

/** D1 stores pseudonyms of visitor ids, the same the decision log uses. */
const pseudonymOf = async (visitor: string) =>
  pseudonym(await pseudonymKey(loadConfig(env).visitorKeys), visitor);

const countEvents = async (visitor: string) =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM events WHERE visitor_id = ?')
    .bind(await pseudonymOf(visitor))
    .first<{ n: number }>())!.n;

const profileOf = async (key: string) => {
  const text = await env.PROFILES.get(key);
  return text
    ? (JSON.parse(text) as {
        behavior: { pageViews: number; cart: { sku: string; qty: number }[]; visits: number };
        affinities: Record<string, number>;
      })
    : undefined;
};

describe('POST /events', () => {
  beforeEach(async () => {
    await publishTestBundle();
  });

  it('accepts a sendBeacon (text/plain) batch with 202 and stores it through the queue', async () => {
    const res = await post('v-events-1', {
      events: [{ id: eventId(), type: 'page_view', path: '/', category: 'running' }],
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1 });
    expect(
      await eventually(async () => ((await countEvents('v-events-1')) === 1 ? true : undefined)),
    ).toBe(true);
  });

  it('rejects an invalid batch whole with 400 and a precise message, queuing nothing', async () => {
    const sent: unknown[] = [];
    const recording = {
      ...env,
      EVENTS: {
        send: async (m: unknown) => void sent.push(m),
        sendBatch: async (m: unknown[]) => void sent.push(...m),
      } as unknown as Queue,
    };
    const good = { id: eventId(), type: 'page_view' };
    const res = await post(
      'v-events-bad',
      { events: [good, { id: eventId(), type: 'purchase', value: 10, currency: 'euro' }] },
      { worker: createWorker(), env: recording },
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('events.1.currency');
    expect(body.error.issues).toContainEqual({
      path: 'events.1.currency',
      message: expect.any(String),
      found: '"euro"',
    });
    expect(sent).toEqual([]);
    // The same worker queues a valid batch, so the recording queue would have seen it.
    expect(
      (await post('v-events-bad', { events: [good] }, { worker: createWorker(), env: recording }))
        .status,
    ).toBe(202);
    expect(sent).toHaveLength(1);
  });

  it('answers 413 for a body over the limit and 400 for too many events or bad JSON', async () => {
    const big = await post('v-events-big', 'x'.repeat(MAX_EVENTS_BODY_BYTES + 1));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({
      error: { code: 'body_too_large', limit: MAX_EVENTS_BODY_BYTES },
    });
    const many = await post('v-events-big', {
      events: Array.from({ length: 51 }, () => ({ id: eventId(), type: 'page_view' })),
    });
    expect(many.status).toBe(400);
    expect(((await many.json()) as { error: { message: string } }).error.message).toContain(
      'at most 50 events',
    );
    const broken = await post('v-events-big', '{"events": [');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as ErrorBody).error).toMatchObject({
      code: 'invalid_json',
      message: expect.stringMatching(/line 1/),
    });
  });

  it('needs the visitor cookie and a JSON or text body', async () => {
    expect((await post(undefined, { events: [{ id: eventId(), type: 'page_view' }] })).status).toBe(
      401,
    );
    expect((await post('v-x', 'a=1', { type: 'application/x-www-form-urlencoded' })).status).toBe(
      415,
    );
  });

  it('answers 503 with Retry-After when the queue is unavailable', async () => {
    const broken = {
      ...env,
      EVENTS: {
        send: () => Promise.reject(new Error('queue down')),
        sendBatch: () => Promise.reject(new Error('queue down')),
      } as unknown as Queue,
    };
    const res = await post(
      'v-events-503',
      { events: [{ id: eventId(), type: 'page_view' }] },
      { worker: createWorker(), env: broken },
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('counts a duplicated event id once (client retry, at-least-once delivery)', async () => {
    const id = eventId();
    const events = [{ id, type: 'add_to_cart', sku: 'shoe-1', qty: 1, category: 'running' }];
    // Three posts of the same event, the last one twice; the consumer gets each post's batch.
    const queue = captureQueue();
    const o = { worker: createWorker(), env: { ...env, EVENTS: queue.queue } };
    expect((await post('v-events-dup', { events }, o)).status).toBe(202);
    expect((await post('v-events-dup', { events }, o)).status).toBe(202);
    expect((await post('v-events-dup', { events: [...events, ...events] }, o)).status).toBe(202);
    for (const batch of queue.batches) await deliver('tessera-events', batch);
    expect(await countEvents('v-events-dup')).toBe(1);
    const profile = (await profileOf(profileKeys.visitor('v-events-dup')))!;
    expect(profile.behavior.cart).toEqual([{ sku: 'shoe-1', qty: 1 }]);
    expect(profile.affinities.running).toBeGreaterThan(0);
  });

  it('shows profile updates on the next page view', async () => {
    const before = await (
      await SITE.fetch('https://shop.test/', {
        headers: cookieHeader(await mintVisitorToken({ sub: 'v-events-runner' })),
      })
    ).text();
    expect(before).toContain('data-tessera-variant="grid-default"');
    const views = Array.from({ length: 8 }, () => ({
      id: eventId(),
      type: 'page_view',
      sku: 'shoe-1',
      category: 'running',
    }));
    expect((await post('v-events-runner', { events: views })).status).toBe(202);
    await eventually(async () =>
      (await profileOf(profileKeys.visitor('v-events-runner')))?.behavior.pageViews === 8
        ? true
        : undefined,
    );
    const after = await (
      await SITE.fetch('https://shop.test/', {
        headers: cookieHeader(await mintVisitorToken({ sub: 'v-events-runner' })),
      })
    ).text();
    expect(after).toContain('data-tessera-variant="grid-runners"');
    expect(after).toContain('data-tessera-variant="hero-running"');
  });

  it('stitches anonymous behaviour into the customer profile when a cid first appears', async () => {
    await post('v-events-stitch', {
      events: [{ id: eventId(), type: 'add_to_cart', sku: 'tent-1', qty: 2, category: 'camping' }],
    });
    await eventually(async () =>
      (await profileOf(profileKeys.visitor('v-events-stitch')))?.behavior.cart.length
        ? true
        : undefined,
    );
    await post(
      'v-events-stitch',
      { events: [{ id: eventId(), type: 'page_view', category: 'camping' }] },
      { cid: 'c-stitch' },
    );
    const customer = await eventually(async () => profileOf(profileKeys.customer('c-stitch')));
    expect(customer.behavior.cart).toEqual([{ sku: 'tent-1', qty: 2 }]);
    expect(customer.behavior.pageViews).toBe(1);
    expect(customer.affinities.camping).toBeGreaterThan(0.25);
  });

  it('sends a poison message to the dead-letter queue, which stores it in D1', async () => {
    await env.EVENTS.send({
      v: 1,
      visitorId: 'v-poison',
      receivedAt: Date.now(),
      event: { type: 'page_view' },
    });
    const row = await eventually(() =>
      env.DB.prepare("SELECT queue, reason, body FROM dead_letters WHERE body LIKE '%v-poison%'")
        .first<{ queue: string; reason: string; body: string }>()
        .then((r) => r ?? undefined),
    );
    expect(row.queue).toBe('tessera-events');
    expect(row.reason).toMatch(/^schema: event.id/);
  }, 20_000);
});

/** What getQueueResult reports (its type is missing from the 2023-07-01 workers types). */
interface QueueResult {
  retryMessages: { msgId: string }[];
  explicitAcks: string[];
}
const queueResult = async (batch: MessageBatch, ctx: ExecutionContext) =>
  (await getQueueResult(batch, ctx)) as QueueResult;

describe('the events consumer', () => {
  const message = (visitorId: string, event: Record<string, unknown>) => ({
    id: `m-${String(event.id)}`,
    timestamp: new Date(),
    attempts: 1,
    body: { v: 1, visitorId, receivedAt: Date.now(), event },
  });

  it('retries the batch when the profile write fails, then applies it exactly once', async () => {
    const events = [
      message('v-consumer-retry', { id: eventId(), type: 'page_view', category: 'running' }),
      message('v-consumer-retry', { id: eventId(), type: 'add_to_cart', sku: 'shoe-1', qty: 1 }),
    ];
    const failingKv = new Proxy(env.PROFILES, {
      get(target, prop) {
        if (prop === 'put') return () => Promise.reject(new Error('KV PUT failed: 429'));
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const worker = createControlWorker();
    const first = createMessageBatch('tessera-events', events);
    const ctx1 = createExecutionContext();
    await worker.queue(first, { ...env, PROFILES: failingKv }, ctx1);
    const r1 = await queueResult(first, ctx1);
    expect(r1.retryMessages.map((m) => m.msgId).sort()).toEqual(events.map((e) => e.id).sort());
    expect(r1.explicitAcks).toEqual([]);
    expect(await countEvents('v-consumer-retry')).toBe(2);
    expect(await profileOf(profileKeys.visitor('v-consumer-retry'))).toBeUndefined();

    const again = createMessageBatch(
      'tessera-events',
      events.map((e) => ({ ...e, attempts: 2 })),
    );
    const ctx2 = createExecutionContext();
    await worker.queue(again, env, ctx2);
    const r2 = await queueResult(again, ctx2);
    expect(r2.explicitAcks.sort()).toEqual(events.map((e) => e.id).sort());
    const profile = (await profileOf(profileKeys.visitor('v-consumer-retry')))!;
    expect(profile.behavior.pageViews).toBe(1);
    expect(profile.behavior.cart).toEqual([{ sku: 'shoe-1', qty: 1 }]);

    // A third delivery of the same events changes nothing.
    const third = createMessageBatch(
      'tessera-events',
      events.map((e) => ({ ...e, attempts: 3 })),
    );
    const ctx3 = createExecutionContext();
    await worker.queue(third, env, ctx3);
    expect((await queueResult(third, ctx3)).explicitAcks).toHaveLength(2);
    expect((await profileOf(profileKeys.visitor('v-consumer-retry')))!.behavior.pageViews).toBe(1);
  });
});

describe('the tracker script', () => {
  it('carries a CSP nonce when the page has one, with attributes escaped', () => {
    expect(trackerTag({ decisionId: 'd"1<', nonce: 'n0nce' })).toBe(
      '<script src="/__tessera/t.js" defer data-decision="d&quot;1&lt;" nonce="n0nce"></script>',
    );
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await SITE.fetch('https://shop.test/__tessera/t.js');
    await first.text();
    const again = await SITE.fetch('https://shop.test/__tessera/t.js', {
      headers: { 'if-none-match': first.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('is served small and cacheable, and referenced from rendered pages with the decision id', async () => {
    await publishTestBundle();
    const js = await SITE.fetch('https://shop.test/__tessera/t.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.headers.get('cache-control')).toBe('public, max-age=3600');
    expect((await js.text()).length).toBeLessThan(3000);
    const res = await SITE.fetch('https://shop.test/');
    const decision = res.headers.get('x-tessera-decision')!;
    // The page's CSP allows scripts by nonce only: the tracker tag must carry this response's.
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(await res.text()).toContain(
      `<script src="/__tessera/t.js" defer data-decision="${decision}" nonce="${nonce}"></script>`,
    );
  });
});
