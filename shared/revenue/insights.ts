/**
 * The three business reports of issue 17 as one call each, shared by the admin routes
 * (control/routes/insights.ts) and the CLI (`tessera attribution|roi|maturity`): read D1 and the
 * bundle, hand the rows to the pure functions.
 */
import type { Bundle } from '../schema/bundle.ts';
import type { Costs } from '../schema/costs.ts';
import { holdoutReport } from '../experiments/report.ts';
import { assess, type Assessment } from '../maturity/assess.ts';
import { readEvidence } from '../maturity/evidence.ts';
import { readAttribution, type AttributionReport } from './read-attribution.ts';
import { computeRoi, type Measured, type RoiResult } from './roi.ts';

export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 90;
const DAY = 86_400_000;

export async function attributionReport(
  db: D1Database,
  bundle: Bundle | undefined,
  now: number,
  days = DEFAULT_DAYS,
  progress?: (day: number, days: number) => void,
): Promise<AttributionReport> {
  return readAttribution(db, { from: now - days * DAY, to: now }, bundle?.site.revenue, progress);
}

export async function maturityReport(
  db: D1Database,
  bundle: Bundle | undefined,
  now: number,
  days = DEFAULT_DAYS,
): Promise<Assessment & { version?: string }> {
  return {
    ...(bundle ? { version: bundle.version } : {}),
    ...assess(await readEvidence(db, bundle, now, days)),
  };
}

/** The holdout's measured incremental revenue per visitor, if there is one to measure. */
export async function measuredIncrement(
  db: D1Database,
  bundle: Bundle | undefined,
): Promise<Measured | undefined> {
  const holdout = bundle?.holdout;
  if (!holdout || holdout.share <= 0) return undefined;
  const report = await holdoutReport(db, holdout, {}, bundle.site.revenue);
  const inc = report.revenue?.incremental;
  if (!inc || !report.revenue?.currency) return undefined;
  const from = Date.parse(report.phase?.from ?? '');
  const to = Date.parse(report.phase?.to ?? '');
  const days = Number.isFinite(from) && Number.isFinite(to) ? Math.max(1, (to - from) / DAY) : 1;
  return {
    currency: report.revenue.currency,
    perVisitor: inc.perVisitor,
    personalizedVisitors: inc.personalizedVisitors,
    days,
  };
}

export async function roiReport(
  db: D1Database,
  bundle: Bundle | undefined,
  costs: Costs | undefined,
): Promise<RoiResult> {
  const measured = await measuredIncrement(db, bundle);
  const rate =
    !costs?.currency || !measured || costs.currency === measured.currency
      ? 1
      : bundle?.site.revenue?.rates?.[costs.currency];
  return computeRoi(costs, measured, rate);
}
