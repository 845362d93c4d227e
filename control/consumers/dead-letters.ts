/**
 * Dead letters: messages no consumer can process. Our consumers forward poison (bodies that
 * fail their schema) to the `tessera-dead-letter` queue at once, wrapped with the reason;
 * messages that exhaust their retries get there from the platform, unwrapped. The dead-letter
 * consumer stores both kinds in D1 `dead_letters`, so nothing is ever dropped silently.
 */
import { deadLetterSubject } from '../../shared/privacy/dead-letter-subject.ts';
import * as z from '../../shared/schema/zod.ts';
import type { ControlEnv } from '../env.ts';

export const DEAD_LETTER_QUEUE = 'tessera-dead-letter';

export const DeadLetterEnvelope = z.object({
  tesseraDeadLetter: z.literal(1),
  queue: z.string(),
  reason: z.string(),
  messageId: z.optional(z.string()),
  attempts: z.optional(z.number().check(z.int())),
  body: z.unknown(),
});
export type DeadLetterEnvelope = z.infer<typeof DeadLetterEnvelope>;

/** Forwards one message to the DLQ and acks it; if even that fails, it is retried. */
export async function forwardToDeadLetter(
  env: ControlEnv,
  queue: string,
  message: Message<unknown>,
  reason: string,
): Promise<void> {
  const envelope: DeadLetterEnvelope = {
    tesseraDeadLetter: 1,
    queue,
    reason: reason.slice(0, 500),
    messageId: message.id,
    attempts: message.attempts,
    body: message.body,
  };
  try {
    await env.DEAD_LETTERS.send(envelope, { contentType: 'json' });
    message.ack();
  } catch {
    message.retry();
  }
}

function stringify(body: unknown): string {
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return String(body);
  }
}

/**
 * Consumer of `tessera-dead-letter`: every message becomes a `dead_letters` row, with the
 * pseudonyms of the message's sender in `visitor` / `customer` (shared/privacy/dead-letter-subject.ts)
 * — what access and erasure match on. `key` is the pseudonym key (shared/privacy/pseudonym.ts).
 */
export async function consumeDeadLetters(
  batch: MessageBatch<unknown>,
  db: D1Database,
  now: number,
  key: CryptoKey,
): Promise<void> {
  const insert = db.prepare(
    'INSERT INTO dead_letters (queue, message_id, reason, body, attempts, at, visitor, customer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const rows = await Promise.all(
    batch.messages.map(async (m) => {
      const wrapped = DeadLetterEnvelope.safeParse(m.body);
      const body = wrapped.success ? wrapped.data.body : m.body;
      const { visitor, customer } = await deadLetterSubject(body, key);
      return wrapped.success
        ? insert.bind(
            wrapped.data.queue,
            wrapped.data.messageId ?? m.id,
            wrapped.data.reason,
            stringify(body),
            wrapped.data.attempts ?? null,
            now,
            visitor,
            customer,
          )
        : insert.bind(
            'unknown',
            m.id,
            'retries_exhausted',
            stringify(body),
            m.attempts,
            now,
            visitor,
            customer,
          );
    }),
  );
  if (rows.length) await db.batch(rows); // throws → the whole batch is retried
  batch.ackAll();
}
