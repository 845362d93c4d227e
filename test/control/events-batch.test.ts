/**
 * The events consumer over a whole batch of many visitors (the shape a busy site's queue
 * delivers: up to max_batch_size messages, most from different people): every profile is
 * updated exactly once, and a browser's anonymous events in the same batch as its first login
 * reach the customer's profile whatever their order in the batch. The whole batch's events are
 * marked processed in one D1 round trip, and a failed mark retries every message.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { profileKeys } from '../../shared/kv-keys.ts';
import { EVENTS_QUEUE } from '../../control/consumers/events.ts';
import { deliver, type Delivery } from '../support/queues.ts';

let seq = 0;
const eventId = () => `evb-${Date.now().toString(36)}-${(seq++).toString(36).padStart(4, '0')}`;

const message = (
  visitorId: string,
  event: Record<string, unknown>,
  customerId?: string,
): Delivery => ({
  id: `m-${String(event.id)}`,
  body: {
    v: 1,
    visitorId,
    ...(customerId ? { customerId } : {}),
    receivedAt: Date.now(),
    event,
  },
});

interface Stored {
  behavior: { pageViews: number; cart: { sku: string; qty: number }[] };
}
const profileOf = async (key: string) => {
  const text = await env.PROFILES.get(key);
  return text ? (JSON.parse(text) as Stored) : undefined;
};

describe('the events consumer, one batch of many visitors', () => {
  it('updates each of 40 profiles once with all of its events, and acks every message', async () => {
    const run = eventId();
    const visitors = Array.from({ length: 40 }, (_, i) => `v-batch-${run}-${i}`);
    const customers = visitors.slice(0, 10).map((_, i) => `c-batch-${run}-${i}`);
    const messages = visitors.flatMap((v, i) => {
      const cid = customers[i];
      return [
        message(v, { id: eventId(), type: 'page_view', category: 'hiking' }, cid),
        message(v, { id: eventId(), type: 'add_to_cart', sku: `sku-${i}`, qty: i + 1 }, cid),
      ];
    });
    const result = await deliver(EVENTS_QUEUE, messages);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(messages.map((m) => m.id!).sort());
    for (const [i, v] of visitors.entries()) {
      const cid = customers[i];
      const profile = await profileOf(cid ? profileKeys.customer(cid) : profileKeys.visitor(v));
      expect(profile?.behavior.pageViews).toBe(1);
      expect(profile?.behavior.cart).toEqual([{ sku: `sku-${i}`, qty: i + 1 }]);
    }
  });

  it('folds a browser’s anonymous events into the customer it first logs in as in the same batch, even when the login comes first', async () => {
    const run = eventId();
    const browser = `v-batch-stitch-${run}`;
    const customer = `c-batch-stitch-${run}`;
    const result = await deliver(EVENTS_QUEUE, [
      // The logged-in event first in the batch: its profile is still built after the anonymous one.
      message(browser, { id: eventId(), type: 'page_view', category: 'camping' }, customer),
      message(browser, { id: eventId(), type: 'add_to_cart', sku: 'tent-9', qty: 2 }),
    ]);
    expect(result.retryMessages).toEqual([]);
    expect((await profileOf(profileKeys.visitor(browser)))?.behavior.cart).toEqual([
      { sku: 'tent-9', qty: 2 },
    ]);
    const merged = await profileOf(profileKeys.customer(customer));
    expect(merged?.behavior.cart).toEqual([{ sku: 'tent-9', qty: 2 }]);
    expect(merged?.behavior.pageViews).toBe(1);
  });

  /** env.DB, counting its `batch` round trips and, when asked, failing the processed marks. */
  const countingDb = (failMarks = false) => {
    const seen = { batches: 0, marks: 0 };
    const db = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'batch')
          return (statements: D1PreparedStatement[]) => {
            seen.batches++;
            return target.batch(statements);
          };
        if (prop === 'prepare')
          return (sql: string) => {
            if (sql.startsWith('UPDATE events SET processed')) {
              seen.marks++;
              if (failMarks) return target.prepare('UPDATE no_such_table SET x = 1');
            }
            return target.prepare(sql);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    return { db, seen };
  };

  it('marks the events of 30 anonymous profiles processed in one D1 round trip', async () => {
    const run = eventId();
    const messages = Array.from({ length: 30 }, (_, i) =>
      message(`v-marks-${run}-${i}`, { id: eventId(), type: 'page_view', category: 'hiking' }),
    );
    const { db, seen } = countingDb();
    const result = await deliver(EVENTS_QUEUE, messages, { DB: db });
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(30);
    // One batched INSERT, one batched mark (30 ids fit one statement); no stitches.
    expect(seen).toEqual({ batches: 2, marks: 1 });
    const left = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM events WHERE processed = 0 AND id IN (${messages.map(() => '?').join(',')})`,
    )
      .bind(...messages.map((m) => (m.body as { event: { id: string } }).event.id))
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it('retries every message when marking the batch processed fails, and acks none', async () => {
    const run = eventId();
    const messages = Array.from({ length: 4 }, (_, i) =>
      message(`v-markfail-${run}-${i}`, { id: eventId(), type: 'page_view', category: 'hiking' }),
    );
    const { db } = countingDb(true);
    const result = await deliver(EVENTS_QUEUE, messages, { DB: db });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(
      messages.map((m) => m.id!).sort(),
    );
    // The retry finds the events still unprocessed and finishes them.
    const again = await deliver(EVENTS_QUEUE, messages);
    expect(again.explicitAcks.sort()).toEqual(messages.map((m) => m.id!).sort());
  });
});
