/**
 * Every route of the decision API and the admin API, as the OpenAPI document lists them: the
 * scope each needs, the body schema it parses, the answers it gives. A test holds this table to
 * the routes the workers actually register (test/cli/openapi.test.ts), so neither can drift.
 * Schema names refer to shared/openapi/components.ts.
 */
import type { ComponentName } from './components.ts';

export type Method = 'get' | 'put' | 'post' | 'delete';
export type Scope = 'decide' | 'publish' | 'read' | 'preview' | 'privacy';

export interface RouteDoc {
  method: Method;
  /** OpenAPI path, `{param}` for parameters. */
  path: string;
  tag: 'Decisions' | 'Publishing' | 'Experiments' | 'Privacy' | 'Console' | 'Contract';
  summary: string;
  description?: string;
  /** The bearer token scope it needs; absent: public. */
  scope?: Scope;
  params?: { name: string; in: 'path' | 'query'; description: string; pattern?: string }[];
  body?: ComponentName;
  /** The success statuses and the answer's schema (`OpenApiDocument`: this document itself). */
  ok: { statuses: number[]; schema: ComponentName | 'OpenApiDocument' };
  /** Error statuses this route can answer, besides 401/403 for a scoped route. */
  errors: number[];
}

const ID = '^[A-Za-z0-9_-]{1,64}$';

const DRAFT_ID = '^[a-z0-9]{8,32}$';

