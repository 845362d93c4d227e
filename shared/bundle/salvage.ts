/**
 * A stored bundle, checked as the visitor worker reads it (after its bytes matched their version:
 * version.ts): the bundle's shape (shape.ts), and every variant's props against its component's
 * schema — the renderer's own input. A bundle whose only problems are inside some variants (a
 * prop this worker does not know yet, after a CLI upgrade; a value out of range) is still served:
 * those variants are dropped, and a slot whose decided variant is gone falls back to its default
 * (or renders empty, keeping its space). Anything wrong outside variants (a component kind this
 * worker does not know, a slot left without variants) rejects the whole bundle. Pure.
 *
 * The bundle store runs the whole-bundle part once per version (`checkBundle`: cheap, per slot);
 * each slot's variants are checked when a request first needs that slot (`salvageSlot`, called
 * and memoized by worker/decide/compile.ts), so the first request after a publish pays for its
 * page's slots, not every slot of the bundle (issue 18).
 */
import type { Bundle, Slot } from '../schema/bundle.ts';
import {
  AnnouncementBarProps,
  CtaBannerProps,
  HeroProps,
  ProductGridProps,
  TestimonialProps,
} from '../schema/validators.gen.ts';
import { nullProto } from '../schema/dict-values.ts';
import { BUNDLE_DICTS } from '../schema/validators.gen.ts';
import { hasBundleShape, isVariantFrame } from './shape.ts';

export interface Salvaged {
  bundle: Bundle;
  /** `slotId/variantId` (or `slot#i/variant#j` when ids are unreadable) of every dropped variant. */
  dropped: string[];
}

/** Each component's props validator (generated from shared/schema/components.ts). */
const PROPS: Record<string, (props: unknown) => { success: boolean }> = {
  hero: HeroProps,
  'product-grid': ProductGridProps,
  testimonial: TestimonialProps,
  'cta-banner': CtaBannerProps,
  'announcement-bar': AnnouncementBarProps,
};

/**
 * The whole-bundle part of the check, cheap and linear in the number of slots, not variants: the
 * shape, a component kind this worker knows for every slot, and at least one variant in every slot
 * that this worker can render (the first that passes; usually the first there is). A slot's other
 * variants are checked when a request first needs the slot (`salvageSlot`, from
 * worker/decide/compile.ts): read a checked bundle's variants only through `compile()`.
 *
 * `moreVariants(i)`: for a bundle stored in parts (shared/bundle/parts.ts), slot i's variants
 * after the first, which the manifest leaves out; asked only when none of the slot's listed
 * variants renders, so the version is refused exactly when it would be with every variant listed.
 */
export function checkBundle(
  json: unknown,
  moreVariants?: (slotIndex: number) => unknown[],
): Bundle | undefined {
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version !== 'string' || !hasBundleShape(json, version)) return undefined;
  for (const [i, slot] of json.slots.entries()) {
    const props = propsOf(slot.component);
    if (!props) return undefined;
    const renders = (v: unknown) => isVariantFrame(v) && props(v.props).success;
    if (!(slot.variants as unknown[]).some(renders) && !moreVariants?.(i).some(renders))
      return undefined;
  }
  // Records keyed by someone else's ids are prototype-free, as the schema makes them.
  for (const path of BUNDLE_DICTS) toDicts(json, path, 0);
  // The bytes are what a writer validated with the full schema (version.ts); the shape is checked
  // above and each slot's variants when it is compiled, so the JSON is the Bundle it was when
  // written.
  return json as unknown as Bundle;
}

/**
 * One slot of a checked bundle with every variant whose props this worker cannot render dropped
 * (the slot object itself when none is), and what was dropped. Never leaves a slot empty: the
 * bundle check found one variant that passes. Pure; never mutates the slot.
 */
export function salvageSlot(slot: Slot): { slot: Slot; dropped: string[] } {
  const props = propsOf(slot.component);
  const dropped: string[] = [];
  const variants = (slot.variants as unknown[]).filter((variant, v) => {
    if (props && isVariantFrame(variant) && props(variant.props).success) return true;
    const vid = isVariantFrame(variant) ? variant.id : `variant#${v}`;
    dropped.push(`${slot.id}/${vid}`);
    return false;
  });
  // The same slot without some of its variants: still the Slot it was written as.
  return { slot: dropped.length ? ({ ...slot, variants } as Slot) : slot, dropped };
}

/** The bundle check and every slot's variants at once (what the worker did before issue 18). */
export function salvageBundle(json: unknown): Salvaged | undefined {
  const checked = checkBundle(json);
  if (!checked) return undefined;
  const dropped: string[] = [];
  const slots = checked.slots.map((s) => {
    const salvaged = salvageSlot(s);
    dropped.push(...salvaged.dropped);
    return salvaged.slot;
  });
  return { bundle: dropped.length ? { ...checked, slots } : checked, dropped };
}

/**
 * Makes the records inside variants prototype-free, as `checkBundle` does for the rest of the
 * bundle: for a slot's variants parsed after the check (a bundle stored in parts: parts.ts).
 */
export function toVariantDicts(variants: unknown[]): void {
  for (const path of BUNDLE_DICTS)
    if (path[0] === 'slots' && path[2] === 'variants') toDicts(variants, path, 3);
}

function propsOf(component: unknown) {
  return typeof component === 'string' && Object.hasOwn(PROPS, component)
    ? PROPS[component]
    : undefined;
}

/** Makes the objects at `path` (`*`: every element) prototype-free copies, in place. */
function toDicts(at: unknown, path: readonly string[], i: number): void {
  if (typeof at !== 'object' || at === null) return;
  const node = at as Record<string, unknown>;
  const key = path[i]!;
  const keys = key === '*' ? Object.keys(node) : Object.hasOwn(node, key) ? [key] : [];
  for (const k of keys) {
    const value = node[k];
    if (i === path.length - 1) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        node[k] = nullProto(value);
    } else toDicts(value, path, i + 1);
  }
}
