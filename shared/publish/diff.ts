/**
 * What a publish changes, in words a marketer understands. Pure: two bundle bodies in, a list
 * of sentences out ("variant "hero-spring" added in slot "hero"", "rules reordered in slot …",
 * "variant "a" changed in slot "hero" (props.headline: "Run" → "Run further")"). `tessera diff`,
 * `publish` and `history` (the audit summary) all print these.
 *
 * Generic over collections of things with ids: each entry of `collections` says where a kind of
 * thing lives in a bundle, how to name it and which verbs to use. Experiments and the holdout
 * are collections too, and a change that starts a new experiment phase says so — from then on
 * the report counts only the new phase (shared/experiments/phase.ts).
 */
import { canonicalJson } from '../bundle/version.ts';
import { holdoutPhaseOf, phaseChanges } from '../experiments/phase.ts';
import type { BundleBody } from '../schema/bundle.ts';
import type { Experiment, Holdout } from '../schema/experiment.ts';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'reordered';

export interface Change {
  /** Kind of thing: page, segment, slot, variant, rule, site, experiment, holdout. */
  thing: string;
  id: string;
  kind: ChangeKind;
  /** The sentence shown to people. */
  text: string;
}

interface Keyed {
  id: string;
}

interface Collection {
  thing: string;
  /** e.g. `in slot "hero"`; absent for top-level things. */
  where?: string;
  /** Rules are evaluated in order, so moving one is a change worth naming. */
  ordered?: boolean;
  verbs?: Partial<Record<'added' | 'removed', string>>;
  /** How to name one thing (defaults to its id in quotes). */
  label?: (item: Keyed) => string;
  /** Keys compared elsewhere (a slot's variants and rules get their own collections). */
  ignore?: string[];
  /** What an added or removed thing is, in a few words (after its name, in parentheses). */
  summary?: (item: Keyed) => string;
  /** Describes a change in its own words (default: each changed key, old → new). */
  describe?: (before: Keyed, after: Keyed) => string[];
  /** Appended to the sentence of a changed thing (e.g. "starts a new phase"). */
  note?: (before: Keyed, after: Keyed) => string | undefined;
  before: Keyed[];
  after: Keyed[];
}

const quote = (s: string) => `"${s}"`;

/** At most this many characters of a value in a sentence. */
const MAX_VALUE = 60;

