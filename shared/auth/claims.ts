/**
 * What the tokens' payloads must hold, as zod schemas: the visitor cookie, admin tokens, preview
 * links and sessions, the sticky-bandit cookie. The token modules check payloads with the
 * validators generated from these (shared/schema/validators.gen.ts), so the visitor worker, which
 * verifies them per request, ships no zod.
 */
import * as z from '../schema/zod.ts';
import { Id } from '../schema/bundle.ts';
import { atMostMaxClaims } from '../schema/checks.ts';
import { PreviewContext } from '../schema/preview-context.ts';
import { SitePath } from '../schema/site-path.ts';
import { CLAIM_KEY_PATTERN, MAX_CLAIMS } from '../experiments/arm-claims.ts';
import { ARMS_AUDIENCE, SCOPES, VISITOR_AUDIENCE, VisitorIdPattern } from './token-names.ts';

export const VisitorClaims = z.object({
  sub: z.string().check(z.regex(VisitorIdPattern)),
  aud: z.optional(z.literal(VISITOR_AUDIENCE)),
  cid: z.optional(z.string().check(z.regex(VisitorIdPattern))),
  iat: z.number().check(z.int()),
  exp: z.number().check(z.int()),
});
export type VisitorClaims = z.infer<typeof VisitorClaims>;

export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

export const AdminClaims = z.object({
  sub: z.string().check(z.minLength(1), z.maxLength(200)),
  scope: z.string().check(z.maxLength(200)),
  iat: z.number().check(z.int()),
  exp: z.number().check(z.int()),
});

export const PreviewTarget = z.strictObject({
  /** Page path to open first. */
  path: z._default(SitePath, '/'),
  version: z.optional(z.string().check(z.regex(/^[0-9a-f]{16}$/, 'a bundle version'))),
  segment: z.optional(Id),
  /**
   * Render as this persona: a sample profile stored as `persona:<id>`, never a real visitor's
   * (issue 13 #6); no cookie is read or issued.
   */
  as: z.optional(z.string().check(z.regex(VisitorIdPattern, 'a visitor id'))),
  /** Request signals to pretend (country, device, local time, referrer): the console's "preview as". */
  context: z.optional(PreviewContext),
  /** The session may read its own decision trace (`?tessera_debug=json`) without an admin token. */
  trace: z.optional(z.boolean()),
});
export type PreviewTarget = z.infer<typeof PreviewTarget>;

export const PreviewClaims = z.object({
  sub: z.string().check(z.minLength(1), z.maxLength(200)),
  scope: z.literal('preview'),
  iat: z.number().check(z.int()),
  exp: z.number().check(z.int()),
  pv: PreviewTarget,
});

export const ArmsClaims = z.object({
  aud: z.literal(ARMS_AUDIENCE),
  arms: z
    .record(
      z.string().check(z.regex(CLAIM_KEY_PATTERN)),
      z.number().check(z.int(), z.gte(0), z.lt(20)),
    )
    .check(z.refine(atMostMaxClaims, `at most ${MAX_CLAIMS} claims`)),
  iat: z.number().check(z.int()),
  exp: z.number().check(z.int()),
});
