/**
 * `tessera pull [live|<version>] [--draft <id>] --target local|<url> [--force] [--dir <folder>]`:
 * writes a published version (live by default) or a console draft back into content-variants/, so
 * work done in the console and work done in git meet. Only files whose content differs are
 * written (a file equal in meaning keeps its text); files of pages, slots or experiments the
 * version no longer has are removed. Refuses when the folder has uncommitted edits (git), unless
 * --force; prints every file it wrote or removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../shared/bundle/version.ts';
import { readDraft } from '../../shared/drafts/store.ts';
import { BundleBody, Page, SegmentDef, Slot } from '../../shared/schema/bundle.ts';
import { Experiment } from '../../shared/schema/experiment.ts';
import * as z from '../../shared/schema/zod.ts';
import { parseJsonText } from '../lib/json-text.ts';
import { contentFiles } from '../lib/content-write.ts';
import { CliError } from '../lib/errors.ts';
import { withLocalEnv } from '../lib/local-env.ts';
import { withTarget, type TargetOptions } from '../lib/target.ts';

export interface PullOptions {
  /** `live` (default) or a version. */
  what?: string;
  draft?: string;
  force: boolean;
}

export interface PullResult {
  source: string;
  written: string[];
  removed: string[];
}

const DraftAnswer = z.object({
  id: z.string(),
  title: z.string(),
  owner: z.string(),
  revision: z.number(),
  body: z.unknown(),
});

/** Uncommitted changes under `dir` (git status), or undefined when `dir` is not in a git work tree. */
export function uncommittedFiles(dir: string): string[] | undefined {
  const git = spawnSync('git', ['status', '--porcelain', '--untracked-files=all', '--', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (git.status !== 0) return undefined;
  return git.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
}

async function draftBody(
  id: string,
  target: string,
  o: TargetOptions,
): Promise<{ source: string; body: unknown }> {
  const label = (d: { id: string; title: string; owner: string; revision: number }) =>
    `draft ${d.id} "${d.title}" by ${d.owner} (revision ${d.revision})`;
  if (target === 'local') {
    const read = async (db: D1Database) => readDraft(db, id);
    const draft = o.local ? await read(o.local.DB) : await withLocalEnv((env) => read(env.DB));
    if (!draft) throw new CliError(`no draft "${id}" on local (list them in the console)`);
    return { source: label(draft), body: draft.body };
  }
  const token = process.env.TESSERA_ADMIN_TOKEN;
  if (!token)
    throw new CliError('TESSERA_ADMIN_TOKEN is not set: export an admin token with the read scope');
  let res: Response;
  try {
    res = await fetch(new URL(`/admin/drafts/${encodeURIComponent(id)}`, target), {
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (error) {
    throw new CliError(`cannot reach ${target}: ${(error as Error).message}`);
  }
  const json: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const message = (json as { error?: { message?: string } }).error?.message ?? res.statusText;
    throw new CliError(`${target} answered ${res.status}: ${message}`);
  }
  const draft = DraftAnswer.parse(json);
  return { source: label(draft), body: draft.body };
}

async function versionBody(
  what: string,
  target: string,
  o: TargetOptions,
): Promise<{ source: string; body: unknown }> {
  return withTarget(target, o, async (t) => {
    const version = what === 'live' ? (await t.live()).version : what;
    if (!version) throw new CliError(`nothing is live on ${t.name}: there is nothing to pull`);
    const bundle = await t.version(version);
    if (!bundle) throw new CliError(`no version "${version}" on ${t.name}`);
    const { version: _v, ...body } = bundle;
    return { source: `version ${version}${what === 'live' ? ' (live)' : ''} from ${t.name}`, body };
  });
}

const SiteFile = z.omit(BundleBody, {
  segments: true,
  pages: true,
  slots: true,
  experiments: true,
});
const SegmentsFile = z.object({ segments: z.array(SegmentDef) });

/** The schema a content file is read with, so defaults count as written (`tags: []`). */
function schemaOf(file: string): z.ZodMiniType | undefined {
  if (file === 'site.json') return SiteFile;
  if (file === 'segments.json') return SegmentsFile;
  if (file.startsWith('pages/')) return Page;
  if (file.startsWith('slots/')) return Slot;
  if (file.startsWith('experiments/')) return Experiment;
  return undefined;
}

/** What a file means (canonical JSON, `$schema` and defaults aside), or undefined when unreadable. */
function meaningOf(dir: string, file: string): string | undefined {
  const full = path.join(dir, file);
  if (!existsSync(full)) return undefined;
  const parsed = parseJsonText(readFileSync(full, 'utf8'));
  if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object') return undefined;
  const { $schema: _s, ...rest } = parsed.value as Record<string, unknown>;
  const checked = schemaOf(file)?.safeParse(rest);
  return canonicalJson(checked?.success ? checked.data : rest);
}

const canonicalOf = (text: string) => {
  const { $schema: _s, ...rest } = JSON.parse(text) as Record<string, unknown>;
  return canonicalJson(rest);
};

export async function pull(
  dir: string,
  target: string,
  options: PullOptions,
  o: TargetOptions,
  log: (l: string) => void,
): Promise<PullResult> {
  if (!target)
    throw new CliError(
      'missing --target: use --target local (the dev server’s state) or --target https://<your worker>',
    );
  if (!options.force) {
    const dirty = existsSync(dir) ? uncommittedFiles(dir) : [];
    if (dirty === undefined)
      throw new CliError(
        `${dir} is not in a git work tree, so pull cannot tell whether it would overwrite your edits; run it again with --force to overwrite`,
      );
    if (dirty.length)
      throw new CliError(
        `${path.relative(process.cwd(), dir) || '.'} has uncommitted edits (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}); commit or stash them first, or run again with --force to overwrite them`,
      );
  }
  const { source, body } = options.draft
    ? await draftBody(options.draft, target, o)
    : await versionBody(options.what ?? 'live', target, o);
  const parsed = BundleBody.safeParse(body);
  if (!parsed.success)
    throw new CliError(
      `${source} is not a valid bundle yet (a draft in progress?): fix it in the console first; nothing was written`,
    );
  const { files, owned } = contentFiles(parsed.data);
  const written: string[] = [];
  for (const [file, text] of files) {
    if (meaningOf(dir, file) === canonicalOf(text)) continue;
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
    written.push(file);
  }
  const removed: string[] = [];
  for (const folder of owned) {
    const full = path.join(dir, folder);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const file = `${folder}/${name}`;
      if (files.has(file)) continue;
      rmSync(path.join(full, name));
      removed.push(file);
    }
  }
  const where = path.relative(process.cwd(), dir) || '.';
  log(`pulled ${source} into ${where}`);
  for (const file of written) log(`  wrote   ${path.join(where, file)}`);
  for (const file of removed) log(`  removed ${path.join(where, file)}`);
  if (!written.length && !removed.length) log('  nothing to write: the folder already holds it');
  return { source, written, removed };
}
