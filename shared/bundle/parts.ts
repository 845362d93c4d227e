/**
 * A stored bundle as a reader gets it (shared/bundle/version.ts has the two stored forms):
 *
 * - `loadBundle`, the visitor worker's: every byte hashed against the version, then only the
 *   manifest parsed and checked as a whole (`checkBundle`); each slot's other variants are parsed
 *   when something first reads `slot.variants` — in the worker, compile.ts when a request first
 *   needs the slot. So the first request after a publish parses its page's slots, not the
 *   bundle's (issue 18), and a version is still live or refused as a whole: the bytes are all
 *   checked up front, and a slot whose first variant this worker cannot render has its other
 *   variants parsed then and there, so "no variant it can render" refuses the version as before.
 * - `storedBundleJson`, everyone else's (control plane, CLI, tests): the whole bundle's JSON.
 */
import type { Bundle } from '../schema/bundle.ts';
import { checkBundle, toVariantDicts } from './salvage.ts';
import { parseJson, verifiedStored } from './version.ts';

/** A stored version ready to serve, or undefined if its bytes or its shape are not a bundle's. */
export async function loadBundle(bytes: Uint8Array, version: string): Promise<Bundle | undefined> {
  const stored = await verifiedStored(bytes, version);
  if (!stored) return undefined;
  const more = restOfVariants(stored.parts);
  const bundle = checkBundle(stored.json, more);
  if (bundle && stored.parts.length) bundle.slots.forEach((slot, i) => lazyVariants(slot, more, i));
  return bundle;
}

/** The whole stored bundle's JSON (each slot with all its variants), if its bytes are intact. */
export async function storedBundleJson(
  bytes: Uint8Array,
  version: string,
): Promise<Record<string, unknown> | undefined> {
  const stored = await verifiedStored(bytes, version);
  if (!stored) return undefined;
  const more = restOfVariants(stored.parts);
  const slots = stored.json.slots;
  if (Array.isArray(slots)) {
    slots.forEach((slot: unknown, i) => {
      const s = slot as { variants?: unknown };
      if (Array.isArray(s?.variants)) s.variants = [...(s.variants as unknown[]), ...more(i)];
    });
  }
  return stored.json;
}

/**
 * Slot i's variants after its first, parsed once each, on first ask; [] if unreadable. A line is
 * let go once parsed, so when every slot has been read the stored bytes can be collected: a
 * version whose every slot is in use costs the isolate its parsed JSON, not that plus its bytes.
 */
function restOfVariants(parts: readonly Uint8Array[]): (i: number) => unknown[] {
  const pending: (Uint8Array | undefined)[] = [...parts];
  const parsed: (unknown[] | undefined)[] = [];
  return (i) => {
    let rest = parsed[i];
    if (!rest) {
      const line = pending[i];
      pending[i] = undefined;
      const json = line && parseJson(new TextDecoder().decode(line));
      parsed[i] = rest = Array.isArray(json) ? json : [];
      toVariantDicts(rest);
    }
    return rest;
  };
}

/**
 * Makes `slot.variants` (the first variant, from the manifest) a property that, when first read,
 * becomes the slot's full list: the slot object stays the one the bundle holds, so what is
 * memoized on it (compile.ts) stays valid, and every reader — spread, JSON.stringify, a preview's
 * derived bundle — sees all the variants.
 */
function lazyVariants(slot: object, more: (i: number) => unknown[], i: number): void {
  const first = (slot as { variants: unknown[] }).variants;
  Object.defineProperty(slot, 'variants', {
    configurable: true,
    enumerable: true,
    get() {
      const variants = [...first, ...more(i)];
      Object.defineProperty(slot, 'variants', {
        value: variants,
        enumerable: true,
        writable: true,
      });
      return variants;
    },
  });
}
