/**
 * Phase 4 — respond: the headers every personalized HTML response carries, whatever built its
 * body (an own page, an origin page, the setup or not-found page), and the debug trace as JSON.
 *
 * Personalized output is `private, no-store` and varies on Cookie; a mode may replace that
 * (`no-store` for debug and preview, plus noindex for preview). The visitor cookie is issued or
 * cleared as the read phase decided.
 */
import type { Identity } from '../identity/visitor.ts';
import { armsCookie, clearArmsCookie } from '../identity/arms-cookie.ts';
import { clearVisitorCookie, visitorCookie } from '../identity/visitor.ts';
import type { Reason } from '../../shared/reasons.ts';
import { securityHeaders } from '../security/headers.ts';
import type { Trace } from '../debug/trace.ts';
import type { VisitMode } from './mode.ts';

/**
 * Headers on every HTML response, personalized or not (CSP, nosniff, referrer policy), as a plain
 * record: a Response built from one record costs workerd about half of one built from a Headers
 * object and then `set()` header by header (docs/performance.md, "The glue between the parts").
 */
export function htmlHeaders(nonce: string, extra: Record<string, string>): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'private, no-store',
    vary: 'Cookie',
    ...securityHeaders(nonce),
    ...extra,
  };
}

export interface VisitHeaders {
  mode: VisitMode;
  nonce: string;
  decisionId: string;
  /** Bundle version, or `none` when nothing is live. */
  version: string;
  reasons: readonly Reason[];
  timing?: string;
  identity: Pick<Identity, 'issueToken'>;
  clearCookie: boolean;
  /** A new sticky-bandit arms token to set (worker/visit/arms.ts). */
  armsToken?: string;
  /** Expire the arms cookie (consent `none`). */
  clearArms?: boolean;
}

/** The `X-Tessera-*` headers and the mode's overrides (everything but the cookies). */
function visitFields(v: VisitHeaders): Record<string, string> {
  const fields: Record<string, string> = {
    'x-tessera-decision': v.decisionId,
    'x-tessera-version': v.version,
  };
  if (v.reasons.length) fields['x-tessera-reasons'] = [...new Set(v.reasons)].join(',');
  if (v.timing) fields['server-timing'] = v.timing;
  return Object.assign(fields, v.mode.headers);
}

/** The `Set-Cookie` values the visit asks for, in a fixed order. */
function visitCookies(v: VisitHeaders): string[] {
  const cookies: string[] = [];
  if (v.identity.issueToken) cookies.push(visitorCookie(v.identity.issueToken));
  if (v.armsToken) cookies.push(armsCookie(v.armsToken));
  if (v.clearCookie) cookies.push(clearVisitorCookie());
  if (v.clearArms) cookies.push(clearArmsCookie());
  return cookies;
}

/** The `X-Tessera-*` headers, the cookies and the mode's overrides, set on `headers`. */
export function applyVisitHeaders(headers: Headers, v: VisitHeaders): Headers {
  for (const [k, val] of Object.entries(visitFields(v))) headers.set(k, val);
  for (const cookie of visitCookies(v)) headers.append('set-cookie', cookie);
  return headers;
}

/**
 * A personalized HTML response: the headers as one record (the first cookie in it, any others
 * appended, since a record holds one `Set-Cookie`).
 */
export function htmlResponse(
  body: BodyInit,
  status: number,
  v: VisitHeaders,
  init: { statusText?: string } = {},
): Response {
  const fields = Object.assign(htmlHeaders(v.nonce, {}), visitFields(v));
  const [first, ...more] = visitCookies(v);
  if (first !== undefined) fields['set-cookie'] = first;
  const response = new Response(body, { status, ...init, headers: fields });
  for (const cookie of more) response.headers.append('set-cookie', cookie);
  return response;
}

/** `?tessera_debug=json`: the trace instead of the page. */
export function traceResponse(trace: Trace, timing: string): Response {
  return new Response(JSON.stringify(trace), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-tessera-decision': trace.decisionId,
      'x-tessera-version': trace.version,
      'server-timing': timing,
    },
  });
}
