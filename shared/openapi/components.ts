/**
 * The schemas the OpenAPI document names (`#/components/schemas/<name>`): the very zod schemas
 * the workers parse bodies with and the CLI parses answers with, registered once here.
 * Descriptions the schemas do not carry (the worker's copies stay free of documentation bytes)
 * are added by document.ts from DESCRIPTIONS.
 */
import { PreviewTarget } from '../auth/claims.ts';
import { AuditRecord } from '../publish/history.ts';
import { ErrorBody } from '../schema/api-error.ts';
import {
  ErasedAnswer,
  HeldAnswer,
  HistoryAnswer,
  LiveAnswer,
  LiveMove,
  MoveAnswer,
  PreviewAnswer,
  ReportAnswer,
  UploadAnswer,
  AttributionAnswer,
  RoiAnswer,
  MaturityAnswer,
} from '../schema/admin-api.ts';
import { Costs } from '../schema/costs.ts';
import {
  AllocationAnswer,
  ConsoleConfig,
  ConsoleMe,
  ConsolePreviewAnswer,
  ConsolePreviewRequest,
  ConsoleSessionAnswer,
  ConsoleSessionRequest,
  DraftAnswer,
  DraftCreate,
  DraftList,
  DraftPublish,
  DraftPublishAnswer,
  DraftSave,
  DraftSummary,
} from '../schema/console-api.ts';
import { Bundle, BundleBody, Page, SegmentDef, Site, Slot } from '../schema/bundle.ts';
import { ConditionNode } from '../schema/condition.ts';
import {
  BatchAnswer,
  DecisionAnswer,
  EventsAnswer,
  SlotAnswer,
} from '../schema/decision-api-answers.ts';
import {
  BatchItem,
  DecisionBatchRequest,
  DecisionContext,
  DecisionRequest,
  ServerEventsRequest,
  Subject,
} from '../schema/decision-api.ts';
import { TrackedEvent } from '../schema/events.ts';
import { Experiment, Holdout } from '../schema/experiment.ts';
import type * as z from '../schema/zod.ts';

export const COMPONENTS = {
  // The decision API: requests
  DecisionRequest,
  DecisionBatchRequest,
  BatchItem,
  Subject,
  DecisionContext,
  ServerEventsRequest,
  TrackedEvent,
  // …and answers
  DecisionAnswer,
  SlotAnswer,
  BatchAnswer,
  EventsAnswer,
  // Every error of every route
  ApiError: ErrorBody,
  // The admin API
  LiveAnswer,
  LiveMove,
  MoveAnswer,
  BundleBody,
  Bundle,
  Site,
  SegmentDef,
  Page,
  Slot,
  // The shape (the bounded parser in front of it is invisible to a JSON Schema).
  Condition: ConditionNode,
  Experiment,
  Holdout,
  UploadAnswer,
  HistoryAnswer,
  AuditRecord,
  PreviewTarget,
  PreviewAnswer,
  ReportAnswer,
  AttributionAnswer,
  Costs,
  RoiAnswer,
  MaturityAnswer,
  HeldAnswer,
  ErasedAnswer,
  // The marketer console (docs/console.md)
  ConsoleSessionRequest,
  ConsoleSessionAnswer,
  ConsoleMe,
  ConsoleConfig,
  ConsolePreviewRequest,
  ConsolePreviewAnswer,
  AllocationAnswer,
  DraftCreate,
  DraftSave,
  DraftPublish,
  DraftSummary,
  DraftAnswer,
  DraftList,
  DraftPublishAnswer,
} satisfies Record<string, z.ZodMiniType>;

export type ComponentName = keyof typeof COMPONENTS;

/** Schema name → description, and property descriptions (`prop` or `prop.sub`). */
export const DESCRIPTIONS: Partial<
  Record<ComponentName, { self: string; props?: Record<string, string> }>