export const ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/decisions',
    tag: 'Decisions',
    scope: 'decide',
    summary: 'Decide the slots of a page, or a list of slots, for one subject',
    description:
      'The same visit pipeline as a page view: the same subject, context and bundle get the same variants. Logged (decision record, experiment exposures, with the channel) unless `dryRun`.',
    body: 'DecisionRequest',
    ok: { statuses: [200], schema: 'DecisionAnswer' },
    errors: [400, 413, 415, 422, 429, 503],
  },
  {
    method: 'post',
    path: '/v1/decisions/batch',
    tag: 'Decisions',
    scope: 'decide',
    summary: 'Decide for up to 100 subjects at once (an email send), one decision each',
    description:
      'Every item is checked before any is decided: one bad item refuses the whole call (the error names it, e.g. `items.3.subject`) and nothing is logged. More than 100 items is a 413.',
    body: 'DecisionBatchRequest',
    ok: { statuses: [200], schema: 'BatchAnswer' },
    errors: [400, 413, 415, 422, 429, 503],
  },
  {
    method: 'post',
    path: '/v1/events',
    tag: 'Decisions',
    scope: 'decide',
    summary: 'Record events (conversions, opens, purchases) for a subject, with their channel',
    description:
      'The events `POST /events` takes from browsers, sent by a server for the subject it names. All or nothing: 202 once the queue holds every event; consent `none` keeps nothing.',
    body: 'ServerEventsRequest',
    ok: { statuses: [202], schema: 'EventsAnswer' },
    errors: [400, 413, 415, 422, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    tag: 'Contract',
    summary: 'This document',
    ok: { statuses: [200], schema: 'OpenApiDocument' },
    errors: [],
  },
  {
    method: 'get',
    path: '/admin/live',
    tag: 'Publishing',
    scope: 'read',
    summary: 'Which bundle version is live',
    ok: { statuses: [200], schema: 'LiveAnswer' },
    errors: [],
  },
  {
    method: 'put',
    path: '/admin/live',
    tag: 'Publishing',
    scope: 'publish',
    summary: 'Make a stored version live (publish or roll back), compare-and-swap on `expected`',
    body: 'LiveMove',
    ok: { statuses: [200], schema: 'MoveAnswer' },
    errors: [400, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'post',
    path: '/admin/versions',
    tag: 'Publishing',
    scope: 'publish',
    summary: 'Upload a bundle body: validated, stored under its content hash (201; 200 if known)',
    body: 'BundleBody',
    ok: { statuses: [201, 200], schema: 'UploadAnswer' },
    errors: [400, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/admin/versions/{version}',
    tag: 'Publishing',
    scope: 'read',
    summary: 'One stored bundle version',
    params: [
      {
        name: 'version',
        in: 'path',
        description: 'A 16-character bundle version',
        pattern: '^[0-9a-f]{16}$',
      },
    ],
    ok: { statuses: [200], schema: 'Bundle' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/admin/history',
    tag: 'Publishing',
    scope: 'read',
    summary: 'Who published or rolled back what, when (newest first)',
    params: [
      { name: 'limit', in: 'query', description: 'At most this many records (≤ 200; default 50)' },
    ],
    ok: { statuses: [200], schema: 'HistoryAnswer' },
    errors: [],
  },
  {
    method: 'post',
    path: '/admin/previews',
    tag: 'Publishing',
    scope: 'preview',
    summary: 'A signed, short-lived preview link (a version, a segment, a visitor)',
    body: 'PreviewTarget',
    ok: { statuses: [201], schema: 'PreviewAnswer' },
    errors: [400, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/admin/experiments/{id}/report',
    tag: 'Experiments',
    scope: 'read',
    summary: 'An experiment report (or `holdout`): rates, lifts with 95 % intervals, SRM, verdict',
    params: [
      { name: 'id', in: 'path', description: 'An experiment id, or `holdout`' },
      {
        name: 'version',
        in: 'query',
        description: 'Report against this bundle version, not the live one',
      },
      {
        name: 'channel',
        in: 'query',
        description:
          'Only exposures in this channel (`web`, `email`, …); conversions from any channel',
      },
    ],
    ok: { statuses: [200], schema: 'ReportAnswer' },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/admin/attribution',
    tag: 'Experiments',
    scope: 'read',
    summary:
      'Which ladder level, rule, variant and arm preceded conversions and revenue (observational)',
    params: [
      { name: 'days', in: 'query', description: 'The period: the last 1–90 days (default 30)' },
    ],
    ok: { statuses: [200], schema: 'AttributionAnswer' },
    errors: [400],
  },
  {
    method: 'get',
    path: '/admin/roi',
    tag: 'Experiments',
    scope: 'read',
    summary: 'ROI without a cost file: the numbers it still needs',
    ok: { statuses: [200], schema: 'RoiAnswer' },
    errors: [],
  },
  {
    method: 'post',
    path: '/admin/roi',
    tag: 'Experiments',
    scope: 'read',
    summary:
      'ROI, payback month and their uncertainty from the holdout’s incremental revenue and the posted cost file',
    body: 'Costs',
    ok: { statuses: [200], schema: 'RoiAnswer' },
    errors: [400, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/admin/maturity',
    tag: 'Experiments',
    scope: 'read',
    summary: 'The maturity self-assessment: stage per dimension, the evidence, the one next step',
    params: [
      { name: 'days', in: 'query', description: 'The period: the last 1–90 days (default 30)' },
    ],
    ok: { statuses: [200], schema: 'MaturityAnswer' },
    errors: [400],
  },
  {
    method: 'get',
    path: '/admin/console/config',
    tag: 'Console',
    summary: 'Whether Cloudflare Access signs people in here (the sign-in page asks first)',
    ok: { statuses: [200], schema: 'ConsoleConfig' },
    errors: [],
  },
  {
    method: 'post',
    path: '/admin/console/session',
    tag: 'Console',
    summary: 'Sign in to the console: a `tessera console` link, or the Cloudflare Access JWT',
    description:
      'With `{ link }`: a single-use, 10-minute link token (401 `link_used` the second time). Without: the verified `Cf-Access-Jwt-Assertion` header, where Access is configured. Answers an admin bearer token for the console (8 hours), never a cookie.',
    body: 'ConsoleSessionRequest',
    ok: { statuses: [201], schema: 'ConsoleSessionAnswer' },
    errors: [400, 401, 413, 415],
  },
  {
    method: 'get',
    path: '/admin/console/me',
    tag: 'Console',
    scope: 'read',
    summary: 'Who the bearer token is, and its scopes',
    ok: { statuses: [200], schema: 'ConsoleMe' },
    errors: [],
  },
  {
    method: 'post',
    path: '/admin/console/preview',
    tag: 'Console',
    scope: 'preview',
    summary:
      'Preview a draft body as a segment, a visitor, a country, device, local time or referrer',
    description:
      'The body is validated (422 `invalid_bundle` with every issue) and stored as an immutable, not-live version; the answer is a signed preview link whose session may read its own decision trace (`traceUrl`).',
    body: 'ConsolePreviewRequest',
    ok: { statuses: [201], schema: 'ConsolePreviewAnswer' },
    errors: [400, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/admin/console/experiments/{id}/allocation',
    tag: 'Console',
    scope: 'read',
    summary: 'New visitors per arm per day (a bandit’s allocation over time)',
    params: [
      { name: 'id', in: 'path', description: 'An experiment id, or `holdout`' },
      { name: 'days', in: 'query', description: 'The window in days (1–90; default 14)' },
    ],
    ok: { statuses: [200], schema: 'AllocationAnswer' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/admin/drafts',
    tag: 'Console',
    scope: 'read',
    summary: 'My drafts (or everyone’s with `all=1`), newest first',
    params: [{ name: 'all', in: 'query', description: '`1`: everyone’s drafts' }],
    ok: { statuses: [200], schema: 'DraftList' },
    errors: [],
  },
  {
    method: 'post',
    path: '/admin/drafts',
    tag: 'Console',
    scope: 'preview',
    summary: 'Start a draft from what is live (or from a stored version)',
    body: 'DraftCreate',
    ok: { statuses: [201], schema: 'DraftAnswer' },
    errors: [400, 404, 409, 413, 415],
  },
  {
    method: 'get',
    path: '/admin/drafts/{id}',
    tag: 'Console',
    scope: 'read',
    summary: 'One draft with its body (anyone’s: `tessera pull --draft`)',
    params: [{ name: 'id', in: 'path', description: 'A draft id', pattern: DRAFT_ID }],
    ok: { statuses: [200], schema: 'DraftAnswer' },
    errors: [404],
  },
  {
    method: 'put',
    path: '/admin/drafts/{id}',
    tag: 'Console',
    scope: 'preview',
    summary: 'Save a draft over the revision it edited (409 `draft_conflict` otherwise)',
    params: [{ name: 'id', in: 'path', description: 'A draft id', pattern: DRAFT_ID }],
    body: 'DraftSave',
    ok: { statuses: [200], schema: 'DraftAnswer' },
    errors: [400, 404, 409, 413, 415],
  },
  {
    method: 'delete',
    path: '/admin/drafts/{id}',
    tag: 'Console',
    scope: 'preview',
    summary: 'Delete one of my drafts',
    params: [{ name: 'id', in: 'path', description: 'A draft id', pattern: DRAFT_ID }],
    ok: { statuses: [204], schema: 'DraftSummary' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/admin/drafts/{id}/publish',
    tag: 'Console',
    scope: 'publish',
    summary: 'Publish a draft: validate, store, move live with compare-and-swap on `expected`',
    description:
      'Nothing is published on a conflict: 409 `conflict` names who published what when (`current`, `last`), 409 `draft_conflict` when the draft changed since the reviewed revision; the draft is kept either way.',
    params: [{ name: 'id', in: 'path', description: 'A draft id', pattern: DRAFT_ID }],
    body: 'DraftPublish',
    ok: { statuses: [200], schema: 'DraftPublishAnswer' },
    errors: [400, 404, 409, 413, 415, 422, 429],
  },
  ...(['visitors', 'customers'] as const).flatMap((kind): RouteDoc[] => {
    const params = [
      {
        name: 'id',
        in: 'path' as const,
        description: kind === 'visitors' ? 'A visitor id' : 'A customer id',
        pattern: ID,
      },
    ];
    return [
      {
        method: 'get',
        path: `/admin/privacy/${kind}/{id}`,
        tag: 'Privacy',
        scope: 'privacy',
        summary: `What is held about one ${kind.slice(0, -1)} (access request)`,
        params,
        ok: { statuses: [200], schema: 'HeldAnswer' },
        errors: [400, 503],
      },
      {
        method: 'delete',
        path: `/admin/privacy/${kind}/{id}`,
        tag: 'Privacy',
        scope: 'privacy',
        summary: `Erase everything held about one ${kind.slice(0, -1)} (erasure request)`,
        params,
        ok: { statuses: [200], schema: 'ErasedAnswer' },
        errors: [400, 503],
      },
    ];
  }),
];
