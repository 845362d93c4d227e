/**
 * The stitch index: which visitor ids (browsers) were seen logged in as which customer, kept in
 * PROFILES KV next to the profiles it points at, both ways (shared/kv-keys.ts `stitchKeys`).
 *
 * D1's `stitches` holds pseudonyms only, and KV's anonymous profiles are keyed by the raw visitor
 * id, so without this index an erasure by customer id could delete the stitched visitors' D1 rows
 * but never find their anonymous profiles. The events consumer writes an entry when it stitches
 * (and for a pair it sees again with no entry yet, so links made before the index existed are
 * filled in); access and erasure read it; erasure deletes it.
 *
 * KV lists are eventually consistent: a link written in the last minute may be missing from a
 * list at another location (docs/privacy.md, "Known limits").
 */
import { stitchKeys } from '../kv-keys.ts';

/** Pages of 1,000 keys read at most per list: a person has a handful of browsers, not 10,000. */
const MAX_PAGES = 10;

async function idsUnder(kv: KVNamespace, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const listed = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    for (const key of listed.keys) ids.push(key.name.slice(prefix.length));
    if (listed.list_complete) break;
    cursor = listed.cursor;
  }
  return ids;
}

/** The visitor ids stitched to `customerId`. */
export const stitchedVisitors = (kv: KVNamespace, customerId: string) =>
  idsUnder(kv, stitchKeys.customerPrefix(customerId));

/** The customer ids `visitorId` was stitched to. */
export const stitchedCustomers = (kv: KVNamespace, visitorId: string) =>
  idsUnder(kv, stitchKeys.visitorPrefix(visitorId));

/** Records that `visitorIds` were seen logged in as `customerId` (idempotent). */
export async function indexStitches(
  kv: KVNamespace,
  customerId: string,
  visitorIds: readonly string[],
  nowMs: number,
): Promise<void> {
  const value = JSON.stringify({ at: new Date(nowMs).toISOString() });
  await Promise.all(
    visitorIds.flatMap((visitorId) => [
      kv.put(stitchKeys.byCustomer(customerId, visitorId), value),
      kv.put(stitchKeys.byVisitor(visitorId, customerId), value),
    ]),
  );
}

/** Of `visitorIds` seen with `customerId`, those whose link is not indexed yet. */
export async function unindexed(
  kv: KVNamespace,
  customerId: string,
  visitorIds: readonly string[],
): Promise<string[]> {
  const present = await Promise.all(
    visitorIds.map((v) => kv.get(stitchKeys.byCustomer(customerId, v), 'text')),
  );
  return visitorIds.filter((_, i) => present[i] === null);
}

/** The index keys of every link of the subject, both directions. */
export function linkKeys(links: readonly { visitorId: string; customerId: string }[]): string[] {
  return links.flatMap(({ visitorId, customerId }) => [
    stitchKeys.byCustomer(customerId, visitorId),
    stitchKeys.byVisitor(visitorId, customerId),
  ]);
}
