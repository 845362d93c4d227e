/**
 * A stored bundle whose only problems are inside some variants (a prop this worker does not know
 * yet, after a CLI upgrade; a value out of range) is still served: those variants are dropped,
 * and a slot whose decided variant is gone falls back to its default (or renders empty, keeping
 * its space). Anything wrong outside variants still rejects the whole bundle. Pure.
 */
import { Bundle } from '../schema/bundle.ts';

export interface Salvaged {
  bundle: Bundle;
  /** `slotId/variantId` (or `slot#i/variant#j` when ids are unreadable) of every dropped variant. */
  dropped: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function salvageBundle(json: unknown): Salvaged | undefined {
  const first = Bundle.safeParse(json);
  if (first.success) return { bundle: first.data, dropped: [] };
  if (!isObject(json) || !Array.isArray(json.slots)) return undefined;

  const bad = new Map<number, Set<number>>();
  for (const issue of first.error.issues) {
    const [root, s, variants, v] = issue.path;
    if (
      root !== 'slots' ||
      typeof s !== 'number' ||
      variants !== 'variants' ||
      typeof v !== 'number'
    )
      return undefined;
    bad.set(s, (bad.get(s) ?? new Set()).add(v));
  }

  const dropped: string[] = [];
  const slots = json.slots.map((slot: unknown, s) => {
    const drop = bad.get(s);
    if (!drop || !isObject(slot) || !Array.isArray(slot.variants)) return slot;
    const variants = slot.variants.filter((variant: unknown, v) => {
      if (!drop.has(v)) return true;
      const vid = isObject(variant) && typeof variant.id === 'string' ? variant.id : `variant#${v}`;
      dropped.push(`${typeof slot.id === 'string' ? slot.id : `slot#${s}`}/${vid}`);
      return false;
    });
    return { ...slot, variants };
  });
  const second = Bundle.safeParse({ ...json, slots });
  return second.success ? { bundle: second.data, dropped } : undefined;
}
