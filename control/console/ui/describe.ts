/**
 * Plain language for what the console shows: a rule ("Visitors in *VIP customers* see *Welcome
 * back*"), a condition, and a render's decision trace ("Hero: rule vip-welcome matched; holdout:
 * no"). Pure: data in, text out (tested in test/cli/console-describe.test.ts).
 */
import type { Condition } from '../../../shared/schema/condition.ts';

export interface Named {
  id: string;
  name?: string | undefined;
}

const OPS: Record<string, string> = {
  eq: 'is',
  in: 'is one of',
  gt: 'is over',
  gte: 'is at least',
  lt: 'is under',
  lte: 'is at most',
  between: 'is between',
  contains: 'contains',
  exists: 'is known',
};

const FIELD_KINDS: Record<string, string> = {
  traits: 'trait',
  scores: 'score',
  affinities: 'interest in',
  behavior: 'behaviour',
  context: '',
  attributes: 'attribute',
};

/** `context.country` → `country`; `traits.tier` → `trait tier`. */
export function fieldText(field: string): string {
  const [kind = '', ...rest] = field.split('.');
  const name = rest.join('.');
  const label = FIELD_KINDS[kind];
  return label ? `${label} ${name}` : name || field;
}

const valueText = (v: unknown): string =>
  Array.isArray(v) ? v.map(valueText).join(', ') : typeof v === 'string' ? `"${v}"` : String(v);

export function conditionText(c: Condition, segments: readonly Named[] = []): string {
  if ('segment' in c) {
    const s = segments.find((x) => x.id === c.segment);
    return `in ${s?.name ?? c.segment}`;
  }
  if ('all' in c) return c.all.map((x) => conditionText(x, segments)).join(' and ');
  if ('any' in c) return `(${c.any.map((x) => conditionText(x, segments)).join(' or ')})`;
  if ('not' in c) return `not ${conditionText(c.not, segments)}`;
  if (!('value' in c)) return `whose ${fieldText(c.field)} ${OPS[c.op] ?? c.op}`;
  const value =
    c.op === 'between' && Array.isArray(c.value)
      ? `${c.value[0]} and ${c.value[1]}`
      : valueText(c.value);
  if (c.field === 'context.returning' && c.op === 'eq')
    return c.value ? 'returning' : 'on their first visit';
  return `whose ${fieldText(c.field)} ${OPS[c.op] ?? c.op} ${value}`.trim();
}

/** "Visitors in VIP customers see Welcome back, {first name}". */
export function ruleText(
  rule: { when: Condition; variant: string },
  variants: readonly (Named & { props?: Record<string, unknown> })[],
  segments: readonly Named[],
): { who: string; what: string } {
  const v = variants.find((x) => x.id === rule.variant);
  const headline = v?.props && typeof v.props.headline === 'string' ? v.props.headline : undefined;
  return {
    who: `Visitors ${conditionText(rule.when, segments)}`,
    what: readable(headline ?? v?.name ?? rule.variant),
  };
}

/** Placeholders as people say them: `{{profile.firstName}}` → `{first name}`. */
export function readable(text: string): string {
  return text.replace(/\{\{\s*([^}|]+?)\s*(?:\|[^}]*)?\}\}/g, (_m, path: string) => {
    const last = path.split('.').pop() ?? path;
    return `{${last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}}`;
  });
}

export interface TraceSlot {
  slot: string;
  variant: string;
  level: string;
  reason: string;
  rule?: string;
  segments?: string[];
}

export interface TraceJson {
  version: string;
  page: { id: string; path: string };
  profile: string;
  reasons: string[];
  context: Record<string, unknown>;
  slots: TraceSlot[];
}

const title = (id: string) => id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** Why one slot showed what it showed, in a sentence. */
export function slotWhy(s: TraceSlot): string {
  const [kind, ...rest] = s.reason.split(':');
  const detail = rest.join(':');
  if (s.reason === 'holdout') return 'in the holdout: default content';
  if (kind === 'rule') return `${s.rule ?? detail} rule matched`;
  if (kind === 'experiment') {
    const [experiment, arm] = detail.split(':');
    return `experiment ${experiment}, arm ${arm}`;
  }
  if (kind === 'affinity') return `interest in ${detail}`;
  if (kind === 'nbo') return `next best offer`;
  if (kind === 'default') return detail ? `default (${detail.replace(/-/g, ' ')})` : 'default';
  return s.reason;
}

/** One line per slot, then the holdout: ["Home hero: vip-welcome rule matched → hero-vip-welcome", …]. */
export function traceLines(t: TraceJson): string[] {
  const lines = t.slots.map((s) => `${title(s.slot)}: ${slotWhy(s)} → ${s.variant || '(empty)'}`);
  const held = t.slots.some((s) => s.reason === 'holdout') || t.reasons.includes('holdout');
  lines.push(`Holdout: ${held ? 'yes' : 'no'}`);
  return lines;
}

/** The signals a preview pretended, as read back from the trace. */
export function contextLine(c: Record<string, unknown>): string {
  const parts = ['country', 'device', 'hour', 'weekday', 'referrer']
    .filter((k) => c[k] !== undefined)
    .map((k) => `${k} ${String(c[k])}`);
  return parts.length ? `As seen with ${parts.join(', ')}` : '';
}
