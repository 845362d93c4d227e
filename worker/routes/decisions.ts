/**
 * The decision API (`/v1/*`), for servers: an app's backend, an email renderer, a call-centre
 * tool, a server-rendered page. Each route checks, in order and before anything else happens:
 *
 *   bearer token with the `decide` scope (401/403) → per-token rate limit (429)
 *     → JSON body within its size (415/413/400) → schema (400; a batch over its limit: 413)
 *     → every subject, page and slot (422) → decide and log each → 200
 *
 *   POST /v1/decisions        one subject                       → DecisionAnswer
 *   POST /v1/decisions/batch  up to MAX_BATCH_ITEMS subjects     → { results: DecisionAnswer[] }
 *   POST /v1/events           events for a subject, by channel  → 202 { accepted }
 *
 * A rejected call logs nothing; a batch is decided only once every item passed its checks.
 * Answers are `Cache-Control: no-store`: they are about one person.
 */
import type { Context } from 'hono';
import { Hono } from 'hono/tiny';
import { configFor } from '../../shared/config.ts';
import type { BatchAnswer } from '../../shared/schema/decision-api-answers.ts';
import {
  DecisionBatchRequest,
  DecisionRequest,
  MAX_ATTRIBUTES,
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ITEMS,
  MAX_DECISION_BODY_BYTES,
  ServerEventsRequest,
  type DecisionContext,
} from '../../shared/schema/decision-api.ts';
import { MAX_EVENTS_BODY_BYTES } from '../../shared/schema/events.ts';
import { decideCaller } from '../api/auth.ts';
import { readJsonBody } from '../api/body.ts';
import { finish, prepare, type DecisionAsk, type Prepared } from '../api/decide.ts';
import { ApiProblem, answering, invalidRequest } from '../api/errors.ts';
import { queueServerEvents } from '../api/events.ts';
import type { Env } from '../env.ts';
import { RATE_WINDOW_SECONDS, withinLimit } from '../security/rate-limit.ts';
import type { LogSink } from '../visit/log.ts';
import type { VisitIO } from '../visit/read.ts';
import { visitIO, type PageDeps } from './page.ts';

type Ctx = Context<{ Bindings: Env }>;

/** Prepared in parallel, this many at a time (each reads at most two profiles). */
const BATCH_CONCURRENCY = 20;

const NO_STORE = { 'cache-control': 'no-store' } as const;

/** The token, then its rate limit: before the body is even read. */
async function admit(c: Ctx, now: number): Promise<void> {
  const caller = await decideCaller(
    configFor(c.env).adminKeys,
    c.req.header('authorization'),
    Math.floor(now / 1000),
  );
  if (!(await withinLimit(c.env.DECIDE_RATE, caller.rateKey))) {
    throw new ApiProblem(
      429,
      'rate_limited',
      `too many calls with this token; retry in ${RATE_WINDOW_SECONDS} s (nothing in this call was decided or logged)`,
      { headers: { 'retry-after': String(RATE_WINDOW_SECONDS) } },
    );
  }
}

function sinkFor(c: Ctx, io: VisitIO): LogSink {
  return {
    queue: c.env.DECISIONS,
    visitorKeys: io.config.visitorKeys,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  };
}

async function single(c: Ctx, deps: PageDeps): Promise<Response> {
  await admit(c, deps.now());
  const parsed = DecisionRequest.safeParse(await readJsonBody(c.req.raw, MAX_DECISION_BODY_BYTES));
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  const io = visitIO(c.env, deps);
  const prepared = await prepare(io, { ...parsed.data, where: '' }, new URL(c.req.url).origin);
  const answer = finish(prepared, sinkFor(c, io));
  return Response.json(answer, {
    headers: {
      ...NO_STORE,
      'x-tessera-decision': answer.decisionId,
      'x-tessera-version': answer.version,
      'server-timing': prepared.timings.header(),
    },
  });
}

