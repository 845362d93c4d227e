/**
 * The worker ships every schema it imports; classic zod would pull all of zod into the script
 * (about 19 KiB gzip more, see docs/performance.md). Schemas import zod through
 * shared/schema/zod.ts (zod/mini with the English messages) instead.
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

describe('zod in the worker bundle', () => {
  it('is imported through shared/schema/zod.ts everywhere the worker can reach', () => {
    const offenders = [...sources(path.join(ROOT, 'worker')), ...sources(path.join(ROOT, 'shared'))]
      .filter((file) => /from ['"]zod(\/v4)?(\/classic)?['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
