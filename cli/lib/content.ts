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
import { describePath, type Issue } from '../../shared/bundle/issues.ts';
import { checkPlaceholders } from '../../shared/bundle/placeholders.ts';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { bundleVersion } from '../../shared/bundle/version.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import { parseJsonText, positionOfPath } from './json-text.ts';
import { CONTENT_DIR } from './paths.ts';

export interface ContentIssue {
  /** Path relative to the project root, e.g. `content-variants/slots/hero.json`. */
  file: string;
  /** Where in the file (1-based), when the text could be read. */
  line?: number;
  column?: number;
  /**
   * Path inside that file, elements named by id: `variant "hero-vip" › props.headline`,
   * `rule "vip-perks" › variant`; empty for the whole file.
   */
  at: string;
  /** What was expected. */
  message: string;
  /** What was found there (JSON), when it is a plain value. */
  found?: string;
}

/** `warnings`: worth a look, but they do not stop a build (e.g. a trait no sample profile has). */
export type BuildResult =
  { ok: true; bundle: Bundle; warnings: ContentIssue[] } | { ok: false; issues: ContentIssue[] };

interface Source {
  file: string;
  /** Prefix of this file's content inside the bundle body (e.g. ['slots', 3]). */
  prefix: (string | number)[];
  /** The file's text and parsed JSON, when it could be read and parsed. */
  text?: string;
  json?: unknown;
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

/** Reads one JSON object file; on success records its text and value on `source`. */
function readJson(
  dir: string,
  file: string,
  issues: ContentIssue[],
  source: Source,
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
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    issues.push({
      file: rel(dir, file),
      ...parsed.position,
      at: '',
      message: `invalid JSON: ${parsed.message}`,
    });
    return undefined;
  }
  const json = parsed.value;
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    source.text = text;
    source.json = json;
    const { $schema: _ignored, ...rest } = json as Record<string, unknown>;
    return rest;
  }
  issues.push({
    file: rel(dir, file),
    at: '',
    message: `expected a JSON object, found ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`,
  });
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
  const siteSource: Source = { file: rel(dir, siteFile), prefix: [] };
  sources.push(siteSource);
  const site = existsSync(siteFile) ? readJson(dir, siteFile, issues, siteSource) : undefined;
  if (!existsSync(siteFile))
    issues.push({
      file: rel(dir, siteFile),
      at: '',
      message: 'missing: every bundle needs site.json with schemaVersion and site',
    });

  const segmentsFile = path.join(dir, 'segments.json');
  const segmentsSource: Source = { file: rel(dir, segmentsFile), prefix: ['segments'] };
  sources.push(segmentsSource);
  const segments = existsSync(segmentsFile)
    ? readJson(dir, segmentsFile, issues, segmentsSource)
    : { segments: [] };

  const pages = jsonFiles(path.join(dir, 'pages')).map((file, i) => {
    const source: Source = { file: rel(dir, file), prefix: ['pages', i] };
    sources.push(source);
    return readJson(dir, file, issues, source);
  });
  const slots = jsonFiles(path.join(dir, 'slots')).map((file, i) => {
    const source: Source = { file: rel(dir, file), prefix: ['slots', i] };
    sources.push(source);
    return readJson(dir, file, issues, source);
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
    const source: Source = { file: rel(dir, file), prefix: ['experiments', i] };
    sources.push(source);
    return readJson(dir, file, issues, source);
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

/**
 * The file a bundle-body path came from, and where inside it: the path with elements named by
 * id, and its line and column.
 */
export function locate(
  sources: Source[],
  bodyPath: (string | number)[],
): Pick<ContentIssue, 'file' | 'at' | 'line' | 'column'> {
  let best: Source | undefined;
  for (const s of sources) {
    const matches = s.prefix.every((p, i) => bodyPath[i] === p);
    if (matches && (!best || s.prefix.length > best.prefix.length)) best = s;
  }
  const source = best ?? sources[0]!;
  const rest = bodyPath.slice(source.prefix.length);
  // segments.json holds `{ segments: [...] }`, so its paths keep the key.
  const inner = source.prefix[0] === 'segments' ? ['segments', ...rest] : rest;
  const position = source.text === undefined ? undefined : positionOfPath(source.text, inner);
  return {
    file: source.file,
    ...position,
    at: source.json === undefined ? formatPath(inner) : describePath(source.json, inner),
  };
}

/** Reads, validates and content-addresses the bundle. Same input → same version. */
/** Trait keys of the sample profiles in `<dir>/profiles/` (unreadable files are skipped). */
export function sampleTraits(dir: string): Set<string> {
  const keys = new Set<string>();
  for (const file of jsonFiles(path.join(dir, 'profiles'))) {
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { traits?: unknown };
      if (json.traits && typeof json.traits === 'object')
        for (const key of Object.keys(json.traits)) keys.add(key);
    } catch {
      // a broken sample profile is reported by the commands that read profiles
    }
  }
  return keys;
}

/** Reads, validates and content-addresses the bundle. Same input → same version. */
export async function buildBundle(dir = CONTENT_DIR): Promise<BuildResult> {
  const { body, sources, issues } = readContent(dir);
  if (issues.length) return { ok: false, issues };
  const located = (i: Issue): ContentIssue => ({
    ...locate(sources, i.path),
    message: i.message,
    ...(i.found === undefined ? {} : { found: i.found }),
  });
  const parsed = parseBundleBody(body);
  if (!parsed.ok) return { ok: false, issues: parsed.issues.map(located) };
  const placeholders = checkPlaceholders(parsed.body, sampleTraits(dir));
  if (placeholders.errors.length) return { ok: false, issues: placeholders.errors.map(located) };
  return {
    ok: true,
    bundle: { ...parsed.body, version: await bundleVersion(parsed.body) },
    warnings: placeholders.warnings.map(located),
  };
}

/** One line per issue: `file:line:column › where: what was expected (found …)`. */
export function formatIssues(issues: ContentIssue[]): string {
  return issues
    .map(
      (i) =>
        `${i.file}${i.line === undefined ? '' : `:${i.line}:${i.column}`}${i.at ? ` › ${i.at}` : ''}: ${i.message}${i.found === undefined ? '' : ` (found ${i.found})`}`,
    )
    .join('\n');
}
