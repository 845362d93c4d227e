/**
 * The erasure race: an event accepted (202) or a decision record queued just before its sender
 * is erased can still be in the queue when the erasure runs. Tombstones
 * (shared/privacy/tombstones.ts) keep the consumers from storing either afterwards (or
 * recreating the profile from an event); what arrives from after the erasure is stored as usual.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
} from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SITE } from '../support/site.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { createControlWorker } from '../../control/index.ts';
import { TOMBSTONE_MS } from '../../shared/privacy/tombstones.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { putCustomerProfile, putVisitorProfile } from '../support/bundle.ts';
import { customerPseudonym, visitorPseudonym } from '../support/pseudonyms.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

let seq = 0;
const eventId = () => `race-${Date.now().toString(36)}-${(seq++).toString(36).padStart(4, '0')}`;

interface Sent {
  visitorId: string;
  customerId?: string;
  receivedAt: number;
}

/** Delivers events to the consumer as the queue would; resolves with the acked message ids. */
async function consume(messages: (Sent & { id: string })[]) {
  const batch = createMessageBatch(
    'tessera-events',
    messages.map(({ id, ...sent }) => ({
      id: `m-${id}`,
      timestamp: new Date(),
      attempts: 1,
      body: {
        v: 1,
        consent: 'personal',
        ...sent,
        event: { id, type: 'page_view', category: 'running' },
      },
    })),
  );
  const ctx = createExecutionContext();
  await createControlWorker().queue(batch, env, ctx);
  const result = (await getQueueResult(batch, ctx)) as { explicitAcks: string[] };
  return result.explicitAcks.sort();
}

const stored = async (id: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM events WHERE id = ?')
    .bind(id)
    .first<number>('n')) === 1;

const eraseMe = async (sub: string) =>
  SITE.fetch('https://shop.test/privacy/me', {
    method: 'DELETE',
    headers: cookieHeader(await mintVisitorToken({ sub })),
  });

describe('events in the queue when their sender is erased', () => {
  it('are not stored afterwards and recreate no profile', async () => {
    await putVisitorProfile('v-race', { traits: { firstName: 'Ada' } });
    const queuedBefore = Date.now() - 1000;
    expect((await eraseMe('v-race')).status).toBe(200);

    const id = eventId();
    expect(await consume([{ id, visitorId: 'v-race', receivedAt: queuedBefore }])).toEqual([
      `m-${id}`,
    ]);
    expect(await stored(id)).toBe(false);
    expect(await env.PROFILES.get(profileKeys.visitor('v-race'))).toBeNull();
  });

  it('are stored as usual when received after the erasure', async () => {
    expect((await eraseMe('v-race-after')).status).toBe(200);
    const id = eventId();
    await consume([{ id, visitorId: 'v-race-after', receivedAt: Date.now() + 1000 }]);
    expect(await stored(id)).toBe(true);
    expect(await env.PROFILES.get(profileKeys.visitor('v-race-after'))).not.toBeNull();
  });

  it('from an erased customer, or from a visitor stitched to them, are not stored either', async () => {
    await putCustomerProfile('c-race', { traits: { plan: 'pro' } });
    await env.DB.prepare('INSERT INTO stitches (visitor_id, customer_id, at) VALUES (?, ?, ?)')
      .bind(await visitorPseudonym('v-race-laptop'), await customerPseudonym('c-race'), Date.now())
      .run();
    const queuedBefore = Date.now() - 1000;
    const res = await SITE.fetch('https://shop.test/admin/privacy/customers/c-race', {
      method: 'DELETE',
      headers: bearerHeader(await mintAdminToken({ scope: 'privacy' })),
    });
    expect(res.status).toBe(200);

    const [asCustomer, anonymous, unrelated] = [eventId(), eventId(), eventId()];
    await consume([
      { id: asCustomer, visitorId: 'v-race-phone', customerId: 'c-race', receivedAt: queuedBefore },
      { id: anonymous, visitorId: 'v-race-laptop', receivedAt: queuedBefore },
      { id: unrelated, visitorId: 'v-race-bystander', receivedAt: queuedBefore },
    ]);
    expect(await stored(asCustomer)).toBe(false);
    expect(await stored(anonymous)).toBe(false);
    expect(await stored(unrelated)).toBe(true);
    expect(await env.PROFILES.get(profileKeys.customer('c-race'))).toBeNull();
  });
});

/** A decision record as the visitor worker queues it, for `visitor` at `atMs`, with a holdout arm. */
async function decisionRecord(id: string, visitorId: string, atMs: number) {
  return {
    id,
    at: new Date(atMs).toISOString(),
    version: '0123456789abcdef',
    page: 'home',
    visitor: await visitorPseudonym(visitorId),
    consent: 'personal',
    profile: 'visitor',
    context: { path: '/' },
    reasons: [],
    slots: [{ slot: 'hero', variant: 'hero-default', level: 'default', reason: 'default' }],
    holdout: 'personalized',
    sticky: true,
  };
}

