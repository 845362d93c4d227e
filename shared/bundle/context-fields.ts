/**
 * Publish-time checks of `context.*` comparisons against the signal catalogue: an unknown
 * signal, a value of the wrong type or a value outside an enumerated signal's set can never
 * match, so it is almost certainly a typo. Pure; returns issues with their bundle paths.
 */
import { signalSpec, SIGNAL_NAMES, type SignalSpec } from '../schema/context-signals.ts';
import type { Comparison, Condition, Scalar } from '../schema/condition.ts';
import type { Issue } from './issues.ts';

type Path = (string | number)[];

/** Every comparison in a condition, with its path relative to the condition. */
export function comparisons(condition: Condition, path: Path = [], out: [Comparison, Path][] = []) {
  if ('all' in condition) condition.all.forEach((c, i) => comparisons(c, [...path, 'all', i], out));
  else if ('any' in condition)
    condition.any.forEach((c, i) => comparisons(c, [...path, 'any', i], out));
  else if ('not' in condition) comparisons(condition.not, [...path, 'not'], out);
  else if (!('segment' in condition)) out.push([condition, path]);
  return out;
}

const show = (v: Scalar) => JSON.stringify(v);

function valueProblem(spec: SignalSpec, c: Comparison): string | undefined {
  const fits = (v: Scalar) =>
    typeof v === spec.type && (!spec.values || typeof v !== 'string' || spec.values.includes(v));
  switch (c.op) {
    case 'exists':
      return undefined;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'between':
      return spec.type === 'number'
        ? undefined
        : `"${c.op}" needs a number signal; this one is a ${spec.type}`;
    case 'startsWith':
      return spec.type === 'string'
        ? undefined
        : `"startsWith" needs a string signal; this one is a ${spec.type}`;
    case 'contains':
      return spec.type === 'string' && typeof c.value === 'string'
        ? undefined
        : `"contains" needs a string signal and a string value; this one is a ${spec.type}`;
    case 'eq':
      return fits(c.value) ? undefined : `${show(c.value)} can never equal it`;
    case 'in': {
      const bad = c.value.filter((v) => !fits(v));
      return bad.length ? `${bad.map(show).join(', ')} can never equal it` : undefined;
    }
  }
}

export function checkContextFields(condition: Condition, at: Path): Issue[] {
  const issues: Issue[] = [];
  for (const [c, path] of comparisons(condition)) {
    if (!c.field.startsWith('context.')) continue;
    const name = c.field.slice('context.'.length);
    const spec = signalSpec(name);
    if (!spec) {
      issues.push({
        path: [...at, ...path, 'field'],
        message: `unknown context signal "${name}" (known: ${SIGNAL_NAMES.join(', ')})`,
      });
      continue;
    }
    const problem = valueProblem(spec, c);
    if (problem) {
      const expected = spec.values ? `one of ${spec.values.join(', ')}` : `a ${spec.type}`;
      issues.push({
        path: [...at, ...path, 'value'],
        message: `context.${name} is ${expected}: ${problem}`,
      });
    }
  }
  return issues;
}
