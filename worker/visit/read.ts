/**
 * Phase 1 — read the visit: consent, identity, bundle, profile and bandit snapshot, each under a
 * deadline and each degrading to a reason code, never an error. Where consent and identity come
 * from is the caller's (`Who`: the page's cookies, or a decision API caller's body); a preview
 * mode overrides all three reads (its version, its visitor, its forced segment).
 *
 *   bundle (pointer + isolate cache) ─┬─ consent (site policy) → identity ─┬─ profile
 *   bandit snapshot ──────────────────┴────────────────────────────────────┴─ VisitRead
 */
import type { Keyring } from '../../shared/auth/keyring.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import type { Config } from '../../shared/config.ts';
import type { BanditSnapshot } from '../../shared/schema/bandit.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { SiteConsent } from '../../shared/schema/consent.ts';
import type { Profile } from '../../shared/schema/profile.ts';
import type { BanditStore } from '../data/bandit-store.ts';
import type { BundleStore } from '../../shared/data/bundle-store.ts';
import { profileFault, readProfile, type ProfileRead } from '../data/profile-store.ts';
import type { ProfileFault } from '../decide/types.ts';
import type { Identity } from '../identity/visitor.ts';
import { forceSegment, previewBundle, previewIdentity } from '../preview/apply.ts';
import type { Consent } from '../privacy/consent.ts';
import type { ConsentedIdentity } from '../privacy/identity.ts';
import type { Reason } from '../../shared/reasons.ts';
import type { VisitMode } from './mode.ts';
import type { Timings } from './timings.ts';

/** What the reads need: the stores (isolate caches), the namespaces, the clock and ids. */
export interface VisitIO {
  store: BundleStore;
  bandits: BanditStore;
  content: KVNamespace;
  profiles: KVNamespace;
  config: Config;
  now: () => number;
  newId: () => string;
}

/** Where consent and identity come from for this visit. */
/** The consent a visit runs under: its level, and why it is less than `personal`. */
export type VisitConsent = Pick<Consent, 'level' | 'reasons'>;

export interface Who {
  consent(policy: SiteConsent | undefined): VisitConsent;
  identify(
    level: Consent['level'],
    ring: Keyring,
    nowSeconds: number,
    newId: () => string,
  ): Promise<ConsentedIdentity>;
}

export interface VisitRead {
  /** The bundle to decide on (a preview's version, with its forced segment); absent: none live. */
  bundle?: Bundle;
  consent: VisitConsent;
  identity: Identity;
  /** The response must expire an identifier cookie the visitor still holds (consent none). */
  clearCookie: boolean;
  /** The profile to decide on (a preview's forced segment included). */
  profile?: Profile;
  /** Which profile answered, for the log and the trace. */
  profileSource: 'customer' | 'visitor' | 'none';
  /** Why there is no profile, for the ladder's fallback causes. */
  profileFault?: ProfileFault;
  snapshot?: BanditSnapshot;
  /** Request-level reasons so far (cookie, consent, bundle, profile, bandit). */
  reasons: Reason[];
}

/** A preview acts as a chosen visitor with full personalization; never anyone's cookie. */
function previewWho(session: NonNullable<VisitMode['preview']>): Who {
  return {
    consent: () => ({ level: 'personal', reasons: [] }),
    identify: async () => ({ identity: previewIdentity(session), clearCookie: false }),
  };
}

/** Marks `identity` (bundle, consent, cookie) and `kv` (profile, bandit) on `timings`. */
export async function readVisit(
  io: VisitIO,
  mode: VisitMode,
  requestWho: Who,
  timings: Timings,
): Promise<VisitRead> {
  const t0 = timings.start;
  const { config } = io;
  const liveBundle = () => io.store.live(io.content, t0, config.kvDeadlineMs, config.pointerTtlMs);
  // The bandit snapshot does not depend on consent: fetch it alongside the bundle.
  const banditRead = io.bandits.current(io.content, t0, config.kvDeadlineMs);
  const who = mode.preview ? previewWho(mode.preview) : requestWho;
  // Consent first: the bundle holds the per-country defaults, and the level decides whether the
  // identifier cookie may be read and the profile fetched (privacy/consent.ts).
  const live = mode.preview
    ? await previewBundle(io.store, io.content, mode.preview, liveBundle, config.kvDeadlineMs)
    : await liveBundle();
  const consent = who.consent(live.bundle?.site.consent);
  const ring = await keyringFor(config.visitorKeys);
  const { identity, clearCookie } = await who.identify(
    consent.level,
    ring,
    Math.floor(t0 / 1000),
    io.newId,
  );
  timings.mark('identity');
  const [read, bandit] = await Promise.all([
    consent.level === 'personal'
      ? readProfile(io.profiles, identity, config.kvDeadlineMs)
      : Promise.resolve<ProfileRead>({ reasons: [] }),
    banditRead,
  ]);
  timings.mark('kv');
  const reasons: Reason[] = [
    ...consent.reasons,
    ...(identity.reason ? [identity.reason] : []),
    ...live.reasons,
    ...read.reasons,
  ];
  if (bandit.reason && live.bundle?.experiments?.some((e) => e.type === 'bandit'))
    reasons.push(bandit.reason);
  // A preview's forced segment swaps in bundle and profile copies (the cached bundle is untouched).
  const { bundle, profile } =
    live.bundle && mode.preview?.segment
      ? forceSegment(live.bundle, read.profile, mode.preview.segment)
      : { bundle: live.bundle, profile: read.profile };
  const fault = profileFault(read);
  return {
    ...(bundle ? { bundle } : {}),
    consent,
    identity,
    clearCookie,
    ...(profile ? { profile } : {}),
    profileSource: read.source ?? 'none',
    ...(fault ? { profileFault: fault } : {}),
    ...(bandit.snapshot ? { snapshot: bandit.snapshot } : {}),
    reasons,
  };
}
