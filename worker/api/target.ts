/**
 * Which slots a decision API call decides, checked against the bundle it is decided on:
 *
 *   page              that page, all its slots — decided exactly as the page decides them
 *   page + slots      the page decided in full (offer uniqueness and experiments as on the
 *                     page), answered and logged for the named slots only
 *   slots             those slots, in that order, as a list of their own (no shared offers)
 *   context.path      the page at that path, as a page request for it
 *
 * A page or slot the bundle does not have is a 422 naming what it does have. Pure.
 */
import type { Bundle, Page } from '../../shared/schema/bundle.ts';
import { compile, pageForPath } from '../decide/compile.ts';
import type { SlotList } from '../decide/types.ts';
import { ApiProblem } from './errors.ts';

/** The page id a list of slots is logged under: never a bundle page id (those have no brackets). */
export const SLOT_LIST_PAGE = '(slots)';

export interface Target {
  page: Pick<Page, 'id' | 'path'>;
  /** A list of slots of its own (no bundle page). */
  list?: SlotList;
  /** Answer only these of the page's slots. */
  only?: ReadonlySet<string>;
}

const known = (ids: Iterable<string>) => {
  const all = [...ids];
  return all.length > 20 ? `${all.slice(0, 20).join(', ')}, … (${all.length})` : all.join(', ');
};

export function resolveTarget(
  bundle: Bundle,
  r: { page?: string | undefined; slots?: string[] | undefined; path?: string | undefined },
  where = '',
): Target {
  const c = compile(bundle);
  const at = (field: string) => `${where}${field}`;
  if (r.page !== undefined || (r.slots === undefined && r.path !== undefined)) {
    const page =
      r.page !== undefined ? c.pagesById.get(r.page) : pageForPath(bundle, r.path ?? '/');
    if (!page) {
      throw new ApiProblem(
        422,
        'unknown_page',
        r.page !== undefined
          ? `${at('page')}: no page "${r.page}" in bundle ${bundle.version} (pages: ${known(c.pagesById.keys())})`
          : `${at('context.path')}: no page at "${r.path}" in bundle ${bundle.version} (paths: ${known(c.pagesByPath.keys())})`,
      );
    }
    if (r.slots === undefined) return { page };
    const missing = r.slots.find((s) => !page.slots.includes(s));
    if (missing !== undefined) {
      throw new ApiProblem(
        422,
        'unknown_slot',
        `${at('slots')}: slot "${missing}" is not on page "${page.id}" (its slots: ${known(page.slots)})`,
      );
    }
    return { page, only: new Set(r.slots) };
  }
  const slots = r.slots ?? [];
  const missing = slots.find((s) => !c.slots.has(s));
  if (missing !== undefined) {
    throw new ApiProblem(
      422,
      'unknown_slot',
      `${at('slots')}: no slot "${missing}" in bundle ${bundle.version} (slots: ${known(c.slots.keys())})`,
    );
  }
  return { page: { id: SLOT_LIST_PAGE, path: r.path ?? '/' }, list: { slots } };
}
