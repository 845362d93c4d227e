/**
 * Renders one slot. A variant that is missing or throws while rendering falls back to the
 * slot's default, then to an empty slot; the page around it always renders.
 *
 * A variant's HTML is a pure function of its props, the level it was chosen at and — only when
 * its text holds `{{traits.…}}` placeholders — the visitor. So a variant without placeholders is
 * rendered once per isolate and bundle version (memoized on the variant object, which the bundle
 * store keeps per version), not once per request: JSX rendering is the costliest step of a page.
 */
import { raw } from 'hono/html';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Slot, Variant } from '../../shared/schema/bundle.ts';
import type { CompiledSlot } from '../decide/compile.ts';
import type { Decision, Level } from '../decide/types.ts';
import type { Reason } from '../../shared/reasons.ts';
import { AnnouncementBar } from './components/announcement-bar.tsx';
import { CtaBanner } from './components/cta-banner.tsx';
import { Hero } from './components/hero.tsx';
import { ProductGrid } from './components/product-grid.tsx';
import { Testimonial } from './components/testimonial.tsx';
import type { Fill } from './text.ts';
import { toHtml } from './to-html.ts';

export interface RenderedSlot {
  html: string;
  /** The variant actually shown ('' when the slot rendered empty). */
  variant: string;
  reason?: Reason;
}

/** The variant's component, or undefined when the slot has no such variant. */
function component(slot: Slot, variantId: string, fill: Fill): JSX.Element | undefined {
  // Narrowing on the slot's kind types the variant's props for its component.
  switch (slot.component) {
    case 'hero': {
      const v = slot.variants.find((x) => x.id === variantId);
      return v && <Hero props={v.props} fill={fill} />;
    }
    case 'product-grid': {
      const v = slot.variants.find((x) => x.id === variantId);
      return v && <ProductGrid props={v.props} fill={fill} />;
    }
    case 'testimonial': {
      const v = slot.variants.find((x) => x.id === variantId);
      return v && <Testimonial props={v.props} fill={fill} />;
    }
    case 'cta-banner': {
      const v = slot.variants.find((x) => x.id === variantId);
      return v && <CtaBanner props={v.props} fill={fill} />;
    }
    case 'announcement-bar': {
      const v = slot.variants.find((x) => x.id === variantId);
      return v && <AnnouncementBar props={v.props} fill={fill} />;
    }
  }
}

/** Section HTML per level for variants whose output is the same for every visitor; null: throws. */
const shared = new WeakMap<Variant, Map<Level, string | null>>();
/** Whether a variant's text greets the visitor (`{{traits.…}}`), so its HTML cannot be shared. */
const personal = new WeakMap<Variant, boolean>();

function isPersonal(variant: Variant): boolean {
  let is = personal.get(variant);
  if (is === undefined) {
    try {
      is = JSON.stringify(variant.props).includes('{{');
    } catch {
      is = true; // unreadable props: render per request, where the failure is handled
    }
    personal.set(variant, is);
  }
  return is;
}

function wrap(slot: Slot, variantId: string, level: Level, inner: string): string {
  return toHtml(
    <section
      class={`slot slot-${slot.component}`}
      data-tessera-slot={slot.id}
      data-tessera-variant={variantId}
      data-tessera-level={level}
    >
      {inner ? <>{raw(inner)}</> : null}
    </section>,
  );
}

/** The variant's section, or undefined when it is missing or throws while rendering. */
function section(
  slot: CompiledSlot,
  variantId: string,
  level: Level,
  fill: Fill,
): string | undefined {
  const variant = slot.variants.get(variantId);
  if (!variant) return undefined;
  const render = (): string | null => {
    try {
      const el = component(slot.slot, variantId, fill);
      return el === undefined ? null : wrap(slot.slot, variantId, level, toHtml(el));
    } catch {
      return null;
    }
  };
  if (isPersonal(variant)) return render() ?? undefined;
  let byLevel = shared.get(variant);
  if (!byLevel) shared.set(variant, (byLevel = new Map()));
  let html = byLevel.get(level);
  if (html === undefined) byLevel.set(level, (html = render()));
  return html ?? undefined;
}

export function renderSlot(slot: CompiledSlot, decision: Decision, fill: Fill): RenderedSlot {
  const chosen = section(slot, decision.variant, decision.level, fill);
  if (chosen !== undefined) return { html: chosen, variant: decision.variant };
  const reason: Reason = slot.variants.has(decision.variant)
    ? 'slot.render_error'
    : 'slot.variant_missing';
  const fallback =
    decision.variant === slot.slot.default
      ? undefined
      : section(slot, slot.slot.default, decision.level, fill);
  if (fallback !== undefined) return { html: fallback, variant: slot.slot.default, reason };
  return { html: wrap(slot.slot, '', decision.level, ''), variant: '', reason };
}
