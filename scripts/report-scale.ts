/**
 * `npx tsx scripts/report-scale.ts [--decisions=1000000] [--seed=17] [--no-indexes] [--no-raw] [--print]`: how long a
 * 30-day revenue report, attribution table and maturity assessment take on a million decision
 * records in D1 (workerd's SQLite through miniflare, as `wrangler dev` runs it). A measurement,
 * not a test: docs/maturity.md "Scale" quotes its figures. `--print` prints the CLI's text for
 * the generated month instead (the examples in the docs). Deterministic: the rows are generated
 * inside SQLite from the row number and the seed (no randomness from the clock).
 *
 * The generated month: decisions spread evenly over 30 days, 5 per visitor; two slots each (hero
 * decided individually / by segment rule / cohort rule / default, grid by default); every decision
 * exposes the visitor to the holdout (5 % held out) and to an A/B test; a third of decisions have a
 * page view 10 minutes before, 2 % a purchase an hour after (1.6 % for held-out visitors: a true
 * +25 % of personalization; 1 % of orders in USD).
 */
import { performance } from 'node:perf_hooks';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { statements } from '../cli/lib/local-migrations.ts';
import { ROOT } from '../cli/lib/paths.ts';
import { holdoutReport, rollupSpecs } from '../shared/experiments/report.ts';
import { rollUp } from '../shared/rollup/build.ts';
import { assess } from '../shared/maturity/assess.ts';
import { readEvidence } from '../shared/maturity/evidence.ts';
import { holdoutPhaseOf } from '../shared/experiments/phase.ts';
import { readAttribution } from '../shared/revenue/read-attribution.ts';
import { rollUpAttribution } from '../shared/revenue/attribution-days.ts';
import { Holdout } from '../shared/schema/experiment.ts';
import { SiteRevenue } from '../shared/schema/revenue.ts';
import { Costs } from '../shared/schema/costs.ts';
import { computeRoi } from '../shared/revenue/roi.ts';
import { formatAttribution, formatMaturity, formatRoi } from '../cli/lib/insights-format.ts';
import { formatReport } from '../cli/lib/report-format.ts';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const N = Number(args.get('decisions') ?? 1_000_000);
/** `--no-raw`: skip the raw holdout report (the "before" figure; ~45 s at a million decisions). */
const RAW = !args.has('no-raw');
const SEED = Number(args.get('seed') ?? 17);
const INDEXES = !args.has('no-indexes');
if (!Number.isInteger(N) || N < 1000 || !Number.isInteger(SEED)) {
  console.error('--decisions takes a whole number ≥ 1000, --seed a whole number');
  process.exit(2);
}

const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 30);
const START = END - 30 * DAY;
const VISITORS = Math.floor(N / 5);
const CHUNK = 100_000;
const holdout = Holdout.parse({ share: 0.05, goal: { event: 'purchase' }, windowHours: 168 });
const site = SiteRevenue.parse({ currency: 'EUR', rates: { USD: 0.9 } });
const phase = holdoutPhaseOf(holdout);

