/**
 * The validators the visitor worker runs (shared/schema/validators.gen.ts) are generated from the
 * zod schemas (scripts/build-validators.ts): the checked-in file must be what the schemas generate
 * today, and each validator must answer exactly as its schema's `safeParse` — same accept/reject,
 * same output (defaults and prototype-free records included) — on seeded inputs built from the
 * schema itself: mostly valid values, each node now and then at a boundary or of the wrong kind.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  node,
  OUT,
  validatorsModule,
  type Def,
  type Schema,
} from '../../scripts/build-validators.ts';
import * as z from '../../shared/schema/zod.ts';
import { RUNTIME_SCHEMAS } from '../../shared/schema/runtime-schemas.ts';
import * as generated from '../../shared/schema/validators.gen.ts';
import * as v from '../../shared/schema/validate.ts';
import type { Validator } from '../../shared/schema/validate.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

const ODD = fc.constantFrom<unknown>(
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  true,
  [],
  {},
  'ab-12',
  '2026-01-02T03:04:05Z',
  2 ** 53,
  '__proto__',
);
const sometimesOdd = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 40 }, { arbitrary: ODD, weight: 1 });

function limits(def: Def) {
  let min = 0;
  let max = 8;
  for (const c of def.checks ?? []) {
    if (c._zod.def.check === 'min_length') min = c._zod.def.minimum ?? min;
    if (c._zod.def.check === 'max_length') max = Math.min(max, (c._zod.def.maximum ?? max) + 1);
  }
  return { min: Math.min(min, max), max };
}

const patternString = (re: RegExp) =>
  fc.stringMatching(
    new RegExp(re.source.replace(/^\^?/, '^').replace(/\$?$/, '$')),
  ) as fc.Arbitrary<string>;

/** Values for `schema`: mostly what it accepts, now and then a near miss or the wrong kind. */
function arbitrary(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string': {
      const re =
        def.pattern ??
        def.checks?.map((c) => (c._zod.def as { pattern?: RegExp }).pattern).find(Boolean);
      const { min, max } = limits(def);
      const refined = def.checks?.some((c) => c._zod.def.check === 'custom');
      const good = re
        ? fc.oneof(
            { arbitrary: patternString(re), weight: 8 },
            { arbitrary: fc.string({ maxLength: 4 }), weight: 1 },
          )
        : refined
          ? fc.oneof(
              { arbitrary: fc.constantFrom('/shop', 'https://shop.test/a', '#faq'), weight: 8 },
              { arbitrary: fc.constantFrom('//evil', 'javascript:x', ''), weight: 1 },
            )
          : fc.string({ minLength: min, maxLength: max });
      return sometimesOdd(good);
    }
    case 'number':
      return sometimesOdd(
        fc.oneof(fc.integer({ min: -2, max: 120 }), fc.double({ min: -1, max: 2, noNaN: true })),
      );
    case 'boolean':
      return sometimesOdd(fc.boolean());
    case 'literal':
      return sometimesOdd(fc.constantFrom(...def.values!));
    case 'enum':
      return sometimesOdd(fc.constantFrom(...Object.values(def.entries!)));
    case 'optional':
    case 'default':
    case 'nullable':
      return fc.oneof(
        { arbitrary: arbitrary(def.innerType!, depth), weight: 3 },
        { arbitrary: fc.constant(def.type === 'nullable' ? null : undefined), weight: 1 },
      );
    case 'array': {
      const { min, max } = limits(def);
      return sometimesOdd(
        fc.array(arbitrary(def.element!, depth + 1), {
          minLength: min,
          maxLength: Math.max(min, Math.min(max, 3)),
        }),
      );
    }
    case 'object': {
      const shape = Object.entries(def.shape ?? {});
      const fields = Object.fromEntries(shape.map(([k, s]) => [k, arbitrary(s, depth + 1)]));
      const required = shape
        .filter(([, s]) => !['optional', 'default'].includes(s._zod.def.type))
        .map(([k]) => k);
      const extra = def.catchall
        ? fc.dictionary(
            fc.constantFrom('extra', 'segment', 'x', '__proto__', 'constructor'),
            def.catchall._zod.def.type === 'never' ? ODD : arbitrary(def.catchall, depth + 1),
            { maxKeys: 2 },
          )
        : fc.dictionary(fc.constantFrom('extra', '__proto__'), ODD, { maxKeys: 1 });
      return sometimesOdd(
        fc
          .tuple(fc.record(fields, { requiredKeys: required }), fc.option(extra, { freq: 8 }))
          .map(([o, e]) => JSON.parse(JSON.stringify({ ...(e ?? {}), ...o })) as unknown),
      );
    }
    case 'record':
      return sometimesOdd(
        fc
          .dictionary(
            fc.oneof(
              arbitrary(def.keyType!, depth + 1).filter(
                (k) => typeof k === 'string',
              ) as fc.Arbitrary<string>,
              fc.constantFrom('constructor', 'toString', '__proto__', 'a b'),
            ),
            arbitrary(def.valueType!, depth + 1),
            { maxKeys: 4 },
          )
          .map((o) => JSON.parse(JSON.stringify(o)) as unknown),
      );
    case 'union':
      return fc.oneof(...def.options!.map((o) => arbitrary(o, depth + 1)));
    case 'pipe':
      return def.in!._zod.def.type === 'transform'
        ? arbitrary(def.out!, depth)
        : arbitrary(def.in!, depth);
    case 'transform':
      return ODD;
  }
  throw new Error(`no arbitrary for ${def.type}`);
}

