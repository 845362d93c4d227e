/**
 * What a publish changes, in words a marketer understands. Pure: two bundle bodies in, a list
 * of sentences out ("variant "hero-spring" added to slot "hero"", "rules reordered in slot …").
 *
 * Generic over collections of things with ids: each entry of COLLECTIONS says where a kind of
 * thing lives in a bundle, how to name it and which verbs to use. A new kind of content (for
 * example experiments, with the verbs "started" and "stopped") is one more entry.
 */
import { canonicalJson } from '../bundle/version.ts';
import type { BundleBody } from '../schema/bundle.ts';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'reordered';

export interface Change {
  /** Kind of thing: page, segment, slot, variant, rule, site. */
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
  before: Keyed[];
  after: Keyed[];
}

const quote = (s: string) => `"${s}"`;

/** Top-level keys (and one level below, for props) whose values differ. */
function changedKeys(a: object, b: object, ignore: string[] = [], prefix = ''): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])]
    .filter((k) => !ignore.includes(k))
    .sort();
  return keys.flatMap((k) => {
    const va = Object.hasOwn(ra, k) ? ra[k] : undefined;
    const vb = Object.hasOwn(rb, k) ? rb[k] : undefined;
    if (canonicalJson(va) === canonicalJson(vb)) return [];
    const isObj = (v: unknown): v is object => !!v && typeof v === 'object' && !Array.isArray(v);
    if (!prefix && k === 'props' && isObj(va) && isObj(vb))
      return changedKeys(va, vb, [], 'props.');
    return [`${prefix}${k}`];
  });
}

function diffCollection(c: Collection): Change[] {
  const out: Change[] = [];
  const name = (item: Keyed) => `${c.thing} ${c.label ? c.label(item) : quote(item.id)}`;
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
        text: `${name(item)} ${c.verbs?.added ?? 'added'}${where}`,
      });
      continue;
    }
    const keys = changedKeys(old, item, c.ignore);
    if (keys.length)
      out.push({
        thing: c.thing,
        id: item.id,
        kind: 'changed',
        text: `${name(item)} changed${where} (${keys.join(', ')})`,
      });
  }
  for (const item of c.before) {
    if (!after.has(item.id)) {
      out.push({
        thing: c.thing,
        id: item.id,
        kind: 'removed',
        text: `${name(item)} ${c.verbs?.removed ?? 'removed'}${where}`,
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
      text: `site settings changed (${changedKeys(from.site, to.site).join(', ')})`,
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