/** An item's context over the batch's: its fields win, `utm` and `attributes` merge by key. */
export function mergeContext(
  base: DecisionContext,
  item: DecisionContext | undefined,
  where: string,
): DecisionContext {
  if (!item) return base;
  const merged: DecisionContext = { ...base, ...item };
  if (base.utm && item.utm) merged.utm = { ...base.utm, ...item.utm };
  if (base.attributes && item.attributes) {
    merged.attributes = { ...base.attributes, ...item.attributes };
    if (Object.keys(merged.attributes).length > MAX_ATTRIBUTES) {
      throw invalidRequest(
        [
          {
            path: ['context', 'attributes'],
            message: `at most ${MAX_ATTRIBUTES} attributes with the batch's (found ${Object.keys(merged.attributes).length})`,
          },
        ],
        where
          .split('.')
          .filter(Boolean)
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      );
    }
  }
  return merged;
}

async function batch(c: Ctx, deps: PageDeps): Promise<Response> {
  await admit(c, deps.now());
  const json = await readJsonBody(c.req.raw, MAX_BATCH_BODY_BYTES);
  const items = (json as { items?: unknown } | null)?.items;
  if (Array.isArray(items) && items.length > MAX_BATCH_ITEMS) {
    throw new ApiProblem(
      413,
      'batch_too_large',
      `items: at most ${MAX_BATCH_ITEMS} subjects per call (found ${items.length}); split the send into calls of ${MAX_BATCH_ITEMS}`,
    );
  }
  const parsed = DecisionBatchRequest.safeParse(json);
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  const { items: list, consent, context, ...shared } = parsed.data;
  const asks: DecisionAsk[] = list.map((item, i) => {
    const where = `items.${i}.`;
    return {
      ...shared,
      subject: item.subject,
      // The schema refuses a batch where neither the item nor the batch names a consent level.
      consent: item.consent ?? consent!,
      context: mergeContext(context, item.context, where),
      where,
    };
  });
  const io = visitIO(c.env, deps);
  const origin = new URL(c.req.url).origin;
  // Every item is read and checked before any is decided: one bad item refuses the whole call.
  const prepared: Prepared[] = [];
  for (let i = 0; i < asks.length; i += BATCH_CONCURRENCY) {
    prepared.push(
      ...(await Promise.all(
        asks.slice(i, i + BATCH_CONCURRENCY).map((a) => prepare(io, a, origin)),
      )),
    );
  }
  const sink = sinkFor(c, io);
  const answer: BatchAnswer = { results: prepared.map((p) => finish(p, sink)) };
  return Response.json(answer, { headers: NO_STORE });
}

async function serverEvents(c: Ctx, deps: PageDeps): Promise<Response> {
  const now = deps.now();
  await admit(c, now);
  const parsed = ServerEventsRequest.safeParse(
    await readJsonBody(c.req.raw, MAX_EVENTS_BODY_BYTES),
  );
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  const answer = await queueServerEvents(
    c.env.EVENTS,
    parsed.data,
    configFor(c.env).visitorKeys,
    now,
  );
  return Response.json(answer, { status: 202, headers: NO_STORE });
}

/** The API's routes and methods; anything else under /v1 is a JSON 404 or 405, never a page. */
export const DECISION_ROUTES = {
  '/decisions': single,
  '/decisions/batch': batch,
  '/events': serverEvents,
} as const;

export function decisionRoutes(deps: PageDeps) {
  const app = new Hono<{ Bindings: Env }>();
  for (const [path, handler] of Object.entries(DECISION_ROUTES)) {
    app.post(path, (c) => answering(() => handler(c, deps)));
    app.all(path, () =>
      answering(async () => {
        throw new ApiProblem(405, 'method_not_allowed', `${path}: use POST`, {
          headers: { allow: 'POST' },
        });
      }),
    );
  }
  app.all('*', (c) =>
    answering(async () => {
      throw new ApiProblem(
        404,
        'not_found',
        `no route ${c.req.method} ${new URL(c.req.url).pathname}; the decision API serves POST /v1/decisions, /v1/decisions/batch and /v1/events`,
      );
    }),
  );
  return app;
}
