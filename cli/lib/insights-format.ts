/**
 * Terminal text for `tessera attribution`, `tessera roi` and `tessera maturity`. Pure: report
 * in, text out.
 */
import type { Assessment } from '../../shared/maturity/assess.ts';
import { showFigure } from '../../shared/maturity/assess.ts';
import type { AttributionRow } from '../../shared/revenue/attribution.ts';
import type { AttributionReport } from '../../shared/revenue/read-attribution.ts';
import type { RoiResult } from '../../shared/revenue/roi.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const money = (x: number) =>
  (Math.round(x * 100) / 100)
    .toFixed(Math.abs(x) >= 1000 ? 0 : 2)
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    )
    .join('\n')
    .replace(/ +$/gm, '');
}

function rowsTable(title: [string, string], rows: AttributionRow[], currency: string): string {
  const out = [
    [title[0], title[1], 'exposures', 'share', 'conversions', `revenue ${currency}`, 'share'],
  ];
  for (const r of rows)
    out.push([
      r.group,
      r.key,
      String(r.exposures),
      pct(r.exposureShare),
      String(r.conversions),
      money(r.revenue),
      pct(r.revenueShare),
    ]);
  return table(out);
}

export function formatAttribution(a: AttributionReport): string {
  const c = a.currency ?? '';
  const lines = [
    `attribution ${a.from.slice(0, 10)} → ${a.to.slice(0, 10)} · purchases credited to the last decision of each slot (and the last arm of each experiment) within ${a.windowHours} h before`,
    `${a.conversions} purchases, ${money(a.revenue)} ${c}; ${a.unattributed.conversions} (${money(a.unattributed.revenue)} ${c}) had no decision in the window`,
    '',
    a.note,
    '',
    `by ladder level (shares within each slot)${a.exposureSample.every > 1 ? ` — slot exposures estimated from every ${a.exposureSample.every}th of ${a.decisions} decisions` : ''}`,
    rowsTable(['slot', 'level'], a.levels, c),
  ];
  if (a.rules.length) lines.push('', 'by rule', rowsTable(['slot', 'rule'], a.rules, c));
  lines.push('', 'by variant', rowsTable(['slot', 'variant'], a.variants, c));
  if (a.arms.length)
    lines.push('', 'by experiment arm', rowsTable(['experiment', 'arm'], a.arms, c));
  for (const [cur, x] of Object.entries(a.converted ?? {}))
    lines.push(`${x.orders} order(s) in ${cur} converted at ${x.rate} ${c}/${cur}`);
  if (a.excluded)
    lines.push(
      `EXCLUDED: ${a.excluded.orders} order(s) in ${Object.keys(a.excluded.byCurrency).join(', ')} — no rate to ${c} in site.revenue.rates`,
    );
  return lines.join('\n');
}

export function formatRoi(r: RoiResult): string {
  if (r.status !== 'ok')
    return [
      'ROI: not computed — numbers missing:',
      ...r.missing.map((m) => `  - ${m}`),
      '',
      'Fill them in costs.json (docs/maturity.md "ROI") and run `tessera roi` again.',
    ].join('\n');
  const c = r.currency!;
  const e = (x: { estimate: number; low: number; high: number }) =>
    `${money(x.estimate)} [${money(x.low)}, ${money(x.high)}] ${c}`;
  const month = (m: number | null) => (m === null ? `not within ${r.horizonMonths}` : String(m));
  return [
    `ROI over ${r.horizonMonths} months${r.costsVersion ? ` (costs: ${r.costsVersion})` : ''}`,
    `  personalized visitors a month      ${Math.round(r.monthlyVisitors!)}`,
    `  incremental revenue a month        ${e(r.monthlyIncrementalRevenue!)}`,
    `  incremental profit a month         ${e(r.monthlyIncrementalProfit!)}  (margin ${pct(r.margin!)})`,
    `  cost a month                       ${money(r.monthlyCost!)} ${c}`,
    `  one-off cost                       ${money(r.oneOffCost!)} ${c}`,
    `  ROI                                ${pct(r.roi!.estimate)} [${pct(r.roi!.low)}, ${pct(r.roi!.high)}]`,
    `  payback month                      ${month(r.paybackMonth!.estimate)} (best ${month(r.paybackMonth!.best)}, worst ${month(r.paybackMonth!.worst)})`,
    '',
    'The range is the 95 % interval of the holdout’s incremental revenue carried through; costs are taken as exact.',
  ].join('\n');
}

export function formatMaturity(a: Assessment & { version?: string }): string {
  const lines = [
    `maturity self-assessment · last ${a.days} days, ${a.decisions} decisions${a.version ? ` · bundle ${a.version}` : ''}`,
    '',
  ];
  for (const d of a.dimensions) {
    lines.push(`${d.name.padEnd(20)} stage ${d.stage} — ${d.stageName}`);
    for (const l of d.evidence)
      lines.push(
        `    ${l.pass ? '✓' : '✗'} ${l.label}: ${showFigure(l.figure, l.value)} (stage ${l.stage} needs ${l.threshold})`,
      );
  }
  lines.push('');
  if (a.nextStep)
    lines.push(
      `NEXT STEP (${a.dimensions.find((d) => d.dimension === a.nextStep!.dimension)!.name}, stage ${a.nextStep.from} → ${a.nextStep.to}): ${a.nextStep.action}`,
    );
  else lines.push('Every dimension is at stage 3 (adaptive).');
  lines.push(...a.notes);
  return lines.join('\n');
}