/** Delivers decision records to the control plane's consumer as the queue would. */
async function consumeDecisions(records: Awaited<ReturnType<typeof decisionRecord>>[]) {
  const batch = createMessageBatch(
    'tessera-decisions',
    records.map((body) => ({ id: `m-${body.id}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await createControlWorker().queue(batch, env, ctx);
  return ((await getQueueResult(batch, ctx)) as { explicitAcks: string[] }).explicitAcks.sort();
}

const rowsOf = async (decisionId: string) => {
  const count = (table: string, column: string) =>
    env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`)
      .bind(decisionId)
      .first<number>('n');
  return {
    decisions: await count('decisions', 'id'),
    slots: await count('decision_slots', 'decision_id'),
    exposures: await count('exposures', 'decision_id'),
  };
};

describe('decision records in the queue when their visitor is erased', () => {
  it('are not stored afterwards: no decision, no slots, no exposures', async () => {
    const renderedBefore = Date.now() - 1000;
    expect((await eraseMe('v-race-decided')).status).toBe(200);
    const id = `d-race-${crypto.randomUUID()}`;
    const acked = await consumeDecisions([
      await decisionRecord(id, 'v-race-decided', renderedBefore),
    ]);
    expect(acked).toEqual([`m-${id}`]);
    expect(await rowsOf(id)).toEqual({ decisions: 0, slots: 0, exposures: 0 });
  });

  it('are stored as usual when rendered after the erasure, or for someone else', async () => {
    expect((await eraseMe('v-race-decided-later')).status).toBe(200);
    const later = `d-race-${crypto.randomUUID()}`;
    const other = `d-race-${crypto.randomUUID()}`;
    await consumeDecisions([
      await decisionRecord(later, 'v-race-decided-later', Date.now() + 1000),
      await decisionRecord(other, 'v-race-bystander', Date.now() - 1000),
    ]);
    expect(await rowsOf(later)).toEqual({ decisions: 1, slots: 1, exposures: 1 });
    expect(await rowsOf(other)).toEqual({ decisions: 1, slots: 1, exposures: 1 });
  });

  it('of a visitor stitched to an erased customer are not stored either', async () => {
    await env.DB.prepare('INSERT INTO stitches (visitor_id, customer_id, at) VALUES (?, ?, ?)')
      .bind(
        await visitorPseudonym('v-race-tablet'),
        await customerPseudonym('c-race-decided'),
        Date.now(),
      )
      .run();
    const renderedBefore = Date.now() - 1000;
    const res = await SITE.fetch('https://shop.test/admin/privacy/customers/c-race-decided', {
      method: 'DELETE',
      headers: bearerHeader(await mintAdminToken({ scope: 'privacy' })),
    });
    expect(res.status).toBe(200);
    const id = `d-race-${crypto.randomUUID()}`;
    await consumeDecisions([await decisionRecord(id, 'v-race-tablet', renderedBefore)]);
    expect(await rowsOf(id)).toEqual({ decisions: 0, slots: 0, exposures: 0 });
  });
});

describe('erasure tombstones', () => {
  it('hold pseudonyms under every visitor key, never the id', async () => {
    expect((await eraseMe('v-race-tomb')).status).toBe(200);
    const subjects = (
      await env.DB.prepare('SELECT subject FROM erasures').all<{ subject: string }>()
    ).results.map((r) => r.subject);
    expect(subjects).toContain(await visitorPseudonym('v-race-tomb'));
    expect(subjects).toContain(await visitorPseudonym('v-race-tomb', 1));
    expect(subjects).not.toContain('v-race-tomb');
  });

  it('are pruned by the cron once no queue can hold an older message', async () => {
    const now = Date.now();
    const insert = env.DB.prepare('INSERT INTO erasures (subject, at) VALUES (?, ?)');
    await env.DB.batch([
      insert.bind('stale-tombstone', now - TOMBSTONE_MS - 60_000),
      insert.bind('recent-tombstone', now - 60_000),
    ]);
    const ctx = createExecutionContext();
    await createControlWorker().scheduled(
      createScheduledController({ scheduledTime: now, cron: '*/5 * * * *' }),
      env,
      ctx,
    );
    const subjects = (
      await env.DB.prepare('SELECT subject FROM erasures').all<{ subject: string }>()
    ).results.map((r) => r.subject);
    expect(subjects).toContain('recent-tombstone');
    expect(subjects).not.toContain('stale-tombstone');
  });
});
