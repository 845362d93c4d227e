/**
 * Turns zod's issues into the ones a person can act on. Pure.
 * - A union (a condition, a segment) that matched no branch reports the branch that came
 *   closest instead of zod's bare "Invalid input".
 * - Each issue carries what was found at its path, when that is a plain value.
 */
import type * as z from '../schema/zod.ts';

/** One problem in a bundle or request body, with the path inside it. */
export interface Issue {
  path: (string | number)[];
  /** What was expected (and why). */
  message: string;
  /** What was found there, when it is a plain value (JSON). */
  found?: string;
}

type Path = (string | number)[];
type Raw = z.core.$ZodIssue;

const toPath = (p: PropertyKey[]): Path => p.map((k) => (typeof k === 'symbol' ? String(k) : k));

/**
 * A branch that failed at its own top level (wrong shape entirely) is a poor match. Also used by
 * the generated validators' unions (shared/schema/validate.ts), so both report the same branch.
 */
export function distance(branch: readonly { path: readonly unknown[]; code: string }[]): number {
  const wrongShape = branch.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'unrecognized_keys' || i.code === 'invalid_type' || i.code === 'invalid_union'),
  );
  return (wrongShape ? 1000 : 0) + branch.length;
}

function flatten(issue: Raw, prefix: Path): { path: Path; message: string }[] {
  const path = [...prefix, ...toPath(issue.path)];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const best = [...issue.errors].sort((a, b) => distance(a) - distance(b))[0]!;
    if (distance(best) < 1000) return best.flatMap((i) => flatten(i, path));
    return [
      {
        path,
        message: 'does not match any allowed shape (check the spelling of keys and operators)',
      },
    ];
  }
  return [{ path, message: issue.message }];
}

function valueAt(input: unknown, path: Path): unknown {
  let at: unknown = input;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

function describeFound(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
  }
  return Array.isArray(value) ? `a list of ${value.length}` : undefined;
}

/** What was found at `path` in `input`, when it is a plain value (JSON). */
export const foundAt = (input: unknown, path: Path): string | undefined =>
  describeFound(valueAt(input, path));

export function readableIssues(error: z.core.$ZodError, input: unknown): Issue[] {
  return error.issues.flatMap((raw) =>
    flatten(raw, []).map(({ path, message }) => {
      const found = describeFound(valueAt(input, path));
      return found === undefined ? { path, message } : { path, message, found };
    }),
  );
}

/** What one element of a list is called, by the list's key. */
const ELEMENT: Record<string, { noun: string; key: 'id' | 'sku' }> = {
  pages: { noun: 'page', key: 'id' },
  slots: { noun: 'slot', key: 'id' },
  segments: { noun: 'segment', key: 'id' },
  variants: { noun: 'variant', key: 'id' },
  rules: { noun: 'rule', key: 'id' },
  experiments: { noun: 'experiment', key: 'id' },
  arms: { noun: 'arm', key: 'id' },
  products: { noun: 'product', key: 'sku' },
};

/** `variant "hero-vip"` for `variants[3]` when that element has an id no sibling shares. */
function elementName(list: unknown, index: number, listKey: string): string | undefined {
  const kind = ELEMENT[listKey];
  if (!kind || !Array.isArray(list)) return undefined;
  const idOf = (item: unknown) =>
    item && typeof item === 'object' ? (item as Record<string, unknown>)[kind.key] : undefined;
  const id = idOf(list[index]);
  if (typeof id !== 'string' || !id) return undefined;
  return list.filter((item) => idOf(item) === id).length === 1
    ? `${kind.noun} ${JSON.stringify(id)}`
    : undefined;
}

/**
 * A path inside a JSON document as a person reads it: list elements that have an id are named
 * by it, not by their position — `['variants', 3, 'props', 'headline']` in a slot file becomes
 * `variant "hero-vip" › props.headline`. Elements without an id, or whose id is duplicated,
 * keep their index (`variants[3]`). Pure; `root` is the document the path points into.
 */
export function describePath(root: unknown, path: readonly (string | number)[]): string {
  const parts: string[] = [];
  let run = '';
  let at: unknown = root;
  let parentKey: string | number | undefined;
  for (const key of path) {
    const name =
      typeof key === 'number' && typeof parentKey === 'string'
        ? elementName(at, key, parentKey)
        : undefined;
    if (name && typeof parentKey === 'string') {
      // The list's own key is said by the element's noun: `props.products[2]` → `props › product "x"`.
      const before = run.slice(0, run.length - parentKey.length).replace(/\.$/, '');
      if (before) parts.push(before);
      parts.push(name);
      run = '';
    } else {
      run = typeof key === 'number' ? `${run}[${key}]` : run ? `${run}.${key}` : key;
    }
    at =
      at !== null && typeof at === 'object'
        ? (at as Record<string | number, unknown>)[key]
        : undefined;
    parentKey = key;
  }
  if (run) parts.push(run);
  return parts.join(' › ');
}
