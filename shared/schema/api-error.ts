/**
 * The one error body of both workers' JSON routes (shared/http/errors.ts builds it), as the CLI
 * and other clients read it: `{ "error": { "code", "message", "issues"?, "id"?, … } }`.
 * docs/errors.md lists every code.
 */
import * as z from './zod.ts';

/** One problem with a request (or the bundle it carries): where, what was expected, what was found. */
export const ApiIssue = z.object({
  /** Dotted path inside the body (`events.0.type`, `slots.2.variants.0.props.headline`); `""` for the body itself. */
  path: z.string(),
  /** What was expected there (and why). */
  message: z.string(),
  /** What was found there, when it is a plain value (JSON). */
  found: z.optional(z.string()),
});
export type ApiIssue = z.infer<typeof ApiIssue>;

export const ErrorBody = z.object({
  error: z.looseObject({
    /** Stable: switch on it (docs/errors.md). */
    code: z.string(),
    /** For people: what went wrong and what to do. */
    message: z.string(),
    issues: z.optional(z.array(ApiIssue)),
    /** Only on `internal_error`: the id the worker logged the error under. */
    id: z.optional(z.string()),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
