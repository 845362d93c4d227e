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
  PreviewTarget,
  signPreviewToken,
} from '../../shared/auth/preview-token.ts';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { configFor } from '../../shared/config.ts';
import { MAX_DRAFT_BYTES } from '../../shared/drafts/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import * as z from '../../shared/schema/zod.ts';
import { requireScope } from '../auth/require-scope.ts';
import { fail, jsonBody, zodIssues, type AdminApp } from '../routes/admin.ts';

const PreviewBody = z.strictObject({
  body: z.unknown(),
  target: z.omit(PreviewTarget, { version: true, trace: true }),
});

export function consolePreviewRoutes(now: () => number) {
  const app = new Hono<AdminApp>();
  app.post('/', requireScope('preview'), async (c) => {
    const raw = await jsonBody(c, MAX_DRAFT_BYTES);
    if (!raw.ok) return raw.response;
    const parsed = PreviewBody.safeParse(raw.json);
    if (!parsed.success)
      return fail(
        c,
        422,
        'invalid_request',
        'expected { body, target: { path, segment?, as?, context? } }',
        {
          issues: zodIssues(parsed.error),
        },
      );
    const checked = parseBundleBody(parsed.data.body);
    if (!checked.ok)
      return fail(
        c,
        422,
        'invalid_bundle',
        `${checked.issues.length} problem(s) to fix before a preview`,
        {
          issues: checked.issues,
        },
      );
    const { target } = parsed.data;
    const uploaded = await uploadVersion(c.env.CONTENT, checked.body);
    if (!uploaded.ok)
      return fail(c, 422, 'invalid_bundle', 'the draft could not be stored', {
        issues: uploaded.issues,
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
      { 'cache-control': 'no-store' },
    );
  });
  return app;
}
