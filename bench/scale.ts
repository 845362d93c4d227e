/**
 * Issue 18's questions a site owner asks before real traffic, measured (never asserted):
 *
 * - **Bundle scaling**: seeded bundles of ≈ 100 KB, 1 MB and 10 MB (200 / 2,000 / 20,000
 *   variants, 40 / 400 / 2,000 rules, 20 / 50 / 200 pages). In Node's V8: JSON.parse, the schema check (with salvage, as the bundle
 *   store does) and compile — each timed, and the heap the parsed + compiled bundle keeps. In
 *   workerd: a fresh worker, the bundle published, then the first page request (the isolate
 *   has never seen the bundle: KV read, parse, check, compile, then the page) against the warm
 *   requests after it.
 * - **Cold start**: how much longer workerd takes to be ready with the visitor worker's script
 *   than with a trivial script and the same bindings (parse, compile and evaluate the module,
 *   the start-up config check), and the first request after that.
 *
 * workerd does not advance its clocks during synchronous work, so a worker cannot time its own
 * module evaluation or parse: both are timed from outside, as differences.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { salvageBundle } from '../shared/bundle/salvage.ts';
import { parseBundleBody } from '../shared/bundle/parse.ts';
import { bundleText, bundleVersion } from '../shared/bundle/version.ts';
import type { Bundle } from '../shared/schema/bundle.ts';
import { compile } from '../worker/decide/compile.ts';
import { BENCH_ADMIN_KEYS, BENCH_VISITOR_KEYS } from './keys.ts';
import { publish, startWorker } from './server.ts';
import { bundleBody } from './workload.ts';

export interface ScaleShape {
  name: string;
  pages: number;
  slots: number;
  variantsPerSlot: number;
  rules: number;
}

/** ≈ 100 KB, 1 MB, 10 MB of bundle JSON. */
export const SCALES: ScaleShape[] = [
  { name: '100 KB', pages: 20, slots: 20, variantsPerSlot: 10, rules: 40 },
  { name: '1 MB', pages: 50, slots: 100, variantsPerSlot: 20, rules: 400 },
  { name: '10 MB', pages: 200, slots: 500, variantsPerSlot: 40, rules: 2000 },
];

const SLOTS_PER_PAGE = 10;

