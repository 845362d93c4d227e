/**
 * `npm run simulate [-- --only=<name>,… --runs=<n> --seed=<n>]`: runs the seeded simulations
 * behind every statistic a report prints, and prints their figures next to the targets.
 * Deterministic: the same seed prints the same figures. Exit code 1 when a figure misses its
 * target. docs/experiments.md quotes a run with the default seed.
 */
import { performance } from 'node:perf_hooks';
import type { Figure } from './scenario.ts';
import { SCENARIOS } from './scenarios/index.ts';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const unknown = [...args.keys()].filter((k) => !['only', 'runs', 'seed', 'json'].includes(k));
if (unknown.length) {
  console.error(
    `unknown option ${unknown.map((k) => `--${k}`).join(', ')}; use --only=<name>,… --runs=<n> --seed=<n> --json`,
  );
  process.exit(2);
}
const only = args.get('only')?.split(',');
const names = SCENARIOS.map((s) => s.name);
const missing = only?.filter((n) => !names.includes(n)) ?? [];
if (missing.length) {
  console.error(`no scenario ${missing.join(', ')} (known: ${names.join(', ')})`);
  process.exit(2);
}
const seed = Number(args.get('seed') ?? 2026);
const runsArg = args.get('runs') ? Number(args.get('runs')) : undefined;
if (
  !Number.isInteger(seed) ||
  (runsArg !== undefined && !(Number.isInteger(runsArg) && runsArg > 0))
) {
  console.error('--seed and --runs take whole numbers (runs > 0)');
  process.exit(2);
}

function show(f: Figure): string {
  const fmt = (x: number) =>
    f.format === 'percent'
      ? `${(x * 100).toFixed(2)} %`
      : f.format === 'pp'
        ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`
        : f.format === 'width'
          ? `± ${(x * 100).toFixed(2)} pp`
          : Number.isInteger(x)
            ? String(x)
            : x.toFixed(3);
  const se = f.se ? ` ± ${fmt(1.96 * f.se).replace(/^\+/, '')}` : '';
  const ok = f.target ? (f.value >= f.target[0] && f.value <= f.target[1] ? '✓' : '✗') : ' ';
  const target = f.target ? `  target ${fmt(f.target[0])} – ${fmt(f.target[1])}` : '';
  return `  ${ok} ${f.label.padEnd(64)} ${(fmt(f.value) + se).padStart(20)}${target}`;
}

const all: Record<string, { seed: number; runs: number; ms: number; figures: Figure[] }> = {};
let failed = 0;
for (const s of SCENARIOS.filter((x) => !only || only.includes(x.name))) {
  const runs = runsArg ?? s.runs;
  const t0 = performance.now();
  const progress = (done: number) =>
    process.stderr.write(
      `\r  ${s.name}: ${done}/${runs} runs, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  const figures = s.run({ seed, runs, progress });
  const ms = performance.now() - t0;
  process.stderr.write('\r\x1b[K');
  all[s.name] = { seed, runs, ms: Math.round(ms), figures };
  failed += figures.filter(
    (f) => f.target && !(f.value >= f.target[0] && f.value <= f.target[1]),
  ).length;
  if (args.has('json')) continue;
  console.log(`${s.name} — ${s.title}\n  seed ${seed}, ${runs} runs, ${(ms / 1000).toFixed(1)} s`);
  for (const f of figures) console.log(show(f));
  console.log('');
}
if (args.has('json')) console.log(JSON.stringify(all, null, 2));
else
  console.log(
    failed ? `${failed} figure(s) outside their target` : 'every figure within its target',
  );
process.exit(failed ? 1 : 0);
