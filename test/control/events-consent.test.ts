/**
 * Consent on POST /events (issue 7): the level is resolved exactly as the page resolves it, and
 * decides what the queue, D1 and the profile store ever see of the events.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { profileKeys } from '../../shared/kv-keys.ts';
import type { EventMessage } from '../../shared/schema/events.ts';
import { createWorker } from '../../worker/index.ts';
import { createControlWorker } from '../../control/index.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { eventually } from '../support/eventually.ts';
import { fetchWith, recordingKv, recordingQueue } from '../support/faults.ts';
import { customerPseudonym, visitorPseudonym } from '../support/pseudonyms.ts';
import { mintVisitorToken } from '../support/tokens.ts';

let seq = 0;
const eventId = () => `evc-${Date.now().toString(36)}-${(seq++).toString(36).padStart(4, '0')}`;

interface Post {
  visitor?: string;
  cid?: string;
  consent?: string;
  gpc?: boolean;
  country?: string;
  events?: unknown[];
}

async function eventsRequest(o: Post): Promise<Request> {
  const cookies: string[] = [];
  if (o.visitor)
    cookies.push(`__Host-tsr_vid=${await mintVisitorToken({ sub: o.visitor, cid: o.cid })}`);
  if (o.consent) cookies.push(`tsr_consent=${o.consent}`);
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  if (cookies.length) headers.cookie = cookies.join('; ');
  if (o.gpc) headers['sec-gpc'] = '1';
  return new Request('https://shop.test/events', {
    method: 'POST',
    headers,
    body: JSON.stringify({ events: o.events ?? [{ id: eventId(), type: 'page_view' }] }),
    cf: o.country ? { country: o.country } : undefined,
  });
}

/** Posts through a fresh worker with a recording EVENTS queue (messages still reach the consumer). */
async function post(o: Post) {
  const events = recordingQueue(env.EVENTS);
  const res = await fetchWith(await eventsRequest(o), { EVENTS: events.queue });
  return { res, sent: events.sent as EventMessage[] };
}

const eventRow = (id: string) =>
  env.DB.prepare('SELECT visitor_id, customer_id, processed FROM events WHERE id = ?')
    .bind(id)
    .first<{ visitor_id: string; customer_id: string | null; processed: number }>();

