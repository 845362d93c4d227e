/**
 * Consumer of `tessera-events`: turns queued events into D1 rows and profile updates.
 *
 *   parse (poison → dead-letter queue) → INSERT OR IGNORE by event id (duplicates: ack, done;
 *     an event received before its sender's erasure is not inserted either: privacy/tombstones.ts)
 *     → consent `contextual`: stored already processed, nothing more (no profile, no stitch)
 *     → group the new events by profile (customer when the cookie had a cid, else visitor)
 *     → per profile, six profiles at a time (anonymous ones before customers, whose first stitch
 *       reads them): read once, stitch (first cid sighting), apply all events, write once
 *     → mark every updated profile's events processed, in one D1 round trip → ack
 *
 * D1 holds pseudonyms (shared/privacy/pseudonym.ts), never raw visitor or customer ids — the same
 * pseudonyms the decision log uses, so events join exposures. Raw ids only name KV profiles.
 *
 * One KV write per profile per batch keeps us under KV's one-write-per-second-per-key limit.
 * A profile update that fails retries only that profile's messages; the `processed` flag makes
 * the retry redo the update for events already stored. The marks are one round trip for the
 * whole batch: if it fails, every message is retried, and profiles already written get those
 * events applied twice — a narrow window we accept (counts in D1 stay exact).
 */
import { profileKeys } from '../../shared/kv-keys.ts';
import { EventMessage, type TrackedEvent } from '../../shared/schema/events.ts';
import { Profile } from '../../shared/schema/profile.ts';
import { configFor } from '../../shared/config.ts';
import type { ControlEnv } from '../env.ts';
import { customerPseudonymInput, pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { indexStitches, unindexed } from '../../shared/privacy/stitch-index.ts';
import { notErasedSince } from '../../shared/privacy/tombstones.ts';
import { forwardToDeadLetter } from './dead-letters.ts';
import {
  applyEvents,
  emptyProfile,
  mergeBehaviour,
  type TimedEvent,
} from '../../shared/profile/update.ts';

export const EVENTS_QUEUE = 'tessera-events';
/** Client clocks are not trusted further back than this. */
export const MAX_EVENT_AGE_MS = 24 * 3600 * 1000;
/** D1 binds at most 100 parameters per statement. */
const ID_CHUNK = 50;
/**
 * Profiles updated at once. Each is a KV read and a KV write (a first stitch adds a KV read, two
 * KV writes and two D1 round trips), all waiting on the network: one after another, a batch of 100
 * visitors took 100 × those round trips (docs/performance.md, "Event path"). Six is the
 * Workers limit of simultaneous open connections per invocation.
 */
const PROFILES_AT_ONCE = 6;

interface Item {
  message: Message<unknown>;
  body: EventMessage;
  at: number;
  /** Pseudonyms of the visitor and customer ids, as stored in D1. */
  visitor: string;
  customer?: string;
}

export function eventTime(event: TrackedEvent, receivedAt: number): number {
  const at = event.at ?? receivedAt;
  return Math.min(receivedAt, Math.max(receivedAt - MAX_EVENT_AGE_MS, at));
}

function insertEvent(db: D1Database, item: Item): D1PreparedStatement {
  const { body, at } = item;
  const e = body.event;
  return db
    .prepare(
      'INSERT OR IGNORE INTO events (id, visitor_id, customer_id, type, name, decision_id, slot, value, currency, at, received_at, body, processed, channel) ' +
        'SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14 ' +
        // Not if its visitor or customer was erased after the event was received (tombstones.ts).
        `WHERE ${notErasedSince(['?2', '?3'], '?11')}`,
    )
    .bind(
      e.id,
      item.visitor,
      item.customer ?? null,
      e.type,
      e.type === 'custom' ? e.name : null,
      e.decisionId ?? null,
      e.type === 'click' ? e.slot : null,
      e.type === 'purchase' ? e.value : null,
      e.type === 'purchase' ? e.currency : null,
      at,
      body.receivedAt,
      JSON.stringify(e),
      // Only `personal` events update a profile; the others have nothing left to do.
      body.consent === 'personal' ? 0 : 1,
      body.channel,
    );
}

async function unprocessed(db: D1Database, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const rows = await db
      .prepare(
        `SELECT id FROM events WHERE processed = 0 AND id IN (${chunk.map(() => '?').join(',')})`,
      )
      .bind(...chunk)
      .all<{ id: string }>();
    for (const r of rows.results) out.add(r.id);
  }
  return out;
}

