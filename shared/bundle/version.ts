/**
 * Content addressing: the version of a bundle is a hash of its canonical JSON, so the same
 * content always gets the same version and a published version can never change.
 *
 * The same hash is the visitor worker's integrity check on read (docs/publishing.md, "Trust
 * boundary"): a bundle is written only by the control plane and the CLI, after the full schema
 * and integrity check, and the worker accepts the bytes it reads only if they hash to the
 * version they are stored under.
 */
import type { Bundle, BundleBody } from '../schema/bundle.ts';

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

async function versionOfText(canonicalBody: string): Promise<string> {
  return hexVersion(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalBody)));
}

function hexVersion(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest).slice(0, 8)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

export async function bundleVersion(body: BundleBody): Promise<string> {
  return versionOfText(canonicalJson(body));
}

const versionTail = (version: string) => `,"version":${JSON.stringify(version)}}`;

/**
 * The bytes a bundle is stored as: its body's canonical JSON (exactly what its version hashes)
 * with `version` appended as the last member. A reader can then check the bytes it got against
 * the version without re-serialising anything (`verifiedBundleJson`).
 */
export function bundleText(bundle: Bundle): string {
  const { version, ...body } = bundle;
  const text = canonicalJson(body);
  return text === '{}'
    ? `{"version":${JSON.stringify(version)}}`
    : text.slice(0, -1) + versionTail(version);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The JSON of a stored bundle if, and only if, its content hashes to `version`; undefined for
 * anything else (not JSON, another version's content, a truncated or altered copy).
 * Bytes written by `bundleText` are hashed as they are (one SHA-256 over the text); bytes in any
 * other key order (bundles stored before `bundleText`) are parsed and canonicalised first.
 */
export async function verifiedBundleJson(text: string, version: string): Promise<unknown> {
  const tail = versionTail(version);
  if (text.endsWith(tail) && (await storedVersion(text, tail)) === version) return parseJson(text);
  const json = parseJson(text);
  if (!isObject(json) || json.version !== version) return undefined;
  const { version: _, ...body } = json;
  return (await versionOfText(canonicalJson(body))) === version ? json : undefined;
}

/**
 * The version of stored `text` whose last member is `tail`: the hash of the text without it and
 * with the object closed again. The text is encoded once, as it is, and the tail's first byte (its
 * comma) overwritten with `}` — no sliced and re-joined 1 MB string to flatten before encoding,
 * which cost the first request after a 1 MB publish several milliseconds in workerd (issue 18).
 */
async function storedVersion(text: string, tail: string): Promise<string> {
  const encoder = new TextEncoder();
  const bytes = encoder.encode(text);
  const end = bytes.length - encoder.encode(tail).length;
  bytes[end] = 0x7d; // }
  return hexVersion(await crypto.subtle.digest('SHA-256', bytes.subarray(0, end + 1)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
