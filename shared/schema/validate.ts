/**
 * The building blocks of the validators `npm run build:validators` generates from our zod schemas
 * (scripts/build-validators.ts → shared/schema/validators.gen.ts), so the visitor worker checks
 * what it reads and receives without shipping zod. Nothing here is a schema: every shape, limit,
 * default, message and refinement comes from a zod definition, read by the generator.
 *
 * A node takes a JSON value and returns its output (what zod's `parse` would return), or FAIL
 * after pushing its issues. Issues come out as the project's issue (shared/bundle/issues.ts):
 * a union that matched no branch reports its closest branch, as `readableIssues` does for zod's.
 * Zod-equivalent for JSON input (accept/reject and output): test/cli/validators.test.ts.
 */
import { distance, foundAt, type Issue } from '../bundle/issues.ts';

/** A failed node; its issues are in the list it was given. */
export const FAIL: unique symbol = Symbol('fail');
type Fail = typeof FAIL;

type Path = (string | number)[];
export interface RawIssue {
  path: Path;
  message: string;
  /** What kind of problem (zod's issue codes): the closest union branch is chosen by it. */
  code: string;
}
export type Node = (x: unknown, issues: RawIssue[]) => unknown;
/** A check on a value of the right type: pushes its issue when the value fails it. */
export type Check = (x: never, issues: RawIssue[]) => void;

export type Result<T> = { success: true; data: T } | { success: false; issues: Issue[] };
export type Validator<T> = (input: unknown) => Result<T>;

const issue = (issues: RawIssue[], code: string, message: string, path: Path = []) => {
  issues.push({ path, message, code });
};

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
  return typeof x;
}

const invalidType = (issues: RawIssue[], expected: string, x: unknown) =>
  issue(issues, 'invalid_type', `Invalid input: expected ${expected}, received ${typeName(x)}`);

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Runs `checks` on a value of the right type. */
function checked<T>(x: T, checks: Check[], issues: RawIssue[]): T | Fail {
  const before = issues.length;
  for (const c of checks) (c as (x: T, issues: RawIssue[]) => void)(x, issues);
  return issues.length === before ? x : FAIL;
}

// ----- checks -----

const SIZED: Record<string, string> = { string: 'characters', array: 'items' };

export const minLength =
  (min: number, origin: string, message?: string): Check =>
  (x: { length: number }, issues) => {
    if (x.length < min)
      issue(
        issues,
        'too_small',
        message ?? `Too small: expected ${origin} to have >=${min} ${SIZED[origin]}`,
      );
  };

export const maxLength =
  (max: number, origin: string, message?: string): Check =>
  (x: { length: number }, issues) => {
    if (x.length > max)
      issue(
        issues,
        'too_big',
        message ?? `Too big: expected ${origin} to have <=${max} ${SIZED[origin]}`,
      );
  };

export const lengthIs =
  (length: number, origin: string, message?: string): Check =>
  (x: { length: number }, issues) => {
    if (x.length !== length)
      issue(
        issues,
        x.length > length ? 'too_big' : 'too_small',
        message ??
          `Too ${x.length > length ? 'big' : 'small'}: expected ${origin} to have exactly ${length} ${SIZED[origin]}`,
      );
  };

export const gt =
  (min: number, inclusive: boolean, message?: string): Check =>
  (x: number, issues) => {
    if (inclusive ? x < min : x <= min)
      issue(
        issues,
        'too_small',
        message ?? `Too small: expected number to be ${inclusive ? '>=' : '>'}${min}`,
      );
  };

export const lt =
  (max: number, inclusive: boolean, message?: string): Check =>
  (x: number, issues) => {
    if (inclusive ? x > max : x >= max)
      issue(
        issues,
        'too_big',
        message ?? `Too big: expected number to be ${inclusive ? '<=' : '<'}${max}`,
      );
  };

export const int =
  (message?: string): Check =>
  (x: number, issues) => {
    if (!Number.isInteger(x))
      issue(issues, 'invalid_type', message ?? 'Invalid input: expected int, received number');
    else if (!Number.isSafeInteger(x))
      issue(
        issues,
        x > 0 ? 'too_big' : 'too_small',
        message ??
          (x > 0
            ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`
            : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`),
      );
  };

