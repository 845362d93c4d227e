/**
 * Drafts: a marketer's unpublished edits, kept on the server (D1 `console_drafts`), per owner.
 *
 *   GET    /admin/drafts[?all=1]          read     mine (or everyone's), newest first
 *   POST   /admin/drafts { title?, from? } preview  a new draft from live (or a stored version)
 *   GET    /admin/drafts/:id              read     one draft with its body (anyone's: `tessera pull`)
 *   PUT    /admin/drafts/:id { body, revision, title? }  preview  save over `revision` (409 otherwise)
 *   DELETE /admin/drafts/:id              preview  delete one of mine
 *   POST   /admin/drafts/:id/publish { revision, expected }  publish
 *          validate → upload → move the live pointer with the same compare-and-swap as
 *          `PUT /admin/live`; a conflict names who published what when, and the draft stays.
 *
 * Only the owner writes a draft; the body may be invalid while being edited (it is checked
 * again on publish, with every problem named).
 */
import { Hono } from 'hono/tiny';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { listHistory } from '../../shared/publish/history.ts';
import { movePointer } from '../../shared/publish/move.ts';
import { Version, readLive, readVersion } from '../../shared/publish/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import {
  DraftId,
  MAX_DRAFT_BYTES,
  MAX_TITLE,
  createDraft,
  deleteDraft,
  listDrafts,
  markPublished,
  readDraft,
  saveDraft,
} from '../../shared/drafts/store.ts';
import * as z from '../../shared/schema/zod.ts';
import { requireScope } from '../auth/require-scope.ts';
import { fail, jsonBody, zodIssues, type AdminApp } from '../routes/admin.ts';

const Title = z.string().check(z.minLength(1), z.maxLength(MAX_TITLE));
const CreateBody = z.strictObject({
  title: z.optional(Title),
  from: z.optional(z.union([z.literal('live'), Version])),
});
const SaveBody = z.strictObject({
  body: z.unknown(),
  revision: z.number().check(z.int(), z.gte(1)),
  title: z.optional(Title),
});
const PublishBody = z.strictObject({
  revision: z.number().check(z.int(), z.gte(1)),
  /** The version the marketer saw live when reviewing the diff (null: nothing was live). */
  expected: z.nullable(Version),
});

const noStore = { 'cache-control': 'no-store' };

export interface DraftDeps {
  now: () => number;
  newId: () => string;
}

