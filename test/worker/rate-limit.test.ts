import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { rateKey, withinLimit } from '../../worker/security/rate-limit.ts';

describe('the events rate limiter', () => {
  it('is a real Workers rate limiting binding locally: 120 a minute per key, then refused', async () => {
    // The binding counts in fixed one-minute windows; don't start right before one rolls over.
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 5_000) await new Promise((r) => setTimeout(r, msLeft + 100));
    const key = rateKey(`v-flood-${crypto.randomUUID()}`, '203.0.113.9');
    const outcomes = [];
    for (let i = 0; i < 125; i++) outcomes.push(await withinLimit(env.EVENTS_RATE, key));
    expect(outcomes.filter(Boolean)).toHaveLength(120);
    expect(outcomes.slice(120)).toEqual([false, false, false, false, false]);
    expect(await withinLimit(env.EVENTS_RATE, rateKey(`v-other-${crypto.randomUUID()}`, '203.0.113.9'))).toBe(true);
  });

  it('fails open when the limiter errors or is not bound', async () => {
    const broken: RateLimit = { limit: () => Promise.reject(new Error('limiter down')) };
    expect(await withinLimit(broken, 'v:x')).toBe(true);
    expect(await withinLimit(undefined, 'v:x')).toBe(true);
  });

  it('keys by visitor when known, by IP otherwise', () => {
    expect(rateKey('v-1', '203.0.113.9')).toBe('v:v-1');
    expect(rateKey(undefined, '203.0.113.9')).toBe('ip:203.0.113.9');
  });
});
