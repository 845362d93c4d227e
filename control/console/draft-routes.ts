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
import { readLive, readVersion } from '../../shared/publish/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import {
  DraftId,
  MAX_DRAFT_BYTES,
  createDraft,
  deleteDraft,
  listDrafts,
  markPublished,
  readDraft,
  saveDraft,
} from '../../shared/drafts/store.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import { toApiIssue } from '../../shared/http/issues.ts';
import { jsonBody, readJson } from '../../shared/http/json-body.ts';
import { DraftCreate, DraftPublish, DraftSave } from '../../shared/schema/console-api.ts';
import { requireScope } from '../auth/require-scope.ts';
import type { AdminApp } from '../routes/admin.ts';

const noStore = { 'cache-control': NO_STORE };
const unknownDraft = (id: string, extra = '') =>
  new ApiError('unknown_draft', `no draft "${id}"${extra}`);

export interface DraftDeps {
  now: () => number;
  newId: () => string;
}

export function draftRoutes(deps: DraftDeps) {
  const app = new Hono<AdminApp>();

  app.get('/', requireScope('read', deps.now), async (c) => {
    const owner = c.req.query('all') === '1' ? undefined : c.get('admin').sub;
    return c.json({ drafts: await listDrafts(c.env.DB, owner) }, 200, noStore);
  });

  app.post('/', requireScope('preview', deps.now), jsonBody({ maxBytes: 4096 }), async (c) => {
    const data = await readJson(c, DraftCreate, {
      expected: 'expected { title?, from?: "live" | <version> }',
    });
    const live = await readLive({ kv: c.env.CONTENT, db: c.env.DB });
    const from = data.from ?? 'live';
    const version = from === 'live' ? live.version : from;
    if (!version)
      throw new ApiError(
        'nothing_live',
        'nothing is live yet: publish a first version (`tessera publish`) before starting a draft',
      );
    const bundle = await readVersion(c.env.CONTENT, version);
    if (!bundle) throw new ApiError('unknown_version', `no stored version "${version}"`);
    const { version: _v, ...bundleBody } = bundle;
    const now = deps.now();
    const draft = await createDraft(
      c.env.DB,
      {
        id: deps.newId(),
        owner: c.get('admin').sub,
        title:
          data.title ?? `Draft of ${new Date(now).toISOString().slice(0, 16).replace('T', ' ')}`,
        baseVersion: version,
        body: bundleBody,
      },
      now,
    );
    return c.json(draft, 201, noStore);
  });

  app.get('/:id', requireScope('read', deps.now), async (c) => {
    const id = DraftId.safeParse(c.req.param('id'));
    const draft = id.success ? await readDraft(c.env.DB, id.data) : undefined;
    if (!draft) throw unknownDraft(c.req.param('id'));
    return c.json(draft, 200, noStore);
  });

  app.put(
    '/:id',
    requireScope('preview', deps.now),
    jsonBody({ maxBytes: MAX_DRAFT_BYTES }),
    async (c) => {
      const id = DraftId.safeParse(c.req.param('id'));
      if (!id.success) throw unknownDraft(c.req.param('id'));
      const data = await readJson(c, DraftSave, {
        expected: 'expected { body, revision, title? }',
      });
      if (data.body === undefined)
        throw new ApiError(
          'invalid_request',
          'expected { body, revision, title? }; body: missing',
          {
            issues: [{ path: 'body', message: 'missing' }],
          },
        );
      const saved = await saveDraft(
        c.env.DB,
        { id: id.data, by: c.get('admin').sub, ...data },
        deps.now(),
      );
      if (saved.ok) return c.json(saved.draft, 200, noStore);
      if (saved.code === 'not_found') throw unknownDraft(id.data);
      if (saved.code === 'not_owner')
        throw new ApiError(
          'not_owner',
          `this draft belongs to ${saved.owner}; start your own from it`,
        );
      throw new ApiError(
        'draft_conflict',
        `this draft was saved by ${saved.current.updatedBy} at ${saved.current.updatedAt} (revision ${saved.current.revision}) after the revision ${data.revision} you edited: reload it, then apply your change again`,
        { details: { current: saved.current } },
      );
    },
  );

  app.delete('/:id', requireScope('preview', deps.now), async (c) => {
    const id = DraftId.safeParse(c.req.param('id'));
    const gone = id.success && (await deleteDraft(c.env.DB, id.data, c.get('admin').sub));
    if (!gone) throw unknownDraft(c.req.param('id'), ' of yours');
    return c.body(null, 204, noStore);
  });

  app.post(
    '/:id/publish',
    requireScope('publish', deps.now),
    jsonBody({ maxBytes: 4096 }),
    async (c) => {
      const id = DraftId.safeParse(c.req.param('id'));
      const draft = id.success ? await readDraft(c.env.DB, id.data) : undefined;
      if (!draft) throw unknownDraft(c.req.param('id'));
      const data = await readJson(c, DraftPublish, { expected: 'expected { revision, expected }' });
      if (data.revision !== draft.revision) {
        const { body: _body, ...current } = draft;
        throw new ApiError(
          'draft_conflict',
          `the draft is at revision ${draft.revision} (saved by ${draft.updatedBy} at ${draft.updatedAt}), not the ${data.revision} you reviewed: review it again`,
          { details: { current } },
        );
      }
      const checked = parseBundleBody(draft.body);
      if (!checked.ok)
        throw new ApiError(
          'invalid_bundle',
          `${checked.issues.length} problem(s); nothing was published`,
          {
            issues: checked.issues.map(toApiIssue),
          },
        );
      const uploaded = await uploadVersion(c.env.CONTENT, checked.body);
      if (!uploaded.ok)
        throw new ApiError('invalid_bundle', 'the draft could not be stored', {
          issues: uploaded.issues.map(toApiIssue),
        });
      const store = { kv: c.env.CONTENT, db: c.env.DB };
      const to = uploaded.bundle.version;
      const moved = await movePointer(
        store,
        { to, expected: data.expected, by: c.get('admin').sub, action: 'publish' },
        deps.now(),
      );
      if (moved.ok) {
        await markPublished(c.env.DB, draft.id, to, deps.now());
        return c.json({ ...moved, version: to }, 200, noStore);
      }
      if (moved.code === 'conflict') {
        const [last] = await listHistory(c.env.DB, 1);
        const byWhom = last && last.to === moved.current ? ` by ${last.by} at ${last.at}` : '';
        throw new ApiError(
          'conflict',
          `version ${moved.current ?? 'none'} went live${byWhom} after you reviewed ${data.expected ?? 'nothing live'}. Nothing was published and your draft is kept: review the changes against the new live version, then publish again.`,
          {
            details: {
              current: moved.current,
              version: to,
              ...(last && last.to === moved.current ? { last } : {}),
            },
          },
        );
      }
      if (moved.code === 'unknown_version') throw new ApiError(moved.code, moved.message);
      throw new ApiError(moved.code, moved.message, {
        details: { retryAfterMs: moved.retryAfterMs },
        headers: { 'retry-after': String(Math.ceil(moved.retryAfterMs / 1000)) },
      });
    },
  );

  return app;
}
