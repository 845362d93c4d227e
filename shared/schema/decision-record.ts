/**
 * One decision record per render: what the decision log queue carries and D1 stores
 * (migrations/0001_decisions.sql). No raw identifiers: `visitor` is a keyed hash.
 *
 * Objects are not strict on purpose: during a deploy an older consumer may read records from a
 * newer worker, and should store what it knows rather than drop the record.
 */
import * as z from 'zod';

const Short = z.string().min(1).max(128);

export const LogLevel = z.enum(['experiment', 'individual', 'segment', 'cohort', 'default']);

/** An experiment arm the render assigned (issue 5); the consumer also writes it to `exposures`. */
export const ExposureRecord = z.object({
  id: Short,
  arm: Short,
  /** Bandits: the allocation epoch. */
  epoch: z.string().max(64).optional(),
});

export const SlotRecord = z.object({
  slot: Short,
  /** The variant shown ('' when the slot rendered empty). */
  variant: z.string().max(128),
  level: LogLevel,
  reason: z.string().max(200),
  rule: Short.optional(),
  segments: z.array(Short).max(50).optional(),
  offer: Short.optional(),
  fallback: z.array(z.string().max(200)).max(50).optional(),
});
export type SlotRecord = z.infer<typeof SlotRecord>;

export const DecisionRecord = z.object({
  id: Short,
  /** ISO time of the request (the injected clock). */
  at: z.iso.datetime(),
  version: z.string().max(64),
  page: Short,
  /** HMAC-SHA256 of the visitor id under a key derived from VISITOR_KEYS, 128 bits in hex. */
  visitor: z.string().regex(/^[0-9a-f]{32}$/),
  /** Consent level the render ran under. */
  consent: z.string().min(1).max(32).default('personal'),
  profile: z.enum(['customer', 'visitor', 'none']),
  /** A deliberate subset of the context signals (see worker/log/record.ts). */
  context: z.record(z.string().max(64), z.union([z.string().max(512), z.number(), z.boolean()])),
  /** Request-level reason codes (cookie, bundle, profile, render). */
  reasons: z.array(z.string().max(64)).max(50),
  /** True for admin debug renders, so analysis can leave them out. */
  debug: z.boolean().default(false),
  slots: z.array(SlotRecord).max(50),
  /** Experiment arms this render assigned (absent: none). */
  experiments: z.array(ExposureRecord).max(100).optional(),
  /** Present when the bundle has a holdout: which side of it this render was on. */
  holdout: z.enum(['holdout', 'personalized']).optional(),
  /**
   * True when assignment hashed the visitor (identifiers allowed); false when it hashed the
   * decision id (assigned per request, no stickiness claim).
   */
  sticky: z.boolean().default(true),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;
export type DecisionRecordInput = z.input<typeof DecisionRecord>;
