/**
 * Temporary copies of content-variants/ with injected mistakes; the real folder is never touched.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from './run.ts';

export const REAL_CONTENT = path.join(ROOT, 'content-variants');

export function copyContent(): string {
  const dir = path.join(tempDir('content'), 'content-variants');
  cpSync(REAL_CONTENT, dir, { recursive: true });
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
