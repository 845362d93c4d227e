/**
 * What the worker script may import, for its size (≤ 60 KB gzip; docs/performance.md has the
 * measurements). Each rule names the module that replaced the heavy one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Files under worker/, control/ and shared/ whose source matches `pattern`. */
function offenders(pattern: RegExp): string[] {
  return ['worker', 'control', 'shared']
    .flatMap((dir) => sources(path.join(ROOT, dir)))
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(ROOT, file));
}

const importsOf = (dir: string, target: string) =>
  sources(path.join(ROOT, dir))
    .filter((file) => new RegExp(`from ['"](\\.\\.?/)+${target}/`).test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(ROOT, file));

describe('the module graph', () => {
  it('keeps the two workers apart: control/ imports nothing from worker/, nor the reverse', () => {
    expect(importsOf('control', 'worker')).toEqual([]);
    expect(importsOf('worker', 'control')).toEqual([]);
  });

  it('keeps shared/ below both workers: it imports neither', () => {
    expect([...importsOf('shared', 'worker'), ...importsOf('shared', 'control')]).toEqual([]);
  });
});

describe('imports the worker script may not have', () => {
  it('takes zod only through shared/schema/zod.ts (zod/mini): classic zod is ~19 KiB gzip more', () => {
    expect(offenders(/from ['"]zod(\/v4)?(\/classic)?['"]/)).toEqual([]);
  });

  it('builds Hono from hono/tiny: one full `hono` import ships three more routers (~3 KiB gzip)', () => {
    expect(offenders(/import \{[^}]*\bHono\b[^}]*\} from ['"]hono['"]/)).toEqual([]);
  });
});
