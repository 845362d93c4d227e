/**
 * Records indexed by keys someone else chose — a profile's traits and affinities, an event's
 * props, a bundle's slot → variant map, the bandit snapshot's experiments. Such a key is data,
 * never a property lookup: `affinities["constructor"]` must be undefined, not `Object`.
 *
 * `dict(key, value)` is `z.record` with two differences:
 * - the parsed record has no prototype (`Object.create(null)`), so `constructor`, `toString`,
 *   `hasOwnProperty`, `prototype` … are ordinary keys, absent unless present;
 * - `__proto__` is refused with an issue at its path. (zod drops it silently, which would make a
 *   marketer's or pipeline's key vanish without a word.)
 * Editors' JSON Schemas see a plain record (the transforms are invisible to them).
 */
import * as z from './zod.ts';

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

/** Refuses an input object that holds `__proto__` as its own key (JSON.parse makes those). */
export const refuseProtoKey = z.transform((input: unknown, ctx) => {
  if (input !== null && typeof input === 'object' && Object.hasOwn(input, RESERVED_KEY)) {
    ctx.issues.push({
      code: 'custom',
      input,
      path: [RESERVED_KEY],
      message: `"${RESERVED_KEY}" cannot be used as a key`,
    });
  }
  return input;
});

export function dict<V extends z.core.SomeType>(key: z.ZodMiniType<string, string>, value: V) {
  return z.pipe(
    refuseProtoKey,
    z.pipe(
      z.record(key, value),
      z.transform((parsed: Record<string, z.output<V>>) => nullProto(parsed)),
    ),
  );
}

/** Any object schema (e.g. one with a catchall) made prototype-free and `__proto__`-refusing. */
export function dictLike<T extends object>(schema: z.ZodMiniType<T>) {
  return z.pipe(
    refuseProtoKey,
    z.pipe(
      schema,
      z.transform((parsed: T) => nullProto(parsed)),
    ),
  );
}