/** A string format or pattern (`z.regex`, `z.isoDateTime`). */
export const pattern =
  (re: RegExp, message: string): Check =>
  (x: string, issues) => {
    re.lastIndex = 0;
    if (!re.test(x)) issue(issues, 'invalid_format', message);
  };

/** A refinement: one of the named functions in shared/schema/checks.ts. */
export const refine =
  (ok: (x: never) => unknown, message: string, path: Path = []): Check =>
  (x: never, issues) => {
    if (!ok(x)) issue(issues, 'custom', message, [...path]);
  };

// ----- nodes -----

export const string =
  (checks: Check[] = []): Node =>
  (x, issues) =>
    typeof x === 'string' ? checked(x, checks, issues) : (invalidType(issues, 'string', x), FAIL);

export const number =
  (checks: Check[] = [], coerce = false): Node =>
  (x, issues) => {
    const n = coerce ? Number(x) : x;
    return typeof n === 'number' && Number.isFinite(n)
      ? checked(n, checks, issues)
      : (invalidType(issues, 'number', n), FAIL);
  };

export const boolean = (): Node => (x, issues) =>
  typeof x === 'boolean' ? x : (invalidType(issues, 'boolean', x), FAIL);

/** `z.literal` and `z.enum`: one of these values. */
export const oneOf = (values: readonly (string | number | boolean | null)[]): Node => {
  const set = new Set<unknown>(values);
  const message =
    values.length === 1
      ? `Invalid input: expected ${show(values[0])}`
      : `Invalid option: expected one of ${values.map(show).join('|')}`;
  return (x, issues) => (set.has(x) ? x : (issue(issues, 'invalid_value', message), FAIL));
};

export const unknown = (): Node => (x) => x;

/** An absent value (a missing key) is absent in the output. */
export const ABSENT: unique symbol = Symbol('absent');

export const optional =
  (inner: Node): Node =>
  (x, issues) =>
    x === undefined ? ABSENT : inner(x, issues);

export const nullable =
  (inner: Node): Node =>
  (x, issues) =>
    x === null ? null : inner(x, issues);

/** `fallback` builds a fresh copy of the default each time (zod hands out a clone). */
export const withDefault =
  (inner: Node, fallback: () => unknown): Node =>
  (x, issues) =>
    x === undefined ? fallback() : inner(x, issues);

function prefixed(issues: RawIssue[], from: number, key: string | number) {
  for (let i = from; i < issues.length; i++) issues[i]!.path.unshift(key);
}

export const array =
  (element: Node, checks: Check[] = []): Node =>
  (x, issues) => {
    if (!Array.isArray(x)) return (invalidType(issues, 'array', x), FAIL);
    const before = issues.length;
    const out = new Array<unknown>(x.length);
    for (let i = 0; i < x.length; i++) {
      const at = issues.length;
      const v = element(x[i], issues);
      if (issues.length > at) prefixed(issues, at, i);
      else out[i] = v === ABSENT ? undefined : v;
    }
    // Length checks run even when an element failed (as zod's do).
    for (const c of checks) (c as (x: unknown[], issues: RawIssue[]) => void)(x, issues);
    return issues.length === before ? out : FAIL;
  };

/**
 * An object: `mode` is zod's — `strip` drops unknown keys, `strict` refuses them, a node checks
 * them (catchall). `checks` are the object's refinements, run only when every field passed.
 */
export const object = (
  shape: Record<string, Node>,
  mode: 'strip' | 'strict' | Node,
  checks: Check[] = [],
): Node => {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  return (x, issues) => {
    if (!isObject(x)) return (invalidType(issues, 'object', x), FAIL);
    const before = issues.length;
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const at = issues.length;
      const v = shape[k]!(Object.hasOwn(x, k) ? x[k] : undefined, issues);
      if (issues.length > at) prefixed(issues, at, k);
      else if (v !== ABSENT) out[k] = v;
    }
    if (mode === 'strict') {
      const unknownKeys = Object.keys(x).filter((k) => !known.has(k));
      if (unknownKeys.length)
        issue(
          issues,
          'unrecognized_keys',
          `Unrecognized key${unknownKeys.length > 1 ? 's' : ''}: ${unknownKeys.map(show).join(', ')}`,
        );
    } else if (mode !== 'strip') {
      for (const k of Object.keys(x)) {
        if (known.has(k) || k === '__proto__') continue;
        const at = issues.length;
        const v = mode(x[k], issues);
        if (issues.length > at) prefixed(issues, at, k);
        else if (v !== ABSENT) out[k] = v;
      }
    }
    if (issues.length > before) return FAIL;
    return checked(out, checks, issues);
  };
};

