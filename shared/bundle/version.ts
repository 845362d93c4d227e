/**
 * Content addressing: a bundle's version is a hash of the bytes it is stored as, which are a
 * function of its canonical JSON, so the same content always gets the same version and a
 * published version can never change.
 *
 * The same hash is the visitor worker's integrity check on read (docs/publishing.md, "Trust
 * boundary"): a bundle is written only by the control plane and the CLI, after the full schema
 * and integrity check, and the worker accepts the bytes it reads only if they hash to the
 * version they are stored under.
 *
 * Two stored forms (docs/publishing.md, "How a version is stored"):
 * - **parts** (written since issue 18): a first line naming the form, the manifest — the body's
 *   canonical JSON with each slot's variants cut to its first — on the second line, then one line
 *   per slot holding the rest of its variants (canonical JSON arrays). The version hashes all of
 *   these bytes as they are stored. A reader hashes them once (no re-encoding), but parses only
 *   the manifest and, when a request first needs a slot, that slot's line (shared/bundle/parts.ts).
 * - **single** (written before): the body's canonical JSON with `version` as its last member, or,
 *   before that, the bundle's JSON in any key order; the version hashes the body's canonical JSON.
 *   Still read, so a rollback to a version stored before the parts form keeps working.
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

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first line of a bundle stored in parts. A single-form bundle starts with `{`. */
export const PARTS_FORM = 'tessera-bundle/parts-1';
const PARTS_HEADER = new TextEncoder().encode(`${PARTS_FORM}\n`);
const NEWLINE = 0x0a;

/**
 * The text a bundle body is stored as (the parts form; see the top of this file). JSON never
 * holds a raw newline (JSON.stringify escapes it in strings; UTF-8 continuation bytes are ≥ 0x80),
 * so the lines split exactly. Takes anything, so tests can store what a faulty writer would.
 */
export function storedText(body: unknown): string {
  const slots = isObject(body) && Array.isArray(body.slots) ? (body.slots as unknown[]) : [];
  const parts: string[] = [];
  const head = slots.map((slot) => {
    if (!isObject(slot) || !Array.isArray(slot.variants)) {
      parts.push('[]');
      return slot;
    }
    parts.push(canonicalJson(slot.variants.slice(1)));
    return { ...slot, variants: slot.variants.slice(0, 1) };
  });
  const manifest = canonicalJson(slots.length ? { ...(body as object), slots: head } : body);
  return [PARTS_FORM, manifest, ...parts].join('\n');
}

/** The text a bundle is stored as (the parts form): what uploadVersion writes under its version. */
export function bundleText(bundle: Bundle): string {
  const { version: _, ...body } = bundle;
  return storedText(body);
}

export async function bundleVersion(body: BundleBody): Promise<string> {
  return versionOfBytes(new TextEncoder().encode(storedText(body)));
}

async function versionOfBytes(bytes: Uint8Array): Promise<string> {
  // Over a plain ArrayBuffer (a KV value, TextEncoder's output), never a SharedArrayBuffer, which
  // the DOM library's digest type rules out.
  return hexVersion(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

function hexVersion(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest).slice(0, 8)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/** What a verified stored bundle holds: its JSON (the manifest, for the parts form), and parts. */
export interface Stored {
  /** The bundle's JSON with `version` set; in the parts form each slot holds its first variant. */
  json: Record<string, unknown>;
  /** Parts form: slot i's other variants, as the UTF-8 bytes of a JSON array. Single form: []. */
  parts: Uint8Array[];
}

/**
 * The stored bytes of `version`, if, and only if, they hash to it; undefined for anything else
 * (another version's content, a truncated or altered copy, not JSON, not an object). Hashes the
 * bytes as they are stored and decodes only what it parses: for the parts form the manifest.
 */
export async function verifiedStored(
  bytes: Uint8Array,
  version: string,
): Promise<Stored | undefined> {
  if (startsWith(bytes, PARTS_HEADER)) {
    if ((await versionOfBytes(bytes)) !== version) return undefined;
    const lines = splitLines(bytes, PARTS_HEADER.length);
    const json = parseJson(new TextDecoder().decode(lines[0]));
    if (!isObject(json)) return undefined;
    const parts = lines.slice(1);
    const slots = Array.isArray(json.slots) ? json.slots.length : 0;
    if (parts.length !== slots) return undefined;
    json.version = version;
    return { json, parts };
  }
  const json = await verifiedSingle(bytes, version);
  return json === undefined ? undefined : { json, parts: [] };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The lines of `bytes` from `start` on (views, not copies). */
function splitLines(bytes: Uint8Array, start: number): Uint8Array[] {
  const lines: Uint8Array[] = [];
  for (let at = start; ;) {
    const end = bytes.indexOf(NEWLINE, at);
    lines.push(bytes.subarray(at, end < 0 ? bytes.length : end));
    if (end < 0) return lines;
    at = end + 1;
  }
}

// --- The single form (bundles stored before the parts form) ---------------------------------

const versionTail = (version: string) => `,"version":${JSON.stringify(version)}}`;

/** The version a body got in the single form: the hash of its canonical JSON. */
export async function singleBundleVersion(body: BundleBody): Promise<string> {
  return versionOfBytes(new TextEncoder().encode(canonicalJson(body)));
}

/**
 * The single form's bytes: the body's canonical JSON (exactly what its version hashes) with
 * `version` appended as the last member. Written before the parts form; still read.
 */
export function singleBundleText(bundle: Bundle): string {
  const { version, ...body } = bundle;
  const text = canonicalJson(body);
  return text === '{}'
    ? `{"version":${JSON.stringify(version)}}`
    : text.slice(0, -1) + versionTail(version);
}

/**
 * A single-form bundle's JSON if its content hashes to `version`. Bytes that end with the version
 * tail are hashed as they are, the tail's comma overwritten with `}` for the digest and put back
 * (no sliced and re-joined copy to encode: issue 18); bytes in any other key order (stored
 * before the tail) are parsed and canonicalised first.
 */
async function verifiedSingle(
  bytes: Uint8Array,
  version: string,
): Promise<Record<string, unknown> | undefined> {
  const tail = new TextEncoder().encode(versionTail(version));
  const end = bytes.length - tail.length;
  if (end > 0 && bytes.subarray(end).every((b, i) => b === tail[i])) {
    bytes[end] = 0x7d; // }
    const hashed = await versionOfBytes(bytes.subarray(0, end + 1));
    bytes[end] = tail[0]!;
    if (hashed === version) {
      const json = parseJson(new TextDecoder().decode(bytes));
      return isObject(json) ? json : undefined;
    }
  }
  const json = parseJson(new TextDecoder().decode(bytes));
  if (!isObject(json) || json.version !== version) return undefined;
  const { version: _, ...body } = json;
  return (await singleBundleVersion(body as BundleBody)) === version ? json : undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
