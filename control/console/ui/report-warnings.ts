/**
 * The warnings above a report's numbers, in words, from the report alone (no statistics of our
 * own: every figure is the control plane's):
 *
 * - sample-ratio mismatch: the report's own SRM check (`srm.warning`);
 * - guardrails — what must not get worse while the goal is chased:
 *   - conversion: an arm the verdict names as significantly worse than control (`verdict.worse`,
 *     after the report's multiple-comparison correction);
 *   - revenue per visitor: an arm whose 95 % interval of the difference to control lies wholly
 *     below zero (`revenue.arms[].revenuePerVisitorLift`, present once every arm has the minimum
 *     sample), whatever the goal says;
 * - revenue left out: orders in a currency with no rate (`revenue.excluded`).
 */
import type { ConsoleReport } from './report-types.ts';

export interface ReportWarning {
  kind: 'srm' | 'guardrail' | 'revenue';
  text: string;
}

const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;
const money = (x: number, currency: string | undefined) =>
  `${x >= 0 ? '+' : ''}${x.toFixed(2)}${currency ? ` ${currency}` : ''}`;

export function reportWarnings(report: ConsoleReport): ReportWarning[] {
  const out: ReportWarning[] = [];
  const control = report.arms.find((a) => a.control)?.arm ?? 'control';
  if (report.srm?.warning) out.push({ kind: 'srm', text: report.srm.warning });
  for (const id of report.verdict.worse ?? []) {
    const lift = report.arms.find((a) => a.arm === id)?.absoluteLift;
    out.push({
      kind: 'guardrail',
      text: `${id} converts worse than ${control}${lift ? `: ${pp(lift.estimate)} [${pp(lift.low)}, ${pp(lift.high)}]` : ''}`,
    });
  }
  const revenue = report.revenue;
  for (const r of revenue?.arms ?? []) {
    const lift = r.revenuePerVisitorLift;
    if (!lift || !(lift.high < 0)) continue;
    out.push({
      kind: 'guardrail',
      text: `revenue per visitor in ${r.arm} is lower than in ${control}: ${money(lift.estimate, revenue?.currency)} [${money(lift.low, revenue?.currency)}, ${money(lift.high, revenue?.currency)}] per visitor`,
    });
  }
  if (revenue?.excluded) out.push({ kind: 'revenue', text: revenue.excluded.message });
  return out;
}
