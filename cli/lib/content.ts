/**
 * Reads `content-variants/` into one bundle body and validates it, mapping every problem back
 * to the file and the path inside that file where a marketer can fix it.
 *
 *   site.json        → schemaVersion, site
 *   segments.json    → segments
 *   pages/*.json     → pages (one page per file, sorted by file name)
 *   slots/*.json     → slots (one slot per file, sorted by file name)
 *   experiments/*.json → experiments (one per file; the folder is optional; `holdout` lives in site.json)
 *   profiles/        → sample profiles for local development (not part of the bundle)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { bundleVersion } from '../../shared/bundle/version.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import { CONTENT_DIR } from './paths.ts';

export interface ContentIssue {
  /** Path relative to the project root, e.g. `content-variants/slots/hero.json`. */
  file: string;
  /** Path inside that file, e.g. `rules[2].variant`; empty for the whole file. */
  at: string;
  /** What was expected. */
  message: string;
  /** What was found there (JSON), when it is a plain value. */
  found?: string;
}

export type BuildResult = { ok: true; bundle: Bundle } | { ok: false; issues: ContentIssue[] };

interface Source {
  file: string;
  /** Prefix of this file's content inside the bundle body (e.g. ['slots', 3]). */
  prefix: (string | number)[];
}

function rel(dir: string, file: string): string {
  return path.relative(path.dirname(dir), file).split(path.sep).join('/');
}

export function formatPath(parts: (string | number)[]): string {
  return parts.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${p}` : p),
    '',
  );
}

function readJson(
  dir: string,
  file: string,
  issues: ContentIssue[],
): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    issues.push({
      file: rel(dir, file),
      at: '',
      message: `cannot read file: ${(error as Error).message}`,
    });
    return undefined;
  }
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      const { $schema: _ignored, ...rest } = json as Record<string, unknown>;
      return rest;
    }
    issues.push({
      file: rel(dir, file),
      at: '',
      message: `expected a JSON object, found ${Array.isArray(json) ? 'an array' : typeof json}`,
    });
  } catch (error) {
    issues.push({
      file: rel(dir, file),
      at: '',
      message: `invalid JSON: ${(error as Error).message}`,
    });
  }
  return undefined;
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Reads the folder into a bundle body (unvalidated) and a map from body paths to files. */
export function readContent(dir = CONTENT_DIR): {
  body: Record<string, unknown>;
  sources: Source[];
  issues: ContentIssue[];
} {
  const issues: ContentIssue[] = [];
  const sources: Source[] = [];
  const siteFile = path.join(dir, 'site.json');
  const site = existsSync(siteFile) ? readJson(dir, siteFile, issues) : undefined;
  if (!existsSync(siteFile))
    issues.push({
      file: rel(dir, siteFile),
      at: '',
      message: 'missing: every bundle needs site.json with schemaVersion and site',
    });
  sources.push({ file: rel(dir, siteFile), prefix: [] });

  const segmentsFile = path.join(dir, 'segments.json');
  const segments = existsSync(segmentsFile)
    ? readJson(dir, segmentsFile, issues)
    : { segments: [] };
  sources.push({ file: rel(dir, segmentsFile), prefix: ['segments'] });

  const pages = jsonFiles(path.join(dir, 'pages')).map((file, i) => {
    sources.push({ file: rel(dir, file), prefix: ['pages', i] });
    return readJson(dir, file, issues);
  });
  const slots = jsonFiles(path.join(dir, 'slots')).map((file, i) => {
    sources.push({ file: rel(dir, file), prefix: ['slots', i] });
    return readJson(dir, file, issues);
  });
  if (pages.length === 0)
    issues.push({
      file: rel(dir, path.join(dir, 'pages')),
      at: '',
      message: 'no pages: add at least one pages/<id>.json',
    });
  if (slots.length === 0)
    issues.push({
      file: rel(dir, path.join(dir, 'slots')),
      at: '',
      message: 'no slots: add at least one slots/<id>.json',
    });

  // Experiments (issue 5): optional, and left out of the body when absent so bundles without
  // experiments keep their version hash.
  const experiments = jsonFiles(path.join(dir, 'experiments')).map((file, i) => {
    sources.push({ file: rel(dir, file), prefix: ['experiments', i] });
    return readJson(dir, file, issues);
  });

  const body = {
    ...(site ?? {}),
    segments: segments?.segments ?? [],
    pages,
    slots,
    ...(experiments.length ? { experiments } : {}),
  };
  return { body, sources, issues };
}

/** The file a bundle-body path came from, and the path inside that file. */
export function locate(
  sources: Source[],
  bodyPath: (string | number)[],
): { file: string; at: string } {
  let best: Source | undefined;
  for (const s of sources) {
    const matches = s.prefix.every((p, i) => bodyPath[i] === p);
    if (matches && (!best || s.prefix.length > best.prefix.length)) best = s;
  }
  const source = best ?? sources[0]!;
  const inner = bodyPath.slice(source.prefix.length);
  // segments.json holds `{ segments: [...] }`, so its paths keep the key.
  return {
    file: source.file,
    at: formatPath(source.prefix[0] === 'segments' ? ['segments', ...inner] : inner),
  };
}

/** Reads, validates and content-addresses the bundle. Same input → same version. */
export async function buildBundle(dir = CONTENT_DIR): Promise<BuildResult> {
  const { body, sources, issues } = readContent(dir);
  if (issues.length) return { ok: false, issues };
  const parsed = parseBundleBody(body);
  if (!parsed.ok) {
    return {
      ok: false,
      issues: parsed.issues.map((i) => ({
        ...locate(sources, i.path),
        message: i.message,
        ...(i.found === undefined ? {} : { found: i.found }),
      })),
    };
  }
  return { ok: true, bundle: { ...parsed.body, version: await bundleVersion(parsed.body) } };
}

export function formatIssues(issues: ContentIssue[]): string {
  return issues
    .map(
      (i) =>
        `${i.file}${i.at ? ` at ${i.at}` : ''}: ${i.message}${i.found === undefined ? '' : ` (found ${i.found})`}`,
    )
    .join('\n');
}
