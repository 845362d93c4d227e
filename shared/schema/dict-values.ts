/**
 * Records indexed by keys someone else chose, as values (no zod here: the visitor worker uses
 * these at runtime). The schema side is dict.ts.
 */
/** The one key an ordinary object cannot hold as data. */
export const RESERVED_KEY = '__proto__';

/** True for every key a dict can hold. */
export const isDataKey = (key: string) => key !== RESERVED_KEY;

/** A prototype-free copy: every key an own, plain data property. */
export function toDict<V>(entries: Iterable<[string, V]> | Record<string, V>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  const pairs = Symbol.iterator in entries ? entries : Object.entries(entries);
  for (const [k, v] of pairs as Iterable<[string, V]>)
    Object.defineProperty(out, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/** The same own properties on an object without a prototype. */
export const nullProto = <T extends object>(o: T): T => Object.assign(Object.create(null) as T, o);

/** The value under `key` if the record holds it itself (never an inherited member). */
export const own = <V>(record: Record<string, V>, key: string): V | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/**
 * The transform `dict` starts with: an input object that holds `__proto__` as its own key
 * (JSON.parse makes those) gets an issue at that key. zod calls it through `z.transform`.
 */
export function refuseProto(
  input: unknown,
  ctx: {
    issues: {
      push(issue: { code: 'custom'; input: unknown; path: PropertyKey[]; message: string }): number;
    };
  },
): unknown {
  if (input !== null && typeof input === 'object' && Object.hasOwn(input, RESERVED_KEY)) {
    ctx.issues.push({
      code: 'custom',
      input,
      path: [RESERVED_KEY],
      message: `"${RESERVED_KEY}" cannot be used as a key`,
    });
  }
  return input;
}
