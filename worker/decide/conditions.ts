/**
 * Evaluates the condition language against resolved facts. Total: every input gives a boolean.
 * Comparisons of mismatched types are simply false (a string is never "greater than" 3).
 */
import type { Comparison, Condition } from '../../shared/schema/condition.ts';
import type { Lookup } from './facts.ts';
import type { Value } from './types.ts';

export interface Evaluator {
  lookup: Lookup;
  inSegment(id: string): boolean;
}

function compare(c: Comparison, actual: Value): boolean {
  switch (c.op) {
    case 'exists':
      return actual !== undefined && !(Array.isArray(actual) && actual.length === 0);
    case 'eq':
      return actual === c.value;
    case 'in':
      return actual !== undefined && typeof actual !== 'object' && c.value.includes(actual);
    case 'gt':
      return typeof actual === 'number' && actual > c.value;
    case 'gte':
      return typeof actual === 'number' && actual >= c.value;
    case 'lt':
      return typeof actual === 'number' && actual < c.value;
    case 'lte':
      return typeof actual === 'number' && actual <= c.value;
    case 'between':
      return typeof actual === 'number' && actual >= c.value[0] && actual <= c.value[1];
    case 'contains':
      if (typeof actual === 'object') return actual.includes(c.value);
      return typeof actual === 'string' && typeof c.value === 'string' && actual.includes(c.value);
    case 'startsWith':
      return typeof actual === 'string' && actual.startsWith(c.value);
  }
}

export function evaluate(condition: Condition, ev: Evaluator): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, ev));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, ev));
  if ('not' in condition) return !evaluate(condition.not, ev);
  if ('segment' in condition) return ev.inSegment(condition.segment);
  const dot = condition.field.indexOf('.');
  return compare(
    condition,
    ev.lookup(condition.field.slice(0, dot), condition.field.slice(dot + 1)),
  );
}

/**
 * True when a condition reads nothing but the request: its context signals and the decision API
 * caller's attributes (a cohort rule).
 */
export function isContextOnly(condition: Condition): boolean {
  if ('all' in condition) return condition.all.every(isContextOnly);
  if ('any' in condition) return condition.any.every(isContextOnly);
  if ('not' in condition) return isContextOnly(condition.not);
  if ('segment' in condition) return false;
  return condition.field.startsWith('context.') || condition.field.startsWith('attributes.');
}