async function markProcessed(db: D1Database, ids: string[]): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    statements.push(
      db
        .prepare(`UPDATE events SET processed = 1 WHERE id IN (${chunk.map(() => '?').join(',')})`)
        .bind(...chunk),
    );
  }
  if (statements.length) await db.batch(statements);
}

type Read = { ok: true; profile?: Profile } | { ok: false; reason: string };

async function readStored(kv: KVNamespace, key: string): Promise<Read> {
  const text = await kv.get(key, 'text');
  if (text === null) return { ok: true };
  try {
    const parsed = Profile.safeParse(JSON.parse(text));
    return parsed.success
      ? { ok: true, profile: parsed.data }
      : { ok: false, reason: `stored profile ${key} fails the profile schema` };
  } catch {
    return { ok: false, reason: `stored profile ${key} is not valid JSON` };
  }
}

/** Applies one profile's events; returns false when the messages should be retried. */
async function updateProfile(
  env: ControlEnv,
  items: Item[],
  now: number,
): Promise<'ok' | 'retry' | { dead: string }> {
  const first = items[0]!.body;
  const customerId = first.customerId;
  const key = customerId ? profileKeys.customer(customerId) : profileKeys.visitor(first.visitorId);
  const stored = await readStored(env.PROFILES, key);
  if (!stored.ok) return { dead: stored.reason };
  let profile =
    stored.profile ??
    emptyProfile(customerId ?? first.visitorId, customerId ? 'customer' : 'visitor');

  // Stitch: visitor ids seen with this customer for the first time bring their history along.
  const newStitches: string[] = [];
  let toIndex: string[] = [];
  if (customerId) {
    // A server naming the customer alone (POST /v1/events) sends the customer's own unit as the
    // visitor: there is no anonymous visitor to stitch then.
    const visitors = new Map(
      items
        .filter((i) => i.body.visitorId !== customerPseudonymInput(customerId))
        .map((i) => [i.visitor, i.body.visitorId]),
    );
    const known = visitors.size
      ? await env.DB.prepare(
          `SELECT visitor_id FROM stitches WHERE customer_id = ? AND visitor_id IN (${[...visitors].map(() => '?').join(',')})`,
        )
          .bind(items[0]!.customer!, ...visitors.keys())
          .all<{ visitor_id: string }>()
      : { results: [] };
    const seen = new Set(known.results.map((r) => r.visitor_id));
    for (const [visitor, visitorId] of visitors) {
      if (seen.has(visitor)) continue;
      const anonymous = await readStored(env.PROFILES, profileKeys.visitor(visitorId));
      if (anonymous.ok && anonymous.profile) profile = mergeBehaviour(profile, anonymous.profile);
      newStitches.push(visitor);
    }
    // The raw ids, so an erasure by customer id finds these browsers' anonymous profiles: every
    // new link, and a known one with no entry yet (linked before the index existed).
    const raw = [...visitors].filter(([v]) => !seen.has(v)).map(([, id]) => id);
    const old = [...visitors].filter(([v]) => seen.has(v)).map(([, id]) => id);
    toIndex = [...raw, ...(await unindexed(env.PROFILES, customerId, old))];
  }

  const timed: TimedEvent[] = items.map((i) => ({ event: i.body.event, at: i.at }));
  const next = applyEvents(profile, timed);
  await env.PROFILES.put(key, JSON.stringify(next));
  if (newStitches.length) {
    const stitch = env.DB.prepare(
      'INSERT OR IGNORE INTO stitches (visitor_id, customer_id, at) VALUES (?, ?, ?)',
    );
    await env.DB.batch(newStitches.map((v) => stitch.bind(v, items[0]!.customer!, now)));
  }
  if (customerId && toIndex.length) await indexStitches(env.PROFILES, customerId, toIndex, now);
  return 'ok';
}

