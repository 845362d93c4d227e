/**
 * The values conditions can read, resolved from a profile and a request context.
 * `behavior.*` exposes derived counters, not raw arrays of objects.
 */
import type { Profile } from '../../shared/schema/profile.ts';
import { attributeKey, type RequestContext, type Value } from './types.ts';

export type Lookup = (root: string, key: string) => Value;

const DAY_MS = 24 * 3600 * 1000;

function behavior(profile: Profile, key: string, now: number): Value {
  const b = profile.behavior;
  switch (key) {
    case 'visits':
    case 'pageViews':
    case 'purchases':
      return b[key];
    case 'cartItems':
      return b.cart.reduce((sum, line) => sum + line.qty, 0);
    case 'cartSkus':
      return b.cart.map((line) => line.sku);
    case 'recentCategories':
      return b.recentViews.map((view) => view.category);
    case 'recentSkus':
      return b.recentViews.map((view) => view.sku);
    case 'daysSinceLastSeen':
      return b.lastSeen ? Math.floor((now - Date.parse(b.lastSeen)) / DAY_MS) : undefined;
    default:
      return undefined;
  }
}

export function lookupFor(
  profile: Profile | undefined,
  context: RequestContext,
  now: number,
): Lookup {
  return (root, key) => {
    if (root === 'context') return Object.hasOwn(context, key) ? context[key] : undefined;
    if (root === 'attributes') {
      const at = attributeKey(key);
      return Object.hasOwn(context, at) ? context[at] : undefined;
    }
    if (!profile) return undefined;
    switch (root) {
      case 'traits':
        return Object.hasOwn(profile.traits, key) ? profile.traits[key] : undefined;
      case 'scores':
        return Object.hasOwn(profile.scores, key) ? profile.scores[key] : undefined;
      case 'affinities':
        return Object.hasOwn(profile.affinities, key) ? profile.affinities[key] : undefined;
      case 'behavior':
        return behavior(profile, key, now);
      default:
        return undefined;
    }
  };
}
