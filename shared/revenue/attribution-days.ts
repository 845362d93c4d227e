/**
 * Attribution by day (migrations/0010_report_rollup.sql `attribution_days`): for each settled UTC
 * day and attribution window, the day's exact slot and arm exposure counts and the credit of the
 * day's purchases (./attribution.ts rule), per currency — so a 30-day table reads a few hundred
 * rows per day instead of joining every purchase of the month to the decisions before it.
 *
 * A purchase's credit depends only on the purchase and the decisions and exposures of its sender
 * in the window before it, so days add up exactly (amounts are kept in their own currency and
 * converted when read: conversion is linear). A day is built once it is older than `LATE_MS`
 * (an event's time may be a day before it was received, plus a day in a queue), by the
 * control plane's cron, in one D1 batch (its rows replaced and its mark set together: a run that
 * repeats or dies rebuilds it whole). The report reads the younger days, the period's partial
 * first and last day and any day not built raw. Erasing a purchase, a decision or an exposure
 * deletes the rows of every day it could have counted in (triggers), so they are read raw until
 * the cron rebuilds them without it. The rows name no visitor: counts and sums per rule, variant
 * and arm.
 */
import { LATE_MS } from '../rollup/visitors.ts';
import {
  attribute,
  type ArmExposures,
  type ArmTouch,
  type Credit,
  type SlotExposures,
  type SlotTouch,
} from './attribution.ts';
import {
  ARM_EXPOSURES,
  ARM_TOUCHES,
  DECISION_COUNT,
  PURCHASES,
  SLOT_EXPOSURES,
  SLOT_TOUCHES,
} from './attribution-sql.ts';

export const DAY = 86_400_000;
/** Days built per cron run (newest first), so a new window's 90 days take 18 runs. */
export const DAYS_PER_RUN = 5;
/** How far back days are built (and kept): the longest period a report asks for. */
export const KEPT_DAYS = 90;