export async function consumeEvents(
  batch: MessageBatch<unknown>,
  env: ControlEnv,
  now: number,
): Promise<void> {
  const key = await pseudonymKey(configFor(env).visitorKeys);
  const items = new Map<string, Item>();
  for (const message of batch.messages) {
    const parsed = EventMessage.safeParse(message.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      await forwardToDeadLetter(
        env,
        EVENTS_QUEUE,
        message,
        `schema: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      );
      continue;
    }
    const id = parsed.data.event.id;
    if (items.has(id)) {
      message.ack(); // the same event twice in one batch
      continue;
    }
    // A customer id is kept only at `personal` (the route never queues one otherwise).
    const body: EventMessage = { ...parsed.data };
    if (body.consent !== 'personal') delete body.customerId;
    const { visitorId, customerId } = body;
    items.set(id, {
      message,
      body,
      at: eventTime(parsed.data.event, parsed.data.receivedAt),
      visitor: await pseudonym(key, visitorId),
      ...(customerId ? { customer: await pseudonym(key, customerPseudonymInput(customerId)) } : {}),
    });
  }
  if (items.size === 0) return;

  let pending: Set<string>;
  try {
    await env.DB.batch([...items.values()].map((item) => insertEvent(env.DB, item)));
    pending = await unprocessed(env.DB, [...items.keys()]);
  } catch {
    for (const item of items.values()) item.message.retry();
    return;
  }

  const groups = new Map<string, Item[]>();
  for (const [id, item] of items) {
    if (!pending.has(id)) {
      // A duplicate of an event already processed, a `contextual` one (nothing more to do), or
      // one whose sender was erased after sending it (never stored): done either way.
      item.message.ack();
      continue;
    }
    const key = item.body.customerId ? `c:${item.body.customerId}` : `v:${item.body.visitorId}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }

  // Anonymous profiles first: a customer seen for the first time in this batch folds in the
  // anonymous profile of the same browser, which this batch may have just updated.
  const all = [...groups.values()];
  const settled: { group: Item[]; result: 'ok' | { dead: string } }[] = [];
  for (const wave of [
    all.filter((g) => !g[0]!.body.customerId),
    all.filter((g) => g[0]!.body.customerId),
  ])
    await eachAtMost(PROFILES_AT_ONCE, wave, async (group) => {
      const result = await updateGroup(env, group, now);
      if (result === 'retry') for (const item of group) item.message.retry();
      else settled.push({ group, result });
    });
  if (settled.length === 0) return;

  // Every updated profile's events are marked processed together: ⌈N/50⌉ statements in one
  // round trip, not one round trip per profile (docs/performance.md, "Event path").
  try {
    await markProcessed(
      env.DB,
      settled.flatMap(({ group }) => group.map((i) => i.body.event.id)),
    );
  } catch {
    for (const { group } of settled) for (const item of group) item.message.retry();
    return;
  }
  for (const { group, result } of settled) {
    if (result === 'ok') for (const item of group) item.message.ack();
    else
      for (const item of group)
        await forwardToDeadLetter(env, EVENTS_QUEUE, item.message, result.dead);
  }
}

/** One profile's events applied (or why not); a throw means retry. */
async function updateGroup(
  env: ControlEnv,
  group: Item[],
  now: number,
): Promise<Awaited<ReturnType<typeof updateProfile>>> {
  try {
    return await updateProfile(env, group, now);
  } catch {
    return 'retry';
  }
}

/** `f` over `items`, at most `limit` at a time. */
async function eachAtMost<T>(limit: number, items: T[], f: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await f(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
