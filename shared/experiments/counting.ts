/**
 * Who counts where: the counting behind every experiment report and the bandit's learning, as
 * pure functions of exposure rows and events. The D1 reader (arm-stats.ts) only fetches rows and
 * feeds them here in pages; the seeded simulations (sim/) feed the same functions directly.
 *
 * The rules:
 * - **One arm per visitor.** A visitor (unit) counts in the arm of their first exposure — the
 *   earliest `at`; a tie goes to the arm id that sorts first. Later exposures to other arms
 *   (a broken assignment, two tabs racing) never make a visitor count twice.
 * - **Same visitor.** An event counts only for exposures of the visitor who sent it: events are
 *   keyed by the sender's pseudonym from the verified cookie. A decision id inside an event is
 *   never used to attribute it (anyone can post any decision id).
 * - **Window from the first exposure.** A visitor converts when a goal event happens at or after
 *   their first exposure and at most `windowMs` later. Every visitor gets the same window, so
 *   frequent visitors do not get more chances to convert than rare ones.
 *
 * Each visitor's outcome also carries how many goal events matched and their summed `value`, so
 * revenue per visitor and order value can be added up by the same fold.
 */
import type { Goal } from '../schema/experiment.ts';

/** One exposure (or, from D1, the earliest exposure of a unit to one arm — the same thing here). */
export interface ExposureRow {
  unit: string;
  arm: string;
  /** ms since the epoch */
  at: number;
  /** The experiment phase it happened in (phase.ts); null for rows written before phases. */
  phase?: string | null;
}

/** An event as stored (events table), keyed by the sender's pseudonym. */
export interface EventRow {
  unit: string;
  type: string;
  name?: string | null;
  slot?: string | null;
  value?: number | null;
  currency?: string | null;
  /** ms since the epoch */
  at: number;
}

/**
 * What counts as a conversion, with everything the experiment implies filled in (e.g. the slots
 * a click goal means). See `resolveGoal` in goals.ts.
 */
export interface GoalMatch {
  event: Goal['event'];
  /** `custom`: the event name. */
  name?: string;
  /** `click`: clicks on these slots only (absent: every slot). */
  slots?: readonly string[];
  /** `purchase`: at least this value … */
  minValue?: number;
  /** … in this currency (required with minValue, so amounts are never compared across currencies). */
  currency?: string;
}

export function matchesGoal(goal: GoalMatch, e: EventRow): boolean {
  if (e.type !== goal.event) return false;
  switch (goal.event) {
    case 'custom':
      return goal.name === undefined || e.name === goal.name;
    case 'click':
      return !goal.slots || (!!e.slot && goal.slots.includes(e.slot));
    case 'purchase':
      if (goal.currency !== undefined && e.currency !== goal.currency) return false;
      return goal.minValue === undefined || (e.value ?? 0) >= goal.minValue;
    default:
      return true;
  }
}

/** One visitor's result in one experiment phase. */
export interface UnitOutcome {
  unit: string;
  /** The arm of the first exposure. */
  arm: string;
  /** Time of the first exposure. */
  at: number;
  converted: boolean;
  /** Goal events inside the window (e.g. orders). */
  events: number;
  /** Their summed `value` (e.g. revenue; 0 for events without one). */
  value: number;
  /**
   * The same events and values split by currency, when any event carried one (purchases): the
   * revenue report converts or excludes each currency (shared/revenue/), never sums them as is.
   */
  byCurrency?: Record<string, { events: number; value: number }>;
}

/**
 * The counting state: each unit's first exposure and its goal events, added in any order and in
 * pieces (a D1 page, a simulated epoch). Outcomes are computed when asked, so an exposure that
 * turns out to be earlier than one already seen still moves the window correctly. Only events
 * that match the goal are kept.
 */
export class Ledger {
  private readonly units = new Map<
    string,
    { arm?: string; at: number; times: number[]; values: number[]; currencies: (string | null)[] }
  >();

  /**
   * @param phase count only exposures of this phase (others are ignored, so a visitor's arm and
   *   window come from their first exposure *in this phase*); undefined: every exposure.
   */
  constructor(
    private readonly goal: GoalMatch,
    private readonly windowMs: number,
    private readonly phase?: string,
  ) {}

