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
import { refuseProto } from './checks.ts';
import { nullProto } from './dict-values.ts';

export { RESERVED_KEY, isDataKey, toDict, nullProto, own } from './dict-values.ts';

/** Refuses an input object that holds `__proto__` as its own key (JSON.parse makes those). */
export const refuseProtoKey = z.transform(refuseProto);

export function dict<V extends z.core.SomeType>(key: z.ZodMiniType<string, string>, value: V) {
  return z.pipe(
    refuseProtoKey,
    z.pipe(z.record(key, value), z.transform(nullProto<Record<string, z.output<V>>>)),
  );
}

/** Any object schema (e.g. one with a catchall) made prototype-free and `__proto__`-refusing. */
export function dictLike<T extends object>(schema: z.ZodMiniType<T>) {
  return z.pipe(refuseProtoKey, z.pipe(schema, z.transform(nullProto<T>)));
}