> = {
  DecisionRequest: {
    self: 'One decision: whom for, where shown, under which consent, with what context, for which slots.',
    props: {
      subject: 'Whom the decision is for.',
      consent:
        'The consent level the caller holds for this person — the same rules as a page: `none` = every slot at its default, no identifier read, no profile; `contextual` = request context only, no profile; `personal` = everything.',
      channel:
        'Where the decision is shown: `web`, `app`, `email`, `server`, or a custom name (lowercase letters, digits, dashes; ≤ 32). Recorded with the decision, its exposures and events; readable in rules as `context.channel`.',
      page: 'A bundle page id: all of its slots, decided exactly as that page decides them.',
      slots:
        'Slot ids. With `page`: a subset of that page’s slots (the page is decided in full, answered and logged for these). Without: these slots in this order.',
      dryRun:
        'Answer as a real call would, but log nothing and count nothing (QA, email previews).',
      html: 'Include each slot’s rendered HTML: the markup a page shows (escaped, URLs checked).',
      context: 'What the caller knows about the moment of the decision.',
    },
  },
  DecisionBatchRequest: {
    self: 'Up to 100 decisions sharing their slots, channel and context (an email send). `consent` and `context` are defaults each item may override.',
    props: { items: 'One entry per subject (1–100), decided in order.' },
  },
  BatchItem: {
    self: 'One subject of a batch; its `context` is merged over the batch’s (its fields win; `utm` and `attributes` merge by key).',
  },
  Subject: {
    self: 'Whom the decision is for: a visitor id and/or a customer id, or the raw value of the visitor cookie `__Host-tsr_vid` (verified as a page verifies it; one a page would replace is a 422).',
    props: {
      visitorId: 'The visitor id (the cookie’s `sub`; `profile:v:<id>`).',
      customerId:
        'A known customer id (`profile:c:<id>`, preferred over the visitor’s profile). Alone, the customer is also the unit of experiment assignment.',
      cookie: 'The visitor cookie’s value.',
    },
  },
  DecisionContext: {
    self: 'Each field becomes the context signal a page request would give, through the same code (README: Context signals). Omitted fields are absent signals, except the device: without `device` or `userAgent` it is `desktop`.',
    props: {
      path: 'The page path (`context.path`); defaults to the page’s own path, else `/`.',
      query: 'The raw query string without `?` (`context.query`); `utm` is appended.',
      utm: 'Campaign tags, as `utm_*` query parameters (`context.utmSource`, …, and the referrer class).',
      referrer: 'The referring URL (`context.referrer`, `context.referrerHost`).',
      device: 'The device class, when known.',
      os: 'The operating system, when known.',
      userAgent:
        'A browser user agent, classified as a page classifies it (when `device`/`os` are not given).',
      country: 'ISO 3166-1 alpha-2 (`context.country`).',
      region: 'Region name.',
      regionCode: 'Region code.',
      city: 'City.',
      continent: 'Continent code.',
      timezone:
        'IANA time zone: gives `context.hour`, `weekday` and `weekend` at the decision’s time.',
      locale: 'A language tag such as `de-CH` (`context.language`, `context.locale`).',
      returning:
        'Overrides `context.returning` (default: true for a named subject at consent contextual or personal).',
      attributes:
        'Custom attributes, readable in rules as `attributes.<name>`: at most 20; names a letter then letters, digits, `_`, `-` (≤ 64); values a string (≤ 200 characters), a finite number or a boolean. Never stored.',
    },
  },
  ServerEventsRequest: {
    self: 'Events for a subject the caller names, with their channel and the consent it holds.',
  },
  TrackedEvent: {
    self: 'One behavioural event, as `POST /events` takes it (docs/experiments.md).',
  },
  DecisionAnswer: { self: 'One decision.' },
  SlotAnswer: { self: 'What one slot shows, and why.' },
  BatchAnswer: { self: 'One answer per item, in item order.' },
  EventsAnswer: { self: 'What was accepted.' },
  ApiError: {
    self: 'Every error of every route (admin, decision API, events, privacy): `{ error: { code, message, issues?, … } }`, `Cache-Control: no-store`. `code` is stable — switch on it; docs/errors.md lists every code with its status and what to do. `issues` (validation errors only): each problem as `{ path, message, found? }`, `path` dotted inside the body (`items.3.subject`; `""` = the body itself).',
  },
  LiveMove: { self: 'Move the live pointer to a stored version.' },
  BundleBody: { self: 'A bundle as `tessera build` writes it (content-variants/ assembled).' },
  Bundle: { self: 'A stored bundle: the body and its content hash.' },
  ReportAnswer: {
    self: 'An experiment report; the full shape is described in docs/experiments.md (only the main fields are listed here).',
  },
  AttributionAnswer: {
    self: 'What preceded conversions and revenue (per slot, last touch within the window): observational, not causal. Full shape in docs/experiments.md "Attribution".',
  },
  Costs: { self: 'The cost file `tessera roi` reads (docs/maturity.md "ROI").' },
  RoiAnswer: {
    self: 'ROI of personalization with the uncertainty of the measured revenue, or the numbers it still needs (`missing`).',
  },
  MaturityAnswer: {
    self: 'Stage 1–3 per dimension of the maturity matrix with the evidence, and the one next step (docs/maturity.md).',
  },
};
