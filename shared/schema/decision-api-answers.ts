/**
 * What the decision API answers, and its one error shape. The worker builds these objects and
 * imports only their types; the OpenAPI document (shared/openapi/) and the `tessera decide`
 * command use the schemas.
 */
import { Channel } from './channel.ts';
import { COMPONENTS } from './components.ts';
import { ConsentLevel } from './consent.ts';
import { LogLevel } from './decision-record.ts';
import * as z from './zod.ts';

const COMPONENT_KINDS = Object.keys(COMPONENTS) as [keyof typeof COMPONENTS];

export const SlotAnswer = z.object({
  slot: z.string(),
  component: z.enum(COMPONENT_KINDS),
  /** The variant shown (what a page's `data-tessera-variant` says); '' when the slot is empty. */
  variant: z.string(),
  /** The rung that chose it: `individual`, `segment`, `cohort`, `default`, or `experiment`. */
  level: LogLevel,
  /**
   * Why: `rule:<id>`, `nbo:<variant>`, `affinity:<category>`, `default:<cause>`, `holdout`,
   * `experiment:<id>:<arm>`.
   */
  reason: z.string(),
  rule: z.optional(z.string()),
  segments: z.optional(z.array(z.string())),
  offer: z.optional(z.string()),
  /** What moved the slot down the ladder (a profile fault, `offer_taken:<variant>`). */
  fallback: z.optional(z.array(z.string())),
  /** The experiment and arm this subject is in for this slot (also when the arm keeps the ladder's variant). */
  experiment: z.optional(z.object({ id: z.string(), arm: z.string() })),
  /** True when the subject is on the holdout's held side: the slot shows its default. */
  holdout: z.optional(z.literal(true)),
  /**
   * The variant's props (the component's props schema), `{{traits.…}}` placeholders filled from
   * the profile exactly as the page fills them; a URL that fails the page's safe-URL rule is
   * removed, as the page drops such a link.
   */
  props: z.record(z.string(), z.unknown()),
  /** The slot's rendered HTML, the same markup a page shows (only with `html: true`). */
  html: z.optional(z.string()),
});
export type SlotAnswer = z.infer<typeof SlotAnswer>;

export const DecisionAnswer = z.object({
  /** The decision record's id (events may name it as `decisionId`); a dry run's is never stored. */
  decisionId: z.string(),
  /** The bundle version decided on. */
  version: z.string(),
  channel: Channel,
  /** The page decided, or null for a list of slots. */
  page: z.nullable(z.string()),
  /** The consent level the decision ran under. */
  consent: ConsentLevel,
  /** Which profile answered. */
  profile: z.enum(['customer', 'visitor', 'none']),
  dryRun: z.boolean(),
  /** Present when the bundle has a holdout (and consent allows it): which side the subject is on. */
  holdout: z.optional(z.enum(['holdout', 'personalized'])),
  /** Request-level reason codes (consent, bundle, profile, render), as in `X-Tessera-Reasons`. */
  reasons: z.array(z.string()),
  slots: z.array(SlotAnswer),
});
export type DecisionAnswer = z.infer<typeof DecisionAnswer>;

export const BatchAnswer = z.object({
  /** One answer per item, in item order. */
  results: z.array(DecisionAnswer),
});
export type BatchAnswer = z.infer<typeof BatchAnswer>;

export const EventsAnswer = z.object({
  /** Events now on the queue (202): every one of them will be stored. */
  accepted: z.number(),
  /** Events validated but not kept (consent `none`). */
  discarded: z.optional(z.number()),
  reason: z.optional(z.string()),
  message: z.optional(z.string()),
});
export type EventsAnswer = z.infer<typeof EventsAnswer>;

export const ApiIssue = z.object({
  /** Where in the body, as keys and indexes (`["items", 3, "subject"]`). */
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});

/** Every 4xx/5xx of the decision API. */
export const ApiError = z.object({
  error: z.object({
    /** Stable: switch on it. */
    code: z.string(),
    /** For people: what was wrong and how to fix it. */
    message: z.string(),
    issues: z.optional(z.array(ApiIssue)),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
