/**
 * Every slot of a page at its default variant, without looking at the visitor or the request:
 * what a visitor who has not consented to any personalization sees. Pure.
 */
import { compile } from './compile.ts';
import type { Bundle, Decision, SlotList } from './types.ts';

/** `list`: decide these slots instead of page `pageId`'s (see DecideInput.page). */
export function defaultDecisions(
  bundle: Bundle,
  pageId: string,
  cause: string,
  list?: SlotList,
): Decision[] {
  const c = compile(bundle);
  const page = list ?? c.pagesById.get(pageId);
  if (!page) return [];
  return page.slots.flatMap((id) => {
    const slot = c.slots.get(id)?.slot;
    return slot
      ? [
          {
            slot: slot.id,
            component: slot.component,
            variant: slot.default,
            level: 'default' as const,
            reason: `default:${cause}`,
          },
        ]
      : [];
  });
}
