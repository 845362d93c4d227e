/**
 * The one way a JSON route reads its body: `jsonBody(...)` as the route's first middleware checks
 * the media type (415) and the size (413, declared or streamed: hono/body-limit) before anything
 * is read; `readJson(c, Schema)` then parses (400 invalid_json, with line and column) and checks
 * the schema (400 invalid_request, every issue in the one shape).
 *
 *   app.put('/live', jsonBody({ maxBytes: 16 * 1024 }), async (c) => {
 *     const move = await readJson(c, MoveBody);
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type * as z from '../schema/zod.ts';
import { ApiError } from './errors.ts';
import { apiIssues, firstIssue, toApiIssue } from './issues.ts';
import type { Validator } from '../schema/validate.ts';

/**
 * What checks a body: a zod schema (the control plane), or a validator generated from one
 * (shared/schema/validators.gen.ts: the visitor worker, which ships no zod). Same issues.
 */
export type BodySchema<T> = z.ZodMiniType<T> | Validator<T>;

export interface JsonBodyOptions {
  maxBytes: number;
  /** Accepted media types (parameters such as charset ignored); JSON only by default. */
  types?: readonly string[];
  /** Appended to the 413 message: what the client should do instead. */
  tooLargeHint?: string;
}

export function jsonBody(o: JsonBodyOptions): MiddlewareHandler {
  const types = o.types ?? ['application/json'];
  const limit = bodyLimit({
    maxSize: o.maxBytes,
    onError: () => {
      throw new ApiError(
        'body_too_large',
        `the body is over ${o.maxBytes} bytes, the most this route accepts${o.tooLargeHint ? ` — ${o.tooLargeHint}` : ''}`,
        { details: { limit: o.maxBytes } },
      );
    },
  });
  return async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!types.includes(type))
      throw new ApiError(
        'unsupported_media_type',
        `send the body with Content-Type: ${types.join(' or ')}`,
      );
    return limit(c, next);
  };
}

/** Adds where the syntax breaks, as line and column (V8 gives an offset, or says the text ended). */
function located(message: string, text: string): string {
  if (/line \d+/.test(message)) return message;
  const at = /position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  if (offset === undefined) return message;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/** The body as JSON (any value); 400 invalid_json saying where the syntax breaks. */
export async function readJsonValue(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(
      'invalid_json',
      `the body is not valid JSON: ${located((error as Error).message, text)}`,
    );
  }
}

export interface ReadJsonOptions {
  /** Leads the 400 message, e.g. `expected { to, expected, action }`. */
  expected?: string;
  /** At most this many issues in the answer (all by default). */
  maxIssues?: number;
}

/** The body as JSON checked by `schema`: the parsed value, or 400 with every issue. */
export async function readJson<T>(
  c: Context,
  schema: BodySchema<T>,
  o: ReadJsonOptions = {},
): Promise<T> {
  return checkJson(await readJsonValue(c), schema, o);
}

/** `json` (already read) checked by `schema`: the parsed value, or 400 with every issue. */
export function checkJson<T>(json: unknown, schema: BodySchema<T>, o: ReadJsonOptions = {}): T {
  let issues;
  if (typeof schema === 'function') {
    const checked = schema(json);
    if (checked.success) return checked.data;
    issues = checked.issues.map(toApiIssue);
  } else {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    issues = apiIssues(parsed.error, json);
  }
  issues = issues.slice(0, o.maxIssues);
  throw new ApiError(
    'invalid_request',
    `${o.expected ? `${o.expected}; ` : ''}${firstIssue(issues)}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
    { issues },
  );
}
