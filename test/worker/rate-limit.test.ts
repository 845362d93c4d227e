import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addressRateKey, visitorRateKey, withinLimit } from '../../worker/security/rate-limit.ts';
import { fetchWith, recordingQueue } from '../support/faults.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

/** The binding counts in fixed one-minute windows; don't start right before one rolls over. */
async function awayFromWindowEdge() {
  const msLeft = 60_000 - (Date.now() % 60_000);
  if (msLeft < 5_000) await new Promise((r) => setTimeout(r, msLeft + 100));
}

describe('the events rate limiter', () => {
  it('is a real Workers rate limiting binding locally: 120 a minute per key, then refused', async () => {
    await awayFromWindowEdge();
    const key = visitorRateKey(`v-flood-${crypto.randomUUID()}`);
    const outcomes = [];
    for (let i = 0; i < 125; i++) outcomes.push(await withinLimit(env.EVENTS_RATE, key));
    expect(outcomes.filter(Boolean)).toHaveLength(120);
    expect(outcomes.slice(120)).toEqual([false, false, false, false, false]);
    expect(
      await withinLimit(env.EVENTS_RATE, visitorRateKey(`v-other-${crypto.randomUUID()}`)),
    ).toBe(true);
  });

  it('has a real per-address binding beside it: 600 a minute per address, then refused', async () => {
    await awayFromWindowEdge();
    const key = addressRateKey(
      `198.51.100.${Math.floor(Math.random() * 250)}-${crypto.randomUUID()}`,
    );
    const outcomes = [];
    for (let i = 0; i < 603; i++) outcomes.push(await withinLimit(env.EVENTS_IP_RATE, key));
    expect(outcomes.filter(Boolean)).toHaveLength(600);
    expect(outcomes.slice(600)).toEqual([false, false, false]);
  });

  it('fails open when the limiter errors or is not bound', async () => {
    const broken: RateLimit = { limit: () => Promise.reject(new Error('limiter down')) };
    expect(await withinLimit(broken, 'v:x')).toBe(true);
    expect(await withinLimit(undefined, 'v:x')).toBe(true);
  });

  it('keys visitors and addresses apart', () => {
    expect(visitorRateKey('v-1')).toBe('v:v-1');
    expect(addressRateKey('203.0.113.9')).toBe('ip:203.0.113.9');
  });
});

const batch = (id: string) => JSON.stringify({ events: [{ id, type: 'page_view' }] });

/** A limiter that refuses (or allows) everything and remembers the keys it was asked about. */
function stubLimiter(success: boolean) {
  const keys: string[] = [];
  const limiter: RateLimit = {
    limit: async ({ key }) => {
      keys.push(key);
      return { success };
    },
  };
  return { limiter, keys };
}

async function eventsRequest(cookie: string, body: string) {
  return new Request('https://shop.test/events', {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/plain', 'cf-connecting-ip': '203.0.113.7' },
    body,
  });
}

