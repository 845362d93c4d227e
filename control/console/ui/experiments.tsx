/**
 * Experiments: create an A/B test or a bandit on a slot or a page with a goal (added to the
 * draft, live once published), and read results — the verdict, lift with its 95 % interval drawn
 * as a chart (inline SVG), sample-ratio and guardrail warnings, a bandit's allocation over time,
 * the holdout's lift and revenue when the report has them.
 */
import { Fragment, h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { BundleBody } from '../../../shared/schema/bundle.ts';
import { api, errorText } from './api.ts';
import type { Edit } from './content.tsx';

type ExperimentT = NonNullable<BundleBody['experiments']>[number];

interface Interval {
  low: number;
  high: number;
  estimate?: number;
}
interface Arm {
  arm: string;
  exposures: number;
  conversions: number;
  rate: number;
  control: boolean;
  relativeLift?: Interval & { estimate: number };
  absoluteLift?: Interval & { estimate: number };
  pValue?: number;
}
interface Report {
  experiment: string;
  type: string;
  conversion?: string;
  minVisitorsPerArm: number;
  verdict: { status: string; message: string; winner?: string };
  arms: Arm[];
  srm?: { warning?: string };
  guardrails?: { metric?: string; message?: string; warning?: string }[];
  holdout?: Report;
  revenue?: {
    currency?: string;
    arms: { arm: string; revenue: number; revenuePerVisitor?: Interval & { estimate?: number } }[];
    incremental?: { message: string };
    notes?: string[];
  };
}
interface Allocation {
  days: { day: string; arms: Record<string, number> }[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** Each arm's relative lift against control as a point with its 95 % interval. */
export function LiftChart({ arms }: { arms: Arm[] }) {
  const rows = arms.filter((a) => a.relativeLift);
  if (!rows.length) return <p class="muted">No lift yet: every arm needs more visitors.</p>;
  const bound = Math.max(
    0.05,
    ...rows.flatMap((a) => [Math.abs(a.relativeLift!.low), Math.abs(a.relativeLift!.high)]),
  );
  const W = 480;
  const left = 120;
  const x = (v: number) => left + ((v + bound) / (2 * bound)) * (W - left - 20);
  const H = 30 * rows.length + 30;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="Lift against control with 95% intervals"
    >
      <line x1={x(0)} x2={x(0)} y1={5} y2={H - 20} class="axis" />
      <text x={x(0)} y={H - 5} class="tick">
        0
      </text>
      <text x={x(-bound)} y={H - 5} class="tick">
        {signed(-bound)}
      </text>
      <text x={x(bound) - 30} y={H - 5} class="tick">
        {signed(bound)}
      </text>
      {rows.map((a, i) => {
        const l = a.relativeLift!;
        const y = 20 + i * 30;
        const cls = l.low > 0 ? 'up' : l.high < 0 ? 'down' : 'flat';
        return (
          <g key={a.arm} class={cls}>
            <text x={4} y={y + 4} class="label">
              {a.arm}
            </text>
            <line x1={x(l.low)} x2={x(l.high)} y1={y} y2={y} class="ci" />
            <circle cx={x(l.estimate)} cy={y} r={5} class="point" />
            <title>{`${a.arm}: ${signed(l.estimate)} (${signed(l.low)} to ${signed(l.high)})`}</title>
          </g>
        );
      })}
    </svg>
  );
}

/** New visitors per arm per day, stacked: how a bandit moved its split. */
export function AllocationChart({ data }: { data: Allocation }) {
  const arms = [...new Set(data.days.flatMap((d) => Object.keys(d.arms)))].sort();
  const max = Math.max(
    1,
    ...data.days.map((d) => Object.values(d.arms).reduce((s, n) => s + n, 0)),
  );
  const W = 480;
  const H = 140;
  const bw = (W - 20) / data.days.length;
  if (!arms.length) return <p class="muted">No visitors in the last {data.days.length} days.</p>;
  return (
    <figure>
      <svg
        class="chart"
        viewBox={`0 0 ${W} ${H + 20}`}
        role="img"
        aria-label="Visitors per arm per day"
      >
        {data.days.map((d, i) => {
          let y = H;
          return (
            <g key={d.day}>
              {arms.map((arm, k) => {
                const h = ((d.arms[arm] ?? 0) / max) * (H - 10);
                y -= h;
                return (
                  <rect x={10 + i * bw} y={y} width={bw - 2} height={h} class={`arm-${k % 6}`} />
                );
              })}
              <title>{`${d.day}: ${arms.map((a) => `${a} ${d.arms[a] ?? 0}`).join(', ')}`}</title>
            </g>
          );
        })}
        <text x={10} y={H + 15} class="tick">
          {data.days[0]?.day}
        </text>
        <text x={W - 80} y={H + 15} class="tick">
          {data.days.at(-1)?.day}
        </text>
      </svg>
      <figcaption>
        {arms.map((a, k) => (
          <span class={`legend arm-${k % 6}`}>{a}</span>
        ))}
      </figcaption>
    </figure>
  );
}

function ReportView({ report, title }: { report: Report; title: string }) {
  return (
    <div class="report">
      <h3>{title}</h3>
      <p class={`verdict ${report.verdict.status}`}>{report.verdict.message}</p>
      {report.conversion && <p class="muted">Counting {report.conversion}.</p>}
      {report.srm?.warning && (
        <p class="warning" role="alert">
          Sample ratio mismatch: {report.srm.warning}
        </p>
      )}
      {(report.guardrails ?? []).map((g) =>
        g.warning || g.message ? (
          <p class="warning" role="alert">
            Guardrail{g.metric ? ` ${g.metric}` : ''}: {g.warning ?? g.message}
          </p>
        ) : null,
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Arm</th>
            <th scope="col">Visitors</th>
            <th scope="col">Converted</th>
            <th scope="col">Rate</th>
            <th scope="col">Lift (95% interval)</th>
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
              <td>
                {a.relativeLift
                  ? `${signed(a.relativeLift.estimate)} (${signed(a.relativeLift.low)} to ${signed(a.relativeLift.high)})`
                  : a.control
                    ? '—'
                    : 'not enough data yet'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LiftChart arms={report.arms} />
      {report.revenue && report.revenue.arms.length > 0 && (
        <div class="revenue">
          <h4>Revenue{report.revenue.currency ? ` (${report.revenue.currency})` : ''}</h4>
          <ul class="plain">
            {report.revenue.arms.map((r) => (
              <li key={r.arm}>
                {r.arm}: {r.revenue.toFixed(2)}
                {r.revenuePerVisitor?.estimate !== undefined &&
                  ` · ${r.revenuePerVisitor.estimate.toFixed(2)} per visitor (${r.revenuePerVisitor.low.toFixed(2)} to ${r.revenuePerVisitor.high.toFixed(2)})`}
              </li>
            ))}
          </ul>
          {report.revenue.incremental && <p>{report.revenue.incremental.message}</p>}
        </div>
      )}
    </div>
  );
}

function Results({ id, type }: { id: string; type: string }) {
  const [report, setReport] = useState<Report | undefined>();
  const [allocation, setAllocation] = useState<Allocation | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    api<Report>('GET', `/admin/experiments/${id}/report`)
      .then(setReport)
      .catch((e: unknown) => setError(errorText(e)));
    if (type === 'bandit')
      api<Allocation>('GET', `/admin/console/experiments/${id}/allocation?days=14`)
        .then(setAllocation)
        .catch((e: unknown) => setError(errorText(e)));
  }, [id]);
  if (error) return <p class="error">{error}</p>;
  if (!report) return <p class="muted">Loading the results…</p>;
  return (
    <>
      <ReportView report={report} title="Results" />
      {allocation && (
        <>
          <h4>Allocation over time</h4>
          <AllocationChart data={allocation} />
        </>
      )}
      {report.holdout && (
        <ReportView report={report.holdout} title="Holdout: personalized vs. held out" />
      )}
    </>
  );
}

export function Experiments(p: { body: BundleBody; edit: Edit; live: Set<string> }) {
  const [open, setOpen] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const experiments = p.body.experiments ?? [];
  return (
    <section aria-labelledby="experiments-title">
      <h2 id="experiments-title">Experiments</h2>
      {experiments.length === 0 && <p>No experiments yet.</p>}
      {experiments.map((e) => (
        <article class="card" key={e.id} aria-label={`Experiment ${e.id}`}>
          <h3>
            {e.name ?? e.id}{' '}
            <span class="badge">{e.type === 'bandit' ? 'bandit' : 'A/B test'}</span>
          </h3>
          <p class="muted">
            On {'slot' in e.scope ? `slot ${e.scope.slot}` : `page ${e.scope.page}`} · arms{' '}
            {e.arms.map((a) => a.id).join(', ')} · goal {e.goal.event}
            {p.live.has(e.id) ? '' : ' · not live yet (publish the draft)'}
          </p>
          {p.live.has(e.id) && (
            <button
              type="button"
              class="quiet"
              aria-expanded={open === e.id}
              onClick={() => setOpen(open === e.id ? undefined : e.id)}
            >
              {open === e.id ? 'Hide results' : 'Show results'}
            </button>
          )}
          {open === e.id && <Results id={e.id} type={e.type} />}
        </article>
      ))}
      {p.body.holdout && (
        <article class="card" aria-label="Holdout">
          <h3>Holdout</h3>
          <p class="muted">
            {pct(p.body.holdout.share)} of visitors see default content, to measure what
            personalization adds.
          </p>
          <button
            type="button"
            class="quiet"
            onClick={() => setOpen(open === 'holdout' ? undefined : 'holdout')}
          >
            {open === 'holdout' ? 'Hide results' : 'Show results'}
          </button>
          {open === 'holdout' && <Results id="holdout" type="holdout" />}
        </article>
      )}
      {creating ? (
        <NewExperiment body={p.body} edit={p.edit} done={() => setCreating(false)} />
      ) : (
        <button type="button" onClick={() => setCreating(true)}>
          New experiment
        </button>
      )}
    </section>
  );
}

function NewExperiment(p: { body: BundleBody; edit: Edit; done: () => void }) {
  const [id, setId] = useState('');
  const [type, setType] = useState<'ab' | 'bandit'>('ab');
  const [scope, setScope] = useState<'slot' | 'page'>('slot');
  const [target, setTarget] = useState(p.body.slots[0]?.id ?? '');
  const [arms, setArms] = useState<string[]>([]);
  const [goal, setGoal] = useState('click');
  const slot = p.body.slots.find((s) => s.id === target);
  const page = p.body.pages.find((pg) => pg.id === target);
  const taken = (p.body.experiments ?? []).some((e) => e.id === id);
  const valid = /^[a-z0-9][a-z0-9-]{0,63}$/.test(id) && !taken && arms.length >= 2;
  return (
    <form
      class="card editor"
      aria-label="New experiment"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        const experiment = {
          id,
          name: id,
          type,
          scope: scope === 'slot' ? { slot: target } : { page: target },
          arms: arms.map((a) =>
            scope === 'slot'
              ? { id: a, variant: a, weight: 1 }
              : {
                  id: a,
                  weight: 1,
                  variants: Object.fromEntries((page?.slots ?? []).map((s) => [s, a])),
                },
          ),
          traffic: 1,
          goal: { event: goal },
          windowHours: 24,
        } as unknown as ExperimentT;
        p.edit((b) => {
          (b.experiments ??= []).push(experiment);
        });
        p.done();
      }}
    >
      <h3>New experiment</h3>
      <div class="field">
        <label for="ex-id">Id</label>
        <input
          id="ex-id"
          value={id}
          onInput={(e) => setId(e.currentTarget.value.trim())}
          aria-invalid={taken ? 'true' : undefined}
        />
        {taken && <p class="field-error">an experiment with this id exists</p>}
      </div>
      <div class="field">
        <label for="ex-type">Kind</label>
        <select
          id="ex-type"
          value={type}
          onChange={(e) => setType(e.currentTarget.value as 'ab' | 'bandit')}
        >
          <option value="ab">A/B test (fixed split)</option>
          <option value="bandit">Bandit (shifts traffic to the winner)</option>
        </select>
      </div>
      <div class="field">
        <label for="ex-scope">On</label>
        <select
          id="ex-scope"
          value={scope}
          onChange={(e) => {
            const s = e.currentTarget.value as 'slot' | 'page';
            setScope(s);
            setTarget(s === 'slot' ? (p.body.slots[0]?.id ?? '') : (p.body.pages[0]?.id ?? ''));
            setArms([]);
          }}
        >
          <option value="slot">a slot</option>
          <option value="page">a page</option>
        </select>
      </div>
      <div class="field">
        <label for="ex-target">{scope === 'slot' ? 'Slot' : 'Page'}</label>
        <select
          id="ex-target"
          value={target}
          onChange={(e) => {
            setTarget(e.currentTarget.value);
            setArms([]);
          }}
        >
          {(scope === 'slot' ? p.body.slots : p.body.pages).map((x) => (
            <option value={x.id}>{x.id}</option>
          ))}
        </select>
      </div>
      {scope === 'slot' && slot && (
        <fieldset class="group">
          <legend>Arms (pick two or more variants)</legend>
          {slot.variants.map((v) => (
            <div class="field check" key={v.id}>
              <input
                id={`ex-arm-${v.id}`}
                type="checkbox"
                checked={arms.includes(v.id)}
                onChange={(e) =>
                  setArms(
                    e.currentTarget.checked ? [...arms, v.id] : arms.filter((a) => a !== v.id),
                  )
                }
              />
              <label for={`ex-arm-${v.id}`}>{v.name ?? v.id}</label>
            </div>
          ))}
        </fieldset>
      )}
      {scope === 'page' && (
        <div class="field">
          <label for="ex-arms">
            Arms (variant ids shared by the page's slots, comma separated)
          </label>
          <input
            id="ex-arms"
            value={arms.join(', ')}
            onInput={(e) =>
              setArms(
                e.currentTarget.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              )
            }
          />
        </div>
      )}
      <div class="field">
        <label for="ex-goal">Goal</label>
        <select id="ex-goal" value={goal} onChange={(e) => setGoal(e.currentTarget.value)}>
          <option value="click">a click on the slot</option>
          <option value="add_to_cart">add to cart</option>
          <option value="purchase">a purchase</option>
        </select>
      </div>
      <button type="submit" disabled={!valid}>
        Add to draft
      </button>
      <button type="button" class="quiet" onClick={p.done}>
        Cancel
      </button>
    </form>
  );
}
