/**
 * The marketer console's API bodies and answers (control/console/; docs/console.md): the bodies
 * its routes parse and the answers the OpenAPI document (shared/openapi/) describes. Answers are
 * non-strict, as in admin-api.ts.
 */
import { PreviewTarget } from '../auth/claims.ts';
import { MAX_TITLE } from '../drafts/store.ts';
import { Version } from '../publish/store.ts';
import { MoveAnswer } from './admin-api.ts';
import * as z from './zod.ts';

/** `POST /admin/console/session`: a `tessera console` link, or nothing (behind Cloudflare Access). */
export const ConsoleSessionRequest = z.strictObject({
  link: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export const ConsoleSessionAnswer = z.object({
  /** An admin bearer token for the console (kept in sessionStorage, never a cookie). */
  token: z.string(),
  sub: z.string(),
  scopes: z.array(z.string()),
  via: z.enum(['link', 'access']),
  expiresAt: z.string(),
});

export const ConsoleMe = z.object({ sub: z.string(), scopes: z.array(z.string()) });

export const ConsoleConfig = z.object({
  /** Whether Cloudflare Access signs people in here (ACCESS_TEAM_DOMAIN and ACCESS_AUD set). */
  access: z.boolean(),
});

/** `POST /admin/console/preview`: the draft body as on screen, and how to look at it. */
export const ConsolePreviewRequest = z.strictObject({
  body: z.unknown(),
  target: z.omit(PreviewTarget, { version: true, trace: true }),
});

export const ConsolePreviewAnswer = z.object({
  /** The stored (not live) version the body became. */
  version: z.string(),
  /** Open in the preview iframe: sets this browser's preview session. */
  url: z.string(),
  /** The same page as JSON decision trace, for the same browser once `url` has loaded. */
  traceUrl: z.string(),
  expiresAt: z.string(),
});

export const AllocationAnswer = z.object({
  experiment: z.string(),
  /** New visitors per arm per UTC day, oldest first, every day of the window present. */
  days: z.array(z.object({ day: z.string(), arms: z.record(z.string(), z.number()) })),
});

const Title = z.string().check(z.minLength(1), z.maxLength(MAX_TITLE));
const Revision = z.number().check(z.int(), z.gte(1));

export const DraftCreate = z.strictObject({
  title: z.optional(Title),
  /** Start from what is live (default) or from a stored version. */
  from: z.optional(z.union([z.literal('live'), Version])),
});

export const DraftSave = z.strictObject({
  /** The bundle body being edited; need not be valid yet. */
  body: z.unknown(),
  /** The revision this edit started from: anything else is a 409 `draft_conflict`. */
  revision: Revision,
  title: z.optional(Title),
});

export const DraftPublish = z.strictObject({
  revision: Revision,
  /** The version the marketer saw live when reviewing the diff (null: nothing was live). */
  expected: z.nullable(Version),
});

export const DraftSummary = z.object({
  id: z.string(),
  title: z.string(),
  owner: z.string(),
  baseVersion: z.nullable(z.string()),
  revision: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  publishedVersion: z.optional(z.string()),
  publishedAt: z.optional(z.string()),
});

export const DraftAnswer = z.extend(DraftSummary, { body: z.unknown() });

export const DraftList = z.object({ drafts: z.array(DraftSummary) });

export const DraftPublishAnswer = z.extend(MoveAnswer, { version: z.string() });
