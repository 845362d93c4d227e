/**
 * An experiment's (or the holdout's) results, as the control plane reports them: the verdict in a
 * sentence, warnings (sample-ratio mismatch, guardrails: ./report-warnings.ts), each arm's
 * visitors, conversions and rate, the lift against control with its 95 % interval in a table and
 * drawn as a chart, revenue per arm, the holdout's lift and incremental revenue, and for a bandit
 * its allocation over time. Every number is the report's own (GET /admin/experiments/:id/report);
 * the view only formats and draws it.
 */
import { Fragment, h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from './api.ts';
import type {
  ConsoleAllocation,
  ConsoleArm,
  ConsoleEstimate,
  ConsoleReport,
  ConsoleRevenue,
} from './report-types.ts';
import { reportWarnings } from './report-warnings.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;
const money = (x: number) => x.toFixed(2);
const interval = (e: ConsoleEstimate, f: (x: number) => string) =>
  `${f(e.estimate)} (${f(e.low)} to ${f(e.high)})`;

/** The lift column: relative lift with its interval, else why there is none. */
function liftText(a: ConsoleArm, report: ConsoleReport): string {
  if (a.control) return '—';
  if (a.relativeLift) return interval(a.relativeLift, signed);
  if (a.absoluteLift)
    return `${interval(a.absoluteLift, pp)}${a.relativeLiftNote ? ` (${a.relativeLiftNote})` : ''}`;
  return report.verdict.status === 'not_enough_data' ? 'not enough data yet' : '—';
}

/**
 * Each arm's relative lift against control as a point with its 95 % interval, on an axis
 * symmetric around 0. Each arm's group carries the numbers it draws (`data-low`, `data-estimate`,
 * `data-high`), and a tooltip says them.
 */
export function LiftChart({ arms }: { arms: ConsoleArm[] }) {
  const rows = arms.filter(
    (a): a is ConsoleArm & { relativeLift: ConsoleEstimate } => !!a.relativeLift,
  );
  if (!rows.length) return <p class="muted">No lift to draw yet.</p>;
  const bound = Math.max(
    0.05,
    ...rows.flatMap((a) => [Math.abs(a.relativeLift.low), Math.abs(a.relativeLift.high)]),
  );
  const W = 480;
  const left = 120;
  const x = (v: number) => left + ((v + bound) / (2 * bound)) * (W - left - 20);
  const H = 30 * rows.length + 30;
  return (
    <svg
      class="chart lift-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="Lift against control with 95% intervals"
    >
      <line x1={x(0)} x2={x(0)} y1={5} y2={H - 20} class="axis" />
      <text x={x(0)} y={H - 5} class="tick" text-anchor="middle">
        0
      </text>
      <text x={x(-bound)} y={H - 5} class="tick">
        {signed(-bound)}
      </text>
      <text x={x(bound)} y={H - 5} class="tick" text-anchor="end">
        {signed(bound)}
      </text>
      {rows.map((a, i) => {
        const l = a.relativeLift;
        const y = 20 + i * 30;
        const cls = l.low > 0 ? 'up' : l.high < 0 ? 'down' : 'flat';
        return (
          <g
            key={a.arm}
            class={`lift ${cls}`}
            data-arm={a.arm}
            data-low={String(l.low)}
            data-estimate={String(l.estimate)}
            data-high={String(l.high)}
          >
            <title>{`${a.arm}: ${signed(l.estimate)} (${signed(l.low)} to ${signed(l.high)})`}</title>
            <text x={4} y={y + 4} class="label">
              {a.arm.length > 18 ? `${a.arm.slice(0, 17)}…` : a.arm}
            </text>
            <line x1={x(l.low)} x2={x(l.high)} y1={y} y2={y} class="ci" />
            <circle cx={x(l.estimate)} cy={y} r={5} class="point" />
          </g>
        );
      })}
    </svg>
  );
}

/** New visitors per arm per day, stacked, and the same numbers as a table: how a bandit moved its split. */
export function AllocationChart({ data }: { data: ConsoleAllocation }) {
  const arms = [...new Set(data.days.flatMap((d) => Object.keys(d.arms)))].sort();
  if (!arms.length) return <p class="muted">No visitors in the last {data.days.length} days.</p>;
  const total = (d: ConsoleAllocation['days'][number]) =>
    Object.values(d.arms).reduce((s, n) => s + n, 0);
  const max = Math.max(1, ...data.days.map(total));
  const share = (n: number, of: number) => (of ? `${n} (${pct(n / of)})` : String(n));
  const W = 480;
  const H = 140;
  const bw = (W - 20) / data.days.length;
  return (
    <figure class="allocation">
      <svg
        class="chart"
        viewBox={`0 0 ${W} ${H + 20}`}
        role="img"
        aria-label="New visitors per arm per day"
      >
        {data.days.map((d, i) => {
          let y = H;
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${arms.map((a) => `${a} ${d.arms[a] ?? 0}`).join(', ')}`}</title>
              {arms.map((arm, k) => {
                // Not `h`: that is the JSX factory this file's <rect> compiles to.
                const height = ((d.arms[arm] ?? 0) / max) * (H - 10);
                y -= height;
                return (
                  <rect
                    key={arm}
                    x={10 + i * bw}
                    y={y}
                    width={Math.max(1, bw - 2)}
                    height={height}
                    class={`arm-${k % 6}`}
                  />
                );
              })}
            </g>
          );
        })}
        <text x={10} y={H + 15} class="tick">
          {data.days[0]?.day}
        </text>
        <text x={W - 10} y={H + 15} class="tick" text-anchor="end">
          {data.days.at(-1)?.day}
        </text>
      </svg>
      <figcaption>
        {arms.map((a, k) => (
          <span key={a} class={`legend arm-${k % 6}`}>
            {a}
          </span>
        ))}
      </figcaption>
      <details>
        <summary>Allocation as a table</summary>
        <div class="table-scroll" tabIndex={0}>
          <table aria-label="New visitors per arm per day">
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                {arms.map((a) => (
                  <th scope="col" key={a}>
                    {a}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  {arms.map((a) => (
                    <td key={a}>{share(d.arms[a] ?? 0, total(d))}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function RevenueTable({ revenue }: { revenue: ConsoleRevenue }) {
  const c = revenue.currency ? ` (${revenue.currency})` : '';
  return (
    <div class="revenue">
      <h4>Revenue{c}</h4>
      <div class="table-scroll" tabIndex={0}>
        <table aria-label={`Revenue${c}`}>
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">Visitors</th>
              <th scope="col">Buyers</th>
              <th scope="col">Revenue</th>
              <th scope="col">Per visitor (95% interval)</th>
              <th scope="col">Per visitor vs. control (95% interval)</th>
            </tr>
          </thead>
          <tbody>
            {revenue.arms.map((r) => (
              <tr key={r.arm}>
                <th scope="row">
                  {r.arm}
                  {r.control ? ' (control)' : ''}
                </th>
                <td>{r.visitors}</td>
                <td>{r.buyers}</td>
                <td>{money(r.revenue)}</td>
                <td>{interval(r.revenuePerVisitor, money)}</td>
                <td>
                  {r.control
                    ? '—'
                    : r.revenuePerVisitorLift
                      ? interval(r.revenuePerVisitorLift, (x) => `${x >= 0 ? '+' : ''}${money(x)}`)
                      : 'not enough data yet'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revenue.incremental && <p class="incremental">{revenue.incremental.message}</p>}
      {revenue.notes.map((n) => (
        <p class="muted" key={n}>
          {n}
        </p>
      ))}
    </div>
  );
}

export function ReportView({ report, title }: { report: ConsoleReport; title: string }) {
  return (
    <section class="report" aria-label={title}>
      <h3>{title}</h3>
      <p class={`verdict ${report.verdict.status}`}>{report.verdict.message}</p>
      {report.conversion && <p class="muted">Counting {report.conversion}.</p>}
      {reportWarnings(report).map((w) => (
        <p class={`warning ${w.kind}`} role="alert" key={w.text}>
          {w.kind === 'srm' ? 'Split: ' : w.kind === 'guardrail' ? 'Guardrail: ' : 'Revenue: '}
          {w.text}
        </p>
      ))}
      <div class="table-scroll" tabIndex={0}>
        <table aria-label={`${title}: arms`}>
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">Visitors</th>
              <th scope="col">Converted</th>
              <th scope="col">Rate</th>
              <th scope="col">Lift vs. control (95% interval)</th>
            </tr>
          </thead>
          <tbody>
            {report.arms.map((a) => (
              <tr key={a.arm}>
                <th scope="row">
                  {a.arm}
                  {a.control ? ' (control)' : ''}
                </th>
                <td>{a.exposures}</td>
                <td>{a.conversions}</td>
                <td>{pct(a.rate)}</td>
                <td>{liftText(a, report)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LiftChart arms={report.arms} />
      {report.revenue && report.revenue.arms.some((a) => a.buyers > 0) && (
        <RevenueTable revenue={report.revenue} />
      )}
    </section>
  );
}

export function Results({ id, type }: { id: string; type: string }) {
  const [report, setReport] = useState<ConsoleReport | undefined>();
  const [allocation, setAllocation] = useState<ConsoleAllocation | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    api<ConsoleReport>('GET', `/admin/experiments/${id}/report`)
      .then(setReport)
      .catch((e: unknown) => setError(errorText(e)));
    if (type === 'bandit')
      api<ConsoleAllocation>('GET', `/admin/console/experiments/${id}/allocation?days=14`)
        .then(setAllocation)
        .catch((e: unknown) => setError(errorText(e)));
  }, [id, type]);
  if (error) return <p class="error">{error}</p>;
  if (!report) return <p class="muted">Loading the results…</p>;
  return (
    <>
      <ReportView report={report} title="Results" />
      {allocation && (
        <section class="report" aria-label="Allocation over time">
          <h4>Allocation over time</h4>
          <AllocationChart data={allocation} />
        </section>
      )}
      {report.holdout && (
        <ReportView report={report.holdout} title="Holdout: personalized vs. held out" />
      )}
    </>
  );
}
