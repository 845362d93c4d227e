/**
 * The erasure race: an event accepted (202) just before its sender is erased can still be in the
 * queue when the erasure runs. Tombstones (worker/privacy/tombstones.ts) keep the consumer from
 * storing it afterwards or recreating the profile from it; events received after the erasure are
 * stored as usual.
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
