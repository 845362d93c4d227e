/**
 * Phase 3 — render the chosen slots. A variant that is missing or throws falls back to the slot's
 * default, then to an empty slot (render/slot.tsx), and says why. Pure but for one warning per
 * slot and isolate when a shown slot lost variants this worker cannot render. The page shell around
 * the slots is not this phase's business: own pages and origin pages differ only there.
 */
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { Profile } from '../../shared/schema/profile.ts';
import { compile, type CompiledSlot } from '../decide/compile.ts';
import type { Decision } from '../decide/types.ts';
import type { Reason } from '../../shared/reasons.ts';
import { renderSlot, type RenderedSlot } from '../render/slot.tsx';
import { fillFor } from '../render/text.ts';

export interface RenderedSlots {
  /** In decision order; `variant` is what the visitor actually sees. */
  slots: RenderedSlot[];
  /**
   * Render-level reasons (`slot.variant_missing`, `slot.render_error`), one per slot affected;
   * `bundle.partial` once when a shown slot lost variants this worker cannot render (compile.ts).
   */
  reasons: Reason[];
}

/** Slots whose dropped variants were logged: once per slot and isolate, not per request. */
const logged = new WeakSet<CompiledSlot>();

export function renderSlots(
  bundle: Bundle,
  decisions: readonly Decision[],
  profile: Profile | undefined,
): RenderedSlots {
  const compiled = compile(bundle).slots;
  const fill = fillFor(profile);
  const reasons: Reason[] = [];
  let partial = false;
  const slots = decisions.map((d) => {
    const slot = compiled.get(d.slot);
    if (slot?.dropped.length) {
      partial = true;
      if (!logged.has(slot)) {
        logged.add(slot);
        console.warn(
          JSON.stringify({
            event: 'tessera.bundle.partial',
            version: bundle.version,
            dropped: slot.dropped,
          }),
        );
      }
    }
    const out: RenderedSlot = slot
      ? renderSlot(slot, d, fill)
      : { html: '', variant: '', reason: 'slot.variant_missing' };
    if (out.reason) reasons.push(out.reason);
    return out;
  });
  if (partial) reasons.unshift('bundle.partial');
  return { slots, reasons };
}
