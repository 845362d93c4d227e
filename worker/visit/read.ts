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
import type { ArmClaims } from '../../shared/experiments/arm-claims.ts';
import type { BanditSnapshot } from '../../shared/schema/bandit.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { SiteConsent } from '../../shared/schema/consent.ts';
import type { Profile } from '../../shared/schema/profile.ts';
import type { BanditStore } from '../data/bandit-store.ts';
import type { BundleStore, LiveBundle } from '../../shared/data/bundle-store.ts';
import { profileFault, readPersona, readProfile, type ProfileRead } from '../data/profile-store.ts';
import type { ProfileFault } from '../decide/types.ts';
import type { Identity } from '../identity/visitor.ts';
import { forceSegment, previewBundle, previewIdentity } from '../preview/apply.ts';
import type { Consent } from '../privacy/consent.ts';
import type { ConsentedIdentity } from '../privacy/identity.ts';
import type { Reason } from '../../shared/reasons.ts';
import type { VisitMode } from './mode.ts';
import type { Timings } from './timings.ts';

type BanditRead = Awaited<ReturnType<BanditStore['current']>>;

/** What the reads need: the stores (isolate caches), the namespaces, the clock and ids. */
export interface VisitIO {
  store: BundleStore;
  bandits: BanditStore;
  content: KVNamespace;
  profiles: KVNamespace;
  config: Config;
  now: () => number;
  newId: () => string;
  /** Waits between the decision record's send retries (worker/log/ship.ts); tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
  /** Waits for company before the decision record's batch leaves (worker/log/ship.ts). */
  linger?: () => Promise<void>;
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
  /**
   * The bandit arms the visitor's cookie remembers (sticky bandits; `{}` for none). Absent when
   * the caller has no cookie to remember them in: bandit draws are then sticky per epoch only.
   */
  arms?(ring: Keyring, nowSeconds: number): Promise<ArmClaims>;
  /** Whether the visitor holds an arms cookie (to expire it at consent `none`). */
  holdsArms?(): boolean;
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
  /** The bandit arms the visitor keeps (read only when the bundle runs a bandit). */
  armClaims?: ArmClaims;
  /** The response must expire the arms cookie (consent `none`). */
  clearArms?: true;
  /** Request-level reasons so far (cookie, consent, bundle, profile, bandit). */
  reasons: Reason[];
}

/**
 * A preview's profile: its persona's (a sample profile), or none — never a real visitor's, whose
 * data the preview scope has no right to show (issue 13 #6).
 */
const previewProfile = (
  kv: KVNamespace,
  session: NonNullable<VisitMode['preview']>,
  deadlineMs: number,
): Promise<ProfileRead> =>
  session.as ? readPersona(kv, session.as, deadlineMs) : Promise.resolve({ reasons: [] });

/** A preview acts as a persona with full personalization; never anyone's cookie. */
function previewWho(): Who {
  return {
    consent: () => ({ level: 'personal', reasons: [] }),
    identify: async () => ({ identity: previewIdentity(), clearCookie: false }),
  };
}

/** The bundle this visit decides on: a preview's version, else the live one. Starts the reads. */
export function readBundle(io: VisitIO, mode: VisitMode, t0: number): Promise<LiveBundle> {
  const { config } = io;
  const liveBundle = () => io.store.live(io.content, t0, config.kvDeadlineMs, config.pointerTtlMs);
  return mode.preview
    ? previewBundle(io.store, io.content, mode.preview, liveBundle, config.kvDeadlineMs)
    : liveBundle();
}

/** Consent and identity: all a response's headers need (the cookie to issue or clear). */
export interface WhoRead {
  consent: VisitConsent;
  identity: Identity;
  clearCookie: boolean;
  /** The bandit arms the visitor's cookie remembers, being read (only when a bandit runs). */
  arms?: Promise<ArmClaims>;
  /** The response must expire the arms cookie (consent `none`). */
  clearArms?: true;
}

export async function readWho(
  io: VisitIO,
  mode: VisitMode,
  requestWho: Who,
  live: LiveBundle,
  t0: number,
): Promise<WhoRead> {
  const who = mode.preview ? previewWho() : requestWho;
  // The bundle holds the per-country defaults, and the level decides whether the identifier
  // cookie may be read and the profile fetched (privacy/consent.ts).
  const consent = who.consent(live.bundle?.site.consent);
  const ring = await keyringFor(io.config.visitorKeys);
  const { identity, clearCookie } = await who.identify(
    consent.level,
    ring,
    Math.floor(t0 / 1000),
    io.newId,
  );
  // Sticky bandit arms: only a counted visitor with identifiers allowed, on a bundle with a bandit.
  const remembersArms =
    who.arms &&
    consent.level !== 'none' &&
    !mode.preview &&
    live.bundle?.experiments?.some((e) => e.type === 'bandit');
  return {
    consent,
    identity,
    clearCookie,
    ...(remembersArms ? { arms: who.arms!(ring, Math.floor(t0 / 1000)) } : {}),
    ...(consent.level === 'none' && who.holdsArms?.() ? { clearArms: true as const } : {}),
  };
}

/** The bandit snapshot does not depend on consent or the page: start it with the bundle. */
export const readBandit = (io: VisitIO, t0: number) =>
  io.bandits.current(io.content, t0, io.config.kvDeadlineMs);

/** The profile (at consent `personal`) and the bandit snapshot, then everything as one read. */
export async function readData(
  io: VisitIO,
  mode: VisitMode,
  live: LiveBundle,
  who: WhoRead,
  banditRead: Promise<BanditRead>,
): Promise<VisitRead> {
  const { consent, identity, clearCookie } = who;
  const [read, bandit, armClaims] = await Promise.all([
    consent.level === 'personal'
      ? mode.preview
        ? previewProfile(io.profiles, mode.preview, io.config.kvDeadlineMs)
        : readProfile(io.profiles, identity, io.config.kvDeadlineMs)
      : Promise.resolve<ProfileRead>({ reasons: [] }),
    banditRead,
    who.arms,
  ]);
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
    ...(armClaims ? { armClaims } : {}),
    ...(who.clearArms ? { clearArms: true as const } : {}),
    reasons,
  };
}

/** All reads in order; marks `identity` (bundle, consent, cookie) and `kv` (profile, bandit). */
export async function readVisit(
  io: VisitIO,
  mode: VisitMode,
  requestWho: Who,
  timings: Timings,
): Promise<VisitRead> {
  const t0 = timings.start;
  const bandit = readBandit(io, t0);
  const live = await readBundle(io, mode, t0);
  const who = await readWho(io, mode, requestWho, live, t0);
  timings.mark('identity');
  const read = await readData(io, mode, live, who, bandit);
  timings.mark('kv');
  return read;
}
