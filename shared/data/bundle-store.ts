/**
 * The live bundle, as cheaply as KV allows. Per isolate it keeps:
 * - the pointer (which version is live), trusted for `pointerTtlMs`;
 * - parsed bundles by version (immutable, so never invalidated), so a warm isolate does no
 *   bundle read or parse per request;
 * - the last good bundle, served whenever the pointer or the bundle it names cannot be read
 *   (timeout, KV error, not yet replicated, garbage).
 *
 * A new version is checked here as a whole (its bytes against the version, its shape, a renderable
 * variant in every slot) and becomes live only if all of that passes; the per-slot part (every
 * variant's props, the rules) is done when a request first needs the slot, memoized with the
 * cached version (worker/decide/compile.ts, shared/bundle/salvage.ts). A variant dropped there
 * shows as `bundle.partial` on the requests that show its slot (worker/visit/render.ts).
 */
import type { Bundle } from '../schema/bundle.ts';
import { Pointer } from '../schema/validators.gen.ts';
import { contentKeys } from '../kv-keys.ts';
import type { Reason } from '../reasons.ts';
import { withDeadline } from './deadline.ts';
import { loadBundle } from '../bundle/parts.ts';

export interface LiveBundle {
  bundle?: Bundle;
  reasons: Reason[];
}

/** How many parsed versions an isolate keeps (live, previous, a preview or two). */
const MAX_CACHED_VERSIONS = 4;

export class BundleStore {
  private pointer?: { version: string; readAt: number };
  private readonly bundles = new Map<string, Bundle>();
  private lastGood?: Bundle;

  async live(
    kv: KVNamespace,
    nowMs: number,
    deadlineMs: number,
    pointerTtlMs: number,
  ): Promise<LiveBundle> {
    const reasons: Reason[] = [];
    let version =
      this.pointer && nowMs - this.pointer.readAt < pointerTtlMs ? this.pointer.version : undefined;
    if (!version) {
      const read = await withDeadline(() => kv.get(contentKeys.pointer(), 'text'), deadlineMs);
      if (!read.ok) reasons.push(read.cause === 'timeout' ? 'pointer.timeout' : 'pointer.error');
      else if (read.value === null) reasons.push(this.lastGood ? 'pointer.missing' : 'bundle.none');
      else {
        const pointer = safeJson(read.value, Pointer);
        if (pointer) {
          version = pointer.version;
          this.pointer = { version, readAt: nowMs };
        } else reasons.push('pointer.invalid');
      }
    }
    if (!version) return { bundle: this.lastGood, reasons };
    const bundle = (await this.version(kv, version, deadlineMs, reasons)) ?? this.lastGood;
    if (bundle && bundle !== this.lastGood) this.lastGood = bundle;
    return { bundle, reasons };
  }

  /** A specific version (cached); reasons say why it could not be had. */
  async version(
    kv: KVNamespace,
    version: string,
    deadlineMs: number,
    reasons: Reason[] = [],
  ): Promise<Bundle | undefined> {
    const cached = this.bundles.get(version);
    if (cached) return cached;
    const read = await withDeadline(
      () => kv.get(contentKeys.bundle(version), 'arrayBuffer'),
      deadlineMs,
    );
    if (!read.ok) {
      reasons.push(read.cause === 'timeout' ? 'bundle.timeout' : 'bundle.error');
      return undefined;
    }
    if (read.value === null) {
      // KV is eventually consistent: the pointer can arrive before the bundle it names.
      reasons.push('bundle.missing');
      return undefined;
    }
    // Bundles are checked in full when written (control plane, CLI); here the bytes, as stored,
    // must hash to the version they are stored under, then the manifest's shape is checked (each
    // slot's other variants parsed and checked when a request first needs the slot: parts.ts,
    // compile.ts).
    const bundle = await loadBundle(new Uint8Array(read.value), version);
    if (!bundle) {
      reasons.push('bundle.invalid');
      return undefined;
    }
    if (this.bundles.size >= MAX_CACHED_VERSIONS) {
      const oldest = this.bundles.keys().next().value;
      if (oldest !== undefined) this.bundles.delete(oldest);
    }
    this.bundles.set(version, bundle);
    return bundle;
  }
}

function safeJson<T>(
  text: string,
  check: (v: unknown) => { success: true; data: T } | { success: false },
): T | undefined {
  try {
    const parsed = check(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
