import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { SITE } from '../support/site.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { loadConfig } from '../../shared/config.ts';
import { insertStatements } from '../../control/consumers/decisions.ts';
import { pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { publishTestBundle, putCustomerProfile, putVisitorProfile } from '../support/bundle.ts';
import { downD1, faultyKv, fetchWith } from '../support/faults.ts';
import { cookieHeader, mintVisitorToken, nowSeconds } from '../support/tokens.ts';

const ME = 'https://shop.test/privacy/me';
const CLEARED = '__Host-tsr_vid=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax';

const asVisitor = async (sub: string, cid?: string) =>
  cookieHeader(await mintVisitorToken({ sub, cid }));
const stored = async (key: string) => env.PROFILES.get(key);

describe('GET and DELETE /privacy/me', () => {
  beforeEach(async () => {
    await publishTestBundle();
    await putVisitorProfile('v-ada', { segments: ['vip'], traits: { firstName: 'Ada' } });
    await putCustomerProfile('c-7', { traits: { plan: 'pro' } });
    await putVisitorProfile('v-other', { traits: { firstName: 'Bob' } });
  });

  it('shows the visitor their own profile, and the customer profile their cookie names', async () => {
    const res = await SITE.fetch(ME, { headers: await asVisitor('v-ada', 'c-7') });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json<{
      subject: unknown;
      held: { profiles: { visitor: { traits: unknown }; customer: { traits: unknown } } };
    }>();
    expect(body.subject).toEqual({ visitorId: 'v-ada', customerId: 'c-7' });
    expect(body.held.profiles.visitor.traits).toEqual({ firstName: 'Ada' });
    expect(body.held.profiles.customer.traits).toEqual({ plan: 'pro' });
  });

  it('shows nothing to a browser without a valid cookie, including a forged one', async () => {
    for (const headers of [
      {},
      cookieHeader(
        await mintVisitorToken({ sub: 'v-ada', secret: 'an-attacker-chosen-secret-of-32-bytes!!' }),
      ),
    ]) {
      const body = await (
        await SITE.fetch(ME, { headers })
      ).json<{ subject: unknown; held?: unknown }>();
      expect(body.subject).toBeNull();
      expect(body.held).toBeUndefined();
    }
  });

  it('still honours an expired but genuine cookie: rights outlive the cookie', async () => {
    const token = await mintVisitorToken({
      sub: 'v-ada',
      iat: nowSeconds() - 7200,
      exp: nowSeconds() - 60,
    });
    const body = await (
      await SITE.fetch(ME, { headers: cookieHeader(token) })
    ).json<{ subject: unknown }>();
    expect(body.subject).toEqual({ visitorId: 'v-ada' });
  });

  it('honours an expired cookie only while a browser could still hold it: 400 days after it was issued', async () => {
    const day = 24 * 3600;
    const read = async (iat: number, exp: number) =>
      (
        await (
          await SITE.fetch(ME, {
            headers: cookieHeader(await mintVisitorToken({ sub: 'v-ada', iat, exp })),
          })
        ).json<{ subject: unknown; held?: unknown }>()
      ).subject;
    // A site login's 90-day token, expired ten days ago: the browser may well still send it.
    expect(await read(nowSeconds() - 100 * day, nowSeconds() - 10 * day)).toEqual({
      visitorId: 'v-ada',
    });
    // A 2017 cookie (issued, expired a year later): no browser keeps a cookie that long.
    expect(await read(Date.UTC(2017, 2, 1) / 1000, Date.UTC(2018, 2, 1) / 1000)).toBeNull();
    // Issued 401 days ago, expired yesterday.
    expect(await read(nowSeconds() - 401 * day, nowSeconds() - day)).toBeNull();
  });

  it('erases nothing for a cookie issued more than 400 days ago', async () => {
    const token = await mintVisitorToken({
      sub: 'v-ada',
      iat: Date.UTC(2017, 2, 1) / 1000,
      exp: Date.UTC(2018, 2, 1) / 1000,
    });
    const res = await SITE.fetch(ME, { method: 'DELETE', headers: cookieHeader(token) });
    expect(await res.json()).toEqual({ subject: null, erased: null });
    expect(await stored(profileKeys.visitor('v-ada'))).not.toBeNull();
  });

  it('erases the visitor’s and customer’s profiles, clears the cookie, and leaves others alone', async () => {
    const res = await SITE.fetch(ME, {
      method: 'DELETE',
      headers: await asVisitor('v-ada', 'c-7'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ erased: { profiles: 2 } });
    expect(res.headers.getSetCookie()).toEqual([CLEARED]);
    expect(await stored(profileKeys.visitor('v-ada'))).toBeNull();
    expect(await stored(profileKeys.customer('c-7'))).toBeNull();
    expect(await stored(profileKeys.visitor('v-other'))).not.toBeNull();
    const page = await SITE.fetch('https://shop.test/', { headers: await asVisitor('v-ada') });
    expect(await page.text()).not.toContain('banner-vip');
  });

  it('is idempotent: erasing again finds nothing and still succeeds', async () => {
    await SITE.fetch(ME, { method: 'DELETE', headers: await asVisitor('v-ada') });
    const again = await SITE.fetch(ME, { method: 'DELETE', headers: await asVisitor('v-ada') });
    expect(await again.json()).toMatchObject({ erased: { profiles: 0 } });
  });

  it('refuses erasure requested from another site', async () => {
    const headers = { ...(await asVisitor('v-ada')), origin: 'https://evil.test' };
    const res = await SITE.fetch(ME, { method: 'DELETE', headers });
    expect(res.status).toBe(403);
    expect(await stored(profileKeys.visitor('v-ada'))).not.toBeNull();
  });

  it('answers 503 with Retry-After, not a partial answer, when the profile store fails', async () => {
    const req = new Request(ME, { headers: await asVisitor('v-ada') });
    const res = await fetchWith(req, { PROFILES: faultyKv(env.PROFILES, 'throw') });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });
});

/** A decision record for `visitorId`, stored as the consumer would, hashed under key `keyIndex`. */
async function storeDecision(id: string, visitorId: string, keyIndex = 0) {
  const keys = loadConfig(env).visitorKeys;
  const visitor = await pseudonym(await pseudonymKey([keys[keyIndex]!]), visitorId);
  const record = DecisionRecord.parse({
    id,
    at: new Date().toISOString(),
    version: '0123456789abcdef',
    page: 'home',
    visitor,
    consent: 'personal',
    profile: 'visitor',
    context: { device: 'desktop' },
    reasons: [],
    slots: [
      { slot: 'hero', variant: 'hero-default', level: 'default', reason: 'default:no_match' },
    ],
  });
  await env.DB.batch(insertStatements(env.DB, record));
}
const decisionRows = async () =>
  (await env.DB.prepare('SELECT id FROM decisions ORDER BY id').all<{ id: string }>()).results.map(
    (r) => r.id,
  );
const slotRows = async () =>
  (await env.DB.prepare('SELECT count(*) AS n FROM decision_slots').first<number>('n')) ?? 0;

describe('decision records under the visitor’s pseudonym', () => {
  beforeEach(async () => {
    await storeDecision('d-ada-1', 'v-ada');
    await storeDecision('d-ada-old-key', 'v-ada', 1);
    await storeDecision('d-bob', 'v-other');
  });

  it('are shown to the visitor, including those hashed under an older visitor key', async () => {
    const body = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-ada') })
    ).json<{ held: { decisions: { id: string }[] } }>();
    expect(body.held.decisions.map((d) => d.id).sort()).toEqual(['d-ada-1', 'd-ada-old-key']);
  });

  it('are erased with the visitor (rows and their slots), and nobody else’s are', async () => {
    const res = await SITE.fetch(ME, { method: 'DELETE', headers: await asVisitor('v-ada') });
    expect(await res.json()).toMatchObject({ erased: { decisions: 2 } });
    expect(await decisionRows()).toEqual(['d-bob']);
    expect(await slotRows()).toBe(1);
  });

  it('are erased by an admin by visitor id', async () => {
    const res = await SITE.fetch('https://shop.test/admin/privacy/visitors/v-ada', {
      method: 'DELETE',
      headers: bearerHeader(await mintAdminToken({ scope: 'privacy' })),
    });
    expect(await res.json()).toMatchObject({ erased: { decisions: 2 } });
    expect(await decisionRows()).toEqual(['d-bob']);
  });

  it('make erasure answer 503 (nothing half-done to report) when D1 is down', async () => {
    const req = new Request(ME, { method: 'DELETE', headers: await asVisitor('v-ada') });
    const res = await fetchWith(req, { DB: downD1(env.DB) });
    expect(res.status).toBe(503);
    expect(await decisionRows()).toContain('d-ada-1');
  });
});

describe('/admin/privacy', () => {
  beforeEach(async () => {
    await putVisitorProfile('v-ada', { traits: { firstName: 'Ada' } });
    await putCustomerProfile('c-7', { traits: { plan: 'pro' } });
  });
  const admin = async (method: string, path: string, scopes = ['privacy']) =>
    SITE.fetch(`https://shop.test/admin/privacy/${path}`, {
      method,
      headers: bearerHeader(await mintAdminToken({ scope: scopes.join(' ') })),
    });

  it('reads what is held about a visitor or a customer by id', async () => {
    const v = await admin('GET', 'visitors/v-ada');
    expect(v.status).toBe(200);
    expect(await v.json()).toMatchObject({
      subject: { visitorId: 'v-ada' },
      held: { profiles: { visitor: { id: 'v-ada' }, customer: null } },
    });
    expect(await (await admin('GET', 'customers/c-7')).json()).toMatchObject({
      held: { profiles: { customer: { id: 'c-7' } } },
    });
  });

  it('erases a visitor and a customer by id', async () => {
    expect(await (await admin('DELETE', 'visitors/v-ada')).json()).toMatchObject({
      erased: { profiles: 1 },
    });
    expect(await (await admin('DELETE', 'customers/c-7')).json()).toMatchObject({
      erased: { profiles: 1 },
    });
    expect(await stored(profileKeys.visitor('v-ada'))).toBeNull();
    expect(await stored(profileKeys.customer('c-7'))).toBeNull();
  });

  it('needs the privacy scope: read or publish alone is not enough', async () => {
    for (const scopes of [['read'], ['publish'], ['read', 'publish', 'preview']]) {
      expect((await admin('DELETE', 'visitors/v-ada', scopes)).status).toBe(403);
    }
    expect(await stored(profileKeys.visitor('v-ada'))).not.toBeNull();
  });

  it('accepts bearer tokens only: the same valid token in a cookie is a 401', async () => {
    const token = await mintAdminToken({ scope: 'privacy' });
    for (const cookie of [
      `token=${token}`,
      `authorization=Bearer ${token}`,
      `__Host-tsr_vid=${token}`,
    ]) {
      const res = await SITE.fetch('https://shop.test/admin/privacy/visitors/v-ada', {
        method: 'DELETE',
        headers: { cookie },
      });
      expect(res.status).toBe(401);
    }
    expect(await stored(profileKeys.visitor('v-ada'))).not.toBeNull();
  });

  it('rejects an id that cannot be one, saying what an id looks like', async () => {
    const res = await admin('GET', 'visitors/%3Cscript%3E');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'invalid_request',
        message: expect.stringContaining('letters, digits'),
        issues: [{ path: 'id', message: expect.any(String), found: '"<script>"' }],
      },
    });
  });
});
