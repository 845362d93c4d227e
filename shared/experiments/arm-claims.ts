/**
 * Sticky bandit arms. A bandit's split changes every epoch, so hashing a returning visitor into
 * the current split would move them to another arm (and credit their conversion to arms they
 * barely saw). Instead the arm a visitor gets at their first exposure is remembered in a signed
 * claim in their cookie — `{ <claim key>: <arm index> }` — and reused for the experiment phase's
 * whole life. Only a visitor's first exposure to a bandit writes the cookie; page views after
 * that only read it (no KV or D1 anywhere on the path).
 *
 * The claim key is a short hash of the experiment's salt and phase, so a new phase (changed
 * arms, traffic, goal or targeting) draws afresh, and the cookie never names the experiment.
 * At most MAX_CLAIMS entries: claims of experiments no longer live go first, then the oldest.
 */
import type { Experiment } from '../schema/experiment.ts';
import { saltOf } from '../schema/experiment-rules.ts';
import { hash32 } from './hash.ts';
import { phaseOf } from './phase.ts';

/** Claim key → arm index, in the order the claims were made (oldest first). */
export type ArmClaims = Readonly<Record<string, number>>;

/** Enough for every bandit a site runs at once; ~12 bytes each in the cookie. */
export const MAX_CLAIMS = 12;

export const CLAIM_KEY_PATTERN = /^[0-9a-z]{1,7}$/;

const keys = new WeakMap<Experiment, string>();

/** The experiment phase's key in the claim (base 36 of a 32-bit hash: ≤ 7 characters). */
export function claimKey(e: Experiment): string {
  let key = keys.get(e);
  if (key === undefined) {
    key = hash32(`claim\u0000${saltOf(e)}\u0000${phaseOf(e)}`).toString(36);
    keys.set(e, key);
  }
  return key;
}

/** The arm the visitor was given in this phase, if the claim names a valid one. */
export function claimedArm(e: Experiment, claims: ArmClaims | undefined): string | undefined {
  if (!claims) return undefined;
  const index = claims[claimKey(e)];
  return index === undefined ? undefined : e.arms[index]?.id;
}

/**
 * The claims with one more entry. Entries whose key is not in `live` (experiments that ended or
 * moved to a new phase) are dropped; if still over MAX_CLAIMS, the oldest go.
 */
export function withClaims(
  claims: ArmClaims | undefined,
  added: readonly (readonly [key: string, index: number])[],
  live: ReadonlySet<string>,
): Record<string, number> {
  const entries = Object.entries(claims ?? {}).filter(([k]) => live.has(k));
  for (const [key, index] of added) {
    const at = entries.findIndex(([k]) => k === key);
    if (at >= 0) entries.splice(at, 1);
    entries.push([key, index]);
  }
  return Object.fromEntries(entries.slice(-MAX_CLAIMS));
}

const liveKeys = new WeakMap<readonly Experiment[], ReadonlySet<string>>();

/** Claim keys of the bandits a bundle runs (memoized per bundle version's experiment list). */
export function liveClaimKeys(experiments: readonly Experiment[] | undefined): ReadonlySet<string> {
  if (!experiments) return new Set();
  let keys = liveKeys.get(experiments);
  if (!keys) {
    keys = new Set(experiments.filter((e) => e.type === 'bandit').map(claimKey));
    liveKeys.set(experiments, keys);
  }
  return keys;
}
