/**
 * The condition language marketers write in rules and segment definitions.
 *
 * A condition is JSON: boolean combinators (`all`, `any`, `not`), segment membership
 * (`{ "segment": "vip" }`) and comparisons of one field against a literal. Fields are dotted
 * paths into the profile (`traits.plan`, `scores.churnRisk`, `affinities.shoes`,
 * `behavior.visits`), the request context (`context.device`) or the custom attributes a
 * decision API caller sends (`attributes.appVersion`; pages have none). No regular expressions: every
 * operator runs in time linear in its input.
 */
import * as z from './zod.ts';

export const FIELD_ROOTS = [
  'traits',
  'scores',
  'affinities',
  'behavior',
  'context',
  'attributes',
] as const;

export const FieldPath = z
  .string()
  .check(
    z.regex(
      /^(traits|scores|affinities|behavior|context|attributes)\.[A-Za-z][A-Za-z0-9_-]{0,63}$/,
      'a field such as "traits.plan", "scores.churnRisk", "affinities.shoes", "behavior.visits", "context.device" or "attributes.appVersion"',
    ),
  );

export const Scalar = z.union([z.string().check(z.maxLength(500)), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

const Comparison = z.discriminatedUnion('op', [
  z.strictObject({ field: FieldPath, op: z.literal('eq'), value: Scalar }),
  z.strictObject({
    field: FieldPath,
    op: z.literal('in'),
    value: z.array(Scalar).check(z.minLength(1), z.maxLength(500)),
  }),
  z.strictObject({
    field: FieldPath,
    op: z.enum(['gt', 'gte', 'lt', 'lte']),
    value: z.number(),
  }),
  z.strictObject({
    field: FieldPath,
    op: z.literal('between'),
    value: z
      .tuple([z.number(), z.number()])
      .check(z.refine(([lo, hi]) => lo <= hi, 'lower bound ≤ upper bound')),
  }),
  z.strictObject({ field: FieldPath, op: z.literal('contains'), value: Scalar }),
  z.strictObject({
    field: FieldPath,
    op: z.literal('startsWith'),
    value: z.string().check(z.maxLength(500)),
  }),
  z.strictObject({ field: FieldPath, op: z.literal('exists') }),
]);
export type Comparison = z.infer<typeof Comparison>;
export type Operator = Comparison['op'];

/**
 * Written out by hand because the type is recursive; the schema below is checked against it,
 * so the two cannot drift apart.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { segment: string }
  | Comparison;

/**
 * The recursive shape, unbounded; only ever parsed through `Condition`, which bounds it first.
 * Exported for documents that describe it (the OpenAPI components), never to parse with.
 */
export const ConditionNode: z.ZodMiniType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionNode).check(z.minLength(1), z.maxLength(50)) }),
    z.strictObject({ any: z.array(ConditionNode).check(z.minLength(1), z.maxLength(50)) }),
    z.strictObject({ not: ConditionNode }),
    z.strictObject({ segment: z.string().check(z.minLength(1), z.maxLength(64)) }),
    Comparison,
  ]),
);

/** Deeper than any rule a person writes (`all` → `any` → `not` → comparison is 4). */
export const MAX_CONDITION_DEPTH = 16;
/** Combinators, segment references and comparisons in one condition, all counted. */
export const MAX_CONDITION_NODES = 500;

/**
 * How big a condition is, measured without recursion (a loop over an explicit stack), so a
 * hostile 10,000-deep `not` chain is measured and refused rather than overflowing the stack.
 * Stops counting as soon as either limit is passed. Pure.
 */
export function conditionSize(input: unknown): {
  depth: number;
  nodes: number;
  /** Where the depth limit was first passed, as a path inside the condition. */
  tooDeepAt?: (string | number)[];
} {
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [
    { value: input, depth: 1, path: [] },
  ];
  let depth = 0;
  let nodes = 0;
  while (stack.length) {
    const { value, depth: d, path } = stack.pop()!;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    nodes++;
    depth = Math.max(depth, d);
    if (d > MAX_CONDITION_DEPTH) return { depth, nodes, tooDeepAt: path };
    if (nodes > MAX_CONDITION_NODES) return { depth, nodes };
    for (const key of ['all', 'any'] as const) {
      const children: unknown = Object.hasOwn(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
      if (Array.isArray(children))
        children.forEach((child: unknown, i) =>
          stack.push({ value: child, depth: d + 1, path: [...path, key, i] }),
        );
    }
    if (Object.hasOwn(value, 'not'))
      stack.push({ value: (value as { not: unknown }).not, depth: d + 1, path: [...path, 'not'] });
  }
  return { depth, nodes };
}

/**
 * A condition as rules, segments and experiments hold it: measured before it is parsed, so an
 * absurdly deep or large one gets a clear message (and the parser never recurses into it).
 * The editors' JSON Schema is the recursive shape (the transform is invisible to it).
 */
export const Condition = z.pipe(
  z.transform((input: unknown, ctx) => {
    const size = conditionSize(input);
    if (size.tooDeepAt) {
      ctx.issues.push({
        code: 'custom',
        input,
        path: size.tooDeepAt,
        message: `conditions nest at most ${MAX_CONDITION_DEPTH} levels deep (all / any / not); this one goes deeper here — split it into segments`,
      });
    } else if (size.nodes > MAX_CONDITION_NODES) {
      ctx.issues.push({
        code: 'custom',
        input,
        message: `a condition holds at most ${MAX_CONDITION_NODES} parts (combinators, segments and comparisons); this one has more — split it into segments`,
      });
    }
    return input;
  }),
  ConditionNode,
);
