/**
 * A zod schema compiled once, at module load, into a tree of closures that checks a JSON value
 * and builds the same output zod would — the fast path of a data-quality gate that runs on every
 * request (the profile gate: worker/data/profile-store.ts).
 *
 * Why: zod 4 compiles an object's checks with `new Function`, which workerd forbids, so inside the
 * Workers runtime every parse walks zod's generic interpreter (≈ 23 µs for a typical profile).
 * The closures here are built from the very schema — its shape, checks, defaults and transforms
 * are read from the schema's definition, nothing is restated by hand — and are specialised per
 * node, which is what zod's own compiler would have done.
 *
 * Never weaker than zod: `compileSchema(schema)` returns a parser that either returns zod's exact
 * output or `undefined` ("not sure"), and `gate` sends every `undefined` to zod itself, so zod
 * stays the judge of everything the fast path does not accept. A value the fast path accepts is
 * one zod accepts with the same output (test/schema/compiled.test.ts fuzzes that against zod).
 *
 * Supported: object (strip, catchall), string (length, formats with a pattern), number (bounds,
 * safeint), boolean, enum, array (length), optional, default, union, record, pipe and transform
 * (run as zod runs them). Anything else throws at compile time, naming the node: the gate must
 * never silently accept a kind it does not understand. Inputs are JSON values (`JSON.parse`):
 * no `undefined` inside, no symbols, no accessors.
 */
import type * as z from './zod.ts';
import { RESERVED_KEY } from './dict.ts';

/** The output, or `undefined` when the fast path cannot vouch for the input. */
type Fast = (input: unknown) => Out;
type Out = { value: unknown } | undefined;

/** Marks "absent" in an object's field (an optional field that was not given). */
const ABSENT: Out = { value: undefined };

interface CheckDef {
  check: string;
  /** greater_than / less_than */
  value?: number;
  minimum?: number;
  maximum?: number;
  length?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
}

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  defaultValue?: unknown;
  element?: Schema;
  options?: Schema[];
  keyType?: Schema;
  valueType?: Schema;
  in?: Schema;
  out?: Schema;
  entries?: Record<string, string | number>;
  transform?: (input: unknown, ctx: { value: unknown; issues: unknown[] }) => unknown;
  format?: string;
  pattern?: RegExp;
  check?: string;
}

interface Schema {
  _zod: { def: Def };
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** One check on a string's or array's length, or a number. */
function checkOf(c: CheckDef, where: string): (x: never) => boolean {
  const v = c.value ?? NaN;
  switch (c.check) {
    case 'min_length': {
      const min = c.minimum ?? NaN;
      return (x: { length: number }) => x.length >= min;
    }
    case 'max_length': {
      const max = c.maximum ?? NaN;
      return (x: { length: number }) => x.length <= max;
    }
    case 'length_equals': {
      const length = c.length ?? NaN;
      return (x: { length: number }) => x.length === length;
    }
    case 'greater_than':
      return c.inclusive ? (x: number) => x >= v : (x: number) => x > v;
    case 'less_than':
      return c.inclusive ? (x: number) => x <= v : (x: number) => x < v;
    case 'number_format':
      if (c.format === 'safeint') return (x: number) => Number.isSafeInteger(x);
      break;
    case 'string_format':
      if (c.pattern instanceof RegExp) {
        const pattern = c.pattern;
        return (x: string) => {
          pattern.lastIndex = 0;
          return pattern.test(x);
        };
      }
      break;
  }
  throw new Error(`compileSchema: unsupported check ${c.check}/${c.format ?? ''} at ${where}`);
}

function checksOf(def: Def, where: string): ((x: never) => boolean)[] {
  const checks = (def.checks ?? []).map((c) => checkOf(c._zod.def, where));
  // A string format (z.iso.datetime, …) is a string schema whose own definition is the check.
  if (def.type === 'string' && def.check === 'string_format')
    checks.unshift(
      checkOf({ check: 'string_format', ...(def.pattern ? { pattern: def.pattern } : {}) }, where),
    );
  return checks;
}

function all<T>(checks: ((x: never) => boolean)[]): (x: T) => boolean {
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]! as (x: T) => boolean;
  return (x: T) => {
    for (const c of checks) if (!(c as (x: T) => boolean)(x)) return false;
    return true;
  };
}

