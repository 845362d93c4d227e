/**
 * `npm run build:validators`: writes shared/schema/validators.gen.ts — the validators the visitor
 * worker runs, generated from the zod schemas that define them, so the worker ships no zod and
 * zod stays the single source of truth. Each schema's definition (`schema._zod.def`: shape, kind,
 * checks, limits, defaults, messages) is read and emitted as a composition of the building blocks
 * in shared/schema/validate.ts. A refinement or transform is emitted as a call to the function the
 * schema itself uses, found by identity among shared/schema/checks.ts's exports; an anonymous one
 * fails the build, naming the node. A kind the generator does not know fails it too.
 *
 * `--check` exits 1 when the checked-in file is stale (test/cli/validators.test.ts runs the
 * same comparison).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RUNTIME_SCHEMAS } from '../shared/schema/runtime-schemas.ts';
import * as checks from '../shared/schema/checks.ts';
import { BundleBody } from '../shared/schema/bundle.ts';

/** What a zod/mini schema's `_zod.def` holds, as far as the generator (and its test) reads it. */
export interface CheckDef {
  check: string;
  value?: number;
  minimum?: number;
  maximum?: number;
  length?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
  fn?: unknown;
  path?: (string | number)[];
  error?: (issue: unknown) => unknown;
}
export interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  defaultValue?: unknown;
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
  keyType?: Schema;
  valueType?: Schema;
  in?: Schema;
  out?: Schema;
  entries?: Record<string, string | number>;
  values?: unknown[];
  transform?: unknown;
  coerce?: boolean;
  format?: string;
  pattern?: RegExp;
  check?: string;
  error?: (issue: unknown) => unknown;
  getter?: () => Schema;
}
export interface Schema {
  _zod: { def: Def };
}

export const OUT = 'shared/schema/validators.gen.ts';

const named = new Map<unknown, string>(
  Object.entries(checks).map(([name, fn]) => [fn, name] as const),
);

function fnName(fn: unknown, where: string, what: string): string {
  const name = named.get(fn);
  if (!name)
    throw new Error(
      `build-validators: the ${what} at ${where} is not one of shared/schema/checks.ts's exports; ` +
        'export it there and use that function in the schema',
    );
  return `checks.${name}`;
}

/** The message a check was given (`z.regex(re, '…')`), if any. */
function messageOf(def: { error?: (issue: unknown) => unknown }): string | undefined {
  if (typeof def.error !== 'function') return undefined;
  const m = def.error({});
  if (typeof m === 'string') return m;
  if (m && typeof m === 'object' && typeof (m as { message?: unknown }).message === 'string')
    return (m as { message: string }).message;
  return undefined;
}

const lit = (v: unknown) => JSON.stringify(v);
const msgArg = (m: string | undefined) => (m === undefined ? '' : `, ${lit(m)}`);

function checkCode(c: CheckDef, origin: string, where: string): string {
  const m = messageOf(c);
  switch (c.check) {
    case 'min_length':
      return `v.minLength(${c.minimum}, ${lit(origin)}${msgArg(m)})`;
    case 'max_length':
      return `v.maxLength(${c.maximum}, ${lit(origin)}${msgArg(m)})`;
    case 'length_equals':
      return `v.lengthIs(${c.length}, ${lit(origin)}${msgArg(m)})`;
    case 'greater_than':
      return `v.gt(${c.value}, ${Boolean(c.inclusive)}${msgArg(m)})`;
    case 'less_than':
      return `v.lt(${c.value}, ${Boolean(c.inclusive)}${msgArg(m)})`;
    case 'number_format':
      if (c.format === 'safeint') return `v.int(${m === undefined ? '' : lit(m)})`;
      break;
    case 'string_format':
      if (c.pattern instanceof RegExp)
        return `v.pattern(${c.pattern.toString()}, ${lit(m ?? formatMessage(c))})`;
      break;
    case 'custom':
      return `v.refine(${fnName(c.fn, where, 'refinement')}, ${lit(m ?? 'Invalid input')}${c.path?.length ? `, ${lit(c.path)}` : ''})`;
  }
  throw new Error(`build-validators: unsupported check ${c.check}/${c.format ?? ''} at ${where}`);
}