/** A value as a marketer reads it: text in quotes, numbers plain, anything else as JSON; cut short. */
export function showValue(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string')
    return JSON.stringify(v.length > MAX_VALUE - 2 ? `${v.slice(0, MAX_VALUE - 3)}…` : v);
  const text = canonicalJson(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Keys whose values differ, each with old → new. Objects are compared key by key (`props.link.
 * href`), so a changed headline reads as the headline's old and new text; arrays as a whole.
 */
export function changedValues(
  a: unknown,
  b: unknown,
  ignore: string[] = [],
  prefix = '',
): string[] {
  if (!isObj(a) || !isObj(b)) {
    if (canonicalJson(a) === canonicalJson(b)) return [];
    return [`${prefix ? `${prefix.slice(0, -1)}: ` : ''}${showValue(a)} → ${showValue(b)}`];
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => !ignore.includes(k))
    .sort();
  return keys.flatMap((k) => {
    const va = Object.hasOwn(a, k) ? a[k] : undefined;
    const vb = Object.hasOwn(b, k) ? b[k] : undefined;
    if (canonicalJson(va) === canonicalJson(vb)) return [];
    if (isObj(va) && isObj(vb)) return changedValues(va, vb, [], `${prefix}${k}.`);
    return [`${prefix}${k}: ${showValue(va)} → ${showValue(vb)}`];
  });
}

function diffCollection(c: Collection): Change[] {
  const out: Change[] = [];
  const name = (item: Keyed) => `${c.thing} ${c.label ? c.label(item) : quote(item.id)}`.trimEnd();
  const where = c.where ? ` ${c.where}` : '';
  const before = new Map(c.before.map((x) => [x.id, x]));
  const after = new Map(c.after.map((x) => [x.id, x]));
  for (const item of c.after) {
    const old = before.get(item.id);
    if (!old) {
      out.push({
        thing: c.thing,
        id: item.id,
        kind: 'added',
        text: `${name(item)} ${c.verbs?.added ?? 'added'}${where}${c.summary ? ` (${c.summary(item)})` : ''}`,
      });
      continue;
    }
    const details = c.describe ? c.describe(old, item) : changedValues(old, item, c.ignore);
    if (details.length) {
      const note = c.note?.(old, item);
      out.push({
        thing: c.thing,
        id: item.id,
        kind: 'changed',
        text: `${name(item)} changed${where} (${details.join(', ')})${note ? ` — ${note}` : ''}`,
      });
    }
  }
  for (const item of c.before) {
    if (!after.has(item.id)) {
      out.push({
        thing: c.thing,
        id: item.id,
        kind: 'removed',
        text: `${name(item)} ${c.verbs?.removed ?? 'removed'}${where}${c.summary ? ` (${c.summary(item)})` : ''}`,
      });
    }
  }
  if (c.ordered) {
    const kept = (list: Keyed[], other: Map<string, Keyed>) =>
      list.map((x) => x.id).filter((id) => other.has(id));
    const was = kept(c.before, after);
    const now = kept(c.after, before);
    if (was.join('\u0000') !== now.join('\u0000')) {
      out.push({
        thing: `${c.thing}-order`,
        id: c.where ?? '',
        kind: 'reordered',
        text: `${c.thing}s reordered${where}: ${was.join(', ')} → ${now.join(', ')}`,
      });
    }
  }
  return out;
}

/** An experiment's arms, old → new, in words: added, removed, and what changed on each. */
function armChanges(before: Experiment, after: Experiment): string[] {
  const old = new Map(before.arms.map((a) => [a.id, a]));
  const now = new Map(after.arms.map((a) => [a.id, a]));
  const out: string[] = [];
  for (const arm of after.arms) {
    const was = old.get(arm.id);
    if (!was) out.push(`arm ${quote(arm.id)} added`);
    else for (const d of changedValues(was, arm)) out.push(`arm ${quote(arm.id)} ${d}`);
  }
  for (const arm of before.arms) if (!now.has(arm.id)) out.push(`arm ${quote(arm.id)} removed`);
  const order = (list: Experiment['arms'], other: Map<string, unknown>) =>
    list.map((a) => a.id).filter((id) => other.has(id));
  const was = order(before.arms, now).join(', ');
  const is = order(after.arms, old).join(', ');
  if (was !== is) out.push(`arms reordered: ${was} → ${is}`);
  return out;
}

const describeExperiment = (a: Keyed, b: Keyed) => [
  ...changedValues(a, b, ['arms']),
  ...armChanges(a as Experiment, b as Experiment),
];

const NEW_PHASE = 'starts a new phase: its report counts visitors from now on';

const experimentNote = (a: Keyed, b: Keyed) =>
  phaseChanges(a as Experiment, b as Experiment).length ? NEW_PHASE : undefined;

function summaryOf(e: Experiment): string {
  const where = 'slot' in e.scope ? `slot ${quote(e.scope.slot)}` : `page ${quote(e.scope.page)}`;
  return `${e.type === 'bandit' ? 'bandit' : 'A/B test'} on ${where}: ${e.arms.map((a) => a.id).join(' vs ')}`;
}

type HoldoutItem = Holdout & Keyed;

/** The holdout as a one-item collection (absent, or present with id "holdout"). */
const holdoutItems = (h: Holdout | undefined): HoldoutItem[] =>
  h && h.share > 0 ? [{ id: 'holdout', ...h }] : [];

/** Every collection a bundle holds, paired between the two versions. */
function collections(a: BundleBody | undefined, b: BundleBody): Collection[] {
  const list: Collection[] = [
    {
      thing: 'page',
      label: (p) => quote((p as BundleBody['pages'][number]).path),
      before: a?.pages ?? [],
      after: b.pages,
    },
    { thing: 'segment', before: a?.segments ?? [], after: b.segments },
    { thing: 'slot', ignore: ['variants', 'rules'], before: a?.slots ?? [], after: b.slots },
    {
      thing: 'experiment',
      summary: (e) => summaryOf(e as Experiment),
      describe: describeExperiment,
      note: experimentNote,
      before: a?.experiments ?? [],
      after: b.experiments ?? [],
    },
    {
      thing: 'holdout',
      label: () => '',
      summary: (h) => `${Math.round((h as HoldoutItem).share * 1000) / 10} % of visitors`,
      note: (x, y) =>
        holdoutPhaseOf(x as HoldoutItem) === holdoutPhaseOf(y as HoldoutItem)
          ? undefined
          : NEW_PHASE,
      before: holdoutItems(a?.holdout),
      after: holdoutItems(b.holdout),
    },
  ];
  const oldSlots = new Map((a?.slots ?? []).map((s) => [s.id, s]));
  for (const slot of b.slots) {
    const old = oldSlots.get(slot.id);
    if (!old) continue; // a new slot is one change, not one per variant
    const where = `in slot ${quote(slot.id)}`;
    list.push({ thing: 'variant', where, before: old.variants, after: slot.variants });
    list.push({ thing: 'rule', where, ordered: true, before: old.rules, after: slot.rules });
  }
  return list;
}

/** What changes when `to` replaces `from` (undefined: nothing was live). */
export function diffBundles(from: BundleBody | undefined, to: BundleBody): Change[] {
  const changes: Change[] = [];
  if (!from)
    changes.push({
      thing: 'site',
      id: 'site',
      kind: 'added',
      text: 'first publish: everything is new',
    });
  else if (canonicalJson(from.site) !== canonicalJson(to.site)) {
    changes.push({
      thing: 'site',
      id: 'site',
      kind: 'changed',
      text: `site settings changed (${changedValues(from.site, to.site).join(', ')})`,
    });
  }
  if (!from) return changes;
  for (const c of collections(from, to)) changes.push(...diffCollection(c));
  return changes;
}

/** One line for history and the audit log; the full list is printed by `tessera diff`. */
export function summarize(changes: Change[], max = 12): string {
  if (changes.length === 0) return 'no changes';
  const shown = changes.slice(0, max).map((c) => c.text);
  const more = changes.length > max ? `; and ${changes.length - max} more` : '';
  return `${shown.join('; ')}${more}`;
}
