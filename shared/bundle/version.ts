/**
 * Content addressing: the version of a bundle is a hash of its canonical JSON, so the same
 * content always gets the same version and a published version can never change.
 */
import type { BundleBody } from '../schema/bundle.ts';

/** JSON with object keys sorted at every depth; arrays keep their order (order is meaning). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      // Prototype-free, so an own "__proto__" key stays a key instead of setting a prototype.
      const sorted = Object.create(null) as Record<string, unknown>;
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

export async function bundleVersion(body: BundleBody): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(body));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest).slice(0, 8)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}
