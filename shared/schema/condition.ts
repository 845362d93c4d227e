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

export const Condition: z.ZodMiniType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(Condition).check(z.minLength(1), z.maxLength(50)) }),
    z.strictObject({ any: z.array(Condition).check(z.minLength(1), z.maxLength(50)) }),
    z.strictObject({ not: Condition }),
    z.strictObject({ segment: z.string().check(z.minLength(1), z.maxLength(64)) }),
    Comparison,
  ]),
);
