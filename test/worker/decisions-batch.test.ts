/**
 * POST /v1/decisions/batch (email sends: many subjects, one decision each, bounded), the
 * per-token rate limit, and POST /v1/events (server-side events for the same token).
 */
import { env } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  BatchAnswer,
  DecisionAnswer,
  EventsAnswer,
} from '../../shared/schema/decision-api-answers.ts';
import { MAX_BATCH_ITEMS } from '../../shared/schema/decision-api.ts';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import { EventMessage } from '../../shared/schema/events.ts';
import { publishTestBundle, putCustomerProfile, putVisitorProfile } from '../support/bundle.ts';
import {
  apiWorker,
  decideToken,
  decisionBundleBody,
  type ApiWorker,
} from '../support/decision-fixtures.ts';
import { mintVisitorToken } from '../support/tokens.ts';

let api: ApiWorker;

beforeAll(async () => {
  // No experiments or holdout here: each item's variant follows from its own data alone.
  await publishTestBundle(decisionBundleBody({ experiments: [], holdout: undefined }));
  await putVisitorProfile('v-ada', { traits: { firstName: 'Ada', plan: 'pro' } });
  await putCustomerProfile('c-1', { traits: { firstName: 'Grace' } });
});

beforeEach(() => {
  api = apiWorker();
});

const send = (items: unknown[], extra: Record<string, unknown> = {}) => ({
  channel: 'email',
  consent: 'personal',
  slots: ['hero', 'grid'],
  html: true,
  items,
  ...extra,
});

async function batch(body: unknown) {
  const res = await api.post('/v1/decisions/batch', body);
  return { res, json: (await res.json()) as unknown };
}

async function refused(body: unknown, status: number, code: string) {
  const { res, json } = await batch(body);
  expect(res.status, JSON.stringify(json)).toBe(status);
  const error = ApiError.parse(json).error;
  expect(error.code).toBe(code);
  expect(api.decisions).toEqual([]);
  return error;
}