describe('POST /events under each consent level', () => {
  beforeEach(async () => {
    await publishTestBundle();
  });

  it('personal: queues the visitor and the customer id with the level', async () => {
    const { res, sent } = await post({ visitor: 'v-evc-p', cid: 'c-evc-p', consent: 'personal' });
    expect(res.status).toBe(202);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      consent: 'personal',
      visitorId: 'v-evc-p',
      customerId: 'c-evc-p',
    });
  });

  it('contextual: queues the visitor id only, never the customer id, and says why', async () => {
    const { res, sent } = await post({ visitor: 'v-evc-c', cid: 'c-evc-c', consent: 'contextual' });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-tessera-reasons')).toBe('consent.contextual');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ consent: 'contextual', visitorId: 'v-evc-c' });
    expect(sent[0]).not.toHaveProperty('customerId');
  });

  it('contextual, end to end: the event is stored under the pseudonym, the profile never written', async () => {
    const id = eventId();
    const events = [{ id, type: 'add_to_cart', sku: 'tent-1', qty: 1, category: 'camping' }];
    const { res } = await post({
      visitor: 'v-evc-ctx',
      cid: 'c-evc-ctx',
      consent: 'contextual',
      events,
    });
    expect(res.status).toBe(202);
    // `processed` is 1 only once the consumer has finished with the event (for a personal event,
    // after its profile write), so from here on any profile or stitch would already exist.
    const row = await eventually(async () => {
      const r = await eventRow(id);
      return r?.processed === 1 ? r : undefined;
    });
    expect(row).toEqual({
      visitor_id: await visitorPseudonym('v-evc-ctx'),
      customer_id: null,
      processed: 1,
    });
    expect(await env.PROFILES.get(profileKeys.visitor('v-evc-ctx'))).toBeNull();
    expect(await env.PROFILES.get(profileKeys.customer('c-evc-ctx'))).toBeNull();
    const stitches = await env.DB.prepare(
      'SELECT count(*) AS n FROM stitches WHERE customer_id = ?',
    )
      .bind(await customerPseudonym('c-evc-ctx'))
      .first<number>('n');
    expect(stitches).toBe(0);
  });

  it('none: a valid batch is answered 202 with nothing queued, and no cookie is needed', async () => {
    for (const visitor of ['v-evc-none', undefined]) {
      const { res, sent } = await post({ visitor, consent: 'none' });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: 0, discarded: 1, reason: 'consent.none' });
      expect(res.headers.get('x-tessera-reasons')).toBe('consent.none');
      expect(sent).toEqual([]);
    }
  });

  it('none: an invalid batch is still rejected with 400, so client bugs show at every level', async () => {
    const { res } = await post({ consent: 'none', events: [{ id: 'short', type: 'page_view' }] });
    expect(res.status).toBe(400);
  });

  it('caps a personal cookie at contextual under Sec-GPC: 1', async () => {
    const { sent } = await post({
      visitor: 'v-evc-gpc',
      cid: 'c-evc-gpc',
      consent: 'personal',
      gpc: true,
    });
    expect(sent[0]).toMatchObject({ consent: 'contextual' });
    expect(sent[0]).not.toHaveProperty('customerId');
  });

  it('without a banner answer, follows the country default of the live bundle', async () => {
    expect((await post({ visitor: 'v-evc-de', country: 'DE' })).sent[0]).toMatchObject({
      consent: 'contextual',
    });
    expect((await post({ visitor: 'v-evc-us', country: 'US' })).sent[0]).toMatchObject({
      consent: 'personal',
    });
    await publishTestBundle(
      testBundleBody({ site: { name: 'Strict Shop', lang: 'en', consent: { default: 'none' } } }),
    );
    const strict = await post({ visitor: 'v-evc-us', country: 'US' });
    expect(strict.res.status).toBe(202);
    expect(strict.sent).toEqual([]);
  });

  it('reads the policy through the page’s bundle store: no KV read of its own on a warm isolate', async () => {
    const worker = createWorker();
    const content = recordingKv(env.CONTENT);
    const warm = { CONTENT: content.kv, POINTER_TTL_MS: '60000' };
    await fetchWith(new Request('https://shop.test/'), warm, worker);
    expect(content.reads.length).toBeGreaterThan(0); // the page did read the bundle
    content.reads.length = 0;
    const res = await fetchWith(await eventsRequest({ visitor: 'v-evc-warm' }), warm, worker);
    expect(res.status).toBe(202);
    expect(content.reads).toEqual([]);
  });
});

interface QueueResult {
  retryMessages: { msgId: string }[];
  explicitAcks: string[];
}

/** Delivers one message with `body` to the events consumer, as the queue would. */
async function consumeOne(id: string, body: Record<string, unknown>): Promise<QueueResult> {
  const batch = createMessageBatch('tessera-events', [
    { id: `m-${id}`, timestamp: new Date(), attempts: 1, body },
  ]);
  const ctx = createExecutionContext();
  await createControlWorker().queue(batch, env, ctx);
  return (await getQueueResult(batch, ctx)) as QueueResult;
}

describe('the events consumer and consent', () => {
  it('stores a contextual message without its customer id and writes no profile', async () => {
    const id = eventId();
    // As an older or foreign producer might send it: a customer id despite `contextual`.
    const result = await consumeOne(id, {
      v: 1,
      consent: 'contextual',
      visitorId: 'v-evc-consumer',
      customerId: 'c-evc-consumer',
      receivedAt: Date.now(),
      event: { id, type: 'page_view', category: 'running' },
    });
    expect(result.explicitAcks).toEqual([`m-${id}`]);
    expect(await eventRow(id)).toEqual({
      visitor_id: await visitorPseudonym('v-evc-consumer'),
      customer_id: null,
      processed: 1,
    });
    expect(await env.PROFILES.get(profileKeys.visitor('v-evc-consumer'))).toBeNull();
    expect(await env.PROFILES.get(profileKeys.customer('c-evc-consumer'))).toBeNull();
  });

  it('treats a message from before the consent field as personal (profile updated)', async () => {
    const id = eventId();
    await consumeOne(id, {
      v: 1,
      visitorId: 'v-evc-legacy',
      receivedAt: Date.now(),
      event: { id, type: 'page_view' },
    });
    expect(await env.PROFILES.get(profileKeys.visitor('v-evc-legacy'))).not.toBeNull();
  });
});