  private unit(id: string) {
    let u = this.units.get(id);
    if (!u) this.units.set(id, (u = { at: Infinity, times: [], values: [], currencies: [] }));
    return u;
  }

  /** Keeps the earliest exposure per unit; a tie goes to the arm id that sorts first. */
  expose(rows: Iterable<ExposureRow>): this {
    for (const r of rows) {
      if (this.phase !== undefined && r.phase !== this.phase) continue;
      const u = this.unit(r.unit);
      if (r.at < u.at || (r.at === u.at && (u.arm === undefined || r.arm < u.arm))) {
        u.arm = r.arm;
        u.at = r.at;
      }
    }
    return this;
  }

  record(events: Iterable<EventRow>): this {
    for (const e of events) {
      if (!matchesGoal(this.goal, e)) continue;
      const u = this.unit(e.unit);
      u.times.push(e.at);
      u.values.push(e.value ?? 0);
      u.currencies.push(e.currency ?? null);
    }
    return this;
  }

  /** Every exposed unit's outcome: its arm, and its goal events inside its window. */
  *outcomes(): Generator<UnitOutcome> {
    for (const [unit, u] of this.units) {
      if (u.arm === undefined) continue; // events of a unit never exposed
      let events = 0;
      let value = 0;
      let byCurrency: UnitOutcome['byCurrency'];
      for (let i = 0; i < u.times.length; i++) {
        const t = u.times[i]!;
        if (t < u.at || t > u.at + this.windowMs) continue;
        events++;
        value += u.values[i]!;
        const currency = u.currencies[i];
        if (currency) {
          byCurrency ??= Object.create(null) as NonNullable<UnitOutcome['byCurrency']>;
          const c = (byCurrency[currency] ??= { events: 0, value: 0 });
          c.events++;
          c.value += u.values[i]!;
        }
      }
      yield {
        unit,
        arm: u.arm,
        at: u.at,
        converted: events > 0,
        events,
        value,
        ...(byCurrency ? { byCurrency } : {}),
      };
    }
  }

  /** Per-arm totals for the given arms, in order. */
  counts(arms: readonly string[]): ArmCounts[] {
    const counts = emptyCounts(arms);
    tally(counts, this.outcomes());
    return counts;
  }
}

/** Every exposed unit's outcome: its arm and whether (and how much) it converted in its window. */
export function unitOutcomes(
  exposures: Iterable<ExposureRow>,
  events: Iterable<EventRow>,
  goal: GoalMatch,
  windowMs: number,
  phase?: string,
): UnitOutcome[] {
  return [...new Ledger(goal, windowMs, phase).expose(exposures).record(events).outcomes()];
}

/** Per-arm totals: exposed visitors, visitors who converted, goal events and their value. */
export interface ArmCounts {
  arm: string;
  /** Visitors whose first exposure in the phase was to this arm. */
  exposures: number;
  /** Of those, visitors with at least one goal event in their window. */
  conversions: number;
  /** Goal events in those windows (e.g. orders). */
  events: number;
  /** Their summed value (e.g. revenue). */
  value: number;
}

export function emptyCounts(arms: readonly string[]): ArmCounts[] {
  return arms.map((arm) => ({ arm, exposures: 0, conversions: 0, events: 0, value: 0 }));
}

/**
 * Adds outcomes into per-arm counts, in place. Returns how many outcomes named an arm not in the
 * list (an arm removed from the experiment — which starts a new phase, so in practice none).
 */
export function tally(counts: ArmCounts[], outcomes: Iterable<UnitOutcome>): number {
  const byArm = new Map(counts.map((c) => [c.arm, c]));
  let unknown = 0;
  for (const o of outcomes) {
    const c = byArm.get(o.arm);
    if (!c) {
      unknown++;
      continue;
    }
    c.exposures++;
    if (o.converted) c.conversions++;
    c.events += o.events;
    c.value += o.value;
  }
  return unknown;
}

/** The whole count in one call: what a report of these rows says for each arm, in order. */
export function countArms(
  arms: readonly string[],
  exposures: Iterable<ExposureRow>,
  events: Iterable<EventRow>,
  goal: GoalMatch,
  windowMs: number,
  phase?: string,
): ArmCounts[] {
  return new Ledger(goal, windowMs, phase).expose(exposures).record(events).counts(arms);
}
