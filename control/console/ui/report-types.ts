/**
 * The parts of `GET /admin/experiments/:id/report` (shared/experiments/report.ts, with the
 * revenue section of shared/revenue/report.ts) and of the allocation route that the results view
 * reads. Written out here because the server's `Report` type lives next to its D1 reader, which
 * the browser build (DOM types only, no Workers types) cannot type-check; the browser test
 * (test/browser/console-results.test.ts) passes the server's `Report` where this type is expected,
 * so a field renamed on the server fails the type check instead of leaving a blank in the view.
 */

export interface ConsoleInterval {
  low: number;
  high: number;
}
export interface ConsoleEstimate extends ConsoleInterval {
  estimate: number;
}

export interface ConsoleArm {
  arm: string;
  exposures: number;
  conversions: number;
  rate: number;
  rateInterval: ConsoleInterval;
  control: boolean;
  absoluteLift?: ConsoleEstimate;
  relativeLift?: ConsoleEstimate;
  /** Why there is no relative lift although there is an absolute one. */
  relativeLiftNote?: string;
  pValue?: number;
}

export interface ConsoleRevenueArm {
  arm: string;
  control: boolean;
  visitors: number;
  buyers: number;
  orders: number;
  revenue: number;
  revenuePerVisitor: ConsoleEstimate;
  revenuePerVisitorLift?: ConsoleEstimate;
}

export interface ConsoleRevenue {
  currency?: string;
  arms: ConsoleRevenueArm[];
  excluded?: { message: string };
  incremental?: { message: string; per1000Visitors: ConsoleEstimate };
  notes: string[];
}

export interface ConsoleReport {
  experiment: string;
  type: string;
  conversion?: string;
  minVisitorsPerArm: number;
  verdict: { status: string; message: string; winner?: string; worse?: string[] };
  arms: ConsoleArm[];
  srm?: { mismatch: boolean; pValue: number; warning?: string };
  excluded?: number;
  earlierPhases?: { visitors: number }[];
  holdout?: ConsoleReport;
  revenue?: ConsoleRevenue;
}

/** `GET /admin/console/experiments/:id/allocation` (control/console/allocation-routes.ts). */
export interface ConsoleAllocation {
  days: { day: string; arms: Record<string, number> }[];
}
