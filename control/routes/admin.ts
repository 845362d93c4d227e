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
 * The publishing semantics live in shared/publish/, shared with `--target local`. Errors are the
 * one JSON error body (shared/http/errors.ts; codes in docs/errors.md).
 */
import { Hono } from 'hono/tiny';
import { profileKeys } from '../../shared/kv-keys.ts';
import { listHistory } from '../../shared/publish/history.ts';
import { movePointer } from '../../shared/publish/move.ts';
import { Version, readLive, readVersion } from '../../shared/publish/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import { configFor } from '../../shared/config.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import { toApiIssue } from '../../shared/http/issues.ts';
import { jsonBody, readJson, readJsonValue } from '../../shared/http/json-body.ts';
import type { ControlEnv } from '../env.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { PREVIEW_PATH } from '../../shared/auth/preview-token.ts';
import {
  PREVIEW_LINK_AUDIENCE,
  PREVIEW_TTL_SECONDS,
  signPreviewToken,
} from '../../shared/auth/preview-token.ts';
import { PreviewTarget } from '../../shared/auth/claims.ts';
import { LiveMove } from '../../shared/schema/admin-api.ts';
import { requireScope, type AdminVars } from '../auth/require-scope.ts';

/** Far above any real bundle (the demo is ~20 KB), far below KV's 25 MiB value limit. */
export const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;
const MAX_SMALL_BODY = 16 * 1024;

export type AdminApp = { Bindings: ControlEnv; Variables: AdminVars };

const noStore = { 'cache-control': NO_STORE };

export function adminRoutes(now: () => number) {
  const admin = new Hono<AdminApp>();
  const store = (env: ControlEnv) => ({ kv: env.CONTENT, db: env.DB });
  const scope = (s: Parameters<typeof requireScope>[0]) => requireScope(s, now);
  const small = jsonBody({ maxBytes: MAX_SMALL_BODY });

  admin.get('/live', scope('read'), async (c) =>
    c.json(await readLive(store(c.env)), 200, noStore),
  );

  admin.put('/live', scope('publish'), small, async (c) => {
    const move = await readJson(c, LiveMove, { expected: 'expected { to, expected, action }' });
    const result = await movePointer(store(c.env), { ...move, by: c.get('admin').sub }, now());
    if (result.ok) return c.json(result, 200, noStore);
    if (result.code === 'conflict')
      throw new ApiError(result.code, result.message, { details: { current: result.current } });
    if (result.code === 'unknown_version') throw new ApiError(result.code, result.message);
    throw new ApiError(result.code, result.message, {
      details: { retryAfterMs: result.retryAfterMs },
      headers: { 'retry-after': String(Math.ceil(result.retryAfterMs / 1000)) },
    });
  });

  admin.post('/versions', scope('publish'), jsonBody({ maxBytes: MAX_BUNDLE_BYTES }), async (c) => {
    const uploaded = await uploadVersion(c.env.CONTENT, await readJsonValue(c));
    if (!uploaded.ok)
      throw new ApiError(
        'invalid_bundle',
        `${uploaded.issues.length} problem(s); nothing was stored`,
        { issues: uploaded.issues.map(toApiIssue) },
      );
    return c.json(
      { version: uploaded.bundle.version, created: uploaded.created },
      uploaded.created ? 201 : 200,
      noStore,
    );
  });

  admin.get('/versions/:version', scope('read'), async (c) => {
    const version = Version.safeParse(c.req.param('version'));
    const bundle = version.success ? await readVersion(c.env.CONTENT, version.data) : undefined;
    if (!bundle)
      throw new ApiError('unknown_version', `no stored version "${c.req.param('version')}"`);
    return c.json(bundle, 200, { 'cache-control': 'private, max-age=31536000, immutable' });
  });

  admin.get('/history', scope('read'), async (c) => {
    const limit = Number(c.req.query('limit') ?? '50');
    return c.json(
      { records: await listHistory(c.env.DB, Number.isFinite(limit) ? limit : 50) },
      200,
      noStore,
    );
  });

  admin.post('/previews', scope('preview'), small, async (c) => {
    const target = await readJson(c, PreviewTarget, {
      expected: 'expected { path, version?, segment?, as? }',
    });
    // "as" names a persona (a sample profile), never a real visitor: the preview scope may not
    // show anyone's data (issue 13 #6). One that does not exist would just show a stranger's page.
    const as = target.as;
    if (as !== undefined && (await c.env.PROFILES.get(profileKeys.persona(as))) === null)
      throw new ApiError(
        'unknown_persona',
        `no preview persona "${as}" on this worker (personas are sample profiles stored as persona:<id>; previews never show a real visitor's profile); without "as" the preview shows a visitor with no profile`,
      );
    const nowSeconds = Math.floor(now() / 1000);
    const expSeconds = nowSeconds + PREVIEW_TTL_SECONDS;
    const ring = await keyringFor(configFor(c.env).adminKeys);
    const by = c.get('admin').sub;
    const token = await signPreviewToken(ring, {
      by,
      target,
      audience: PREVIEW_LINK_AUDIENCE,
      nowSeconds,
      expSeconds,
    });
    const url = new URL(`${PREVIEW_PATH}?token=${token}`, c.req.url).toString();
    return c.json({ url, expiresAt: new Date(expSeconds * 1000).toISOString() }, 201, noStore);
  });

  return admin;
}
