import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, formatIssues } from '../../cli/lib/content.ts';
import { schemaFiles } from '../../cli/lib/schema-files.ts';
import { REAL_CONTENT, copyContent, editJson, readJson } from './content-copy.ts';
import { fixtureContent } from './fixture-content.ts';
import { runCli } from './run.ts';

/** A slot of our own, so mistakes can be injected whatever the real content holds. */
const extraSlot = () => ({
  $schema: '../schema/slot.schema.json',
  id: 'zz-test-hero',
  component: 'hero',
  default: 'zz-a',
  variants: [
    { id: 'zz-a', props: { headline: 'A', cta: { label: 'Go', href: '/shop' } } },
    { id: 'zz-b', props: { headline: 'B' } },
  ],
  rules: [
    {
      id: 'zz-rule',
      when: { field: 'context.device', op: 'eq', value: 'mobile' },
      variant: 'zz-b',
    },
  ],
});

function firstPage(dir: string): string {
  return `pages/${
    readdirSync(path.join(dir, 'pages'))
      .filter((f) => f.endsWith('.json'))
      .sort()[0]
  }`;
}

/** A copy with our slot placed on the first page, then `mutate` applied to that slot. */
function withSlot(mutate: (slot: ReturnType<typeof extraSlot>) => void = () => {}): string {
  const dir = fixtureContent();
  const slot = extraSlot();
  mutate(slot);
  writeFileSync(path.join(dir, 'slots', 'zz-test-hero.json'), JSON.stringify(slot, null, 2));
  editJson(dir, firstPage(dir), (page) => void (page.slots as string[]).push('zz-test-hero'));
  return dir;
}

/** The problems, without their line:column (a test of its own checks those). */
async function problems(dir: string): Promise<string> {
  const built = await buildBundle(dir);
  expect(built.ok).toBe(false);
  return built.ok ? '' : formatIssues(built.issues).replace(/\.json:\d+:\d+/g, '.json');
}

