/**
 * The admin API's bodies and answers as schemas: the request bodies the routes parse, and the
 * answers the CLI's `--target https://…` parses and the OpenAPI document (shared/openapi/)
 * describes. Answers are non-strict: a newer worker may add fields an older client ignores.
 */
import { Version } from '../publish/store.ts';
import { AuditRecord } from '../publish/history.ts';
import * as z from './zod.ts';

/** `PUT /admin/live`: move the live pointer, compare-and-swap on `expected`. */
export const LiveMove = z.strictObject({
  to: Version,
  /** The version the caller saw live (null: nothing live yet); a mismatch is a 409. */
  expected: z.nullable(Version),
  action: z._default(z.enum(['publish', 'rollback']), 'publish'),
});
export type LiveMove = z.infer<typeof LiveMove>;

export const LiveAnswer = z.object({
  /** Null when nothing was ever published. */
  version: z.nullable(z.string()),
  /** When the pointer last moved (ms since the epoch); 0 when unknown. */
  movedAt: z.number(),
});

export const MoveAnswer = z.object({
  ok: z.literal(true),
  outcome: z.enum(['moved', 'unchanged']),
  from: z.nullable(z.string()),
  to: z.string(),
  summary: z.string(),
});

export const UploadAnswer = z.object({
  version: z.string(),
  /** False when this exact content was stored before (200 instead of 201). */
  created: z.boolean(),
});

export const HistoryAnswer = z.object({ records: z.array(AuditRecord) });

export const PreviewAnswer = z.object({
  /** Open it in a browser: a short-lived link to the preview. */
  url: z.string(),
  expiresAt: z.string(),
});

/** An experiment or holdout report (shared/experiments/report.ts; docs/experiments.md). */
export const ReportAnswer = z.looseObject({
  experiment: z.string(),
  type: z.enum(['ab', 'bandit', 'holdout']),
  /** The channel the report was narrowed to (`?channel=`), when it was. */
  channel: z.optional(z.string()),
  /** Channels this experiment has exposures in: each is a `?channel=` split. */
  channels: z.optional(z.array(z.string())),
  verdict: z.looseObject({
    status: z.enum(['not_enough_data', 'no_clear_difference', 'difference']),
    message: z.string(),
  }),
  arms: z.array(
    z.looseObject({
      arm: z.string(),
      exposures: z.number(),
      conversions: z.number(),
      rate: z.number(),
      control: z.boolean(),
    }),
  ),
});

const PrivacySubject = z.object({
  visitorId: z.optional(z.string()),
  customerId: z.optional(z.string()),
});

/** `GET /admin/privacy/{visitors|customers}/{id}`: what is held about one person. */
export const HeldAnswer = z.object({
  subject: PrivacySubject,
  held: z.record(z.string(), z.unknown()),
});

/** `DELETE /admin/privacy/{visitors|customers}/{id}`: what was erased, by store. */
export const ErasedAnswer = z.object({
  subject: PrivacySubject,
  erased: z.record(z.string(), z.unknown()),
});

/** Every admin 4xx/5xx: `{ error: { code, message, … } }` (bundle issues carry `found`). */
export const AdminError = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    issues: z.optional(
      z.array(
        z.object({
          path: z.array(z.union([z.string(), z.number()])),
          message: z.string(),
          found: z.optional(z.string()),
        }),
      ),
    ),
    /** 409: the version that is live now. */
    current: z.optional(z.nullable(z.string())),
    /** 429: when the pointer may move again. */
    retryAfterMs: z.optional(z.number()),
  }),
});