describe('POST /v1/decisions/batch', () => {
  it('decides each subject on its own, in order, and logs one record each with the channel', async () => {
    const { res, json } = await batch(
      send([
        { subject: { visitorId: 'v-ada' } },
        { subject: { customerId: 'c-1' } },
        { subject: { visitorId: 'v-nobody' }, consent: 'none' },
      ]),
    );
    expect(res.status, JSON.stringify(json)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { results } = BatchAnswer.parse(json);
    expect(results).toHaveLength(3);
    const grid = (a: DecisionAnswer) => a.slots.find((s) => s.slot === 'grid')!;
    expect(grid(results[0]!).props.title).toBe('Picked for Ada');
    expect(grid(results[1]!).props.title).toBe('Picked for Grace');
    expect(results[1]!.profile).toBe('customer');
    expect(grid(results[2]!).props.title).toBe('Picked for you');
    expect(results[2]!.consent).toBe('none');
    expect(grid(results[0]!).html).toContain('Picked for Ada');
    expect(new Set(results.map((r) => r.decisionId)).size).toBe(3);
    const records = api.decisions.map((r) => DecisionRecord.parse(r));
    expect(records.map((r) => [r.id, r.channel, r.consent])).toEqual(
      results.map((r) => [r.decisionId, 'email', r.consent]),
    );
  });

  it('answers each item as the single call answers it', async () => {
    const item = { subject: { visitorId: 'v-ada' }, context: { country: 'DE' } };
    const { json } = await batch(send([item], { dryRun: true }));
    const single = await api.post('/v1/decisions', {
      channel: 'email',
      consent: 'personal',
      slots: ['hero', 'grid'],
      html: true,
      dryRun: true,
      ...item,
    });
    const one = DecisionAnswer.parse(await single.json());
    const [fromBatch] = BatchAnswer.parse(json).results;
    expect({ ...fromBatch, decisionId: '' }).toEqual({ ...one, decisionId: '' });
  });

  it("merges each item's context over the batch's", async () => {
    const { json } = await batch(
      send(
        [
          { subject: { visitorId: 'v-x1' } },
          { subject: { visitorId: 'v-x2' }, context: { attributes: { beta: true } } },
          { subject: { visitorId: 'v-x3' }, context: { utm: { source: 'x' } } },
        ],
        { channel: 'server', slots: ['hero'], context: { utm: { campaign: 'spring' } } },
      ),
    );
    const variants = BatchAnswer.parse(json).results.map((r) => r.slots[0]!.variant);
    expect(variants).toEqual(['hero-spring', 'hero-beta', 'hero-spring']);
  });

  it('logs nothing on a dry run', async () => {
    const { res } = await batch(send([{ subject: { visitorId: 'v-ada' } }], { dryRun: true }));
    expect(res.status).toBe(200);
    expect(api.decisions).toEqual([]);
  });

  it(`takes ${MAX_BATCH_ITEMS} subjects and refuses one more with 413, deciding none`, async () => {
    const items = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ subject: { visitorId: `v-b${i}` } }));
    const { res, json } = await batch(send(items(MAX_BATCH_ITEMS), { html: false }));
    expect(res.status).toBe(200);
    expect(BatchAnswer.parse(json).results).toHaveLength(MAX_BATCH_ITEMS);
    expect(api.decisions).toHaveLength(MAX_BATCH_ITEMS);
    api.decisions.length = 0;
    const e = await refused(send(items(MAX_BATCH_ITEMS + 1)), 413, 'batch_too_large');
    expect(e.message).toContain(`at most ${MAX_BATCH_ITEMS}`);
  });

  it('refuses the whole batch when one item is bad, naming the item, and logs nothing', async () => {
    const expired = await mintVisitorToken({ sub: 'v-ada', iat: 1000, exp: 2000 });
    const good = { subject: { visitorId: 'v-ada' } };
    let e = await refused(
      send([good, good, { subject: { cookie: expired } }]),
      422,
      'invalid_subject',
    );
    expect(e.message).toMatch(/^items\.2\.subject\.cookie:/);
    e = await refused(send([good, { subject: {} }]), 400, 'invalid_request');
    expect(e.issues?.[0]?.path).toEqual(['items', 1, 'subject']);
    e = await refused(send([good], { slots: ['nope'] }), 422, 'unknown_slot');
    e = await refused(
      send([good, { subject: { visitorId: 'v-2' } }], { consent: undefined }),
      400,
      'invalid_request',
    );
    expect(e.issues?.[0]?.path).toEqual(['consent']);
    await refused(send([]), 400, 'invalid_request');
  });

  it('refuses a merged context with too many attributes', async () => {
    const attrs = (prefix: string) =>
      Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`${prefix}${i}`, i]));
    const e = await refused(
      send([{ subject: { visitorId: 'v-1' }, context: { attributes: attrs('b') } }], {
        context: { attributes: attrs('a') },
      }),
      400,
      'invalid_request',
    );
    expect(e.issues?.[0]?.path).toEqual(['items', 0, 'context', 'attributes']);
  });
});

