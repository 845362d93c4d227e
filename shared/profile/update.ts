/**
 * How behaviour changes a profile. Pure: a profile (or none) and events in time order in, the
 * next profile out. The consumer applies a whole batch's events for one visitor at once, so
 * each profile key is written at most once per batch.
 *
 * - counters: pageViews per page view, purchases per purchase, visits when 30 minutes passed
 *   since the last event (a new session);
 * - recentViews: product page views, newest first, one entry per SKU, at most 50;
 * - cart: add_to_cart adds quantities; a purchase empties it;
 * - affinities: every category signal decays with a 14-day half-life and then moves toward 1
 *   (view 0.1, add to cart 0.25), so affinities stay in [0, 1] and fade without new signals;
 * - lastSeen / updatedAt: the newest event's time.
 *
 * Categories and SKUs come from visitors: every record they index is prototype-free and read
 * with `own`, so "constructor" or "toString" is a category like any other (never an inherited
 * `Object.prototype` member turned into NaN), and "__proto__", which no stored profile may hold
 * as a key, moves no affinity.
 */
import { isDataKey, nullProto, own } from '../schema/dict-values.ts';
import type { Profile } from '../schema/profile.ts';
import type { TrackedEvent } from '../schema/events.ts';

export const SESSION_GAP_MS = 30 * 60 * 1000;
export const AFFINITY_HALF_LIFE_MS = 14 * 24 * 3600 * 1000;
export const AFFINITY_STEP = { view: 0.1, cart: 0.25 } as const;
export const MAX_RECENT_VIEWS = 50;
export const MAX_CART_LINES = 100;
/** Affinities below this after decay are dropped, so the record does not grow forever. */
const AFFINITY_FLOOR = 0.01;

export interface TimedEvent {
  event: TrackedEvent;
  /** Server-clamped event time (ms). */
  at: number;
}

export function emptyProfile(id: string, kind: Profile['kind']): Profile {
  return {
    id,
    kind,
    traits: nullProto({}),
    segments: [],
    scores: nullProto({}),
    affinities: nullProto({}),
    nextBestOffers: nullProto({}),
    behavior: { visits: 0, pageViews: 0, purchases: 0, recentViews: [], cart: [] },
  };
}

function decay(
  affinities: Record<string, number>,
  fromMs: number,
  toMs: number,
): Record<string, number> {
  if (!(toMs > fromMs)) return affinities;
  const factor = Math.pow(0.5, (toMs - fromMs) / AFFINITY_HALF_LIFE_MS);
  const out: Record<string, number> = nullProto({});
  for (const [k, v] of Object.entries(affinities)) {
    const next = v * factor;
    if (next >= AFFINITY_FLOOR) out[k] = next;
  }
  return out;
}

const bump = (value: number | undefined, step: number) =>
  Math.min(1, (value ?? 0) + step * (1 - (value ?? 0)));

/** Moves one category's affinity toward 1; `__proto__` is not a key a profile can hold. */
function strengthen(
  affinities: Record<string, number>,
  category: string | undefined,
  step: number,
) {
  if (category === undefined || !isDataKey(category)) return;
  affinities[category] = bump(own(affinities, category), step);
}

export function applyEvents(start: Profile, events: readonly TimedEvent[]): Profile {
  const p: Profile = structuredClone(start);
  // structuredClone gives records their prototype back: take it away again.
  p.affinities = nullProto(p.affinities);
  const b = p.behavior;
  let clock = p.updatedAt
    ? Date.parse(p.updatedAt)
    : b.lastSeen
      ? Date.parse(b.lastSeen)
      : undefined;
  let lastSeen = b.lastSeen ? Date.parse(b.lastSeen) : undefined;
  for (const { event, at } of [...events].sort((x, y) => x.at - y.at)) {
    if (clock !== undefined) p.affinities = decay(p.affinities, clock, at);
    clock = Math.max(clock ?? at, at);
    if (lastSeen === undefined || at - lastSeen > SESSION_GAP_MS) b.visits++;
    lastSeen = Math.max(lastSeen ?? at, at);
    switch (event.type) {
      case 'page_view':
        b.pageViews++;
        if (event.sku && event.category) {
          b.recentViews = [
            { sku: event.sku, category: event.category, at: new Date(at).toISOString() },
            ...b.recentViews.filter((v) => v.sku !== event.sku),
          ].slice(0, MAX_RECENT_VIEWS);
        }
        strengthen(p.affinities, event.category, AFFINITY_STEP.view);
        break;
      case 'add_to_cart': {
        const line = b.cart.find((l) => l.sku === event.sku);
        if (line) line.qty += event.qty;
        else if (b.cart.length < MAX_CART_LINES) b.cart.push({ sku: event.sku, qty: event.qty });
        strengthen(p.affinities, event.category, AFFINITY_STEP.cart);
        break;
      }
      case 'purchase':
        b.purchases++;
        b.cart = [];
        break;
      case 'click':
      case 'custom':
        break;
    }
  }
  if (lastSeen !== undefined) b.lastSeen = new Date(lastSeen).toISOString();
  if (clock !== undefined) p.updatedAt = new Date(clock).toISOString();
  return p;
}

/**
 * Stitching: folds an anonymous visitor's behaviour into the customer's profile the first time
 * the two are seen together. Counters add, views and carts merge, affinities keep the stronger.
 * The customer's traits, segments and scores (from the CRM) are left alone.
 */
export function mergeBehaviour(customer: Profile, visitor: Profile): Profile {
  const p: Profile = structuredClone(customer);
  p.affinities = nullProto(p.affinities);
  const b = p.behavior;
  const v = visitor.behavior;
  b.visits += v.visits;
  b.pageViews += v.pageViews;
  b.purchases += v.purchases;
  const views = [...b.recentViews, ...v.recentViews].sort(
    (x, y) => Date.parse(y.at) - Date.parse(x.at),
  );
  b.recentViews = views
    .filter((view, i) => views.findIndex((w) => w.sku === view.sku) === i)
    .slice(0, MAX_RECENT_VIEWS);
  for (const line of v.cart) {
    const mine = b.cart.find((l) => l.sku === line.sku);
    if (mine) mine.qty += line.qty;
    else if (b.cart.length < MAX_CART_LINES) b.cart.push({ ...line });
  }
  for (const [k, value] of Object.entries(visitor.affinities))
    if (isDataKey(k)) p.affinities[k] = Math.max(own(p.affinities, k) ?? 0, value);
  const latest = [b.lastSeen, v.lastSeen]
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
  if (latest) b.lastSeen = latest;
  return p;
}
