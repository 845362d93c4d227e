/**
 * Everything Tessera holds about one data subject, and its erasure. A subject is a visitor id,
 * a customer id, or both (a logged-in visitor's cookie carries both).
 *
 * Held: profiles in PROFILES KV (`profile:v:<id>`, `profile:c:<id>`) — for a customer also the
 * anonymous profiles of the browsers stitched to them, found through the stitch index
 * (stitch-index.ts) — and, in D1 under the visitor's and customer's pseudonyms, decision records,
 * events, exposures, stitches and dead letters (held-d1.ts, d1-scope.ts). See docs/privacy.md,
 * the data map.
 */
import { profileKeys } from '../kv-keys.ts';
import type { HmacKey } from '../config.ts';
import { withDeadline } from '../data/deadline.ts';
import { customerPseudonymInput } from './pseudonym.ts';
import {
  eraseInD1,
  readHeldInD1,
  type D1Subject,
  type ErasedInD1,
  type HeldInD1,
} from './held-d1.ts';
import { allPseudonyms } from './pseudonyms.ts';
import { linkKeys, stitchedCustomers, stitchedVisitors } from './stitch-index.ts';

/** Rights requests are rare and not on the page path: they may wait longer, and retry once. */
export const STORE_DEADLINE_MS = 2_000;

/** One store call under a deadline, retried once; throws when both attempts fail. */
async function patiently<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await withDeadline(work, STORE_DEADLINE_MS);
    if (outcome.ok) return outcome.value;
    if (attempt >= 1) throw new Error(`store ${outcome.cause}`, { cause: outcome.error });
  }
}

export interface Subject {
  visitorId?: string;
  customerId?: string;
}

export interface PrivacyStores {
  profiles: KVNamespace;
  db: D1Database;
  /** To recompute D1's pseudonyms (every key, so rotation does not hide rows). */
  visitorKeys: HmacKey[];
}

/** A stored value as held: parsed JSON, or the raw text when it is not JSON (still their data). */
export type HeldValue = unknown;

export interface Held extends HeldInD1 {
  profiles: {
    visitor: HeldValue | null;
    customer: HeldValue | null;
    /** A customer's other browsers: visitor id → its anonymous profile (null once gone). */
    stitched: Record<string, HeldValue | null>;
  };
}

export interface Erased extends ErasedInD1 {
  profiles: number;
}

async function d1Subject(stores: PrivacyStores, subject: Subject): Promise<D1Subject> {
  const { visitorId, customerId } = subject;
  const [visitors, customers] = await Promise.all([
    allPseudonyms(stores.visitorKeys, visitorId === undefined ? [] : [visitorId]),
    allPseudonyms(
      stores.visitorKeys,
      customerId === undefined ? [] : [customerPseudonymInput(customerId)],
    ),
  ]);
  return {
    visitors,
    customers,
    raw: { ...(visitorId ? { visitorId } : {}), ...(customerId ? { customerId } : {}) },
  };
}

function asHeld(text: string | null): HeldValue | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const keysOf = (s: Subject) => ({
  visitor: s.visitorId === undefined ? undefined : profileKeys.visitor(s.visitorId),
  customer: s.customerId === undefined ? undefined : profileKeys.customer(s.customerId),
});

/** The subject's links in the stitch index: their customer's browsers, their browser's customers. */
async function linksOf(stores: PrivacyStores, s: Subject) {
  const [visitors, customers] = await Promise.all([
    s.customerId === undefined
      ? []
      : patiently(() => stitchedVisitors(stores.profiles, s.customerId!)),
    s.visitorId === undefined
      ? []
      : patiently(() => stitchedCustomers(stores.profiles, s.visitorId!)),
  ]);
  return [
    ...visitors.map((visitorId) => ({ visitorId, customerId: s.customerId! })),
    ...customers.map((customerId) => ({ visitorId: s.visitorId!, customerId })),
  ];
}

/** Visitor ids stitched to the subject's customer, other than the subject's own. */
const otherBrowsers = (s: Subject, links: { visitorId: string; customerId: string }[]) => [
  ...new Set(
    links
      .filter((l) => l.customerId === s.customerId && l.visitorId !== s.visitorId)
      .map((l) => l.visitorId),
  ),
];

/** Reads everything held. Throws when a store fails: a partial answer would mislead. */
export async function readHeld(stores: PrivacyStores, subject: Subject): Promise<Held> {
  const keys = keysOf(subject);
  const d1 = await d1Subject(stores, subject);
  const [visitor, customer, inD1, links] = await Promise.all([
    keys.visitor ? patiently(() => stores.profiles.get(keys.visitor!, 'text')) : null,
    keys.customer ? patiently(() => stores.profiles.get(keys.customer!, 'text')) : null,
    patiently(() => readHeldInD1(stores.db, d1)),
    linksOf(stores, subject),
  ]);
  const browsers = otherBrowsers(subject, links);
  const anonymous = await Promise.all(
    browsers.map((v) => patiently(() => stores.profiles.get(profileKeys.visitor(v), 'text'))),
  );
  const stitched: Record<string, HeldValue | null> = Object.create(null) as Record<
    string,
    HeldValue | null
  >;
  browsers.forEach((v, i) => (stitched[v] = asHeld(anonymous[i] ?? null)));
  return {
    profiles: { visitor: asHeld(visitor), customer: asHeld(customer), stitched },
    ...inD1,
  };
}

/**
 * Erases everything held; idempotent, so a failed attempt is safely retried. Throws on failure.
 * Events and decision records from up to `nowMs` still queued will not be stored
 * (tombstones.ts). For a customer this includes the anonymous profiles of every browser stitched
 * to them; the stitch index entries of the subject go too (they link the two ids).
 */
export async function eraseHeld(
  stores: PrivacyStores,
  subject: Subject,
  nowMs: number,
): Promise<Erased> {
  const links = await linksOf(stores, subject);
  const keys = [
    ...Object.values(keysOf(subject)).filter((k): k is string => k !== undefined),
    ...otherBrowsers(subject, links).map((v) => profileKeys.visitor(v)),
  ];
  const d1 = await d1Subject(stores, subject);
  const existing = await Promise.all(
    keys.map((k) => patiently(() => stores.profiles.get(k, 'text'))),
  );
  const [inD1] = await Promise.all([
    patiently(() => eraseInD1(stores.db, d1, nowMs)),
    Promise.all(keys.map((k) => patiently(() => stores.profiles.delete(k)))),
  ]);
  // Last: if anything above failed, a retry must still find the stitched browsers.
  await Promise.all(linkKeys(links).map((k) => patiently(() => stores.profiles.delete(k))));
  return { profiles: existing.filter((v) => v !== null).length, ...inD1 };
}