export function draftRoutes(deps: DraftDeps) {
  const app = new Hono<AdminApp>();

  app.get('/', requireScope('read'), async (c) => {
    const owner = c.req.query('all') === '1' ? undefined : c.get('admin').sub;
    return c.json({ drafts: await listDrafts(c.env.DB, owner) }, 200, noStore);
  });

  app.post('/', requireScope('preview'), async (c) => {
    const body = await jsonBody(c, 4096);
    if (!body.ok) return body.response;
    const parsed = CreateBody.safeParse(body.json);
    if (!parsed.success)
      return fail(c, 422, 'invalid_request', 'expected { title?, from?: "live" | <version> }', {
        issues: zodIssues(parsed.error),
      });
    const live = await readLive({ kv: c.env.CONTENT, db: c.env.DB });
    const from = parsed.data.from ?? 'live';
    const version = from === 'live' ? live.version : from;
    if (!version)
      return fail(
        c,
        409,
        'nothing_live',
        'nothing is live yet: publish a first version (`tessera publish`) before starting a draft',
      );
    const bundle = await readVersion(c.env.CONTENT, version);
    if (!bundle) return fail(c, 404, 'unknown_version', `no stored version "${version}"`);
    const { version: _v, ...bundleBody } = bundle;
    const now = deps.now();
    const draft = await createDraft(
      c.env.DB,
      {
        id: deps.newId(),
        owner: c.get('admin').sub,
        title:
          parsed.data.title ??
          `Draft of ${new Date(now).toISOString().slice(0, 16).replace('T', ' ')}`,
        baseVersion: version,
        body: bundleBody,
      },
      now,
    );
    return c.json(draft, 201, noStore);
  });

  app.get('/:id', requireScope('read'), async (c) => {
    const id = DraftId.safeParse(c.req.param('id'));
    const draft = id.success ? await readDraft(c.env.DB, id.data) : undefined;
    if (!draft) return fail(c, 404, 'unknown_draft', `no draft "${c.req.param('id')}"`);
    return c.json(draft, 200, noStore);
  });

  app.put('/:id', requireScope('preview'), async (c) => {
    const id = DraftId.safeParse(c.req.param('id'));
    if (!id.success) return fail(c, 404, 'unknown_draft', `no draft "${c.req.param('id')}"`);
    const body = await jsonBody(c, MAX_DRAFT_BYTES);
    if (!body.ok) return body.response;
    const parsed = SaveBody.safeParse(body.json);
    if (!parsed.success || parsed.data.body === undefined)
      return fail(c, 422, 'invalid_request', 'expected { body, revision, title? }', {
        ...(parsed.success ? {} : { issues: zodIssues(parsed.error) }),
      });
    const saved = await saveDraft(
      c.env.DB,
      { id: id.data, by: c.get('admin').sub, ...parsed.data },
      deps.now(),
    );
    if (saved.ok) return c.json(saved.draft, 200, noStore);
    if (saved.code === 'not_found') return fail(c, 404, 'unknown_draft', `no draft "${id.data}"`);
    if (saved.code === 'not_owner')
      return fail(
        c,
        403,
        'not_owner',
        `this draft belongs to ${saved.owner}; start your own from it`,
      );
    return fail(
      c,
      409,
      'draft_conflict',
      `this draft was saved by ${saved.current.updatedBy} at ${saved.current.updatedAt} (revision ${saved.current.revision}) after the revision ${parsed.data.revision} you edited: reload it, then apply your change again`,
      { current: saved.current },
    );
  });

  app.delete('/:id', requireScope('preview'), async (c) => {
    const id = DraftId.safeParse(c.req.param('id'));
    const gone = id.success && (await deleteDraft(c.env.DB, id.data, c.get('admin').sub));
    if (!gone) return fail(c, 404, 'unknown_draft', `no draft "${c.req.param('id')}" of yours`);
    return c.body(null, 204, noStore);
  });

  app.post('/:id/publish', requireScope('publish'), async (c) => {
    const id = DraftId.safeParse(c.req.param('id'));
    const draft = id.success ? await readDraft(c.env.DB, id.data) : undefined;
    if (!draft) return fail(c, 404, 'unknown_draft', `no draft "${c.req.param('id')}"`);
    const body = await jsonBody(c, 4096);
    if (!body.ok) return body.response;
    const parsed = PublishBody.safeParse(body.json);
    if (!parsed.success)
      return fail(c, 422, 'invalid_request', 'expected { revision, expected }', {
        issues: zodIssues(parsed.error),
      });
    if (parsed.data.revision !== draft.revision)
      return fail(
        c,
        409,
        'draft_conflict',
        `the draft is at revision ${draft.revision} (saved by ${draft.updatedBy} at ${draft.updatedAt}), not the ${parsed.data.revision} you reviewed: review it again`,
        { current: { ...draft, body: undefined } },
      );
    const checked = parseBundleBody(draft.body);
    if (!checked.ok)
      return fail(
        c,
        422,
        'invalid_bundle',
        `${checked.issues.length} problem(s); nothing was published`,
        {
          issues: checked.issues,
        },
      );
    const uploaded = await uploadVersion(c.env.CONTENT, checked.body);
    if (!uploaded.ok)
      return fail(c, 422, 'invalid_bundle', 'the draft could not be stored', {
        issues: uploaded.issues,
      });
    const store = { kv: c.env.CONTENT, db: c.env.DB };
    const to = uploaded.bundle.version;
    const moved = await movePointer(
      store,
      { to, expected: parsed.data.expected, by: c.get('admin').sub, action: 'publish' },
      deps.now(),
    );
    if (moved.ok) {
      await markPublished(c.env.DB, draft.id, to, deps.now());
      return c.json({ ...moved, version: to }, 200, noStore);
    }
    if (moved.code === 'conflict') {
      const [last] = await listHistory(c.env.DB, 1);
      const byWhom = last && last.to === moved.current ? ` by ${last.by} at ${last.at}` : '';
      return fail(
        c,
        409,
        'conflict',
        `version ${moved.current ?? 'none'} went live${byWhom} after you reviewed ${parsed.data.expected ?? 'nothing live'}. Nothing was published and your draft is kept: review the changes against the new live version, then publish again.`,
        {
          current: moved.current,
          version: to,
          ...(last && last.to === moved.current ? { last } : {}),
        },
      );
    }
    if (moved.code === 'unknown_version') return fail(c, 404, moved.code, moved.message);
    c.header('retry-after', String(Math.ceil(moved.retryAfterMs / 1000)));
    return fail(c, 429, moved.code, moved.message, { retryAfterMs: moved.retryAfterMs });
  });

  return app;
}
