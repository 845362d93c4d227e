/**
 * Work done once per bundle version, not per request: lookup tables for pages and variants,
 * each slot's rules split by the rung of the ladder they belong to (with the segments each rule
 * names and the offer its variant carries), and a safe default. Memoized on the bundle object,
 * which the bundle store caches per version.
 *
 * Slots are compiled lazily, each the first time a request asks for it (`slots.get`), and memoized
 * on the slot object (immutable, shared by a preview's derived bundle): so the first request after
 * a publish checks the props and compiles the rules of its page's slots only, not the whole
 * bundle's (issue 18). Compiling a slot starts with its variants' props (shared/bundle/salvage.ts):
 * a variant this worker cannot render is dropped there, before any rule or default can name it,
 * exactly as when the whole bundle was salvaged at once. Compiling one slot never throws: a slot
 * whose rules cannot be compiled keeps its checked variants and its default, with no rules, and
 * says so (`dropped`), so one bad slot cannot break another slot, page or request.
 *
 * Publishing rejects bundles that fail integrity (shared/bundle/integrity.ts), but the edge only
 * schema-checks what it reads, so compile also makes the core total: rules naming a variant the
 * slot lacks are dropped, and a default that is not a variant becomes the first variant.
 */
import { segmentRefs } from '../../shared/bundle/integrity.ts';
import type { Bundle, Page, SegmentDef, Slot, Variant } from '../../shared/schema/bundle.ts';
import type { Condition } from '../../shared/schema/condition.ts';
import { pathMatches } from '../../shared/schema/origin-paths.ts';
import { salvageSlot } from '../../shared/bundle/salvage.ts';
import { isContextOnly } from './conditions.ts';

export interface CompiledRule {
  id: string;
  when: Condition;
  variant: string;
  offer?: string;
  /** Segment ids the condition names, deduplicated, for the decision log. */
  segments: string[];
}

export interface CompiledSlot {
  slot: Slot;
  variants: Map<string, Variant>;
  /** A variant id that exists: the declared default, or the first variant if that is missing. */
  defaultId: string;
  /** Rules that read the profile or segments, in file order. */
  segmentRules: CompiledRule[];
  /** Rules that read only the request context, in file order. */
  cohortRules: CompiledRule[];
  /** Variant ids by tag (file order), for affinity matching. */
  byTag: Map<string, string[]>;
  /**
   * What this worker could not use in the slot: `slotId/variantId` of each variant whose props
   * fail (dropped, with the rules naming it), `slotId#rules` when its rules could not be compiled
   * (all dropped). A request showing the slot says `bundle.partial`.
   */
  dropped: readonly string[];
}

/**
 * A bundle's slots by id, each compiled on first `get` (see the top of this file). `has` and
 * `keys` answer from the ids alone and compile nothing.
 */
export class CompiledSlots {
  private readonly byId: Map<string, Slot>;
  constructor(slots: readonly Slot[]) {
    this.byId = new Map(slots.map((s) => [s.id, s]));
  }
  get(id: string): CompiledSlot | undefined {
    const slot = this.byId.get(id);
    return slot && compiledSlot(slot);
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  keys(): IterableIterator<string> {
    return this.byId.keys();
  }
}

export interface CompiledBundle {
  pagesById: Map<string, Page>;
  /** Pages with an exact path (own pages and exact origin pages). */
  pagesByPath: Map<string, Page>;
  /** Origin pages covering a prefix (`/journal/*`), in bundle order: the first match wins. */
  prefixPages: Page[];
  slots: CompiledSlots;
  segments: Map<string, SegmentDef>;
}

const compiled = new WeakMap<Bundle, CompiledBundle>();
const compiledSlots = new WeakMap<Slot, CompiledSlot>();

function compiledSlot(raw: Slot): CompiledSlot {
  let c = compiledSlots.get(raw);
  if (!c) {
    const { slot, dropped } = salvageSlot(raw);
    try {
      c = compileSlot(slot, dropped);
    } catch {
      // Unreachable for what the schema accepts; if a writer's newer schema let something
      // through that this worker's compile cannot read, the slot serves without rules.
      c = compileSlot({ ...slot, rules: [] }, [...dropped, `${slot.id}#rules`]);
    }
    compiledSlots.set(raw, c);
  }
  return c;
}

function compileSlot(slot: Slot, dropped: readonly string[]): CompiledSlot {
  const variants = new Map<string, Variant>(slot.variants.map((v) => [v.id, v]));
  const byTag = new Map<string, string[]>();
  for (const v of slot.variants) {
    for (const tag of new Set(v.tags)) byTag.set(tag, [...(byTag.get(tag) ?? []), v.id]);
  }
  const rules = slot.rules
    .filter((r) => variants.has(r.variant))
    .map((r): CompiledRule & { contextOnly: boolean } => {
      const offer = variants.get(r.variant)?.offer;
      return {
        id: r.id,
        when: r.when,
        variant: r.variant,
        ...(offer ? { offer } : {}),
        segments: [...new Set(segmentRefs(r.when))],
        contextOnly: isContextOnly(r.when),
      };
    });
  const strip = ({
    contextOnly: _,
    ...rule
  }: CompiledRule & { contextOnly: boolean }): CompiledRule => rule;
  return {
    slot,
    variants,
    defaultId: variants.has(slot.default) ? slot.default : (slot.variants[0]?.id ?? slot.default),
    segmentRules: rules.filter((r) => !r.contextOnly).map(strip),
    cohortRules: rules.filter((r) => r.contextOnly).map(strip),
    byTag,
    dropped,
  };
}

export function compile(bundle: Bundle): CompiledBundle {
  let c = compiled.get(bundle);
  if (!c) {
    c = {
      pagesById: new Map(bundle.pages.map((p) => [p.id, p])),
      pagesByPath: new Map(
        bundle.pages.filter((p) => !p.path.endsWith('*')).map((p) => [p.path, p]),
      ),
      prefixPages: bundle.pages.filter((p) => p.origin && p.path.endsWith('/*')),
      slots: new CompiledSlots(bundle.slots),
      segments: new Map(bundle.segments.map((s) => [s.id, s])),
    };
    compiled.set(bundle, c);
  }
  return c;
}

/**
 * The page for a request path: an exact path first (a trailing slash is ignored), then the
 * first origin page whose `/*` prefix covers it. Paths of neither kind have no page (404).
 */
export function pageForPath(bundle: Bundle, path: string): Page | undefined {
  const { pagesByPath, prefixPages } = compile(bundle);
  return (
    pagesByPath.get(path) ??
    (path.length > 1 && path.endsWith('/') ? pagesByPath.get(path.slice(0, -1)) : undefined) ??
    prefixPages.find((p) => pathMatches(p.path, path))
  );
}
