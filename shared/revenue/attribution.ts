/**
 * Attribution from the decision log: which ladder level, rule, variant and experiment arm
 * preceded conversions and revenue within the attribution window. Pure: exposure counts,
 * conversions and the touches before them in, a marketer-readable table out. The D1 reader is
 * ./read-attribution.ts.
 *
 * The credit rule (per slot, last touch): a conversion is credited, for each slot, to the last
 * decision of that slot the same visitor saw at most `window` before it — one conversion and its
 * whole revenue to one ladder level, one rule (if a rule decided) and one variant of that slot;
 * and, for each experiment, to the arm of the visitor's last exposure in the window. So within
 * a slot (or an experiment) the attributed conversions and revenue add up to those of the
 * conversions that slot touched; a conversion no decision preceded is "unattributed".
 *
 * This is observational: visitors who see affinity heroes differ from those who see the default
 * (they came back, they browsed), so a level's share of revenue is not what it caused. Only the
 * holdout's and experiments' lift is causal.
 */

export const OBSERVATIONAL_NOTE =
  'Observational: this shows what preceded conversions, not what caused them — visitors who get individual decisions differ from those who get the default. Only the holdout and experiment lifts are causal.';

/** The ladder as a marketer names it, from a slot record's level and reason. */
export function ladderOf(level: string, reason: string): string {
  switch (level) {
    case 'individual':
      return reason.startsWith('nbo:')
        ? 'individual: next-best offer'
        : reason.startsWith('affinity:')
          ? 'individual: affinity'
          : 'individual';
    case 'segment':
      return 'segment rule';
    case 'cohort':
      return 'cohort rule';
    case 'experiment':
      return 'experiment arm';
    default:
      return level;
  }
}

/** How many slot decisions of a kind the period had (the exposure side of the table). */
export interface SlotExposures {
  slot: string;
  level: string;
  reason: string;
  rule?: string | null;
  variant: string;
  count: number;
}

export interface ArmExposures {
  experiment: string;
  arm: string;
  count: number;
}

/** A conversion in the period, its revenue already in the reporting currency. */
export interface Conversion {
  id: string;
  at: number;
  revenue: number;
}

/** A slot decision the converting visitor saw before the conversion. */
export interface SlotTouch {
  conversion: string;
  at: number;
  slot: string;
  level: string;
  reason: string;
  rule?: string | null;
  variant: string;
}

export interface ArmTouch {
  conversion: string;
  at: number;
  experiment: string;
  arm: string;
}

export interface AttributionRow {
  /** The slot (levels, rules, variants) or the experiment (arms). */
  group: string;
  key: string;
  exposures: number;
  /** Of the group's exposures. */
  exposureShare: number;
  conversions: number;
  revenue: number;
  /** Of the group's attributed revenue. */
  revenueShare: number;
}

export interface AttributionTable {
  conversions: number;
  revenue: number;
  /** Conversions no decision of any slot preceded within the window. */
  unattributed: { conversions: number; revenue: number };
  levels: AttributionRow[];
  rules: AttributionRow[];
  variants: AttributionRow[];
  arms: AttributionRow[];
  note: typeof OBSERVATIONAL_NOTE;
}

type Acc = Map<
  string,
  { group: string; key: string; exposures: number; conversions: number; revenue: number }
>;

function add(
  acc: Acc,
  group: string,
  key: string,
  f: { exposures?: number; conversions?: number; revenue?: number },
) {
  const id = `${group}\u0000${key}`;
  let row = acc.get(id);
  if (!row) acc.set(id, (row = { group, key, exposures: 0, conversions: 0, revenue: 0 }));
  row.exposures += f.exposures ?? 0;
  row.conversions += f.conversions ?? 0;
  row.revenue += f.revenue ?? 0;
}

