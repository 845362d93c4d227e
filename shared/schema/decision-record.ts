/**
 * One decision record per render: what the decision log queue carries and D1 stores
 * (migrations/0001_decisions.sql). No raw identifiers: `visitor` is a keyed hash.
 *
 * Objects are not strict on purpose: during a deploy an older consumer may read records from a
 * newer worker, and should store what it knows rather than drop the record.
 */
import { Channel } from './channel.ts';
import * as z from './zod.ts';
import { dict } from './dict.ts';

const Short = z.string().check(z.minLength(1), z.maxLength(128));

export const LogLevel = z.enum(['experiment', 'individual', 'segment', 'cohort', 'default']);

/** An experiment arm the render assigned (issue 5); the consumer also writes it to `exposures`. */
export const ExposureRecord = z.object({
  id: Short,
  arm: Short,
  /** Bandits: the allocation epoch. */
  epoch: z.optional(z.string().check(z.maxLength(64))),
  /** The experiment phase (shared/experiments/phase.ts); absent in records from before phases. */
  phase: z.optional(z.string().check(z.maxLength(32))),
});

export const SlotRecord = z.object({
  slot: Short,
  /** The variant shown ('' when the slot rendered empty). */
  variant: z.string().check(z.maxLength(128)),
  level: LogLevel,
  reason: z.string().check(z.maxLength(200)),
  rule: z.optional(Short),
  segments: z.optional(z.array(Short).check(z.maxLength(50))),
  offer: z.optional(Short),
  fallback: z.optional(z.array(z.string().check(z.maxLength(200))).check(z.maxLength(50))),
});
export type SlotRecord = z.infer<typeof SlotRecord>;

export const DecisionRecord = z.object({
  id: Short,
  /** ISO time of the request (the injected clock). */
  at: z.isoDateTime(),
  version: z.string().check(z.maxLength(64)),
  page: Short,
  /** Where the decision was shown (shared/schema/channel.ts); records from before it are `web`. */
  channel: z._default(Channel, 'web'),
  /** HMAC-SHA256 of the visitor id under a key derived from VISITOR_KEYS, 128 bits in hex. */
  visitor: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
  /** Consent level the render ran under. */
  consent: z._default(z.string().check(z.minLength(1), z.maxLength(32)), 'personal'),
  profile: z.enum(['customer', 'visitor', 'none']),
  /** A deliberate subset of the context signals (see worker/log/record.ts). */
  context: dict(
    z.string().check(z.maxLength(64)),
    z.union([z.string().check(z.maxLength(512)), z.number(), z.boolean()]),
  ),
  /** Request-level reason codes (cookie, bundle, profile, render). */
  reasons: z.array(z.string().check(z.maxLength(64))).check(z.maxLength(50)),
  /** True for admin debug renders, so analysis can leave them out. */
  debug: z._default(z.boolean(), false),
  slots: z.array(SlotRecord).check(z.maxLength(50)),
  /** Experiment arms this render assigned (absent: none). */
  experiments: z.optional(z.array(ExposureRecord).check(z.maxLength(100))),
  /** Present when the bundle has a holdout: which side of it this render was on. */
  holdout: z.optional(z.enum(['holdout', 'personalized'])),
  /** The holdout's phase (its share, salt and goal), when `holdout` is present. */
  holdoutPhase: z.optional(z.string().check(z.maxLength(32))),
  /**
   * True when assignment hashed the visitor (identifiers allowed); false when it hashed the
   * decision id (assigned per request, no stickiness claim).
   */
  sticky: z._default(z.boolean(), true),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;
export type DecisionRecordInput = z.input<typeof DecisionRecord>;
