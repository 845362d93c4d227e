/**
 * Temporary copies of the test suite's own content folder (test/fixtures/content/), named
 * `content-variants` like the real one so messages read the same, with injected mistakes. Tests
 * never read the demo content in content-variants/: marketers edit it (docs/testing.md).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from './run.ts';

/** The shipped content folder: only its generated editor schemas (schema/) are tested here. */
export const REAL_CONTENT = path.join(ROOT, 'content-variants');
/** The tests' content folder: three pages, five slots, an A/B test, a bandit, three profiles. */
export const FIXTURE_CONTENT = path.join(ROOT, 'test', 'fixtures', 'content');

export function copyContent(): string {
  const dir = path.join(tempDir('content'), 'content-variants');
  cpSync(FIXTURE_CONTENT, dir, { recursive: true });
  return dir;
}

type Json = Record<string, unknown> & { [key: string]: never | unknown };

/** Edits one JSON file of a copy in place. */
export function editJson(dir: string, file: string, edit: (json: Json) => void): void {
  const p = path.join(dir, file);
  const json = JSON.parse(readFileSync(p, 'utf8')) as Json;
  edit(json);
  writeFileSync(p, JSON.stringify(json, null, 2));
}

export function readJson(dir: string, file: string): Json {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json;
}
