/**
 * Prints an experiment report for the terminal: the verdict, one row per arm with lifts against
 * control (95 % intervals) and p-values, the SRM line, the phases and the holdout. Pure: report
 * in, text out.
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

const pValue = (p: number) => (p < 0.0001 ? '< 0.0001' : p.toFixed(4));

function armTable(report: Report): string {
  const rows = [
    ['arm', 'visitors', 'conversions', 'rate', 'abs. lift [95% CI]', 'rel. lift [95% CI]', 'p'],
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
        : a.relativeLiftNote
          ? 'n/a*'
          : '—',
      a.pValue === undefined ? '—' : pValue(a.pValue),
    ]);
  }
  const notes = report.arms
    .filter((a) => !a.relativeLift && a.relativeLiftNote)
    .map((a) => `* ${a.arm}: no relative interval: ${a.relativeLiftNote}`);
  const detectable = report.arms.find((a) => a.detectableLift !== undefined)?.detectableLift;
  if (detectable !== undefined)
    notes.push(
      `at this size the test finds a lift of ±${(detectable * 100).toFixed(2)} pp 80 % of the time; a smaller lift it calls is probably overstated`,
    );
  return [table(rows), ...notes].join('\n');
}

const day = (iso?: string) => iso?.slice(0, 16).replace('T', ' ') ?? '—';

function phaseLines(report: Report): string[] {
  if (!report.phase) return [];
  const lines = [
    `phase ${report.phase.id ?? '—'}: ${report.phase.visitors} visitors since ${day(report.phase.from)} (this report counts only this phase)`,
  ];
  for (const p of report.earlierPhases ?? [])
    lines.push(
      `  earlier phase ${p.id ?? '(before phases were recorded)'}: ${p.visitors} visitors, ${day(p.from)} → ${day(p.to)}`,
    );
  return lines;
}

function srmLine(report: Report): string {
  if (!report.srm) return 'sample ratio: not checked (a bandit moves its split on purpose)';
  if (report.srm.warning) return `WARNING: ${report.srm.warning}`;
  return `sample ratio: consistent with the configured split (χ² = ${report.srm.chi2.toFixed(2)}, df ${report.srm.df}, p = ${report.srm.pValue.toFixed(3)})`;
}

/** Which channel's visitors are counted, and which splits there are. */
function channelLines(report: Report): string[] {
  const all = report.channels?.length ? ` (channels: ${report.channels.join(', ')})` : '';
  return [
    report.channel
      ? `channel: ${report.channel} only — visitors exposed there, conversions from any channel${all}`
      : `channel: all${all}${report.channels && report.channels.length > 1 ? '; split with --channel <name>' : ''}`,
  ];
}

export function formatReport(report: Report): string {
  const goal =
    report.conversion ??
    (report.goal.event === 'custom' ? `custom event "${report.goal.name}"` : report.goal.event);
  const lines = [
    `${report.type === 'holdout' ? 'holdout' : `experiment ${report.experiment}`} (${report.type}) · goal: ${goal} within ${report.windowHours} h of first exposure`,
    ...channelLines(report),
    '',
    `${report.verdict.status === 'difference' ? 'RESULT' : report.verdict.status === 'not_enough_data' ? 'NOT ENOUGH DATA' : 'NO CLEAR DIFFERENCE'}: ${report.verdict.message}`,
    '',
    armTable(report),
    '',
    srmLine(report),
    ...phaseLines(report),
    ...(report.excluded
      ? [`${report.excluded} per-request units not counted (no visitor to join conversions to)`]
      : []),
  ];
  if (report.holdout) {
    const p = report.holdout.arms.find((a) => !a.control);
    lines.push(
      '',
      `holdout (${report.holdout.conversion ?? report.holdout.goal.event} within ${report.holdout.windowHours} h): personalized vs. held out`,
      p?.absoluteLift
        ? `incremental lift of personalization: ${pp(p.absoluteLift.estimate)} [${pp(p.absoluteLift.low)}, ${pp(p.absoluteLift.high)}]`
        : `incremental lift: ${report.holdout.verdict.message}`,
      '',
      armTable(report.holdout),
    );
  }
  lines.push('', `intervals: ${report.intervals}`);
  return lines.join('\n');
}
