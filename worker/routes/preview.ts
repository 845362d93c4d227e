/**
 * `GET /__tessera/preview?token=…` (a link from `tessera preview`): exchanged for a short-lived,
 * host-only, HttpOnly session cookie (worker/preview/session.ts), then a redirect to the page.
 * `GET /__tessera/preview/exit` clears it. A bad or expired link never sets anything.
 */
import type { Context } from 'hono';
import { keyringFor } from '../../shared/auth/keyring.ts';
import {
  PREVIEW_LINK_AUDIENCE,
  PREVIEW_SESSION_AUDIENCE,
  signPreviewToken,
  verifyPreviewToken,
} from '../../shared/auth/preview-token.ts';
import { configFor } from '../../shared/config.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import type { Env } from '../env.ts';
import { PREVIEW_COOKIE } from '../preview/session.ts';

export { PREVIEW_PATH } from '../preview/session.ts';

type Ctx = Context<{ Bindings: Env }>;

const noStore = {
  'cache-control': NO_STORE,
  'x-robots-tag': 'noindex, nofollow',
  'referrer-policy': 'no-referrer',
};

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
