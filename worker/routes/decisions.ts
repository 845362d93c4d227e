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
 * Answers are `Cache-Control: no-store`: they are about one person. Errors are the one JSON
 * error body (shared/http/; codes in docs/errors.md), bodies are read by the one reader.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono/tiny';
import { configFor } from '../../shared/config.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import { checkJson, jsonBody, readJson, readJsonValue } from '../../shared/http/json-body.ts';
import { asJsonApi } from '../../shared/http/on-error.ts';
import type { BatchAnswer } from '../../shared/schema/decision-api-answers.ts';
import type { DecisionContext } from '../../shared/schema/decision-api.ts';
import {
  MAX_ATTRIBUTES,
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ITEMS,
  MAX_DECISION_BODY_BYTES,
} from '../../shared/schema/decision-api-rules.ts';
import {
  DecisionBatchRequest,
  DecisionRequest,
  ServerEventsRequest,
} from '../../shared/schema/validators.gen.ts';
import { MAX_EVENTS_BODY_BYTES } from '../../shared/schema/event-limits.ts';
import { decideCaller } from '../api/auth.ts';
import { finish, prepare, type DecisionAsk, type Prepared } from '../api/decide.ts';
import { queueServerEvents } from '../api/events.ts';
import type { Env } from '../env.ts';
import { RATE_WINDOW_SECONDS, withinLimit } from '../security/rate-limit.ts';
import { logSink } from '../visit/log.ts';
import { visitIO, type PageDeps } from './page.ts';

type Ctx = Context<{ Bindings: Env }>;

/** Prepared in parallel, this many at a time (each reads at most two profiles). */
const BATCH_CONCURRENCY = 20;

const noStore = { 'cache-control': NO_STORE } as const;

/** The token, then its rate limit: before the body is even looked at. */
function admit(deps: PageDeps): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    const caller = await decideCaller(
      configFor(c.env).adminKeys,
      c.req.header('authorization'),
      Math.floor(deps.now() / 1000),
    );
    if (!(await withinLimit(c.env.DECIDE_RATE, caller.rateKey))) {
      throw new ApiError(
        'rate_limited',
        `too many calls with this token; retry in ${RATE_WINDOW_SECONDS} s (nothing in this call was decided or logged)`,
        { headers: { 'retry-after': String(RATE_WINDOW_SECONDS) } },
      );
    }
    await next();
  };
}

async function single(c: Ctx, deps: PageDeps): Promise<Response> {
  const ask = await readJson(c, DecisionRequest, { maxIssues: MAX_ISSUES });
  const io = visitIO(c.env, deps);
  const prepared = await prepare(io, { ...ask, where: '' }, new URL(c.req.url).origin);
  const answer = finish(prepared, logSink(c.env, c.executionCtx, io));
  return Response.json(answer, {
    headers: {
      ...noStore,
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
      const issue = {
        path: `${where}context.attributes`,
        message: `at most ${MAX_ATTRIBUTES} attributes with the batch's (found ${Object.keys(merged.attributes).length})`,
      };
      throw new ApiError('invalid_request', `${issue.path}: ${issue.message}`, {
        issues: [issue],
      });
    }
  }
  return merged;
}

async function batch(c: Ctx, deps: PageDeps): Promise<Response> {
  const json = await readJsonValue(c);
  const items = (json as { items?: unknown } | null)?.items;
  if (Array.isArray(items) && items.length > MAX_BATCH_ITEMS) {
    throw new ApiError(
      'batch_too_large',
      `items: at most ${MAX_BATCH_ITEMS} subjects per call (found ${items.length}); split the send into calls of ${MAX_BATCH_ITEMS}`,
    );
  }
  const {
    items: list,
    consent,
    context,
    ...shared
  } = checkJson(json, DecisionBatchRequest, {
    maxIssues: MAX_ISSUES,
  });
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
  const sink = logSink(c.env, c.executionCtx, io);
  const answer: BatchAnswer = { results: prepared.map((p) => finish(p, sink)) };
  return Response.json(answer, { headers: noStore });
}

async function serverEvents(c: Ctx, deps: PageDeps): Promise<Response> {
  const ask = await readJson(c, ServerEventsRequest, { maxIssues: MAX_ISSUES });
  const answer = await queueServerEvents(
    c.env.EVENTS,
    ask,
    configFor(c.env).visitorKeys,
    deps.now(),
  );
  return Response.json(answer, { status: 202, headers: noStore });
}

/** At most this many issues in a 400 (the first names what to fix). */
const MAX_ISSUES = 20;

/** The API's routes, each with its body limit; anything else under /v1 is a JSON 404 or 405. */
export const DECISION_ROUTES = {
  '/decisions': { handler: single, maxBytes: MAX_DECISION_BODY_BYTES },
  '/decisions/batch': { handler: batch, maxBytes: MAX_BATCH_BODY_BYTES },
  '/events': { handler: serverEvents, maxBytes: MAX_EVENTS_BODY_BYTES },
} as const;

export function decisionRoutes(deps: PageDeps) {
  const app = asJsonApi(new Hono<{ Bindings: Env }>());
  for (const [path, { handler, maxBytes }] of Object.entries(DECISION_ROUTES)) {
    // Token and rate limit first, then media type and size, then the handler reads the JSON.
    app.post(path, admit(deps), jsonBody({ maxBytes }), (c) => handler(c, deps));
    app.all(path, () => {
      throw new ApiError('method_not_allowed', `${path}: use POST`, {
        headers: { allow: 'POST' },
      });
    });
  }
  app.all('*', (c) => {
    throw new ApiError(
      'not_found',
      `no route ${c.req.method} ${new URL(c.req.url).pathname}; the decision API serves POST /v1/decisions, /v1/decisions/batch and /v1/events`,
    );
  });
  return app;
}
