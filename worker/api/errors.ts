/**
 * The decision API's errors: one class, thrown anywhere in the API's phases, turned into the one
 * JSON shape (`ApiError` in shared/schema/decision-api-answers.ts) in one place. Every rejection
 * happens before anything is logged, queued or counted.
 *
 *   400 invalid_json, invalid_request      401 missing_token, invalid_token, expired_token
 *   403 insufficient_scope                 404 not_found        405 method_not_allowed
 *   413 body_too_large, batch_too_large    415 unsupported_media_type
 *   422 unknown_page, unknown_slot, invalid_subject
 *   429 rate_limited                       503 no_live_bundle, queue_unavailable
 */
import type { ApiError } from '../../shared/schema/decision-api-answers.ts';

type Issue = NonNullable<ApiError['error']['issues']>[number];

export type ApiStatus = 400 | 401 | 403 | 404 | 405 | 413 | 415 | 422 | 429 | 503;

export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(
    readonly status: ApiStatus,
    readonly code: string,
    message: string,
    readonly extra: { issues?: Issue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

/** zod issues in the API's shape (first 20), and a message naming the first. */
export function invalidRequest(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: readonly (string | number)[] = [],
): ApiProblem {
  const shaped: Issue[] = issues.slice(0, 20).map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    message: i.message,
  }));
  const first = shaped[0];
  const where = first?.path.length ? first.path.join('.') : 'body';
  return new ApiProblem(400, 'invalid_request', `${where}: ${first?.message ?? 'invalid'}`, {
    issues: shaped,
  });
}

export function problemResponse(p: ApiProblem): Response {
  const body: ApiError = {
    error: {
      code: p.code,
      message: p.message,
      ...(p.extra.issues ? { issues: p.extra.issues } : {}),
    },
  };
  return Response.json(body, {
    status: p.status,
    headers: { 'cache-control': 'no-store', ...p.extra.headers },
  });
}

/** Runs an API handler: a thrown ApiProblem becomes its response; anything else stays a 500. */
export async function answering(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiProblem) return problemResponse(error);
    throw error;
  }
}
