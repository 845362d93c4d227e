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

/** Headers on every HTML response, personalized or not (CSP, nosniff, referrer policy). */
export function htmlHeaders(nonce: string, extra: Record<string, string>): Headers {
  return new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'private, no-store',
    vary: 'Cookie',
    ...securityHeaders(nonce),
    ...extra,
  });
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

/** The `X-Tessera-*` headers, the cookie and the mode's overrides, set on `headers`. */
export function applyVisitHeaders(headers: Headers, v: VisitHeaders): Headers {
  headers.set('x-tessera-decision', v.decisionId);
  headers.set('x-tessera-version', v.version);
  if (v.reasons.length) headers.set('x-tessera-reasons', [...new Set(v.reasons)].join(','));
  if (v.timing) headers.set('server-timing', v.timing);
  if (v.identity.issueToken) headers.append('set-cookie', visitorCookie(v.identity.issueToken));
  if (v.armsToken) headers.append('set-cookie', armsCookie(v.armsToken));
  if (v.clearCookie) headers.append('set-cookie', clearVisitorCookie());
  if (v.clearArms) headers.append('set-cookie', clearArmsCookie());
  for (const [k, val] of Object.entries(v.mode.headers)) headers.set(k, val);
  return headers;
}

export function htmlResponse(
  body: BodyInit,
  status: number,
  v: VisitHeaders,
  init: { statusText?: string } = {},
): Response {
  return new Response(body, {
    status,
    ...init,
    headers: applyVisitHeaders(htmlHeaders(v.nonce, {}), v),
  });
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