describe('the per-token rate limit', () => {
  /** A limiter that allows `n` calls per key. */
  function limiter(n: number) {
    const seen = new Map<string, number>();
    return {
      keys: seen,
      binding: {
        async limit({ key }: { key: string }) {
          seen.set(key, (seen.get(key) ?? 0) + 1);
          return { success: seen.get(key)! <= n };
        },
      } as RateLimit,
    };
  }

  it('answers 429 with Retry-After once a token is over its limit, logging nothing, while another token goes on', async () => {
    const l = limiter(2);
    const [a, b] = [await decideToken(), await decideToken('decide read')];
    const call = (token: string) =>
      api.fetch(
        '/v1/decisions',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            subject: { visitorId: 'v-ada' },
            channel: 'app',
            consent: 'personal',
            page: 'home',
          }),
        },
        { DECIDE_RATE: l.binding },
      );
    expect((await call(a)).status).toBe(200);
    expect((await call(a)).status).toBe(200);
    const limited = await call(a);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(ApiError.parse(await limited.json()).error.code).toBe('rate_limited');
    expect(api.decisions).toHaveLength(2);
    expect((await call(b)).status).toBe(200);
    expect(l.keys.size).toBe(2);
  });

  it('is enforced by the real binding of wrangler.toml', async () => {
    expect(env.DECIDE_RATE).toBeDefined();
    const outcomes = [];
    for (let i = 0; i < 610; i++)
      outcomes.push((await env.DECIDE_RATE!.limit({ key: 'decide:t' })).success);
    expect(outcomes.slice(0, 600).every(Boolean)).toBe(true);
    expect(outcomes.slice(600).some((ok) => !ok)).toBe(true);
  });
});

describe('POST /v1/events', () => {
  const events = [
    { id: 'evt-server-0001', type: 'purchase', value: 49.5, currency: 'EUR' },
    { id: 'evt-server-0002', type: 'custom', name: 'email_open' },
  ];

  async function post(body: unknown, token?: string | null) {
    const res = await api.post('/v1/events', body, token);
    return { res, json: (await res.json()) as unknown };
  }

  it('queues the events for the named subject with their channel and consent', async () => {
    const { res, json } = await post({
      subject: { visitorId: 'v-ada', customerId: 'c-1' },
      channel: 'email',
      consent: 'personal',
      events,
    });
    expect(res.status, JSON.stringify(json)).toBe(202);
    expect(EventsAnswer.parse(json)).toEqual({ accepted: 2 });
    const messages = api.events.map((m) => EventMessage.parse(m));
    expect(
      messages.map((m) => [m.visitorId, m.customerId, m.channel, m.consent, m.event.id]),
    ).toEqual([
      ['v-ada', 'c-1', 'email', 'personal', 'evt-server-0001'],
      ['v-ada', 'c-1', 'email', 'personal', 'evt-server-0002'],
    ]);
  });

  it('keeps no customer id at consent contextual and nothing at all at none', async () => {
    await post({
      subject: { visitorId: 'v-ada', customerId: 'c-1' },
      channel: 'app',
      consent: 'contextual',
      events,
    });
    expect(api.events.map((m) => EventMessage.parse(m).customerId)).toEqual([undefined, undefined]);
    api.events.length = 0;
    const { res, json } = await post({
      subject: { visitorId: 'v-ada' },
      channel: 'app',
      consent: 'none',
      events,
    });
    expect(res.status).toBe(202);
    expect(EventsAnswer.parse(json)).toMatchObject({
      accepted: 0,
      discarded: 2,
      reason: 'consent.none',
    });
    expect(api.events).toEqual([]);
  });

  it('names a customer alone by the unit its decisions are logged under', async () => {
    await post({ subject: { customerId: 'c-1' }, channel: 'server', consent: 'personal', events });
    expect(EventMessage.parse(api.events[0]).visitorId).toBe('customer:c-1');
  });

  it('refuses without a decide token, with a bad body, and for an unusable cookie, queueing nothing', async () => {
    const body = { subject: { visitorId: 'v-ada' }, channel: 'app', consent: 'personal', events };
    expect((await post(body, null)).res.status).toBe(401);
    expect((await post(body, await decideToken('read'))).res.status).toBe(403);
    const bad = await post({ ...body, events: [{ id: 'short', type: 'click' }] });
    expect(bad.res.status).toBe(400);
    expect(ApiError.parse(bad.json).error.issues?.[0]?.path[0]).toBe('events');
    const cookie = await post({ ...body, subject: { cookie: 'nope' } });
    expect(cookie.res.status).toBe(422);
    expect(api.events).toEqual([]);
  });
});
