/**
 * Console drafts in D1 (`console_drafts`, migrations/0006): a whole bundle body being edited, per
 * owner, with who saved it when. Saves are compare-and-swap on `revision`, so two tabs (or two
 * people, should an owner share a login) never silently overwrite each other. Used by the control
 * plane's draft routes and by `tessera pull draft:<id> --target local`.
 */
import * as z from '../schema/zod.ts';

/** A draft body is stored as JSON text; D1 rows hold up to 2 MB, bundles are far smaller. */
export const MAX_DRAFT_BYTES = 1024 * 1024;
export const MAX_TITLE = 120;

export const DraftId = z
  .string()
  .check(z.regex(/^[a-z0-9]{8,32}$/, 'a draft id such as "k3v9q2m4x8"'));

export interface DraftSummary {
  id: string;
  title: string;
  owner: string;
  /** The live version the draft started from (null: nothing was live). */
  baseVersion: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  publishedVersion?: string;
  publishedAt?: string;
}

export interface Draft extends DraftSummary {
  /** The bundle body being edited; not necessarily valid. */
  body: unknown;
}

const Row = z.object({
  id: z.string(),
  owner: z.string(),
  title: z.string(),
  base_version: z.nullable(z.string()),
  revision: z.number().check(z.int()),
  created_at: z.number(),
  updated_at: z.number(),
  updated_by: z.string(),
  published_version: z.nullable(z.string()),
  published_at: z.nullable(z.number()),
});
const BodyRow = z.extend(Row, { body: z.string() });

const iso = (ms: number) => new Date(ms).toISOString();

function summary(r: z.infer<typeof Row>): DraftSummary {
  return {
    id: r.id,
    title: r.title,
    owner: r.owner,
    baseVersion: r.base_version,
    revision: r.revision,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    updatedBy: r.updated_by,
    ...(r.published_version ? { publishedVersion: r.published_version } : {}),
    ...(r.published_at !== null ? { publishedAt: iso(r.published_at) } : {}),
  };
}

const COLUMNS =
  'id, owner, title, base_version, revision, created_at, updated_at, updated_by, published_version, published_at';

export async function createDraft(
  db: D1Database,
  d: { id: string; owner: string; title: string; baseVersion: string | null; body: unknown },
  now: number,
): Promise<Draft> {
  await db
    .prepare(
      `INSERT INTO console_drafts (id, owner, title, base_version, body, revision, created_at, updated_at, updated_by)
       VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6, ?2)`,
    )
    .bind(d.id, d.owner, d.title, d.baseVersion, JSON.stringify(d.body), now)
    .run();
  return {
    id: d.id,
    title: d.title,
    owner: d.owner,
    baseVersion: d.baseVersion,
    revision: 1,
    createdAt: iso(now),
    updatedAt: iso(now),
    updatedBy: d.owner,
    body: d.body,
  };
}

/** Newest first; one owner's, or everyone's when `owner` is undefined. */
export async function listDrafts(
  db: D1Database,
  owner: string | undefined,
  limit = 50,
): Promise<DraftSummary[]> {
  const n = Math.min(Math.max(1, Math.floor(limit)), 200);
  const stmt = owner
    ? db
        .prepare(
          `SELECT ${COLUMNS} FROM console_drafts WHERE owner = ?1 ORDER BY updated_at DESC LIMIT ?2`,
        )
        .bind(owner, n)
    : db.prepare(`SELECT ${COLUMNS} FROM console_drafts ORDER BY updated_at DESC LIMIT ?1`).bind(n);
  const { results } = await stmt.all();
  return results.map((r) => summary(Row.parse(r)));
}

export async function readDraft(db: D1Database, id: string): Promise<Draft | undefined> {
  const row = await db
    .prepare(`SELECT ${COLUMNS}, body FROM console_drafts WHERE id = ?1`)
    .bind(id)
    .first();
  if (!row) return undefined;
  const r = BodyRow.parse(row);
  return { ...summary(r), body: JSON.parse(r.body) as unknown };
}

export type SaveResult =
  | { ok: true; draft: DraftSummary }
  | { ok: false; code: 'not_found' }
  | { ok: false; code: 'not_owner'; owner: string }
  | { ok: false; code: 'draft_conflict'; current: DraftSummary };

/**
 * Saves a new body (and title) over `revision`; any other current revision is a conflict that
 * names who saved what when — the caller's body is not written, and not lost either (the caller
 * still holds it).
 */
export async function saveDraft(
  db: D1Database,
  s: { id: string; by: string; revision: number; body: unknown; title?: string },
  now: number,
): Promise<SaveResult> {
  const result = await db
    .prepare(
      `UPDATE console_drafts SET body = ?1, title = COALESCE(?2, title), revision = revision + 1,
         updated_at = ?3, updated_by = ?4
       WHERE id = ?5 AND owner = ?4 AND revision = ?6`,
    )
    .bind(JSON.stringify(s.body), s.title ?? null, now, s.by, s.id, s.revision)
    .run();
  const current = await readDraft(db, s.id);
  if (!current) return { ok: false, code: 'not_found' };
  const { body: _body, ...draft } = current;
  if (result.meta.changes === 1) return { ok: true, draft };
  if (current.owner !== s.by) return { ok: false, code: 'not_owner', owner: current.owner };
  return { ok: false, code: 'draft_conflict', current: draft };
}

/** Deletes an owner's draft; false when there is no such draft of theirs. */
export async function deleteDraft(db: D1Database, id: string, owner: string): Promise<boolean> {
  const result = await db
    .prepare('DELETE FROM console_drafts WHERE id = ?1 AND owner = ?2')
    .bind(id, owner)
    .run();
  return result.meta.changes === 1;
}

/** Records that the draft went live as `version` (the draft stays, for history and `pull`). */
export async function markPublished(
  db: D1Database,
  id: string,
  version: string,
  now: number,
): Promise<void> {
  await db
    .prepare('UPDATE console_drafts SET published_version = ?1, published_at = ?2 WHERE id = ?3')
    .bind(version, now, id)
    .run();
}

/**
 * Records a sign-in link's use; false when it was used before (links are single use). Also
 * drops records of links that have expired anyway.
 */
export async function useLinkOnce(
  db: D1Database,
  jti: string,
  expiresAt: number,
  now: number,
): Promise<boolean> {
  const [, insert] = await db.batch([
    db.prepare('DELETE FROM console_links WHERE expires_at < ?1').bind(now),
    db
      .prepare('INSERT OR IGNORE INTO console_links (jti, used_at, expires_at) VALUES (?1, ?2, ?3)')
      .bind(jti, now, expiresAt),
  ]);
  return insert?.meta.changes === 1;
}