/** A deterministic hash of the row number, 0 ≤ h < m (SQLite integer arithmetic). */
const h = (expr: string, salt: number, m: number) => {
  const x = `((((${expr}) + ${SEED * 1_000_003 + salt * 97_409}) * 2654435761) % 4294967296)`;
  // The product of the two halves mixes the bits (a multiplication alone keeps residues aligned).
  return `(((((${x} >> 16) * (${x} & 65535)) + ${x}) % 4294967291) % ${m})`;
};
const iso = (ms: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${ms}) / 1000.0, 'unixepoch')`;
const AT = (i: string) => `(${START} + CAST(${i} AS INTEGER) * ${Math.floor((30 * DAY) / N)})`;
const VIS = (i: string) => `printf('%032x', ${h(i, 1, VISITORS)} + 1)`;

const seq = (from: number, to: number) =>
  `WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to - 1})`;

function generate(from: number, to: number): string[] {
  const hero = `CASE WHEN ${h('i', 2, 10)} < 2 THEN 'individual' WHEN ${h('i', 2, 10)} < 5 THEN 'segment' WHEN ${h('i', 2, 10)} < 6 THEN 'cohort' ELSE 'default' END`;
  return [
    `${seq(from, to)} INSERT INTO decisions (id, at, version, page, visitor, consent, profile, context, reasons, debug, channel)
      SELECT 'd' || i, ${iso(AT('i'))}, 'v', 'p' || (i % 8), ${VIS('i')}, 'personal',
        CASE WHEN ${h('i', 3, 10)} < 3 THEN 'none' WHEN ${h('i', 3, 10)} < 9 THEN 'visitor' ELSE 'customer' END,
        '{}', CASE WHEN i % 200 = 0 THEN '["profile.timeout"]' ELSE '[]' END, 0,
        CASE WHEN i % 50 = 0 THEN 'app' ELSE 'web' END FROM s`,
    `${seq(from, to)} INSERT INTO decision_slots (decision_id, position, slot, variant, level, reason, rule, segments, offer, fallback)
      SELECT 'd' || i, 0, 'hero', 'hero-' || ${h('i', 4, 6)}, ${hero},
        CASE ${hero} WHEN 'individual' THEN 'affinity:c' || ${h('i', 5, 4)} WHEN 'default' THEN 'default:no_match' ELSE 'rule:r' || ${h('i', 6, 5)} END,
        CASE WHEN ${hero} IN ('segment', 'cohort') THEN 'r' || ${h('i', 6, 5)} END, NULL, NULL,
        CASE WHEN i % 40 = 0 THEN '["profile.timeout"]' END FROM s`,
    `${seq(from, to)} INSERT INTO decision_slots (decision_id, position, slot, variant, level, reason)
      SELECT 'd' || i, 1, 'grid', 'grid-all', 'default', 'default:no_profile' FROM s`,
    `${seq(from, to)} INSERT INTO exposures (decision_id, experiment, arm, unit_id, sticky, at, phase, channel)
      SELECT 'd' || i, '_holdout', CASE WHEN ${h(h('i', 1, VISITORS), 7, 100)} < 5 THEN 'holdout' ELSE 'personalized' END,
        ${VIS('i')}, 1, ${AT('i')}, '${phase}', 'web' FROM s`,
    `${seq(from, to)} INSERT INTO exposures (decision_id, experiment, arm, unit_id, sticky, at, phase, channel)
      SELECT 'd' || i, 'hero-test', CASE WHEN ${h(h('i', 1, VISITORS), 8, 2)} = 0 THEN 'a' ELSE 'b' END,
        ${VIS('i')}, 1, ${AT('i')}, 'ph', 'web' FROM s`,
    `${seq(from, to)} INSERT INTO events (id, visitor_id, type, at, received_at, processed, body)
      SELECT 'v' || i, ${VIS('i')}, 'page_view', ${AT('i')} - 600000, ${AT('i')}, 1, '{}' FROM s WHERE i % 3 = 0`,
    `${seq(from, to)} INSERT INTO events (id, visitor_id, type, value, currency, at, received_at, processed, body)
      SELECT 'o' || i, ${VIS('i')}, 'purchase', 20 + ${h('i', 9, 200)},
        CASE WHEN i % 100 = 0 THEN 'USD' ELSE 'EUR' END, ${AT('i')} + 3600000, ${AT('i')}, 1, '{}'
      FROM s WHERE ${h('i', 10, 1000)} < CASE WHEN ${h(h('i', 1, VISITORS), 7, 100)} < 5 THEN 16 ELSE 20 END`,
  ];
}

const log = (s: string) => process.stderr.write(s);

interface Timing {
  /** Seconds from the call to the answer, in Node (each query crosses miniflare's RPC). */
  wall: number;
  /** Seconds SQLite spent executing (D1's meta.duration, summed): what the queries cost. */
  sql: number;
  queries: number;
}

/**
 * A D1 binding that adds up each query's execution time (meta.duration). first() is answered
 * from all() so it is measured too.
 */
function timed(inner: D1Database) {
  let sql = 0;
  let queries = 0;
  const note = (meta: { duration?: number } | undefined) => {
    sql += (meta?.duration ?? 0) / 1000;
    queries++;
  };
  const raw = new WeakMap<object, D1PreparedStatement>();
  const wrap = (st: D1PreparedStatement): D1PreparedStatement => {
    const w = {
      bind: (...v: unknown[]) => wrap(st.bind(...v)),
      all: async () => {
        const r = await st.all();
        note(r.meta);
        return r;
      },
      run: async () => {
        const r = await st.run();
        note(r.meta);
        return r;
      },
      first: async (col?: string) => {
        const r = await st.all<Record<string, unknown>>();
        note(r.meta);
        const row = r.results[0];
        return row === undefined ? null : col === undefined ? row : row[col];
      },
      raw: st.raw.bind(st),
    } as unknown as D1PreparedStatement;
    raw.set(w, st);
    return w;
  };
  const db = {
    prepare: (q: string) => wrap(inner.prepare(q)),
    batch: async (list: D1PreparedStatement[]) => {
      const r = await inner.batch(list.map((w) => raw.get(w) ?? w));
      for (const x of r) note(x.meta);
      return r;
    },
    exec: inner.exec.bind(inner),
  } as unknown as D1Database;
  return {
    db,
    reset: () => ((sql = 0), (queries = 0)),
    totals: () => ({ sql: +sql.toFixed(3), queries }),
  };
}
const mf = new Miniflare({
  modules: true,
  script: 'export default { fetch() { return new Response("") } }',
  d1Databases: ['DB'],
});
try {
  const db = await mf.getD1Database('DB');
  const measured = timed(db);
  for (const file of readdirSync(path.join(ROOT, 'migrations'))
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    if (!INDEXES && file.startsWith('0008')) continue; // 0008_report_indexes.sql
    for (const sql of statements(readFileSync(path.join(ROOT, 'migrations', file), 'utf8')))
      await db.prepare(sql).run();
  }
  // Bulk load without indexes, then build them once (several times faster than row by row).
  const indexes = (
    await db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
      .all<{ name: string; sql: string }>()
  ).results;
  for (const i of indexes) await db.prepare(`DROP INDEX ${i.name}`).run();
  const t0 = performance.now();
  for (let from = 0; from < N; from += CHUNK) {
    for (const sql of generate(from, Math.min(N, from + CHUNK))) await db.prepare(sql).run();
    log(
      `\r  generating: ${Math.min(N, from + CHUNK).toLocaleString('en')} / ${N.toLocaleString('en')} decisions, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
  log('\n  building indexes…');
  for (const i of indexes) await db.prepare(i.sql).run();
  log(` ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  await db.prepare('ANALYZE').run();
  const count = async (t: string) =>
    (await db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).first<{ n: number }>())!.n;
  const rows = {
    decisions: await count('decisions'),
    decision_slots: await count('decision_slots'),
    exposures: await count('exposures'),
    events: await count('events'),
  };
  const time = async <T>(label: string, f: () => Promise<T>): Promise<[T, Timing]> => {
    measured.reset();
    const t = performance.now();
    const out = await f();
    const timing = { wall: (performance.now() - t) / 1000, ...measured.totals() };
    log(
      `  ${label}: ${timing.sql.toFixed(2)} s in SQL, ${timing.queries} queries, ${timing.wall.toFixed(2)} s wall (from Node)\n`,
    );
    return [out, timing];
  };
  const [evidence, maturityMs] = await time('maturity (30 days)', () =>
    readEvidence(measured.db, { holdout, experiments: [] } as never, END, 30),
  );
  const [rawAttribution, rawAttributionMs] = await time('attribution (30 days), raw', () =>
    readAttribution(measured.db, { from: START, to: END }, site, undefined, true),
  );
  const [rawReport, rawMs] = RAW
    ? await time('holdout report with revenue, raw tables', () =>
        holdoutReport(measured.db, holdout, { raw: true }, site),
      )
    : [undefined, undefined];
  // The cron's rollup (control/cron/report-rollup.ts), as production runs it: a new phase is
  // caught up a few days a run; then a run every half hour, the first of a UTC day also
  // recomputing the visitors with data in the two days before (late arrivals).
  const spec = rollupSpecs({ holdout, experiments: [] } as never)[0]!;
  const [runs, buildMs] = await time('rollup: catching up with the month', async () => {
    let n = 0;
    while (await rollUp(measured.db, spec, END)) n++;
    return n;
  });
  const [daily, dailyMs] = await time('rollup: first run of a UTC day', () =>
    rollUp(measured.db, spec, END + 35 * 60_000),
  );
  const [, halfHourMs] = await time('rollup: a half-hourly run', () =>
    rollUp(measured.db, spec, END + 70 * 60_000),
  );
  const [report, holdoutMs] = await time('holdout report with revenue, from the rollup', () =>
    holdoutReport(measured.db, holdout, {}, site),
  );
  if (!report.rollup) throw new Error('the holdout report did not use the rollup');
  // Attribution's settled days, as the same cron builds them (5 a run, newest first).
  const [attributionRuns, attributionBuildMs] = await time(
    'attribution: building the days',
    async () => {
      let n = 0;
      while (
        (await rollUpAttribution(measured.db, site.attributionWindowHours * 3600_000, END)).length
      )
        n++;
      return n;
    },
  );
  const [attribution, attributionMs] = await time(
    'attribution (30 days), from the daily rows',
    () => readAttribution(measured.db, { from: START, to: END }, site),
  );
  if (!attribution.rolledUpDays) throw new Error('attribution did not use the daily rows');
  const result = {
    seed: SEED,
    indexes: INDEXES,
    rows,
    seconds: {
      maturity: maturityMs,
      attribution: { ...attributionMs, rolledUpDays: attribution.rolledUpDays },
      attributionRaw: rawAttributionMs,
      attributionBuild: { ...attributionBuildMs, runs: attributionRuns },
      holdoutReport: holdoutMs,
      ...(rawMs ? { holdoutReportRaw: rawMs } : {}),
      rollupCatchUp: { ...buildMs, runs },
      rollupDailyRun: { ...dailyMs, visitors: daily?.visitors },
      rollupHalfHourlyRun: halfHourMs,
    },
    check: {
      maturityStages: assess(evidence).dimensions.map((d) => `${d.dimension} ${d.stage}`),
      attributedConversions: attribution.conversions,
      attributionSameAsRaw:
        attribution.conversions === rawAttribution.conversions &&
        Math.abs(attribution.revenue - rawAttribution.revenue) <= 1e-6 * rawAttribution.revenue,
      holdoutVisitors: report.arms.map((a) => `${a.arm} ${a.exposures}`),
      incrementalPer1000: report.revenue?.incremental?.per1000Visitors,
      rollupRecomputed: report.rollup.recomputed,
      ...(rawReport
        ? {
            sameAsRaw:
              JSON.stringify(rawReport.arms) === JSON.stringify(report.arms) &&
              rawReport.revenue?.arms.every(
                (a, i) =>
                  Math.abs(a.revenue - report.revenue!.arms[i]!.revenue) <= 1e-6 * a.revenue &&
                  a.orders === report.revenue!.arms[i]!.orders,
              ),
          }
        : {}),
    },
  };
  if (args.has('print')) {
    // The CLI's own formatters on these answers: the examples docs/experiments.md and
    // docs/maturity.md show.
    const costs = Costs.parse(
      JSON.parse(readFileSync(path.join(ROOT, 'costs.example.json'), 'utf8')),
    );
    const inc = report.revenue?.incremental;
    const days = (Date.parse(report.phase!.to!) - Date.parse(report.phase!.from!)) / DAY;
    console.log(formatReport(report), '\n\n', formatAttribution(attribution), '\n\n');
    console.log(formatMaturity(assess(evidence)), '\n\n');
    console.log(formatRoi(computeRoi(undefined, undefined, 1)), '\n\n');
    if (inc)
      console.log(
        formatRoi(
          computeRoi(
            costs,
            {
              currency: 'EUR',
              perVisitor: inc.perVisitor,
              personalizedVisitors: inc.personalizedVisitors,
              days,
            },
            1,
          ),
        ),
      );
  } else console.log(JSON.stringify(result, null, 2));
} finally {
  await mf.dispose();
}
