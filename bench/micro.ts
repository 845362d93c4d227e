/**
 * Micro-benchmarks (tinybench, in Node's V8): cookie verification and signing, profile parsing,
 * the request context, consent, decide (with the holdout and experiments), render (with the
 * nonce, tracker tag and CSP), the decision record with exposures, the whole pure page path, and
 * how decide + render grow with rules and slots. All µs per operation.
 */
import { Bench } from 'tinybench';
import { Profile } from '../shared/schema/profile.ts';
import { signVisitorToken, verifyVisitorToken } from '../shared/auth/visitor-token.ts';
import { benchKeyring } from './keys.ts';
import {
  consentOf,
  contextFor,
  decideAndRender,
  decideOnly,
  recordOnly,
  renderOnly,
  wholePage,
} from './pipeline.ts';
import { BENCH_REQUEST, NOW_S, visits } from './visits.ts';
import { buildBundle, profile, slotIdsOf, STANDARD, type Shape } from './workload.ts';

export interface OpResult {
  name: string;
  /** Median µs per operation. */
  p50Us: number;
  meanUs: number;
  p99Us: number;
  samples: number;
}

export interface ScalePoint {
  rules: number;
  slots: number;
  /** decide + render for a visitor with a profile (the ladder may stop early). */
  knownUs: number;
  /** decide + render for a visitor nothing matches: every rule is evaluated (worst case). */
  worstUs: number;
  /** decide alone, worst case. */
  worstDecideUs: number;
}

export interface MicroResults {
  ops: OpResult[];
  rules: ScalePoint[];
  slots: ScalePoint[];
  /** Bytes of the standard page's HTML for the known visitor. */
  standardPageBytes: number;
}

const us = (ms: number) => Math.round(ms * 1000 * 100) / 100;

function collect(bench: Bench): Map<string, OpResult> {
  const out = new Map<string, OpResult>();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed')
      throw new Error(`micro-benchmark "${task.name}" did not complete (${r.state})`);
    out.set(task.name, {
      name: task.name,
      p50Us: us(r.latency.p50 ?? r.latency.mean),
      meanUs: us(r.latency.mean),
      p99Us: us(r.latency.p99 ?? r.latency.max),
      samples: r.latency.samples?.length ?? 0,
    });
  }
  return out;
}

function newBench(timeMs: number) {
  return new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 2), iterations: 64 });
}

/** Bytes of the standard page's HTML for the known visitor (the bench's origin page is this size). */
export async function standardPageBytes(): Promise<number> {
  return new TextEncoder().encode(decideAndRender(visits(await buildBundle(STANDARD)).known))
    .byteLength;
}

export async function runMicro(log: (line: string) => void, timeMs = 400): Promise<MicroResults> {
  const ring = await benchKeyring();
  const token = await signVisitorToken(ring, { sub: 'bv-1' }, NOW_S);
  const bundle = await buildBundle(STANDARD);
  const v = visits(bundle);
  const { known, worst } = v;
  const inExperiment = v.inExperiment();
  const profileJson = JSON.stringify(profile(1, slotIdsOf(bundle)));
  const knownOutcome = decideOnly(known);
  const experimentOutcome = decideOnly(inExperiment);
  const consent = consentOf(known);

  const bench = newBench(timeMs);
  bench
    .add('cookie verify (jose jwtVerify, HS256 pinned, + claims schema)', async () => {
      const r = await verifyVisitorToken(ring, token, NOW_S);
      if (!r.ok) throw new Error('bench token did not verify');
    })
    .add('cookie sign (new visitor)', async () => {
      await signVisitorToken(ring, { sub: 'bv-2' }, NOW_S);
    })
    .add('profile parse (JSON + zod gate)', () => {
      if (!Profile.safeParse(JSON.parse(profileJson)).success)
        throw new Error('bench profile invalid');
    })
    .add('request context', () => contextFor(BENCH_REQUEST))
    .add('consent (no cookie: the country default)', () => consentOf(known))
    .add('decide (standard page, known visitor)', () => decideOnly(known))
    .add('decide (standard page, worst case)', () => decideOnly(worst))
    .add('render (standard page, known visitor)', () => renderOnly(known, knownOutcome))
    .add('decide + render (standard page, known visitor)', () => decideAndRender(known))
    .add('decide + render (standard page, worst case)', () => decideAndRender(worst))
    .add('decide + render (page under experiments, visitor in arms)', () =>
      decideAndRender(inExperiment),
    )
    .add('decision record with exposures (built + serialised)', () =>
      recordOnly(inExperiment, experimentOutcome, consent),
    )
    .add('whole pure page path (consent → decide → render → record), known visitor', () =>
      wholePage(known),
    );
  log('micro: core operations');
  await bench.run();
  const ops = [...collect(bench).values()];

  const scale = async (shape: Shape): Promise<ScalePoint> => {
    const b = await buildBundle(shape);
    const v = visits(b);
    const s = newBench(Math.max(150, timeMs / 2));
    s.add('known', () => decideAndRender(v.known))
      .add('worst', () => decideAndRender(v.worst))
      .add('worstDecide', () => decideOnly(v.worst));
    await s.run();
    const r = collect(s);
    return {
      rules: shape.rulesPerPage,
      slots: shape.slotsPerPage,
      knownUs: r.get('known')!.p50Us,
      worstUs: r.get('worst')!.p50Us,
      worstDecideUs: r.get('worstDecide')!.p50Us,
    };
  };
  const rules: ScalePoint[] = [];
  for (const n of [10, 100, 1000]) {
    log(`micro: ${n} rules on a 5-slot page`);
    rules.push(await scale({ ...STANDARD, rulesPerPage: n }));
  }
  const slots: ScalePoint[] = [];
  for (const n of [5, 20, 50]) {
    log(`micro: ${n} slots (6 rules each)`);
    slots.push(await scale({ ...STANDARD, slotsPerPage: n, rulesPerPage: n * 6 }));
  }
  return {
    ops,
    rules,
    slots,
    standardPageBytes: new TextEncoder().encode(decideAndRender(known)).byteLength,
  };
}

// `tsx bench/micro.ts` runs only the micro-benchmarks (for profiling: node --cpu-prof --import tsx bench/micro.ts).
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runMicro((l) => console.error(l));
  console.table(
    r.ops.map((o) => ({ op: o.name, 'p50 µs': o.p50Us, 'mean µs': o.meanUs, 'p99 µs': o.p99Us })),
  );
  console.table(r.rules);
  console.table(r.slots);
}
