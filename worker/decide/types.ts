/**
 * The decision core's inputs and outputs. Nothing here knows about HTTP, KV or the clock.
 */
import type { Bundle, Page, Variant } from '../../shared/schema/bundle.ts';
import type { ComponentKind } from '../../shared/schema/components.ts';
import type { DEVICE_CLASSES } from '../../shared/schema/context-signals.ts';
import type { Profile } from '../../shared/schema/profile.ts';

export type Value = string | number | boolean | readonly (string | number | boolean)[] | undefined;

export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/**
 * Signals derived from the request (`context.<name>` in conditions). The catalogue of names,
 * types and meanings is shared/schema/context-signals.ts; worker/context fills it.
 */
export interface RequestContext {
  path: string;
  device: DeviceClass;
  country?: string;
  /** True when the visitor has been here before (valid cookie or a profile with visits). */
  returning: boolean;
  /**
   * Signals, plus the decision API caller's custom attributes under `attributes.<name>` keys
   * (conditions read them as `attributes.<name>`; a dot never occurs in a signal name).
   */
  [signal: string]: Value;
}

/** Where custom attribute `name` sits in a RequestContext. */
export const attributeKey = (name: string) => `attributes.${name}`;

/** The rungs of the fallback ladder, most personal first; `experiment` (an experiment arm) overrides the ladder. */
export type Level = 'experiment' | 'individual' | 'segment' | 'cohort' | 'default';
export const LEVELS: readonly Level[] = ['individual', 'segment', 'cohort', 'default'];

/**
 * Why there is no profile to decide on (the reason code of the read), or `profile.none` when the
 * visitor simply has none. Recorded as the fallback cause of every slot below `individual`.
 */
export type ProfileFault =
  'profile.none' | 'profile.invalid_json' | 'profile.schema' | 'profile.timeout' | 'profile.error';

/** One variant the ladder proposed for a slot, in the order it was proposed. */
export interface Candidate {
  variant: string;
  level: Level;
  /** `nbo:<variant>`, `affinity:<category>`, `rule:<id>`, `default`, `default:alternate`. */
  reason: string;
  rule?: string;
  /** The segments that were true for the matching rule (those it names). */
  segments?: string[];
  offer?: string;
}

export interface CandidateTrace extends Candidate {
  /** chosen; skipped because its offer was already on the page; or not needed (a better one won). */
  status: 'chosen' | 'offer_taken' | 'outranked';
}

export interface Decision {
  slot: string;
  component: ComponentKind;
  variant: string;
  level: Level;
  /** Why: `rule:<id>`, `affinity:<category>`, `nbo:<variant>`, `default:<cause>`, `holdout`, `experiment:<id>:<arm>`. */
  reason: string;
  rule?: string;
  segments?: string[];
  offer?: string;
  /**
   * What moved this slot down the ladder: a profile fault (`profile.timeout`, `profile.none`, …)
   * and `offer_taken:<variant>` for each better candidate skipped for offer uniqueness.
   */
  fallback?: string[];
  /** Every candidate considered, best first; only when decide was asked for a trace. */
  candidates?: CandidateTrace[];
  /** Set when the visitor is in an experiment that covers this slot (even if its arm keeps the ladder). */
  experiment?: { id: string; arm: string };
}

/**
 * The slots decided together, in order, and whether they share offers: a bundle page, or the
 * decision API's own list of slots (which is no page of the bundle).
 */
export type SlotList = Pick<Page, 'slots'> & Partial<Pick<Page, 'uniqueOffers'>>;

export interface DecideInput {
  bundle: Bundle;
  /** Page id from the bundle. */
  pageId: string;
  /** Decide these slots instead of page `pageId`'s (which then only names them). */
  page?: SlotList;
  profile?: Profile;
  /** Why `profile` is absent; ignored when a profile is given. Defaults to `profile.none`. */
  profileFault?: ProfileFault;
  context: RequestContext;
  /** Milliseconds since the epoch, supplied by the caller. */
  now: number;
  /** Collect every candidate per slot for the debug trace (evaluates all rules). */
  trace?: boolean;
}

export type { Bundle, Variant, Profile };
