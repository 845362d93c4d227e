/**
 * Renders one slot. A variant that is missing or throws while rendering falls back to the
 * slot's default, then to an empty slot; the page around it always renders.
 */
import { raw } from 'hono/html';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Slot } from '../../shared/schema/bundle.ts';
import type { CompiledSlot } from '../decide/compile.ts';
import type { Decision } from '../decide/types.ts';
import type { Reason } from '../reasons.ts';
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

export function renderSlot(slot: CompiledSlot, decision: Decision, fill: Fill): RenderedSlot {
  const wrap = (variantId: string, inner: string) =>
    toHtml(
      <section
        class={`slot slot-${slot.slot.component}`}
        data-tessera-slot={slot.slot.id}
        data-tessera-variant={variantId}
        data-tessera-level={decision.level}
      >
        {inner ? <>{raw(inner)}</> : null}
      </section>,
    );
  const attempt = (variantId: string): string | undefined => {
    try {
      const el = component(slot.slot, variantId, fill);
      return el === undefined ? undefined : toHtml(el);
    } catch {
      return undefined;
    }
  };

  const chosen = attempt(decision.variant);
  if (chosen !== undefined) return { html: wrap(decision.variant, chosen), variant: decision.variant };
  const reason: Reason = slot.variants.has(decision.variant) ? 'slot.render_error' : 'slot.variant_missing';
  const fallback = decision.variant === slot.slot.default ? undefined : attempt(slot.slot.default);
  if (fallback !== undefined) return { html: wrap(slot.slot.default, fallback), variant: slot.slot.default, reason };
  return { html: wrap('', ''), variant: '', reason };
}