/** A span's raw material: exact counts, its purchases and their touches. */
export interface SpanPieces {
  decisions: number;
  slotExposures: SlotExposures[];
  armExposures: ArmExposures[];
  purchases: { id: string; value: number | null; currency: string | null; at: number }[];
  slotTouches: SlotTouch[];
  armTouches: ArmTouch[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The statements reading one span [from, to) (at most a day: each answer stays small). */
export function spanStatements(
  db: D1Database,
  from: number,
  to: number,
  windowMs: number,
): D1PreparedStatement[] {
  return [
    db.prepare(DECISION_COUNT).bind(iso(from), iso(to)),
    db.prepare(SLOT_EXPOSURES).bind(iso(from), iso(to), 1),
    db.prepare(ARM_EXPOSURES).bind(from, to),
    db.prepare(PURCHASES).bind(from, to),
    db.prepare(SLOT_TOUCHES).bind(from, to, windowMs),
    db.prepare(ARM_TOUCHES).bind(from, to, windowMs),
  ];
}

export const SPAN_STATEMENTS = 6;

/** The answers of `spanStatements`, in order. */
export function spanPieces(answers: D1Result<unknown>[]): SpanPieces {
  const [count, slots, arms, purchases, slotTouches, armTouches] = answers;
  return {
    decisions: (count!.results[0] as { n: number } | undefined)?.n ?? 0,
    slotExposures: slots!.results as SlotExposures[],
    armExposures: arms!.results as ArmExposures[],
    purchases: purchases!.results as SpanPieces['purchases'],
    slotTouches: (slotTouches!.results as (Omit<SlotTouch, 'at'> & { iso: string })[]).map((t) => ({
      ...t,
      at: Date.parse(t.iso),
    })),
    armTouches: armTouches!.results as ArmTouch[],
  };
}

/** One stored row: a count (and, for money, an amount in `currency`). */
export interface DayRow {
  kind: 'decisions' | 'slot' | 'arm' | 'purchases' | 'unattributed' | Credit['table'];
  grp: string;
  key: string;
  currency: string;
  count: number;
  amount: number;
}

/** A day's rows from its pieces: exposure counts, and each currency's purchases and credit. */
export function dayRows(p: SpanPieces, windowMs: number): DayRow[] {
  const rows: DayRow[] = [
    { kind: 'decisions', grp: '', key: '', currency: '', count: p.decisions, amount: 0 },
  ];
  for (const e of p.slotExposures)
    rows.push({
      kind: 'slot',
      grp: e.slot,
      key: JSON.stringify([e.level, e.reason, e.rule ?? null, e.variant]),
      currency: '',
      count: e.count,
      amount: 0,
    });
  for (const e of p.armExposures)
    rows.push({
      kind: 'arm',
      grp: e.experiment,
      key: e.arm,
      currency: '',
      count: e.count,
      amount: 0,
    });
  const byCurrency = new Map<string, SpanPieces['purchases']>();
  for (const r of p.purchases) {
    if (!r.currency) continue; // no currency: never revenue (as the raw read)
    const list = byCurrency.get(r.currency);
    if (list) list.push(r);
    else byCurrency.set(r.currency, [r]);
  }
  for (const [currency, list] of byCurrency) {
    const t = attribute({
      slotExposures: [],
      armExposures: [],
      conversions: list.map((r) => ({ id: r.id, at: r.at, revenue: r.value ?? 0 })),
      slotTouches: p.slotTouches,
      armTouches: p.armTouches,
      windowMs,
    });
    rows.push({
      kind: 'purchases',
      grp: '',
      key: '',
      currency,
      count: t.conversions,
      amount: t.revenue,
    });
    if (t.unattributed.conversions)
      rows.push({
        kind: 'unattributed',
        grp: '',
        key: '',
        currency,
        count: t.unattributed.conversions,
        amount: t.unattributed.revenue,
      });
    for (const table of ['levels', 'rules', 'variants', 'arms'] as const)
      for (const r of t[table])
        if (r.conversions)
          rows.push({
            kind: table,
            grp: r.group,
            key: r.key,
            currency,
            count: r.conversions,
            amount: r.revenue,
          });
  }
  return rows;
}

/** The slot exposure a stored `slot` row stands for. */
export function slotExposureOf(r: DayRow): SlotExposures {
  const [level, reason, rule, variant] = JSON.parse(r.key) as [
    string,
    string,
    string | null,
    string,
  ];
  return { slot: r.grp, level, reason, rule, variant, count: r.count };
}

const BUILT = `SELECT day FROM attribution_days_built WHERE window_ms = ?1 AND day >= ?2 AND day < ?3`;

/** The days in [fromDay, toDay) built for this window. */
export async function builtDays(
  db: D1Database,
  windowMs: number,
  fromDay: number,
  toDay: number,
): Promise<Set<number>> {
  const { results } = await db.prepare(BUILT).bind(windowMs, fromDay, toDay).all<{ day: number }>();
  return new Set(results.map((r) => r.day));
}

const ROWS = `SELECT kind, grp, key, currency, SUM(count) AS count, SUM(amount) AS amount
  FROM attribution_days WHERE window_ms = ?1 AND day IN (SELECT value FROM json_each(?2))
  GROUP BY kind, grp, key, currency`;

/** The rows of these days, summed over the days. */
export async function readDayRows(
  db: D1Database,
  windowMs: number,
  days: readonly number[],
): Promise<DayRow[]> {
  return (await db.prepare(ROWS).bind(windowMs, JSON.stringify(days)).all<DayRow>()).results;
}

const REPLACE = [
  `DELETE FROM attribution_days WHERE day = ?1 AND window_ms = ?2`,
  `INSERT INTO attribution_days (day, window_ms, kind, grp, key, currency, count, amount)
    SELECT ?1, ?2, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5
    FROM json_each(?3) AS j`,
  `INSERT OR REPLACE INTO attribution_days_built (day, window_ms, built_at) VALUES (?1, ?2, ?3)`,
] as const;

/** The newest settled day: every day up to it is older than `LATE_MS` at `now`. */
export const lastSettledDay = (now: number) => Math.floor((now - LATE_MS) / DAY) - 1;

/**
 * One cron step: build up to `DAYS_PER_RUN` of the settled days of the last `KEPT_DAYS` not
 * built yet for this window (newest first). Returns the days built.
 */
export async function rollUpAttribution(
  db: D1Database,
  windowMs: number,
  now: number,
): Promise<number[]> {
  const last = lastSettledDay(now);
  const first = Math.floor(now / DAY) - KEPT_DAYS;
  const built = await builtDays(db, windowMs, first, last + 1);
  const todo: number[] = [];
  for (let d = last; d >= first && todo.length < DAYS_PER_RUN; d--) if (!built.has(d)) todo.push(d);
  // Days older than any period a report asks for are not kept.
  await db.batch([
    db.prepare('DELETE FROM attribution_days WHERE day < ?1').bind(first),
    db.prepare('DELETE FROM attribution_days_built WHERE day < ?1').bind(first),
  ]);
  for (const day of todo) {
    const pieces = spanPieces(
      await db.batch(spanStatements(db, day * DAY, (day + 1) * DAY, windowMs)),
    );
    const rows = dayRows(pieces, windowMs).map((r) => [
      r.kind,
      r.grp,
      r.key,
      r.currency,
      r.count,
      r.amount,
    ]);
    // One transaction: the day's rows and its mark, replaced together.
    await db.batch([
      db.prepare(REPLACE[0]).bind(day, windowMs),
      db.prepare(REPLACE[1]).bind(day, windowMs, JSON.stringify(rows)),
      db.prepare(REPLACE[2]).bind(day, windowMs, now),
    ]);
  }
  return todo;
}