describe('tessera validate', () => {
  it('accepts a valid content folder and prints its version', async () => {
    const r = await runCli(['validate', '--dir', copyContent()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^valid: \d+ pages, \d+ slots, \d+ segments(, \d+ experiments)?(, [\d.]+% holdout)? \(version [0-9a-f]{16}\)/,
    );
  });

  it('exits non-zero and names file, path, expectation and what was found', async () => {
    const dir = withSlot(
      (s) => void ((s.variants[1]!.props as Record<string, unknown>).headline = 42),
    );
    const r = await runCli(['validate', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /content-variants\/slots\/zz-test-hero\.json:\d+:\d+ › variant "zz-b" › props\.headline: Invalid input: expected string, received number \(found 42\)/,
    );
    expect(r.stdout).toBe('');
  });

  it('reports a condition nested too deep with the file and the rule, without a stack overflow', async () => {
    let when: unknown = { field: 'context.device', op: 'eq', value: 'mobile' };
    for (let i = 0; i < 2_100; i++) when = { not: when };
    const dir = withSlot((s) => void ((s.rules[0] as { when: unknown }).when = when));
    const text = await problems(dir);
    expect(text).toMatch(
      /slots\/zz-test-hero\.json(:\d+:\d+)? › rule "zz-rule" › when(\.not){16}: conditions nest at most 16 levels deep/,
    );
    expect(text).toContain('split it into segments');
  });

  it('reports a JSON syntax error with file, line and column', async () => {
    const dir = fixtureContent();
    writeFileSync(
      path.join(dir, 'slots', 'zz-broken.json'),
      '{\n  "id": "broken",\n  "component": "hero",\n}\n',
    );
    const built = await buildBundle(dir);
    expect(built.ok ? '' : formatIssues(built.issues)).toBe(
      'content-variants/slots/zz-broken.json:4:1: invalid JSON: expected a property name in double quotes',
    );
  });

  it('points each problem at its line and column, naming variants and rules by id', async () => {
    const dir = withSlot((s) => void (s.rules[0]!.variant = 'zz-ghost'));
    const built = await buildBundle(dir);
    const text = built.ok ? '' : formatIssues(built.issues);
    // extraSlot() written with 2-space indents: the rule's "variant" key is on line 32, column 7.
    expect(text).toBe(
      'content-variants/slots/zz-test-hero.json:32:7 › rule "zz-rule" › variant: unknown variant "zz-ghost" (slot "zz-test-hero" has zz-a, zz-b)',
    );
  });

  it('refuses text that looks like a placeholder but is not one (visitors would see it)', async () => {
    const dir = withSlot((s) => void (s.variants[1]!.props.headline = 'Hi {{trait.firstName}}'));
    expect(await problems(dir)).toContain(
      'zz-test-hero.json › variant "zz-b" › props.headline: looks like a placeholder but is not one',
    );
  });

  it('warns about a {{traits.x}} no sample profile has, and still builds', async () => {
    const dir = withSlot(
      (s) => void (s.variants[1]!.props.headline = 'Hi {{traits.fristName|friend}}'),
    );
    const built = await buildBundle(dir);
    expect(built.ok).toBe(true);
    expect(built.ok ? formatIssues(built.warnings) : '').toMatch(
      /zz-test-hero\.json:\d+:\d+ › variant "zz-b" › props\.headline: \{\{traits\.fristName\|friend\}\} names a trait no sample profile has \(known: firstName\); visitors see "friend" there/,
    );
    const r = await runCli(['validate', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: content-variants/slots/zz-test-hero.json:');
    expect(r.stdout).toMatch(/^valid: /);
  });

  it('reports an unsafe URL', async () => {
    const dir = withSlot((s) => void (s.variants[0]!.props.cta!.href = 'javascript:alert(1)'));
    expect(await problems(dir)).toContain(
      'slots/zz-test-hero.json › variant "zz-a" › props.cta.href: a site path ("/shop") or an http(s) URL; javascript:, data: and // URLs are not allowed (found "javascript:alert(1)")',
    );
  });

  it('reports a protocol-relative URL as unsafe too', async () => {
    const dir = withSlot((s) => void (s.variants[0]!.props.cta!.href = '//evil.example'));
    expect(await problems(dir)).toContain('› variant "zz-a" › props.cta.href: a site path');
  });

  it('reports a prop the component does not have (a typo)', async () => {
    const dir = withSlot(
      (s) => void ((s.variants[0]!.props as Record<string, unknown>).headlin = 'x'),
    );
    expect(await problems(dir)).toContain(
      'slots/zz-test-hero.json › variant "zz-a" › props: Unrecognized key: "headlin"',
    );
  });

  it('reports an unknown component', async () => {
    const dir = withSlot((s) => void ((s as Record<string, unknown>).component = 'carousel'));
    expect(await problems(dir)).toContain(
      "slots/zz-test-hero.json › component: Invalid discriminator value. Expected 'hero'",
    );
  });

  it('reports a slot without a default', async () => {
    const dir = withSlot((s) => void delete (s as Partial<typeof s>).default);
    expect(await problems(dir)).toContain(
      'slots/zz-test-hero.json › default: Invalid input: expected string, received undefined',
    );
  });

  it('reports a default that is not one of the slot’s variants', async () => {
    const dir = withSlot((s) => void (s.default = 'zz-missing'));
    expect(await problems(dir)).toContain(
      'slots/zz-test-hero.json › default: default variant "zz-missing" is not one of this slot\'s variants (zz-a, zz-b)',
    );
  });

  it('reports a rule naming a missing variant', async () => {
    const dir = withSlot((s) => void (s.rules[0]!.variant = 'zz-ghost'));
    expect(await problems(dir)).toContain(
      'slots/zz-test-hero.json › rule "zz-rule" › variant: unknown variant "zz-ghost" (slot "zz-test-hero" has zz-a, zz-b)',
    );
  });

  it('reports a rule naming an undeclared segment', async () => {
    const dir = withSlot(
      (s) =>
        void s.rules.push({
          id: 'zz-seg',
          when: { segment: 'no-such-segment' } as never,
          variant: 'zz-a',
        }),
    );
    expect(await problems(dir)).toMatch(
      /slots\/zz-test-hero\.json › rule "zz-seg" › when: unknown segment "no-such-segment"; declare it in segments/,
    );
  });

  it('reports a misspelt condition operator with the allowed ones', async () => {
    const dir = withSlot((s) => void ((s.rules[0]!.when as Record<string, unknown>).op = 'equals'));
    expect(await problems(dir)).toContain(
      `› rule "zz-rule" › when.op: Invalid discriminator value. Expected 'eq' | 'in'`,
    );
  });

  it('reports duplicate variant and slot ids', async () => {
    const dir = withSlot((s) => void (s.variants[1]!.id = 'zz-a'));
    writeFileSync(path.join(dir, 'slots', 'zz-test-hero-copy.json'), JSON.stringify(extraSlot()));
    const text = await problems(dir);
    expect(text).toContain('slots/zz-test-hero.json › variants[1].id: duplicate variant id "zz-a"');
    expect(text).toMatch(
      /slots\/zz-test-hero(-copy)?\.json › id: duplicate slot id "zz-test-hero"/,
    );
  });

  it('reports an id that is not lowercase-with-dashes', async () => {
    const dir = withSlot((s) => void (s.variants[1]!.id = 'Spring Sale'));
    expect(await problems(dir)).toContain(
      '› variant "Spring Sale" › id: an id of lowercase letters, digits and dashes, e.g. "spring-sale" (found "Spring Sale")',
    );
  });

  it('reports a page that names a slot with no file', async () => {
    const dir = fixtureContent();
    const page = firstPage(dir);
    editJson(dir, page, (p) => void (p.slots as string[]).push('zz-nowhere'));
    expect(await problems(dir)).toMatch(
      new RegExp(`${page.replace('.', '\\.')} › slots\\[\\d+\\]: unknown slot "zz-nowhere"`),
    );
  });

  it('reports a missing site.json', async () => {
    const dir = fixtureContent();
    rmSync(path.join(dir, 'site.json'));
    expect(await problems(dir)).toContain(
      'content-variants/site.json: missing: every bundle needs site.json',
    );
  });
});

describe('tessera build', () => {
  it('gives the same version for the same content, however the files are formatted', async () => {
    const dir = fixtureContent();
    const first = (await runCli(['build', '--dir', dir])).stdout.trim();
    for (const f of readdirSync(path.join(dir, 'slots'))) {
      const p = path.join(dir, 'slots', f);
      const json = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
      const reordered = Object.fromEntries(Object.entries(json).reverse());
      writeFileSync(p, JSON.stringify(reordered));
    }
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect((await runCli(['build', '--dir', dir])).stdout.trim()).toBe(first);
    editJson(
      dir,
      'site.json',
      (s) => void ((s.site as Record<string, unknown>).name = 'Another name'),
    );
    expect((await runCli(['build', '--dir', dir])).stdout.trim()).not.toBe(first);
  });
});

describe('JSON Schema for editors', () => {
  it('is up to date with the zod schemas (run `npx tessera schema` after changing shared/schema)', () => {
    for (const [name, text] of Object.entries(schemaFiles())) {
      expect(readFileSync(path.join(REAL_CONTENT, 'schema', name), 'utf8'), name).toBe(text);
    }
  });

  it('is what every bundle file names in $schema (sample profiles may, too)', () => {
    const inDir = (d: string) =>
      readdirSync(path.join(REAL_CONTENT, d))
        .filter((f) => f.endsWith('.json'))
        .map((f) => `${d}/${f}`);
    const bundleFiles = ['site.json', 'segments.json', ...inDir('pages'), ...inDir('slots')];
    const profiles = inDir('profiles').filter(
      (f) => readJson(REAL_CONTENT, f).$schema !== undefined,
    );
    for (const file of [...bundleFiles, ...profiles]) {
      const ref = readJson(REAL_CONTENT, file).$schema;
      expect(typeof ref, file).toBe('string');
      const target = path.resolve(path.dirname(path.join(REAL_CONTENT, file)), ref as string);
      expect(Object.keys(schemaFiles()), file).toContain(path.basename(target));
      expect(path.dirname(target)).toBe(path.join(REAL_CONTENT, 'schema'));
    }
  });
});