function rows(acc: Acc): AttributionRow[] {
  const totals = new Map<string, { exposures: number; revenue: number }>();
  for (const r of acc.values()) {
    const t = totals.get(r.group) ?? { exposures: 0, revenue: 0 };
    t.exposures += r.exposures;
    t.revenue += r.revenue;
    totals.set(r.group, t);
  }
  return [...acc.values()]
    .map((r) => {
      const t = totals.get(r.group)!;
      return {
        ...r,
        exposureShare: t.exposures ? r.exposures / t.exposures : 0,
        revenueShare: t.revenue ? r.revenue / t.revenue : 0,
      };
    })
    .sort((a, b) =>
      a.group < b.group
        ? -1
        : a.group > b.group
          ? 1
          : b.revenue - a.revenue || b.exposures - a.exposures || (a.key < b.key ? -1 : 1),
    );
}

/** The last touch per key among `touches` at or before `at` and no earlier than `at − window`. */
function lastPer<T extends { at: number }>(
  touches: readonly T[],
  keyOf: (t: T) => string,
  at: number,
  windowMs: number,
): T[] {
  const last = new Map<string, T>();
  for (const t of touches) {
    if (t.at > at || t.at < at - windowMs) continue;
    const k = keyOf(t);
    const seen = last.get(k);
    if (!seen || t.at > seen.at) last.set(k, t);
  }
  return [...last.values()];
}

/** Credit already worked out (a rolled-up day: ./attribution-days.ts), in the reporting currency. */
export interface Credit {
  table: 'levels' | 'rules' | 'variants' | 'arms';
  group: string;
  key: string;
  conversions: number;
  revenue: number;
}

/** Conversions already credited elsewhere: their totals, unattributed part and credits. */
export interface Credited {
  conversions: number;
  revenue: number;
  unattributed: { conversions: number; revenue: number };
  credits: readonly Credit[];
}

export function attribute(input: {
  slotExposures: readonly SlotExposures[];
  armExposures: readonly ArmExposures[];
  conversions: readonly Conversion[];
  slotTouches: readonly SlotTouch[];
  armTouches: readonly ArmTouch[];
  windowMs: number;
  credited?: Credited;
}): AttributionTable {
  const levels: Acc = new Map();
  const rules: Acc = new Map();
  const variants: Acc = new Map();
  const arms: Acc = new Map();
  const tables = { levels, rules, variants, arms };
  for (const c of input.credited?.credits ?? [])
    add(tables[c.table], c.group, c.key, { conversions: c.conversions, revenue: c.revenue });
  for (const e of input.slotExposures) {
    add(levels, e.slot, ladderOf(e.level, e.reason), { exposures: e.count });
    if (e.rule) add(rules, e.slot, e.rule, { exposures: e.count });
    add(variants, e.slot, e.variant || '(empty)', { exposures: e.count });
  }
  for (const e of input.armExposures) add(arms, e.experiment, e.arm, { exposures: e.count });
  const slotTouches = group(input.slotTouches);
  const armTouches = group(input.armTouches);
  let revenue = input.credited?.revenue ?? 0;
  const unattributed = { ...(input.credited?.unattributed ?? { conversions: 0, revenue: 0 }) };
  for (const c of input.conversions) {
    revenue += c.revenue;
    const credit = { conversions: 1, revenue: c.revenue };
    const bySlot = lastPer(slotTouches.get(c.id) ?? [], (t) => t.slot, c.at, input.windowMs);
    if (!bySlot.length) {
      unattributed.conversions++;
      unattributed.revenue += c.revenue;
    }
    for (const t of bySlot) {
      add(levels, t.slot, ladderOf(t.level, t.reason), credit);
      if (t.rule) add(rules, t.slot, t.rule, credit);
      add(variants, t.slot, t.variant || '(empty)', credit);
    }
    for (const t of lastPer(armTouches.get(c.id) ?? [], (t) => t.experiment, c.at, input.windowMs))
      add(arms, t.experiment, t.arm, credit);
  }
  return {
    conversions: input.conversions.length + (input.credited?.conversions ?? 0),
    revenue,
    unattributed,
    levels: rows(levels),
    rules: rows(rules),
    variants: rows(variants),
    arms: rows(arms),
    note: OBSERVATIONAL_NOTE,
  };
}

function group<T extends { conversion: string }>(touches: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of touches) {
    const list = m.get(t.conversion);
    if (list) list.push(t);
    else m.set(t.conversion, [t]);
  }
  return m;
}