function formatMessage(c: { format?: string; pattern?: RegExp }): string {
  if (c.format === 'regex' || c.format === undefined)
    return `Invalid string: must match pattern ${c.pattern}`;
  if (c.format === 'datetime') return 'Invalid ISO datetime';
  throw new Error(`build-validators: unsupported string format ${c.format}`);
}

function checksCode(def: Def, origin: string, where: string): string {
  const list = (def.checks ?? []).map((c) => checkCode(c._zod.def, origin, where));
  // A string format (z.isoDateTime) is a string schema whose own definition is the check.
  if (def.type === 'string' && def.check === 'string_format' && def.pattern)
    list.unshift(
      `v.pattern(${def.pattern.toString()}, ${lit(messageOf(def) ?? formatMessage(def))})`,
    );
  return `[${list.join(', ')}]`;
}

function discriminatorValues(option: Schema, key: string, where: string): unknown[] {
  const field = option._zod.def.shape?.[key]?._zod.def;
  if (field?.type === 'literal') return field.values!;
  if (field?.type === 'enum') return Object.values(field.entries!);
  throw new Error(`build-validators: discriminator ${key} at ${where} is not a literal or enum`);
}

/** The validator source for one schema node (`where` names it in errors). */
export function node(schema: Schema, where: string): string {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return `v.string(${checksCode(def, 'string', where)})`;
    case 'number':
      return `v.number(${checksCode(def, 'number', where)}${def.coerce ? ', true' : ''})`;
    case 'boolean':
      return 'v.boolean()';
    case 'unknown':
    case 'any':
      return 'v.unknown()';
    case 'literal':
      return `v.oneOf(${lit(def.values)})`;
    case 'enum':
      return `v.oneOf(${lit(Object.values(def.entries!))})`;
    case 'optional':
      return `v.optional(${node(def.innerType!, where)})`;
    case 'nullable':
      return `v.nullable(${node(def.innerType!, where)})`;
    case 'default':
      return `v.withDefault(${node(def.innerType!, where)}, () => (${lit(def.defaultValue)}))`;
    case 'array':
      return `v.array(${node(def.element!, `${where}[]`)}, ${checksCode(def, 'array', where)})`;
    case 'object': {
      const fields = Object.entries(def.shape ?? {}).map(
        ([k, s]) => `${lit(k)}: ${node(s, `${where}.${k}`)}`,
      );
      const catchall = def.catchall?._zod.def;
      const mode = !catchall
        ? "'strip'"
        : catchall.type === 'never'
          ? "'strict'"
          : node(def.catchall!, `${where}.*`);
      return `v.object({ ${fields.join(', ')} }, ${mode}, ${checksCode(def, 'object', where)})`;
    }
    case 'record':
      return `v.record(${node(def.keyType!, `${where}{key}`)}, ${node(def.valueType!, `${where}{}`)}, ${checksCode(def, 'object', where)})`;
    case 'union': {
      if (def.discriminator) {
        const key = def.discriminator;
        const options = def.options!.map(
          (o, i) => `[${lit(discriminatorValues(o, key, where))}, ${node(o, `${where}|${i}`)}]`,
        );
        return `v.discriminated(${lit(key)}, [${options.join(', ')}])`;
      }
      return `v.union([${def.options!.map((o, i) => node(o, `${where}|${i}`)).join(', ')}])`;
    }
    case 'pipe':
      return `v.pipe(${node(def.in!, where)}, ${node(def.out!, where)})`;
    case 'transform':
      return `v.transform(${fnName(def.transform, where, 'transform')})`;
  }
  throw new Error(`build-validators: unsupported schema type ${def.type} at ${where}`);
}

