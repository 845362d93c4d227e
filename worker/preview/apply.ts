/**
 * What a preview session changes about one page view. Pure apart from the bundle read.
 * - the bundle: the session's version instead of the live one (live if that version is unreadable);
 * - the visitor: the session's `as` persona (a sample profile, never a real visitor's), with no
 *   cookie issued to anyone;
 * - a forced segment: that segment counts as matched, whatever it is defined by;
 * - pretended request signals: a country, device, local time or referrer replace the request's;
 * - the response: a visible ribbon, noindex, no-store; and the caller skips all logging.
 * None of it touches the isolate's live pointer or last-good bundle.
 */
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { Profile } from '../../shared/schema/profile.ts';
import type { BundleStore, LiveBundle } from '../../shared/data/bundle-store.ts';
import { emptyProfile } from '../../shared/profile/update.ts';
import type { Identity } from '../identity/visitor.ts';
import type { PreviewSession } from '../../shared/auth/preview-token.ts';
import type { PreviewContext } from '../../shared/schema/preview-context.ts';
import type { RequestContext } from '../decide/types.ts';

export async function previewBundle(
  store: BundleStore,
  kv: KVNamespace,
  session: PreviewSession,
  live: () => Promise<LiveBundle>,
  deadlineMs: number,
): Promise<LiveBundle> {
  if (!session.version) return live();
  const reasons: LiveBundle['reasons'] = [];
  const bundle = await store.version(kv, session.version, deadlineMs, reasons);
  if (bundle) return { bundle, reasons };
  const fallback = await live();
  return { bundle: fallback.bundle, reasons: [...reasons, ...fallback.reasons] };
}

/**
 * The previewer is nobody real: the profile comes from the session's persona (worker/visit/read.ts),
 * never from a visitor id; never new, never issued a cookie.
 */
export function previewIdentity(): Identity {
  return { visitorId: 'preview', isNew: false };
}

/**
 * Forces membership of one segment: its definition becomes "from the profile" and the
 * profile lists it. Returns new objects; the cached bundle is never mutated.
 */
export function forceSegment(
  bundle: Bundle,
  profile: Profile | undefined,
  segment: string | undefined,
) {
  if (!segment || !bundle.segments.some((s) => s.id === segment)) return { bundle, profile };
  const forced: Bundle = {
    ...bundle,
    segments: bundle.segments.map((s) =>
      s.id === segment ? { id: s.id, name: s.name, source: 'profile' as const } : s,
    ),
  };
  const base: Profile = profile ?? emptyProfile('preview', 'visitor');
  return {
    bundle: forced,
    profile: { ...base, segments: [...new Set([...base.segments, segment])] },
  };
}

/**
 * The request's signals with the preview's pretended ones in their place. A pretended signal also
 * drops the real ones derived from the same source, so the context stays one place, one device,
 * one moment: a country drops the real region, city and continent; a device the real operating
 * system; a referrer the real referring host. A pretended hour keeps the real weekday unless one
 * is pretended too (the weekend follows it). Returns a new object; the request's is untouched.
 */
export function previewContext(
  context: RequestContext,
  pretend: PreviewContext | undefined,
): RequestContext {
  if (!pretend) return context;
  const out: RequestContext = { ...context };
  const drop = (...keys: string[]) => keys.forEach((k) => delete out[k]);
  if (pretend.country) {
    drop('region', 'regionCode', 'city', 'continent');
    out.country = pretend.country;
  }
  if (pretend.device) {
    drop('os');
    out.device = pretend.device;
  }
  if (pretend.hour !== undefined) out.hour = pretend.hour;
  if (pretend.weekday) {
    out.weekday = pretend.weekday;
    out.weekend = pretend.weekday === 'sat' || pretend.weekday === 'sun';
  }
  if (pretend.referrer) {
    drop('referrerHost');
    out.referrer = pretend.referrer;
  }
  return out;
}

export const PREVIEW_HEADERS = {
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex, nofollow',
} as const;

export const previewHead = () => '<meta name="robots" content="noindex, nofollow">';

export { previewRibbon } from './ribbon.tsx';
