/**
 * The admin API (what `tessera … --target https://…` talks to). Bearer tokens only.
 *
 *   GET  /admin/live                 read     which version is live
 *   PUT  /admin/live                 publish  move the pointer: { to, expected, action }
 *   POST /admin/versions             publish  upload a bundle body (validated; 422 / 413)
 *   GET  /admin/versions/:version    read     one stored version
 *   GET  /admin/history?limit=50     read     audit records, newest first
 *   POST /admin/previews             preview  a signed, short-lived preview link
 *
 * The publishing semantics live in shared/publish/, shared with `--target local`.
 */
import type { Context } from 'hono';
import { Hono } from 'hono/tiny';
import * as z from '../../shared/schema/zod.ts';
import { listHistory } from '../../shared/publish/history.ts';
import { movePointer } from '../../shared/publish/move.ts';
import { Version, readLive, readVersion } from '../../shared/publish/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import { configFor } from '../../shared/config.ts';
import type { ControlEnv } from '../env.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { PREVIEW_PATH } from '../../shared/auth/preview-token.ts';
import {
  PREVIEW_LINK_AUDIENCE,
  PREVIEW_TTL_SECONDS,
  PreviewTarget,
  signPreviewToken,
} from '../../shared/auth/preview-token.ts';
import { requireScope, type AdminVars } from '../auth/require-scope.ts';

/** Far above any real bundle (the demo is ~20 KB), far below KV's 25 MiB value limit. */
export const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;
const MAX_SMALL_BODY = 16 * 1024;

export type AdminApp = { Bindings: ControlEnv; Variables: AdminVars };
type Ctx = Context<AdminApp>;

const MoveBody = z.strictObject({
  to: Version,
  expected: z.nullable(Version),
  action: z._default(z.enum(['publish', 'rollback']), 'publish'),
});

const noStore = { 'cache-control': 'no-store' };

/** The admin API's error answer: `{ error: { code, message, …extra } }`, never cached. */
export function fail(
  c: Ctx,
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
  code: string,
  message: string,
  extra: object = {},
) {
  return c.json({ error: { code, message, ...extra } }, status, noStore);
}

type Body = { ok: true; json: unknown } | { ok: false; response: Response };

/** Reads a JSON body under a size limit; 413 before parsing anything too big. */
export async function jsonBody(c: Ctx, limit: number): Promise<Body> {
  const declared = Number(c.req.header('content-length') ?? '0');
  const tooLarge = () => ({
    ok: false as const,
    response: fail(c, 413, 'too_large', `body over ${limit} bytes`, { limit }),
  });
  if (declared > limit) return tooLarge();
  if (!(c.req.header('content-type') ?? '').includes('application/json')) {
    return {
      ok: false,
      response: fail(c, 415, 'unsupported_media_type', 'send Content-Type: application/json'),
    };
  }
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > limit) return tooLarge();
  try {
    return { ok: true, json: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (error) {
    return {
      ok: false,
      response: fail(c, 400, 'invalid_json', `body is not JSON: ${(error as Error).message}`),
    };
  }
}

export function zodIssues(error: z.core.$ZodError) {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }));
}

export function adminRoutes(now: () => number) {
  const admin = new Hono<AdminApp>();
  const store = (c: Ctx) => ({ kv: c.env.CONTENT, db: c.env.DB });

  admin.get('/live', requireScope('read'), async (c) =>
    c.json(await readLive(store(c)), 200, noStore),
  );

  admin.put('/live', requireScope('publish'), async (c) => {
    const body = await jsonBody(c, MAX_SMALL_BODY);
    if (!body.ok) return body.response;
    const move = MoveBody.safeParse(body.json);
    if (!move.success)
      return fail(c, 422, 'invalid_request', 'expected { to, expected, action }', {
        issues: zodIssues(move.error),
      });
    const result = await movePointer(store(c), { ...move.data, by: c.get('admin').sub }, now());
    if (result.ok) return c.json(result, 200, noStore);
    if (result.code === 'conflict')
      return fail(c, 409, result.code, result.message, { current: result.current });
    if (result.code === 'unknown_version') return fail(c, 404, result.code, result.message);
    c.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)));
    return fail(c, 429, result.code, result.message, { retryAfterMs: result.retryAfterMs });
  });

  admin.post('/versions', requireScope('publish'), async (c) => {
    const body = await jsonBody(c, MAX_BUNDLE_BYTES);
    if (!body.ok) return body.response;
    const uploaded = await uploadVersion(c.env.CONTENT, body.json);
    if (!uploaded.ok) {
      return fail(
        c,
        422,
        'invalid_bundle',
        `${uploaded.issues.length} problem(s); nothing was stored`,
        { issues: uploaded.issues },
      );
    }
    return c.json(
      { version: uploaded.bundle.version, created: uploaded.created },
      uploaded.created ? 201 : 200,
      noStore,
    );
  });

  admin.get('/versions/:version', requireScope('read'), async (c) => {
    const version = Version.safeParse(c.req.param('version'));
    const bundle = version.success ? await readVersion(c.env.CONTENT, version.data) : undefined;
    if (!bundle)
      return fail(c, 404, 'unknown_version', `no stored version "${c.req.param('version')}"`);
    return c.json(bundle, 200, { 'cache-control': 'private, max-age=31536000, immutable' });
  });

  admin.get('/history', requireScope('read'), async (c) => {
    const limit = Number(c.req.query('limit') ?? '50');
    return c.json(
      { records: await listHistory(c.env.DB, Number.isFinite(limit) ? limit : 50) },
      200,
      noStore,
    );
  });

  admin.post('/previews', requireScope('preview'), async (c) => {
    const body = await jsonBody(c, MAX_SMALL_BODY);
    if (!body.ok) return body.response;
    const target = PreviewTarget.safeParse(body.json);
    if (!target.success)
      return fail(c, 422, 'invalid_request', 'expected { path, version?, segment?, as? }', {
        issues: zodIssues(target.error),
      });
    const nowSeconds = Math.floor(now() / 1000);
    const expSeconds = nowSeconds + PREVIEW_TTL_SECONDS;
    const ring = await keyringFor(configFor(c.env).adminKeys);
    const by = c.get('admin').sub;
    const token = await signPreviewToken(ring, {
      by,
      target: target.data,
      audience: PREVIEW_LINK_AUDIENCE,
      nowSeconds,
      expSeconds,
    });
    const url = new URL(`${PREVIEW_PATH}?token=${token}`, c.req.url).toString();
    return c.json({ url, expiresAt: new Date(expSeconds * 1000).toISOString() }, 201, noStore);
  });

  admin.all('*', (c) =>
    fail(c, 404, 'not_found', `no admin route ${c.req.method} ${new URL(c.req.url).pathname}`),
  );
  return admin;
}
