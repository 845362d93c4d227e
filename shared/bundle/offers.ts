/**
 * Publish-time check for pages that keep offers unique: the slots' default variants must not
 * share an offer, so the last rung of the ladder never has to break the promise.
 */
import type { BundleBody } from '../schema/bundle.ts';
import type { Issue } from './issues.ts';

export function checkUniqueOffers(body: BundleBody): Issue[] {
  const issues: Issue[] = [];
  const slots = new Map(body.slots.map((s) => [s.id, s]));
  body.pages.forEach((page, p) => {
    if (!page.uniqueOffers) return;
    const firstSlotWith = new Map<string, string>();
    page.slots.forEach((slotId, i) => {
      const slot = slots.get(slotId);
      const offer = slot?.variants.find((v) => v.id === slot.default)?.offer;
      if (!offer) return;
      const earlier = firstSlotWith.get(offer);
      if (earlier !== undefined && earlier !== slotId) {
        issues.push({
          path: ['pages', p, 'slots', i],
          message: `page "${page.id}" keeps offers unique, but the defaults of slots "${earlier}" and "${slotId}" both carry offer "${offer}"; give one default another offer or none`,
        });
      } else firstSlotWith.set(offer, slotId);
    });
  });
  return issues;
}