/**
 * The decision API's bodies are refined across fields (a subject names someone, the slots are
 * named): most generated bodies break one of those, so these repairs make most of them whole
 * again before the odd value does its work elsewhere.
 */
const subject = fc.constantFrom({ visitorId: 'v-1' }, { cookie: 'a.b.c' }, { customerId: 'c-1' });
const REPAIRS: Record<string, fc.Arbitrary<(x: unknown) => unknown>> = {
  DecisionRequest: fc.tuple(subject, fc.constantFrom({ page: 'home' }, { slots: ['hero'] })).map(
    ([s, t]) =>
      (x: unknown) =>
        isObj(x) ? { ...x, ...t, subject: s } : x,
  ),
  DecisionBatchRequest: fc
    .tuple(subject, fc.constantFrom({ page: 'home' }, { slots: ['hero'] }))
    .map(
      ([s, t]) =>
        (x: unknown) =>
          isObj(x)
            ? {
                ...x,
                ...t,
                consent: 'personal',
                items: Array.isArray(x.items)
                  ? x.items.map((i) => {
                      // An item's context is checked as DecisionRequest's is: repaired items go without.
                      if (!isObj(i)) return i;
                      const { context: _, ...rest } = i;
                      return { ...rest, subject: s };
                    })
                  : x.items,
              }
            : x,
    ),
  ServerEventsRequest: subject.map((s) => (x: unknown) => (isObj(x) ? { ...x, subject: s } : x)),
};
const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function inputs(name: string, schema: Schema): fc.Arbitrary<unknown> {
  const base = arbitrary(schema);
  const repair = REPAIRS[name];
  return repair
    ? fc.oneof(
        { arbitrary: fc.tuple(base, repair).map(([x, fix]) => fix(x)), weight: 4 },
        { arbitrary: base, weight: 1 },
      )
    : base;
}

describe('the visitor worker', () => {
  it('ships no zod: nothing it imports at runtime, however indirectly, reaches zod', async () => {
    const { build } = await import('esbuild');
    const { metafile } = await build({
      entryPoints: [path.join(ROOT, 'worker/index.ts')],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      external: ['cloudflare:*', 'node:*'],
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      jsx: 'automatic',
      jsxImportSource: 'hono/jsx',
      logLevel: 'silent',
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.length).toBeGreaterThan(100);
    expect(inputs.filter((f) => /node_modules\/zod\/|shared\/schema\/zod\.ts$/.test(f))).toEqual(
      [],
    );
  });
});

describe('the generated validators', () => {
  it(`are what the zod schemas generate today (run npm run build:validators)`, async () => {
    expect(readFileSync(path.join(ROOT, OUT), 'utf8')).toBe(await validatorsModule());
  });

  it('are each built on first use, once, so importing them builds none (cold start)', () => {
    let builds = 0;
    const check = v.lazyValidator<string>(() => {
      builds++;
      return v.string([]);
    });
    expect(builds).toBe(0);
    expect(check('a')).toEqual({ success: true, data: 'a' });
    expect(check(1).success).toBe(false);
    expect(builds).toBe(1);
    expect(readFileSync(path.join(ROOT, OUT), 'utf8')).not.toMatch(/= v\.validator\(/);
  });

  it('refuses to generate a kind it cannot check, or a refinement it cannot name, saying where', () => {
    const at = (s: z.ZodMiniType) => () => node(s as unknown as Schema, 'root');
    expect(at(z.object({ at: z.date() }))).toThrow(/unsupported schema type date at root\.at/);
    expect(at(z.string().check(z.refine((s) => s !== 'x')))).toThrow(
      /refinement at root is not one of shared\/schema\/checks\.ts's exports/,
    );
  });

  for (const [name, schema] of Object.entries(RUNTIME_SCHEMAS)) {
    it(`${name}: accepts and refuses exactly what the schema does, with the same output`, () => {
      const validate = (generated as unknown as Record<string, Validator<unknown>>)[name]!;
      let accepted = 0;
      let refused = 0;
      fc.assert(
        fc.property(
          fc.oneof(
            { arbitrary: inputs(name, schema as unknown as Schema), weight: 6 },
            { arbitrary: ODD, weight: 1 },
          ),
          (input) => {
            const zod = schema.safeParse(input);
            const ours = validate(input);
            expect(ours.success).toBe(zod.success);
            if (zod.success && ours.success) {
              accepted++;
              // Node's deep strict equality compares prototypes (vitest's reads `.constructor`,
              // which is data in a prototype-free record).
              expect(isDeepStrictEqual(ours.data, zod.data)).toBe(true);
            } else refused++;
            if (!ours.success) expect(ours.issues.length).toBeGreaterThan(0);
          },
        ),
        { seed: 20261130, numRuns: 1000 },
      );
      // Both verdicts are exercised, or the comparison proves little.
      expect(accepted).toBeGreaterThan(20);
      expect(refused).toBeGreaterThan(20);
    });
  }
});
