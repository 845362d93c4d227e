/**
 * Marketers edit content-variants/ (the demo content) freely, so no test may depend on it — except
 * the tests that exist to check it: its invariants (valid, every component kind used, every page
 * renders: test/worker/demo-content.test.ts), the demo store in a browser (test/browser/, which
 * names no demo page or variant) and its generated editor schemas (validate.test.ts). Every other
 * test builds its own content: test/support/bundle.ts, test/fixtures/content/ (copyContent()),
 * fixtureContent(). See docs/testing.md.
 *
 * This reads every test source for the ways a test reaches the demo folder: its path, the CLI's
 * constants for it, a content-folder call without a folder (which defaults to it).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run.ts';

/** Files allowed to read the demo content, each for the reason in the header above. */
const ALLOWED = new Set([
  'test/worker/demo-content.test.ts',
  'test/browser/demo-store.test.ts',
  'test/support/browser-site.ts',
  'test/cli/validate.test.ts',
  'test/cli/content-copy.ts',
  'test/cli/demo-independence.test.ts',
]);

/** How a test would reach content-variants/. */
const REACHES_DEMO: [string, (text: string) => boolean][] = [
  ['its path', (t) => /\.\.\/content-variants\/|\(ROOT, ['"]content-variants['"]/.test(t)],
  ['the CLI constant for it', (t) => /\b(CONTENT_DIR|PROFILES_DIR|REAL_CONTENT)\b/.test(t)],
  ['a build of the default folder', (t) => /buildBundle\(\)/.test(t)],
  ['a command on the default folder', (t) => commandLines(t).some(readsDefaultFolder)],
];

/** The argument lists of `tessera([...])` and `runCli([...])` calls, as source text. */
const commandLines = (text: string) =>
  [...text.matchAll(/\b(?:tessera|runCli)\(\s*\[([^\]]*)\]/g)].map((m) => m[1]!);

/** A command that reads a content folder, given none: it reads content-variants/. */
function readsDefaultFolder(args: string): boolean {
  const command = /^\s*['"](\w+)['"]/.exec(args)?.[1];
  if (args.includes("'--dir'")) return false;
  if (command === 'seed' || command === 'validate' || command === 'build') return true;
  // publish and diff read the folder once they have a target (without one they stop first).
  return (command === 'publish' || command === 'diff') && args.includes("'--target'");
}

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return rel === 'test/fixtures' ? [] : sources(rel);
    return /\.(ts|js|mjs)$/.test(e.name) ? [rel] : [];
  });
}

describe('the tests and the demo content', () => {
  it('no test but the demo content’s own checks reads content-variants/', () => {
    const found = sources('test')
      .filter((file) => !ALLOWED.has(file))
      .flatMap((file) => {
        const text = readFileSync(path.join(ROOT, file), 'utf8');
        return REACHES_DEMO.filter(([, reaches]) => reaches(text)).map(
          ([how]) => `${file}: ${how}`,
        );
      });
    expect(found).toEqual([]);
  });

  it('would notice a test that did (the check above can fail)', () => {
    const hit = (text: string) => REACHES_DEMO.some(([, reaches]) => reaches(text));
    expect(hit("import site from '../../content-variants/site.json';")).toBe(true);
    expect(hit('const built = await buildBundle();')).toBe(true);
    expect(hit("tessera(['seed'], { TESSERA_LOCAL_STATE: state })")).toBe(true);
    expect(hit("runCli(['publish', '--target', 'local'])")).toBe(true);
    expect(hit("import { CONTENT_DIR } from '../../cli/lib/paths.ts';")).toBe(true);
    expect(hit("runCli(['seed', '--dir', copyContent()])")).toBe(false);
    expect(hit("runCli(['publish'])")).toBe(false);
  });
});
