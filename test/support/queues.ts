/**
 * Queue consumers driven directly, for the control project: a test hands the control plane's real
 * `queue()` handler a batch (`createMessageBatch`) and reads what it acked and retried
 * (`getQueueResult`) — no waiting for a queue to deliver, no polling D1 until a row shows up.
 *
 * ```ts
 * const events = captureQueue();
 * await fetchWith(request, { EVENTS: events.queue });        // the visitor worker sends…
 * const result = await deliver(EVENTS_QUEUE, events.sent);   // …the consumer receives, now
 * expect(result.explicitAcks).toHaveLength(1);
 * ```
 *
 * Flows that are about the queue itself (a page view reaching D1) still go through the real
 * queues, which deliver at once in tests (vitest.config.ts); wait for them with `eventually`.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { createControlWorker, type ControlWorker } from '../../control/index.ts';

/** What `getQueueResult` reports (its type is not in the pinned workers-types). */
export interface QueueResult {
  outcome: string;
  ackAll: boolean;
  retryBatch: { retry: boolean; delaySeconds?: number };
  explicitAcks: string[];
  retryMessages: { msgId: string; delaySeconds?: number }[];
}

/** One message as the queue hands it over; ids default to `m0`, `m1`, … by position. */
export interface Delivery {
  body: unknown;
  id?: string;
  attempts?: number;
  timestamp?: Date;
}

/**
 * Delivers `messages` (bodies, or whole deliveries) from `queue` to the control plane's consumer
 * as one batch, with `bindings` replacing some of the project's; resolves once the handler and
 * its `waitUntil` work are done.
 */
export async function deliver(
  queue: string,
  messages: (Delivery | MessageSendRequest)[],
  bindings: Partial<Cloudflare.Env> = {},
  worker: ControlWorker = createControlWorker(),
): Promise<QueueResult> {
  const batch = createMessageBatch(
    queue,
    messages.map((m, i) => ({
      id: 'id' in m && m.id ? m.id : `m${i}`,
      timestamp: 'timestamp' in m && m.timestamp ? m.timestamp : new Date(),
      attempts: 'attempts' in m && m.attempts ? m.attempts : 1,
      body: m.body,
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...bindings }, ctx);
  return (await getQueueResult(batch, ctx)) as QueueResult;
}

/**
 * A queue binding that keeps what is sent and sends nothing on: `sent` has every message (as
 * `deliver` takes them), `batches` one entry per `send`/`sendBatch` call.
 */
export function captureQueue(): {
  queue: Queue;
  sent: MessageSendRequest[];
  batches: MessageSendRequest[][];
} {
  const sent: MessageSendRequest[] = [];
  const batches: MessageSendRequest[][] = [];
  const keep = (messages: MessageSendRequest[]) => {
    batches.push(messages);
    sent.push(...messages);
  };
  const queue = {
    send: async (body: unknown) => keep([{ body }]),
    sendBatch: async (messages: Iterable<MessageSendRequest>) => keep([...messages]),
  } as unknown as Queue;
  return { queue, sent, batches };
}
