/**
 * One error vocabulary for both workers' JSON routes: one error class with a stable `code`
 * (hono's HTTPException underneath), one body (`shared/schema/api-error.ts`), one list of codes
 * with their HTTP status. docs/errors.md says what each code means and what to do about it;
 * a test keeps the two in step.
 *
 *   throw new ApiError('conflict', 'live moved to v2 meanwhile', { details: { current: 'v2' } });
 *
 * on-error.ts turns it (and anything unexpected) into the response.
 */
import { HTTPException } from 'hono/http-exception';
import type { ApiIssue, ErrorBody } from '../schema/api-error.ts';
import { NO_STORE } from './cache.ts';

/** Every code an error body can carry, and its status. Never rename one: clients switch on them. */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  missing_token: 401,
  invalid_token: 401,
  expired_token: 401,
  no_visitor: 401,
  insufficient_scope: 403,
  cross_site: 403,
  not_found: 404,
  unknown_version: 404,
  unknown_experiment: 404,
  no_bundle: 404,
  conflict: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  invalid_bundle: 422,
  unknown_visitor: 422,
  too_soon: 429,
  rate_limited: 429,
  internal_error: 500,
  queue_unavailable: 503,
  store_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ApiErrorOptions {
  /** Each problem found, for validation failures. */
  issues?: ApiIssue[];
  /** More fields of the error body, e.g. `{ current }` for a conflict. */
  details?: Record<string, unknown>;
  /** Response headers, e.g. `retry-after` or `www-authenticate`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly issues: ApiIssue[] | undefined;
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, o: ApiErrorOptions = {}) {
    super(ERROR_STATUS[code], { message, cause: o.cause });
    this.name = 'ApiError';
    this.code = code;
    this.issues = o.issues;
    this.details = o.details ?? {};
    this.headers = o.headers ?? {};
  }

  body(): ErrorBody {
    return {
      error: {
        ...this.details,
        code: this.code,
        message: this.message,
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }

  /** The JSON answer, never cached. */
  override getResponse(): Response {
    return Response.json(this.body(), {
      status: this.status,
      headers: { 'cache-control': NO_STORE, ...this.headers },
    });
  }
}