function compileNode(schema: Schema, where: string): Fast {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string': {
      const ok = all<string>(checksOf(def, where));
      return (x) => (typeof x === 'string' && ok(x) ? { value: x } : undefined);
    }
    case 'number': {
      const ok = all<number>(checksOf(def, where));
      return (x) =>
        typeof x === 'number' && Number.isFinite(x) && ok(x) ? { value: x } : undefined;
    }
    case 'boolean':
      return (x) => (typeof x === 'boolean' ? { value: x } : undefined);
    case 'enum': {
      const values = new Set(Object.values(def.entries ?? {}));
      return (x) =>
        (typeof x === 'string' || typeof x === 'number') && values.has(x)
          ? { value: x }
          : undefined;
    }
    case 'optional': {
      const inner = compileNode(def.innerType!, where);
      return (x) => (x === undefined ? ABSENT : inner(x));
    }
    case 'default': {
      const inner = compileNode(def.innerType!, where);
      // zod hands out the default itself (a fresh copy each time), without parsing it.
      return (x) => (x === undefined ? { value: def.defaultValue } : inner(x));
    }
    case 'array': {
      const element = compileNode(def.element!, `${where}[]`);
      const ok = all<unknown[]>(checksOf(def, where));
      return (x) => {
        if (!Array.isArray(x) || !ok(x)) return undefined;
        const out = new Array<unknown>(x.length);
        for (let i = 0; i < x.length; i++) {
          const r = element(x[i]);
          if (r === undefined) return undefined;
          out[i] = r.value;
        }
        return { value: out };
      };
    }
    case 'union': {
      const options = def.options!.map((o, i) => compileNode(o, `${where}|${i}`));
      return (x) => {
        for (const option of options) {
          const r = option(x);
          if (r !== undefined) return r;
        }
        return undefined;
      };
    }
    case 'record': {
      const key = compileNode(def.keyType!, `${where}{key}`);
      const value = compileNode(def.valueType!, `${where}{}`);
      const ok = all<Record<string, unknown>>(checksOf(def, where));
      return (x) => {
        if (!isPlainObject(x) || !ok(x)) return undefined;
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(x)) {
          // `__proto__` as data: left to zod (and to dict's refusal) — never assigned here.
          if (k === RESERVED_KEY) return undefined;
          const kr = key(k);
          const vr = value(x[k]);
          if (kr === undefined || vr === undefined || kr.value !== k) return undefined;
          out[k] = vr.value;
        }
        return { value: out };
      };
    }
    case 'object': {
      const fields = Object.entries(def.shape ?? {}).map(
        ([k, s]) => [k, compileNode(s, `${where}.${k}`)] as const,
      );
      const known = new Set(fields.map(([k]) => k));
      const rest = def.catchall ? compileNode(def.catchall, `${where}.*`) : undefined;
      const ok = all<Record<string, unknown>>(checksOf(def, where));
      return (x) => {
        if (!isPlainObject(x) || !ok(x)) return undefined;
        const out: Record<string, unknown> = {};
        for (const [k, field] of fields) {
          const r = field(Object.hasOwn(x, k) ? x[k] : undefined);
          if (r === undefined) return undefined;
          if (r !== ABSENT) out[k] = r.value;
        }
        if (rest) {
          for (const k of Object.keys(x)) {
            if (known.has(k)) continue;
            if (k === RESERVED_KEY) return undefined;
            const r = rest(x[k]);
            if (r === undefined) return undefined;
            out[k] = r.value;
          }
        } else if (Object.hasOwn(x, RESERVED_KEY)) return undefined;
        return { value: out };
      };
    }
    case 'pipe': {
      const first = compileNode(def.in!, where);
      const then = compileNode(def.out!, where);
      return (x) => {
        const r = first(x);
        return r === undefined ? undefined : then(r.value);
      };
    }
    case 'transform': {
      const transform = def.transform!;
      return (x) => {
        const ctx = { value: x, issues: [] as unknown[] };
        try {
          const value = transform(x, ctx);
          return ctx.issues.length > 0 || value instanceof Promise ? undefined : { value };
        } catch {
          return undefined; // zod decides (and reports) whatever the transform objects to
        }
      };
    }
  }
  throw new Error(`compileSchema: unsupported schema type ${def.type} at ${where}`);
}

/** The fast path of `schema`: its exact output, or `undefined` when zod must decide. */
export function compileSchema<S extends z.ZodMiniType>(
  schema: S,
): (input: unknown) => { value: z.output<S> } | undefined {
  const fast = compileNode(schema as unknown as Schema, 'root');
  return (input) => fast(input) as { value: z.output<S> } | undefined;
}

/**
 * A gate as strict as `schema.safeParse` and faster for what passes: the compiled fast path
 * first, zod for anything it does not accept (a bad value, or one it cannot vouch for).
 */
export function gate<S extends z.ZodMiniType>(
  schema: S,
): (input: unknown) => { success: true; data: z.output<S> } | { success: false } {
  const fast = compileSchema(schema);
  return (input) => {
    const r = fast(input);
    if (r !== undefined) return { success: true, data: r.value };
    const parsed = schema.safeParse(input);
    return parsed.success ? { success: true, data: parsed.data } : { success: false };
  };
}
