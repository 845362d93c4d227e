/**
 * The console's preview: `POST /admin/console/preview` (scope `preview`) with the draft body the
 * marketer sees and how to look at it — a page, a segment, a sample visitor, and a country,
 * device, local time or referrer. The body is validated (every problem named, nothing stored
 * otherwise) and stored as an immutable version — content-addressed, so storing it again is
 * free and it is not live — then a preview link for it is signed, with its decision trace.
 *
 *   → 201 { version, url, traceUrl, expiresAt }
 *
 * `url` opens the page in the console's iframe (the visitor worker turns it into a preview
 * session cookie); once it has loaded, `traceUrl` (the page with `?tessera_debug=json`) answers
 * that render's decision trace as JSON to the same browser — the link asked for it (`trace`).
 */
import { Hono } from 'hono/tiny';
import { keyringFor } from '../../shared/auth/keyring.ts';
import {
  PREVIEW_LINK_AUDIENCE,
  PREVIEW_PATH,
  PREVIEW_TTL_SECONDS,
  signPreviewToken,
} from '../../shared/auth/preview-token.ts';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { configFor } from '../../shared/config.ts';
import { MAX_DRAFT_BYTES } from '../../shared/drafts/store.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import { toApiIssue } from '../../shared/http/issues.ts';
import { jsonBody, readJson } from '../../shared/http/json-body.ts';
import { ConsolePreviewRequest } from '../../shared/schema/console-api.ts';
import { requireScope } from '../auth/require-scope.ts';
import type { AdminApp } from '../routes/admin.ts';

export function consolePreviewRoutes(now: () => number) {
  const app = new Hono<AdminApp>();
  app.post(
    '/',
    requireScope('preview', now),
    jsonBody({ maxBytes: MAX_DRAFT_BYTES }),
    async (c) => {
      const { body, target } = await readJson(c, ConsolePreviewRequest, {
        expected: 'expected { body, target: { path, segment?, as?, context? } }',
      });
      const checked = parseBundleBody(body);
      if (!checked.ok)
        throw new ApiError(
          'invalid_bundle',
          `${checked.issues.length} problem(s) to fix before a preview`,
          {
            issues: checked.issues.map(toApiIssue),
          },
        );
      // "as" names a persona (a sample profile), never a real visitor (as POST /admin/previews).
      if (
        target.as !== undefined &&
        (await c.env.PROFILES.get(profileKeys.persona(target.as))) === null
      )
        throw new ApiError(
          'unknown_persona',
          `no preview persona "${target.as}" on this worker (personas are sample profiles stored as persona:<id>; \`tessera seed\` writes them locally)`,
        );
      const uploaded = await uploadVersion(c.env.CONTENT, checked.body);
      if (!uploaded.ok)
        throw new ApiError('invalid_bundle', 'the draft could not be stored', {
          issues: uploaded.issues.map(toApiIssue),
        });
      const nowSeconds = Math.floor(now() / 1000);
      const expSeconds = nowSeconds + PREVIEW_TTL_SECONDS;
      const token = await signPreviewToken(await keyringFor(configFor(c.env).adminKeys), {
        by: c.get('admin').sub,
        target: { ...target, version: uploaded.bundle.version, trace: true },
        audience: PREVIEW_LINK_AUDIENCE,
        nowSeconds,
        expSeconds,
      });
      return c.json(
        {
          version: uploaded.bundle.version,
          url: `${PREVIEW_PATH}?token=${token}`,
          traceUrl: `${target.path}?tessera_debug=json`,
          expiresAt: new Date(expSeconds * 1000).toISOString(),
        },
        201,
        { 'cache-control': NO_STORE },
      );
    },
  );
  return app;
}