/** `z.record`: every own key checked by `key`, every value by `value`. */
export const record =
  (key: Node, value: Node, checks: Check[] = []): Node =>
  (x, issues) => {
    if (!isObject(x)) return (invalidType(issues, 'record', x), FAIL);
    const before = issues.length;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x)) {
      if (k === '__proto__') continue;
      if (key(k, []) === FAIL) {
        issue(issues, 'invalid_key', 'Invalid key in record', [k]);
        continue;
      }
      const at = issues.length;
      const v = value(x[k], issues);
      if (issues.length > at) prefixed(issues, at, k);
      else out[k] = v === ABSENT ? undefined : v;
    }
    if (issues.length > before) return FAIL;
    return checked(out, checks, issues);
  };

/** The first branch that accepts; else the issues of the closest one (issues.ts's rule). */
export const union =
  (options: Node[]): Node =>
  (x, issues) => {
    const failed: RawIssue[][] = [];
    for (const option of options) {
      const own: RawIssue[] = [];
      const v = option(x, own);
      if (own.length === 0) return v;
      failed.push(own);
    }
    const best = failed.sort((a, b) => distance(a) - distance(b))[0]!;
    if (distance(best) < 1000) issues.push(...best);
    else
      issue(
        issues,
        'invalid_union',
        'does not match any allowed shape (check the spelling of keys and operators)',
      );
    return FAIL;
  };

/** `z.discriminatedUnion`: the branch named by `x[key]`. */
export const discriminated = (key: string, options: [unknown[], Node][]): Node => {
  const byValue = new Map<unknown, Node>();
  for (const [values, node] of options) for (const v of values) byValue.set(v, node);
  return (x, issues) => {
    if (!isObject(x)) return (invalidType(issues, 'object', x), FAIL);
    const node = Object.hasOwn(x, key) ? byValue.get(x[key]) : undefined;
    if (!node) return (issue(issues, 'invalid_union', 'Invalid input', [key]), FAIL);
    return node(x, issues);
  };
};

export const pipe =
  (first: Node, then: Node): Node =>
  (x, issues) => {
    const v = first(x, issues);
    return v === FAIL ? FAIL : then(v, issues);
  };

interface TransformIssue {
  code?: string;
  input?: unknown;
  path?: PropertyKey[];
  message: string;
}

/** A transform: one of the named functions in shared/schema/checks.ts, run as zod runs it. */
export const transform =
  (fn: (x: never, ctx: { value: unknown; issues: TransformIssue[] }) => unknown): Node =>
  (x, issues) => {
    const ctx = { value: x, issues: [] as TransformIssue[] };
    const out = fn(x as never, ctx);
    for (const i of ctx.issues)
      issue(
        issues,
        'custom',
        i.message,
        (i.path ?? []).map((k) => (typeof k === 'symbol' ? String(k) : k)),
      );
    return ctx.issues.length ? FAIL : out;
  };

/** A generated schema as a validator: zod's `safeParse`, with the project's issues. */
/**
 * A validator built on its first call, then kept (once per isolate): a cold isolate's module
 * evaluation builds none of them, and a request builds only those it uses (docs/performance.md,
 * cold start).
 */
export function lazyValidator<T>(build: () => Node): Validator<T> {
  let check: Validator<T> | undefined;
  return (input) => (check ??= validator<T>(build()))(input);
}

export function validator<T>(node: Node): Validator<T> {
  return (input) => {
    const raw: RawIssue[] = [];
    const data = node(input, raw);
    if (raw.length === 0 && data !== FAIL)
      return { success: true, data: (data === ABSENT ? undefined : data) as T };
    return {
      success: false,
      issues: raw.map(({ path, message }) => {
        const f = foundAt(input, path);
        return f === undefined ? { path, message } : { path, message, found: f };
      }),
    };
  };
}
