/**
 * Work done once per bundle version, not per request: lookup tables for pages and variants,
 * and each slot's rules split by the rung of the ladder they belong to. Memoized on the bundle
 * object, which the bundle store caches per version.
 */
import type { Bundle, Page, Rule, SegmentDef, Slot, Variant } from '../../shared/schema/bundle.ts';
import { isContextOnly } from './conditions.ts';

export interface CompiledSlot {
  slot: Slot;
  variants: Map<string, Variant>;
  /** Rules that read the profile or segments, in file order. */
  segmentRules: Rule[];
  /** Rules that read only the request context, in file order. */
  cohortRules: Rule[];
  /** Variant ids by tag, for affinity matching. */
  byTag: Map<string, string[]>;
}

export interface CompiledBundle {
  pagesById: Map<string, Page>;
  pagesByPath: Map<string, Page>;
  slots: Map<string, CompiledSlot>;
  segments: Map<string, SegmentDef>;
}

const compiled = new WeakMap<Bundle, CompiledBundle>();

function compileSlot(slot: Slot): CompiledSlot {
  const variants = new Map<string, Variant>(slot.variants.map((v) => [v.id, v]));
  const byTag = new Map<string, string[]>();
  for (const v of slot.variants) for (const tag of v.tags) byTag.set(tag, [...(byTag.get(tag) ?? []), v.id]);
  return {
    slot,
    variants,
    segmentRules: slot.rules.filter((r) => !isContextOnly(r.when)),
    cohortRules: slot.rules.filter((r) => isContextOnly(r.when)),
    byTag,
  };
}

export function compile(bundle: Bundle): CompiledBundle {
  let c = compiled.get(bundle);
  if (!c) {
    c = {
      pagesById: new Map(bundle.pages.map((p) => [p.id, p])),
      pagesByPath: new Map(bundle.pages.map((p) => [p.path, p])),
      slots: new Map(bundle.slots.map((s) => [s.id, compileSlot(s)])),
      segments: new Map(bundle.segments.map((s) => [s.id, s])),
    };
    compiled.set(bundle, c);
  }
  return c;
}

/** The page for a request path; a trailing slash is ignored. */
export function pageForPath(bundle: Bundle, path: string): Page | undefined {
  const pages = compile(bundle).pagesByPath;
  return pages.get(path) ?? (path.length > 1 && path.endsWith('/') ? pages.get(path.slice(0, -1)) : undefined);
}
