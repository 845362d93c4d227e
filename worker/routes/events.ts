/**
 * `POST /events`: a batch of behavioural events from the tracker script (sendBeacon sends
 * `text/plain`) or the site's own code (`application/json`).
 *
 *   cookie (must verify) → size limit (413) → JSON + schema (400, nothing queued)
 *     → one EVENTS message per event → 202 { accepted }
 *
 * All or nothing: a batch with one bad event is rejected whole, so a client never has to work
 * out which events got through. If the queue cannot take the batch we answer 503 with
 * Retry-After: the client (the tracker retries once per page; the site's own code should too)
 * sends the same event ids again and the consumer counts them once. A 202 means the queue holds
 * every event; from there the consumer retries and dead-letters, never drops.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { configFor } from '../config.ts';
import type { Env } from '../env.ts';
import { keyringFor } from '../identity/keyring.ts';
import { VISITOR_COOKIE } from '../identity/visitor.ts';
import { verifyVisitorToken } from '../identity/visitor-token.ts';
import {
  EventBatch,
  MAX_EVENTS_BODY_BYTES,
  type EventMessage,
} from '../../shared/schema/events.ts';

type Ctx = Context<{ Bindings: Env }>;

export const RETRY_AFTER_SECONDS = 5;

function problem(
  c: Ctx,
  status: 400 | 401 | 413 | 415 | 503,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (status === 503) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  return c.json({ error: { code, message, ...extra } }, status, headers);
}

/** Reads at most `limit` bytes; undefined when the body is larger. */
async function readLimited(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

export async function handleEvents(c: Ctx, now: () => number): Promise<Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'text/plain') {
    return problem(
      c,
      415,
      'unsupported_media_type',
      'send the batch as application/json (or text/plain, as sendBeacon does)',
    );
  }
  const declared = Number(c.req.header('content-length'));
  if (declared > MAX_EVENTS_BODY_BYTES) {
    return problem(
      c,
      413,
      'body_too_large',
      `the body is ${declared} bytes; at most ${MAX_EVENTS_BODY_BYTES} are accepted — send fewer events per request`,
    );
  }

  const token = getCookie(c, VISITOR_COOKIE);
  const verified = token
    ? await verifyVisitorToken(
        await keyringFor(configFor(c.env).visitorKeys),
        token,
        Math.floor(now() / 1000),
      )
    : undefined;
  if (!verified?.ok) {
    return problem(
      c,
      401,
      'no_visitor',
      'events need a valid visitor cookie (__Host-tsr_vid), which any page view sets',
    );
  }

  const text = await readLimited(c.req.raw, MAX_EVENTS_BODY_BYTES);
  if (text === undefined) {
    return problem(
      c,
      413,
      'body_too_large',
      `at most ${MAX_EVENTS_BODY_BYTES} bytes are accepted — send fewer events per request`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return problem(
      c,
      400,
      'invalid_json',
      'the body is not valid JSON; expected {"events": [...]}',
    );
  }
  const parsed = EventBatch.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 20)
      .map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    return problem(
      c,
      400,
      'invalid_events',
      `${issues[0]?.path || 'body'}: ${issues[0]?.message ?? 'invalid'} (nothing was accepted)`,
      { issues },
    );
  }

  const receivedAt = now();
  const { sub, cid } = verified.claims;
  const messages = parsed.data.events.map((event) => ({
    body: {
      v: 1,
      visitorId: sub,
      ...(cid ? { customerId: cid } : {}),
      receivedAt,
      event,
    } satisfies EventMessage,
    contentType: 'json' as const,
  }));
  try {
    await c.env.EVENTS.sendBatch(messages);
  } catch {
    return problem(
      c,
      503,
      'queue_unavailable',
      `events could not be queued; retry in ${RETRY_AFTER_SECONDS} s with the same event ids`,
    );
  }
  return c.json({ accepted: messages.length }, 202, { 'cache-control': 'no-store' });
}
