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
  tag: 'Decisions' | 'Publishing' | 'Experiments' | 'Privacy' | 'Contract';
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