/**
 * Where `schema` makes a prototype-free record (`dict`: a pipe ending in the `nullProto`
 * transform), as paths of keys with `*` for every element of a list or record. The visitor worker
 * does not run the bundle schema on read (docs/publishing.md, "Trust boundary"), so it applies
 * these itself (shared/bundle/salvage.ts): `arm.variants["constructor"]` stays data.
 */
export function dictPaths(schema: Schema, at: string[] = [], seen = new Set<Schema>()): string[][] {
  if (seen.has(schema)) return [];
  const def = schema._zod.def;
  const inner = (s: Schema | undefined, path = at) =>
    s ? dictPaths(s, path, new Set([...seen, schema])) : [];
  switch (def.type) {
    case 'pipe': {
      const out = def.out?._zod.def;
      const last = out?.type === 'pipe' ? out.out?._zod.def : out;
      if (last?.type === 'transform' && last.transform === checks.nullProto)
        return [at, ...inner(out?.type === 'pipe' ? out.in : undefined, at)];
      return [...inner(def.in), ...inner(def.out)];
    }
    case 'optional':
    case 'nullable':
    case 'default':
      return inner(def.innerType);
    case 'array':
      return inner(def.element, [...at, '*']);
    case 'object':
      return [
        ...Object.entries(def.shape ?? {}).flatMap(([k, s]) => inner(s, [...at, k])),
        ...inner(def.catchall, [...at, '*']),
      ];
    case 'record':
      return inner(def.valueType, [...at, '*']);
    case 'union': {
      const all = def.options!.flatMap((o) => inner(o));
      return [...new Map(all.map((p) => [p.join('.'), p])).values()];
    }
    case 'lazy':
      // A recursive schema (conditions): walked once (`seen` stops the recursion).
      return inner(def.getter?.());
  }
  return [];
}

export function generate(): string {
  const lines = [
    '// Generated by `npm run build:validators` (scripts/build-validators.ts) from the zod',
    '// schemas named in shared/schema/runtime-schemas.ts. Do not edit: change the schema and',
    '// run the script (test/cli/validators.test.ts fails while this file is stale).',
    "import * as checks from './checks.ts';",
    "import * as v from './validate.ts';",
    "import type { Validator } from './validate.ts';",
  ];
  const types: string[] = [];
  for (const [name, entry] of Object.entries(RUNTIME_SCHEMAS)) {
    types.push(`  ${name}: z.output<(typeof RUNTIME_SCHEMAS)[${lit(name)}]>;`);
    lines.push(
      '',
      `export const ${name}: Validator<Types[${lit(name)}]> = v.lazyValidator(() =>`,
      `  ${node(entry as unknown as Schema, name)},`,
      ');',
    );
  }
  lines.push(
    '',
    '/** Where a bundle holds prototype-free records (`dict`), `*` for every element. */',
    `export const BUNDLE_DICTS: readonly (readonly string[])[] = ${lit(dictPaths(BundleBody as unknown as Schema))};`,
  );
  lines.splice(
    6,
    0,
    "import type * as z from './zod.ts';",
    "import type { RUNTIME_SCHEMAS } from './runtime-schemas.ts';",
    '',
    '/** What each validator returns: its schema’s `z.infer` type. */',
    'interface Types {',
    ...types,
    '}',
  );
  return `${lines.join('\n')}\n`;
}

/** The generated module as it is checked in (formatted by the project's prettier config). */
export async function validatorsModule(): Promise<string> {
  const file = path.resolve(import.meta.dirname, '..', OUT);
  const { format, resolveConfig } = await import('prettier');
  return format(generate(), { ...(await resolveConfig(file)), filepath: file });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = path.resolve(import.meta.dirname, '..', OUT);
  const text = await validatorsModule();
  if (process.argv.includes('--check')) {
    if (readFileSync(file, 'utf8') !== text) {
      console.error(`${OUT} is stale: run npm run build:validators`);
      process.exit(1);
    }
  } else {
    writeFileSync(file, text);
    console.error(`wrote ${OUT} (${Object.keys(RUNTIME_SCHEMAS).length} validators)`);
  }
}
