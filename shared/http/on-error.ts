/**
 * The one error handler of every JSON app (the control plane; the visitor worker's /events and
 * /privacy): an ApiError becomes its JSON body; anything unexpected becomes a JSON 500 with an
 * error id that is also logged — never HTML, never a stack. Pages are not JSON and keep their own
 * fail-open handling (worker/routes/page.ts).
 */
import type { Context, Env, Hono } from 'hono';
import type { Schema } from 'hono/types';
import { HTTPException } from 'hono/http-exception';
import { ApiError, type ErrorCode } from './errors.ts';

/** hono's own exceptions (none of ours) by status, e.g. a malformed JSON body read with c.req.json(). */
const FROM_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  404: 'not_found',
  413: 'body_too_large',
  415: 'unsupported_media_type',
};

const pathOf = (c: Context) => new URL(c.req.url).pathname;

export function onApiError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return error.getResponse();
  const known = error instanceof HTTPException ? FROM_STATUS[error.status] : undefined;
  if (known) return new ApiError(known, error.message || known).getResponse();
  const id = crypto.randomUUID();
  console.error(
    JSON.stringify({
      event: 'tessera.error',
      id,
      method: c.req.method,
      path: pathOf(c),
      error: String(error),
      stack: error.stack,
    }),
  );
  return new ApiError(
    'internal_error',
    `something unexpected went wrong; it was logged with id ${id} (quote it when reporting this)`,
    { details: { id } },
  ).getResponse();
}

export function notFoundJson(c: Context): Response {
  return new ApiError('not_found', `no route ${c.req.method} ${pathOf(c)}`).getResponse();
}

/** Makes `app` answer like every JSON API here: errors and unknown routes as the one JSON body. */
export function asJsonApi<E extends Env, S extends Schema, B extends string>(
  app: Hono<E, S, B>,
): Hono<E, S, B> {
  app.onError(onApiError);
  app.notFound(notFoundJson);
  return app;
}
