/**
 * The preview session: `/__tessera/preview?token=…` (a link from `tessera preview`) is exchanged
 * for a short-lived, host-only, HttpOnly cookie, then the browser is redirected to the page.
 * Every later page request with that cookie renders in preview mode (see apply.ts).
 * `/__tessera/preview/exit` clears it. A bad or expired link never sets anything.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { configFor } from '../../shared/config.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import type { Env } from '../env.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import {
  PREVIEW_LINK_AUDIENCE,
  PREVIEW_SESSION_AUDIENCE,
  signPreviewToken,
  verifyPreviewToken,
  type PreviewSession,
} from '../../shared/auth/preview-token.ts';
import { PREVIEW_PATH } from '../../shared/auth/preview-token.ts';

export { PREVIEW_PATH };

export const PREVIEW_COOKIE = '__Host-tsr_preview';

type Ctx = Context<{ Bindings: Env }>;

const noStore = {
  'cache-control': NO_STORE,
  'x-robots-tag': 'noindex, nofollow',
  'referrer-policy': 'no-referrer',
};

/** The preview session of this request, if it carries a valid preview cookie. */
export async function resolvePreview(c: Ctx, nowMs: number): Promise<PreviewSession | undefined> {
  const token = getCookie(c, PREVIEW_COOKIE);
  if (!token) return undefined;
  const ring = await keyringFor(configFor(c.env).adminKeys);
  return verifyPreviewToken(ring, token, PREVIEW_SESSION_AUDIENCE, Math.floor(nowMs / 1000));
}

export async function startPreview(c: Ctx, nowMs: number): Promise<Response> {
  const now = Math.floor(nowMs / 1000);
  const ring = await keyringFor(configFor(c.env).adminKeys);
  const link = await verifyPreviewToken(ring, c.req.query('token'), PREVIEW_LINK_AUDIENCE, now);
  if (!link) {
    return c.text(
      'This preview link is invalid or has expired. Ask for a new one (tessera preview).',
      401,
      noStore,
    );
  }
  const { by, exp, ...target } = link;
  const session = await signPreviewToken(ring, {
    by,
    target,
    audience: PREVIEW_SESSION_AUDIENCE,
    nowSeconds: now,
    expSeconds: exp,
  });
  return new Response(null, {
    status: 303,
    headers: {
      ...noStore,
      location: target.path,
      'set-cookie': `${PREVIEW_COOKIE}=${session}; Max-Age=${Math.max(1, exp - now)}; Path=/; Secure; HttpOnly; SameSite=Lax`,
    },
  });
}

export function exitPreview(): Response {
  return new Response(null, {
    status: 303,
    headers: {
      ...noStore,
      location: '/',
      'set-cookie': `${PREVIEW_COOKIE}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax`,
    },
  });
}
