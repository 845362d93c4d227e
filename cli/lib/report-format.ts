/**
 * Prints an experiment report for the terminal: one row per arm, lifts against control with
 * their 95 % intervals, and the SRM and holdout lines. Pure: report in, text out.
 */
import type { Report } from '../../shared/experiments/report.ts';

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    )
    .join('\n');
}

function armTable(report: Report): string {
  const rows = [
    ['arm', 'exposures', 'conversions', 'rate', 'abs. lift [95% CI]', 'rel. lift [95% CI]'],
  ];
  for (const a of report.arms) {
    rows.push([
      `${a.arm}${a.control ? ' (control)' : ''}`,
      String(a.exposures),
      String(a.conversions),
      pct(a.rate),
      a.absoluteLift
        ? `${pp(a.absoluteLift.estimate)} [${pp(a.absoluteLift.low)}, ${pp(a.absoluteLift.high)}]`
        : '—',
      a.relativeLift
        ? `${signed(a.relativeLift.estimate)} [${signed(a.relativeLift.low)}, ${signed(a.relativeLift.high)}]`
        : '—',
    ]);
  }
  return table(rows);
}

function srmLine(report: Report): string {
  if (!report.srm) return 'sample ratio: not checked (a bandit moves its split on purpose)';
  if (report.srm.warning) return `WARNING: ${report.srm.warning}`;
  return `sample ratio: consistent with the configured split (χ² = ${report.srm.chi2.toFixed(2)}, df ${report.srm.df}, p = ${report.srm.pValue.toFixed(3)})`;
}

export function formatReport(report: Report): string {
  const goal =
    report.goal.event === 'custom' ? `custom event "${report.goal.name}"` : report.goal.event;
  const lines = [
    `${report.type === 'holdout' ? 'holdout' : `experiment ${report.experiment}`} (${report.type}) · goal: ${goal} within ${report.windowHours} h of exposure`,
    '',
    armTable(report),
    '',
    srmLine(report),
  ];
  if (report.holdout) {
    const p = report.holdout.arms.find((a) => !a.control);
    lines.push(
      '',
      `holdout (${report.holdout.goal.event} within ${report.holdout.windowHours} h): personalized vs. held out`,
      p?.absoluteLift
        ? `incremental lift of personalization: ${pp(p.absoluteLift.estimate)} [${pp(p.absoluteLift.low)}, ${pp(p.absoluteLift.high)}]`
        : 'incremental lift: not enough data yet',
      '',
      armTable(report.holdout),
    );
  }
  lines.push('', `intervals: ${report.intervals}`);
  return lines.join('\n');
}
