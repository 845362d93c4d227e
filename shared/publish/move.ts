/**
 * Moving the live pointer (publish and rollback), in this order:
 *   1. the caller names the version it believes is live (`expected`); any other → conflict;
 *   2. the target version must already be stored (upload first; rollback never re-uploads);
 *   3. at most one move per second (KV allows one write per second per key);
 *   4. D1 compare-and-swap of `publish_live` plus the audit record, in one transaction;
 *   5. only then the KV pointer the page path reads.
 * Two concurrent moves from the same version: the transaction lets exactly one win; the other
 * sees a different live version and gets a conflict. Nothing is ever half-written.
 */
import { contentKeys } from '../kv-keys.ts';
import type { Pointer } from '../schema/bundle.ts';
import { diffBundles, summarize } from './diff.ts';
import { readLive, readPointer, readVersion, type PublishStore } from './store.ts';

export const MIN_MOVE_INTERVAL_MS = 1000;
const MAX_SUMMARY = 2000;

export type Action = 'publish' | 'rollback';

export interface MoveRequest {
  to: string;
  /** The version the caller saw live (null: nothing live yet). */
  expected: string | null;
  by: string;
  action: Action;
}

export type MoveResult =
  | { ok: true; outcome: 'moved' | 'unchanged'; from: string | null; to: string; summary: string }
  | { ok: false; code: 'conflict'; message: string; current: string | null }
  | { ok: false; code: 'unknown_version'; message: string }
  | { ok: false; code: 'too_soon'; message: string; retryAfterMs: number };

function conflict(expected: string | null, current: string | null): MoveResult {
  return {
    ok: false,
    code: 'conflict',
    message: `live is ${current ?? 'nothing'}, not ${expected ?? 'nothing'}: someone else published meanwhile; review \`tessera diff\` and try again`,
    current,
  };
}

function tooSoon(movedAt: number, now: number): MoveResult {
  const retryAfterMs = Math.max(1, movedAt + MIN_MOVE_INTERVAL_MS - now);
  return {
    ok: false,
    code: 'too_soon',
    message: `the live pointer moved less than a second ago; retry in ${retryAfterMs} ms`,
    retryAfterMs,
  };
}

async function writePointer(
  kv: KVNamespace,
  version: string,
  by: string,
  now: number,
): Promise<void> {
  const pointer: Pointer = { version, updatedAt: new Date(now).toISOString(), by };
  await kv.put(contentKeys.pointer(), JSON.stringify(pointer));
}

export async function movePointer(
  store: PublishStore,
  req: MoveRequest,
  now: number,
): Promise<MoveResult> {
  const live = await readLive(store);
  if (live.version !== req.expected) return conflict(req.expected, live.version);
  if (live.version === req.to) {
    // No-op, except repairing a KV pointer left behind by a move interrupted after step 4.
    const pointer = await readPointer(store.kv);
    if (pointer?.version !== req.to && now - live.movedAt >= MIN_MOVE_INTERVAL_MS)
      await writePointer(store.kv, req.to, req.by, now);
    return {
      ok: true,
      outcome: 'unchanged',
      from: live.version,
      to: req.to,
      summary: 'no changes',
    };
  }
  const target = await readVersion(store.kv, req.to);
  if (!target)
    return {
      ok: false,
      code: 'unknown_version',
      message: `version ${req.to} is not stored; upload it first (tessera publish does)`,
    };
  if (now - live.movedAt < MIN_MOVE_INTERVAL_MS) return tooSoon(live.movedAt, now);

  const from = live.version ? await readVersion(store.kv, live.version) : undefined;
  const summary = summarize(diffBundles(from, target)).slice(0, MAX_SUMMARY);
  const cutoff = now - MIN_MOVE_INTERVAL_MS;
  const [swap] = await store.db.batch([
    // Compare-and-swap: insert the first row, or update only if still at `expected` and idle ≥ 1 s.
    store.db
      .prepare(
        `INSERT INTO publish_live (id, version, moved_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, moved_at = excluded.moved_at
         WHERE publish_live.version IS ?3 AND publish_live.moved_at <= ?4`,
      )
      .bind(req.to, now, req.expected, cutoff),
    // The audit record exists exactly when the swap above took effect (same transaction).
    store.db
      .prepare(
        `INSERT INTO publish_audit (at, by, action, from_version, to_version, summary)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() = 1`,
      )
      .bind(now, req.by, req.action, req.expected, req.to, summary),
  ]);
  if (!swap?.meta.changes) {
    const after = await readLive(store);
    if (after.version !== req.expected) return conflict(req.expected, after.version);
    return tooSoon(after.movedAt, now);
  }
  await writePointer(store.kv, req.to, req.by, now);
  return { ok: true, outcome: 'moved', from: live.version, to: req.to, summary };
}
