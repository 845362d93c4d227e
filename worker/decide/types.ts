/**
 * The decision core's inputs and outputs. Nothing here knows about HTTP, KV or the clock.
 */
import type { Bundle, Variant } from '../../shared/schema/bundle.ts';
import type { ComponentKind } from '../../shared/schema/components.ts';
import type { Profile } from '../../shared/schema/profile.ts';

export type Value = string | number | boolean | readonly (string | number | boolean)[] | undefined;

export type DeviceClass = 'mobile' | 'tablet' | 'desktop' | 'bot';

/** Signals derived from the request alone (no profile needed). */
export interface RequestContext {
  path: string;
  device: DeviceClass;
  country?: string;
  /** True when the visitor has been here before (valid cookie or a profile with visits). */
  returning: boolean;
  /** Further signals (`context.<name>` in conditions); later layers add to these. */
  [signal: string]: Value;
}

/** The rungs of the fallback ladder, most personal first. */
export type Level = 'individual' | 'segment' | 'cohort' | 'default';

export interface Decision {
  slot: string;
  component: ComponentKind;
  variant: string;
  level: Level;
  /** Why: `rule:<id>`, `affinity:<category>`, `nbo:<variant>`, `default:<cause>`. */
  reason: string;
}

export interface DecideInput {
  bundle: Bundle;
  /** Page id from the bundle. */
  pageId: string;
  profile?: Profile;
  context: RequestContext;
  /** Milliseconds since the epoch, supplied by the caller. */
  now: number;
}

export type { Bundle, Variant, Profile };
