/**
 * Where published content lives, and the one place that reads it for publishing:
 * - CONTENT KV `bundle:<version>`: immutable bundles (written once, never changed);
 * - D1 `publish_live`: the live version, moved only by compare-and-swap (KV cannot do that);
 * - CONTENT KV `pointer:live`: the read-side copy of the live version the page path uses.
 * Used by the admin API and by `tessera … --target local`, so their semantics cannot drift.
 */
import * as z from '../schema/zod.ts';
import { contentKeys } from '../kv-keys.ts';
import { Bundle, Pointer } from '../schema/bundle.ts';
import { storedBundleJson } from '../bundle/parts.ts';

export interface PublishStore {
  kv: KVNamespace;
  db: D1Database;
}

export const Version = z
  .string()
  .check(z.regex(/^[0-9a-f]{16}$/, 'a 16-character bundle version such as "3f9a0c1d2e4b5a69"'));

export interface LiveState {
  /** Null when nothing was ever published. */
  version: string | null;
  /** When the pointer last moved (ms since the epoch); 0 when unknown. */
  movedAt: number;
}

const LiveRow = z.object({ version: Version, moved_at: z.number().check(z.int()) });

function parseJson<T>(text: string | null, schema: z.ZodMiniType<T>): T | undefined {
  if (text === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The live version as the publisher sees it: D1's row, or — before the first move through
 * this code (e.g. a KV-only seed from an older release) — the KV pointer.
 */
export async function readLive(store: PublishStore): Promise<LiveState> {
  const row = await store.db
    .prepare('SELECT version, moved_at FROM publish_live WHERE id = 1')
    .first();
  const parsed = LiveRow.safeParse(row);
  if (parsed.success) return { version: parsed.data.version, movedAt: parsed.data.moved_at };
  const pointer = await readPointer(store.kv);
  return {
    version: pointer?.version ?? null,
    movedAt: pointer ? Date.parse(pointer.updatedAt) : 0,
  };
}

export async function readPointer(kv: KVNamespace): Promise<Pointer | undefined> {
  return parseJson(await kv.get(contentKeys.pointer(), 'text'), Pointer);
}

/**
 * A stored version, whole and parsed (either stored form: shared/bundle/version.ts); undefined
 * when absent, altered or unreadable.
 */
export async function readVersion(kv: KVNamespace, version: string): Promise<Bundle | undefined> {
  const bytes = await kv.get(contentKeys.bundle(version), 'arrayBuffer');
  const json = bytes && (await storedBundleJson(new Uint8Array(bytes), version));
  const bundle = json ? Bundle.safeParse(json) : undefined;
  return bundle?.success && bundle.data.version === version ? bundle.data : undefined;
}
