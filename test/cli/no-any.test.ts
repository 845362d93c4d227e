/**
 * The project's rule: no `any` without a comment saying why. TypeScript's `noImplicitAny` (strict)
 * catches the implicit kind; this catches the written kind, in every TypeScript file we own.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FOLDERS = ['worker', 'control', 'shared', 'dev', 'cli', 'test', 'bench', 'scripts', 'sim'];
// (A regular expression, not a type: the one line here that spells the pattern.)
const EXPLICIT_ANY = /(:\s*any\b(?!\s*\w)|\bas\s+any\b|<any>|\bany\[\])/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `file:line` of each explicit `any` with no comment on its line or the line above. */
export function unexplainedAny(files: string[]): string[] {
  return files.flatMap((file) => {
    const lines = readFileSync(file, 'utf8').split('\n');
    return lines.flatMap((line, i) => {
      const code = line.replace(/\/\/.*$/, '').replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "''");
      if (/^\s*(\*|\/\*)/.test(line) || !EXPLICIT_ANY.test(code)) return [];
      const explained = line.includes('//') || /\/\/|\*\//.test(lines[i - 1] ?? '');
      return explained ? [] : [`${path.relative(ROOT, file)}:${i + 1}`];
    });
  });
}

describe('explicit any', () => {
  it('appears nowhere without a comment saying why', () => {
    const files = FOLDERS.flatMap((f) => {
      try {
        return sources(path.join(ROOT, f));
      } catch {
        return [];
      }
    });
    expect(files.length).toBeGreaterThan(100);
    expect(unexplainedAny(files)).toEqual([]);
  });

  it('is found when written, and a comment on the line or above excuses it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-any-'));
    const file = path.join(dir, 'probe.ts');
    writeFileSync(
      file,
      [
        'const a: any = 1;',
        'const b = a as any; // the runtime hands us an untyped object',
        '// A third-party callback without types:',
        'const c: any[] = [];',
        "const d = 'as any in a string';",
        'const e = <any>d;',
      ].join('\n'),
    );
    expect(unexplainedAny([file]).map((l) => l.split(':').pop())).toEqual(['1', '6']);
  });
});
