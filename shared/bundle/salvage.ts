/**
 * A stored bundle, checked as the visitor worker reads it (after its bytes matched their version:
 * version.ts): the bundle's shape (shape.ts), and every variant's props against its component's
 * schema — the renderer's own input. A bundle whose only problems are inside some variants (a
 * prop this worker does not know yet, after a CLI upgrade; a value out of range) is still served:
 * those variants are dropped, and a slot whose decided variant is gone falls back to its default
 * (or renders empty, keeping its space). Anything wrong outside variants (a component kind this
 * worker does not know, a slot left without variants) rejects the whole bundle. Pure.
 */
import type { Bundle } from '../schema/bundle.ts';
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

type Json = Record<string, unknown>;
/** Each component's props validator (generated from shared/schema/components.ts). */
const PROPS: Record<string, (props: unknown) => { success: boolean }> = {
  hero: HeroProps,
  'product-grid': ProductGridProps,
  testimonial: TestimonialProps,
  'cta-banner': CtaBannerProps,
  'announcement-bar': AnnouncementBarProps,
};

export function salvageBundle(json: unknown): Salvaged | undefined {
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version !== 'string' || !hasBundleShape(json, version)) return undefined;
  const dropped: string[] = [];
  let changed = false;
  const slots: Json[] = [];
  for (const slot of json.slots) {
    const props = Object.hasOwn(PROPS, slot.component as string)
      ? PROPS[slot.component as string]
      : undefined;
    if (!props) return undefined;
    const variants = (slot.variants as unknown[]).filter((variant, v) => {
      if (isVariantFrame(variant) && props(variant.props).success) return true;
      const vid = isVariantFrame(variant) ? variant.id : `variant#${v}`;
      dropped.push(`${slot.id as string}/${vid}`);
      return false;
    });
    if (variants.length === 0) return undefined;
    const lost = variants.length !== (slot.variants as unknown[]).length;
    changed ||= lost;
    slots.push(lost ? { ...slot, variants } : slot);
  }
  const out: Json = changed ? { ...json, slots } : json;
  // Records keyed by someone else's ids are prototype-free, as the schema makes them.
  for (const path of BUNDLE_DICTS) toDicts(out, path, 0);
  // The bytes are what a writer validated with the full schema (version.ts); the shape and the
  // props are checked above, so the JSON is the Bundle it was when written.
  const bundle = out as unknown as Bundle;
  return { bundle, dropped };
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
