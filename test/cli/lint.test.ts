/**
 * The linter's rules (eslint.config.js) fail on a deliberate violation of each, in the folder the
 * rule guards, and pass the same code where it is allowed: the rules can fail.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  // `ignore: false`: the fixtures folder is ignored by `npm run lint`, on purpose.
  eslint = new ESLint({ cwd: ROOT, ignore: false });
});

/** The rule ids reported for `code` as if it were the file `file` (which need not exist). */
async function rulesFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.map((m) => m.ruleId ?? 'fatal');
}

describe('npm run lint', () => {
  it('refuses an explicit any without an `// any:` comment, anywhere', async () => {
    expect(await rulesFor('cli/lib/probe.ts', 'export const a: any = 1;\n')).toEqual([
      'tessera/explained-any',
    ]);
    expect(await rulesFor('test/cli/probe.ts', 'export const f = (x: any[]) => x;\n')).toEqual([
      'tessera/explained-any',
    ]);
  });

  it('takes an any explained by an `// any:` comment on its line or the line above', async () => {
    const code = [
      '// any: the callback is untyped upstream',
      'export const a: any = 1;',
      'export const b = a as any; // any: same object',
      '// a comment that is not the excuse',
      'export const c: any = 2;',
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, 'cli/lib/probe.ts') });
    expect(result!.messages.map((m) => [m.ruleId, m.line])).toEqual([['tessera/explained-any', 5]]);
  });

  it('refuses classic zod in worker code, and takes it through shared/schema/zod.ts', async () => {
    expect(
      await rulesFor('control/routes/probe.ts', "import * as z from 'zod';\nexport { z };\n"),
    ).toEqual(['no-restricted-imports']);
    expect(
      await rulesFor('shared/schema/probe.ts', "import { z } from 'zod/v4';\nexport { z };\n"),
    ).toEqual(['no-restricted-imports']);
    expect(
      await rulesFor(
        'control/routes/probe.ts',
        "import * as z from '../../shared/schema/zod.ts';\nexport { z };\n",
      ),
    ).toEqual([]);
  });

  it('refuses zod, and modules that define zod schemas, at runtime in the visitor worker; types and the generated validators are fine', async () => {
    for (const file of ['worker/routes/probe.ts', 'worker/decide/probe.ts']) {
      expect(
        new Set(
          await rulesFor(file, "import * as z from '../../shared/schema/zod.ts';\nexport { z };\n"),
        ),
      ).toEqual(new Set(['no-restricted-imports']));
      expect(
        await rulesFor(
          file,
          "import { Profile } from '../../shared/schema/profile.ts';\nexport { Profile };\n",
        ),
      ).toEqual(['no-restricted-imports']);
      expect(
        await rulesFor(
          file,
          "import type { Profile } from '../../shared/schema/profile.ts';\n" +
            "import { Profile as check } from '../../shared/schema/validators.gen.ts';\n" +
            "import { WEB } from '../../shared/schema/channels.ts';\n" +
            'export const x: [Profile | undefined, unknown, string] = [undefined, check, WEB];\n',
        ),
      ).toEqual([]);
    }
  });

  it('refuses the full hono preset in worker code, and takes hono/tiny and type imports', async () => {
    expect(
      await rulesFor(
        'control/routes/probe.ts',
        "import { Hono } from 'hono';\nexport const app = new Hono();\n",
      ),
    ).toEqual(['no-restricted-imports']);
    expect(
      await rulesFor(
        'control/routes/probe.ts',
        "import { Hono } from 'hono/tiny';\nimport type { Context } from 'hono';\nexport const app = new Hono();\nexport type C = Context;\n",
      ),
    ).toEqual([]);
  });

  it('refuses an import cycle', async () => {
    const results = await eslint.lintFiles(['test/fixtures/lint/cycle-a.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => m.ruleId))).toEqual(['import-x/no-cycle']);
  });

  it('keeps the layers apart: the workers, shared/ and the CLI', async () => {
    const imports = (from: string, target: string) =>
      rulesFor(from, `import type * as m from '${target}';\nexport type M = typeof m;\n`);
    expect(await imports('control/routes/probe.ts', '../../worker/identity/visitor.ts')).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await imports('worker/routes/probe.ts', '../../control/auth/require-scope.ts')).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await imports('shared/http/probe.ts', '../../worker/identity/visitor.ts')).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await imports('cli/lib/probe.ts', '../../worker/identity/visitor.ts')).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await imports('cli/lib/probe.ts', '../../shared/auth/keyring.ts')).toEqual([]);
  });

  it('keeps the pure decision folders free of Workers APIs, I/O modules, the clock and randomness', async () => {
    const pure = 'worker/decide/probe.ts';
    const cases: [string, string][] = [
      [
        "import { env } from 'cloudflare:workers';\nexport const e = env;\n",
        'no-restricted-imports',
      ],
      [
        "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
        'no-restricted-imports',
      ],
      [
        "import { getCookie } from 'hono/cookie';\nexport const g = getCookie;\n",
        'no-restricted-imports',
      ],
      [
        "import { BundleStore } from '../../shared/data/bundle-store.ts';\nexport const s = BundleStore;\n",
        'no-restricted-imports',
      ],
      [
        "import { handlePage } from '../routes/page.ts';\nexport const h = handlePage;\n",
        'no-restricted-imports',
      ],
      ['export const get = () => fetch("https://example.com");\n', 'no-restricted-globals'],
      ['export const now = () => Date.now();\n', 'no-restricted-properties'],
      ['export const roll = () => Math.random();\n', 'no-restricted-properties'],
      ['export const today = () => new Date();\n', 'no-restricted-syntax'],
      [
        'export const read = (kv: KVNamespace) => kv.get("x");\n',
        '@typescript-eslint/no-restricted-types',
      ],
    ];
    for (const [code, rule] of cases) expect(await rulesFor(pure, code), code).toEqual([rule]);
    // The same code is fine at the edges (a route), and the pure folders may render with hono/jsx.
    expect(await rulesFor('worker/routes/probe.ts', cases[5]![0])).toEqual([]);
    expect(
      await rulesFor(
        'worker/render/probe.ts',
        "import { html } from 'hono/html';\nexport const h = html;\n",
      ),
    ).toEqual([]);
    expect(await rulesFor(pure, 'export const at = (now: number) => new Date(now);\n')).toEqual([]);
  });
});