describe('POST /events under the rate limit', () => {
  it('answers 429 with Retry-After and a clear message once a visitor passes 120 requests a minute', async () => {
    await awayFromWindowEdge();
    const visitor = `v-flood-${crypto.randomUUID()}`;
    const headers = {
      ...cookieHeader(await mintVisitorToken({ sub: visitor })),
      'content-type': 'text/plain',
    };
    const post = (body: string) =>
      SELF.fetch('https://shop.test/events', { method: 'POST', headers, body });
    // Every request that reaches the limiter counts, even one then rejected for its body.
    for (let i = 0; i < 120; i++) expect((await post('{"events":[]}')).status).toBe(400);
    const limited = await post(batch(`rl-${crypto.randomUUID()}`));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    const body = await limited.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toContain('retry in 60 s');
    // Another visitor is not held back by the first one's flood.
    const other = cookieHeader(await mintVisitorToken({ sub: `v-calm-${crypto.randomUUID()}` }));
    const calm = await SELF.fetch('https://shop.test/events', {
      method: 'POST',
      headers: { ...other, 'content-type': 'text/plain' },
      body: batch(`rl-${crypto.randomUUID()}`),
    });
    expect(calm.status).toBe(202);
  }, 30_000);

  it('queues nothing from a limited request, and keys it by the verified visitor', async () => {
    const { limiter, keys } = stubLimiter(false);
    const events = recordingQueue(env.EVENTS);
    const token = await mintVisitorToken({ sub: 'v-limited' });
    const res = await fetchWith(
      await eventsRequest(`__Host-tsr_vid=${token}`, batch(`rl-${crypto.randomUUID()}`)),
      {
        EVENTS_RATE: limiter,
        EVENTS_IP_RATE: undefined,
        EVENTS: events.queue,
      },
    );
    expect(res.status).toBe(429);
    expect(keys).toEqual(['v:v-limited']);
    expect(events.sent).toEqual([]);
  });

  it('asks both limits of every request: the address, then the visitor', async () => {
    const perAddress = stubLimiter(true);
    const perVisitor = stubLimiter(true);
    const token = await mintVisitorToken({ sub: 'v-both' });
    const req = await eventsRequest(`__Host-tsr_vid=${token}`, batch(`rl-${crypto.randomUUID()}`));
    const res = await fetchWith(req, {
      EVENTS_IP_RATE: perAddress.limiter,
      EVENTS_RATE: perVisitor.limiter,
    });
    expect(res.status).toBe(202);
    expect(perAddress.keys).toEqual(['ip:203.0.113.7']);
    expect(perVisitor.keys).toEqual(['v:v-both']);
  });

  it('refuses a client that takes a fresh cookie for every request once its address is over the limit', async () => {
    // The bypass of issue 13 #2: five fresh cookies from GET / got round the per-visitor limit.
    const perAddress = stubLimiter(false);
    const perVisitor = stubLimiter(true);
    const events = recordingQueue(env.EVENTS);
    for (let i = 0; i < 5; i++) {
      const fresh = await mintVisitorToken({ sub: `v-fresh-${crypto.randomUUID()}` });
      const res = await fetchWith(
        await eventsRequest(`__Host-tsr_vid=${fresh}`, batch(`rl-${crypto.randomUUID()}`)),
        {
          EVENTS_IP_RATE: perAddress.limiter,
          EVENTS_RATE: perVisitor.limiter,
          EVENTS: events.queue,
        },
      );
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('60');
      const body = await res.json<{ error: { code: string; message: string } }>();
      expect(body.error).toMatchObject({ code: 'rate_limited' });
      expect(body.error.message).toContain('from this address');
    }
    // Refused at the address: no visitor's allowance was used, nothing was queued.
    expect(perVisitor.keys).toEqual([]);
    expect(events.sent).toEqual([]);
  });

  it('limits by address only at consent none, where the identifier cookie is not read', async () => {
    const perAddress = stubLimiter(true);
    const perVisitor = stubLimiter(true);
    const token = await mintVisitorToken({ sub: 'v-none-limited' });
    const req = await eventsRequest(
      `__Host-tsr_vid=${token}; tsr_consent=none`,
      batch(`rl-${crypto.randomUUID()}`),
    );
    const res = await fetchWith(req, {
      EVENTS_IP_RATE: perAddress.limiter,
      EVENTS_RATE: perVisitor.limiter,
    });
    expect(res.status).toBe(202);
    expect(perAddress.keys).toEqual(['ip:203.0.113.7']);
    expect(perVisitor.keys).toEqual([]);
  });

  it('does not limit at all when neither binding is bound', async () => {
    const token = await mintVisitorToken({ sub: 'v-unbound' });
    const req = await eventsRequest(`__Host-tsr_vid=${token}`, batch(`rl-${crypto.randomUUID()}`));
    expect(
      (await fetchWith(req, { EVENTS_RATE: undefined, EVENTS_IP_RATE: undefined })).status,
    ).toBe(202);
  });
});
