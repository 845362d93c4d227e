/**
 * The preview session: the cookie a preview link is exchanged for (worker/routes/preview.ts),
 * and which preview, if any, a request carries. Every page request with a valid cookie renders
 * in preview mode (see apply.ts).
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { configFor } from '../../shared/config.ts';
import type { Env } from '../env.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import {
  PREVIEW_SESSION_AUDIENCE,
  verifyPreviewToken,
  type PreviewSession,
} from '../../shared/auth/preview-token.ts';
import { PREVIEW_PATH } from '../../shared/auth/preview-token.ts';

export { PREVIEW_PATH };

export const PREVIEW_COOKIE = '__Host-tsr_preview';

type Ctx = Context<{ Bindings: Env }>;

/** The preview session of this request, if it carries a valid preview cookie. */
export async function resolvePreview(c: Ctx, nowMs: number): Promise<PreviewSession | undefined> {
  const token = getCookie(c, PREVIEW_COOKIE);
  if (!token) return undefined;
  const ring = await keyringFor(configFor(c.env).adminKeys);
  return verifyPreviewToken(ring, token, PREVIEW_SESSION_AUDIENCE, Math.floor(nowMs / 1000));
}