/** A valid bundle of the shape: the bench's slot generator, pages each showing 10 of the slots. */
export async function scaledBundle(s: ScaleShape): Promise<Bundle> {
  const body = bundleBody({
    slotsPerPage: s.slots,
    rulesPerPage: s.rules,
    variantsPerSlot: s.variantsPerSlot,
    experiments: false,
  });
  const slots = body.slots as { id: string }[];
  body.pages = Array.from({ length: s.pages }, (_, i) => ({
    id: `p${i}`,
    path: i === 0 ? '/' : `/p/${i}`,
    title: `Page ${i}`,
    slots: Array.from(
      { length: Math.min(SLOTS_PER_PAGE, slots.length) },
      (_, k) => slots[(i * SLOTS_PER_PAGE + k) % slots.length]!.id,
    ),
  }));
  delete (body.site as { origin?: unknown }).origin;
  const parsed = parseBundleBody(body);
  if (!parsed.ok)
    throw new Error(`scaled bundle invalid: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
  return { ...parsed.body, version: await bundleVersion(parsed.body) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

export interface ScaleRow {
  name: string;
  bytes: number;
  variants: number;
  rules: number;
  pages: number;
  /** Node V8, median of runs (ms). */
  parseMs: number;
  checkMs: number;
  compileMs: number;
  /** Heap the parsed and compiled bundle keeps (MB, Node V8, after GC). */
  heapMB: number | null;
  /** workerd: first page request after the publish (fresh isolate), client-timed (ms). */
  firstMs: number;
  /** workerd: median of the warm requests after it (ms). */
  warmMs: number;
}

function nodeCosts(text: string, runs: number) {
  const parse: number[] = [];
  const check: number[] = [];
  const comp: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const json: unknown = JSON.parse(text);
    parse.push(performance.now() - t);
    t = performance.now();
    const bundle = salvageBundle(json)!.bundle;
    check.push(performance.now() - t);
    t = performance.now();
    compile(bundle);
    comp.push(performance.now() - t);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  let heapMB: number | null = null;
  if (gc) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = salvageBundle(JSON.parse(text))!.bundle;
    compile(kept);
    gc();
    heapMB = r2((process.memoryUsage().heapUsed - before) / 1024 / 1024);
    if (!kept.version) throw new Error('unreachable: keeps the bundle alive until measured');
  }
  return {
    parseMs: r2(median(parse)),
    checkMs: r2(median(check)),
    compileMs: r2(median(comp)),
    heapMB,
  };
}

async function timedGet(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - t;
}

export async function runScale(
  script: string,
  log: (line: string) => void,
  quick: boolean,
): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const shape of quick ? SCALES.slice(0, 2) : SCALES) {
    const bundle = await scaledBundle(shape);
    const text = bundleText(bundle); // the bytes KV holds (shared/bundle/version.ts)
    log(
      `scale ${shape.name}: ${(text.length / 1024).toFixed(0)} KiB; timing parse, check, compile in Node`,
    );
    const node = nodeCosts(text, quick ? 3 : 7);
    log(`scale ${shape.name}: a fresh workerd, the bundle published, first request then warm ones`);
    const { mf, running } = await startWorker(script);
    try {
      await publish(mf, bundle);
      const url = `${running.url}/p/1`;
      const firstMs = await timedGet(url);
      const warm: number[] = [];
      for (let i = 0; i < 15; i++) warm.push(await timedGet(url));
      rows.push({
        name: shape.name,
        bytes: text.length,
        variants: bundle.slots.reduce((n, s) => n + s.variants.length, 0),
        rules: bundle.slots.reduce((n, s) => n + s.rules.length, 0),
        pages: bundle.pages.length,
        ...node,
        firstMs: r2(firstMs),
        warmMs: r2(median(warm)),
      });
    } finally {
      await running.dispose();
    }
  }
  return rows;
}

/**
 * Module evaluation of the built script in V8 (Node), in a fresh process each time: the time
 * `import()` takes to read, parse, compile and evaluate it. Its one import
 * (`import { env } from "cloudflare:workers"`) is replaced by a constant holding the bench's keys,
 * so the start-up config check runs; nothing else changes. The same engine workerd embeds;
 * workerd's own clock cannot time it.
 */
export function moduleEvalMs(script: string, runs: number): number[] {
  const source = readFileSync(script, 'utf8');
  const env = JSON.stringify({ VISITOR_KEYS: BENCH_VISITOR_KEYS, ADMIN_KEYS: BENCH_ADMIN_KEYS });
  const imports = /import\s*\{\s*env\s+as\s+([\w$]+)\s*\}\s*from\s*"cloudflare:workers";?/g;
  const names = [...source.matchAll(imports)].map((m) => m[1]!);
  if (names.length !== 1 || /from\s*"cloudflare:/.test(source.replace(imports, '')))
    throw new Error(
      'module evaluation probe: expected exactly one import, of env from cloudflare:workers',
    );
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-eval-'));
  const copy = path.join(dir, 'index.mjs');
  writeFileSync(copy, source.replace(imports, `const ${names[0]} = ${env};`));
  const child = `const t = performance.now();
await import(${JSON.stringify(pathToFileURL(copy).href)});
console.log(performance.now() - t);`;
  return Array.from({ length: runs }, () => {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
      encoding: 'utf8',
    });
    const ms = Number(out.stdout.trim().split('\n').pop());
    if (out.status !== 0 || !Number.isFinite(ms))
      throw new Error(`module evaluation probe failed: ${out.stderr.slice(0, 500)}`);
    return ms;
  });
}

export interface ColdStart {
  /** The built script's import (parse, compile, evaluate) in a fresh V8 (Node), median ms. */
  moduleEvalMs: number;
  /** workerd ready with the visitor worker, minus ready with a trivial script (ms, medians). */
  readyMs: number;
  trivialReadyMs: number;
  /** The difference: the script's parse + compile + module evaluation + start-up checks. */
  scriptMs: number;
  /** First request to /healthz right after ready, visitor worker (ms). */
  firstRequestMs: number;
  runs: number;
}

const TRIVIAL = `export default { fetch() { return new Response('ok'); } };\n`;

export async function runColdStart(
  script: string,
  log: (line: string) => void,
  quick: boolean,
): Promise<ColdStart> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-cold-'));
  const trivial = path.join(dir, 'trivial.js');
  writeFileSync(trivial, TRIVIAL);
  const runs = quick ? 2 : 5;
  const ready: number[] = [];
  const trivialReady: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < runs; i++) {
    log(`cold start ${i + 1}/${runs}: workerd with the visitor worker, then with a trivial script`);
    for (const [which, file] of [
      ['tessera', script],
      ['trivial', trivial],
    ] as const) {
      const t = performance.now();
      const { running } = await startWorker(file);
      const ms = performance.now() - t;
      try {
        if (which === 'tessera') {
          ready.push(ms);
          first.push(await timedGet(`${running.url}/healthz`));
        } else trivialReady.push(ms);
      } finally {
        await running.dispose();
      }
    }
  }
  log('cold start: the built script imported in a fresh Node process (module evaluation in V8)');
  const evalMs = moduleEvalMs(script, quick ? 3 : 9);
  return {
    moduleEvalMs: r2(median(evalMs)),
    readyMs: r2(median(ready)),
    trivialReadyMs: r2(median(trivialReady)),
    scriptMs: r2(median(ready) - median(trivialReady)),
    firstRequestMs: r2(median(first)),
    runs,
  };
}
