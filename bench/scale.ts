/**
 * Issue 18's questions a site owner asks before real traffic, measured (never asserted):
 *
 * - **Bundle scaling**: seeded bundles of ≈ 100 KB, 1 MB and 10 MB (200 / 2,000 / 20,000
 *   variants, 40 / 400 / 2,000 rules, 20 / 50 / 200 pages). In Node's V8: the hash check,
 *   JSON.parse, the bundle check, and the first request's page's slots checked and compiled (as
 *   the bundle store and compile.ts do) — each timed, and the heap the bundle keeps with every
 *   slot compiled. In
 *   workerd: a fresh worker, the bundle published, then the first page request (the isolate
 *   has never seen the bundle: KV read, parse, check, compile, then the page) against the warm
 *   requests after it.
 * - **Cold start**: the built script's compile and module evaluation, each minus a trivial
 *   module's, in workerd (its own start-up trace) and in Node's V8 (bench/cold-start.ts).
 *
 * workerd does not advance its clocks during synchronous work, so a worker cannot time its own
 * module evaluation or parse: both are timed from outside, as differences.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBundle } from '../shared/bundle/parts.ts';
import { bundleText, bundleVersion, verifiedStored } from '../shared/bundle/version.ts';
import type { Bundle } from '../shared/schema/bundle.ts';
import { compile, pageForPath } from '../worker/decide/compile.ts';
import type { Miniflare } from 'miniflare';
import { contentKeys } from '../shared/kv-keys.ts';
import { ROOT } from './build.ts';
import { publish, startWorker } from './server.ts';
import { coldSamples, workerdVersion, type Phases } from './cold-start.ts';

import { SCALES, scaledBundle } from './scaled-bundle.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

export interface ScaleRow {
  name: string;
  bytes: number;
  variants: number;
  rules: number;
  pages: number;
  /** Node V8, median of runs (ms): the manifest's decode and JSON.parse (the parts form). */
  parseMs: number;
  /** The hash over the stored bytes and the split into lines (verify − parse). */
  hashMs: number;
  /** The whole bundle's check on the manifest (checkBundle: shape, component kinds, a renderable variant per slot). */
  checkMs: number;
  /** The first request's page: its slots' lines parsed, variants checked, rules compiled (on first use). */
  compileMs: number;
  /** A new version's first request: verify + manifest + bundle check + its page's slots. */
  totalMs: number;
  /** Heap the parsed and compiled bundle keeps (MB, Node V8, after GC). */
  heapMB: number | null;
  /** workerd: first page request after the publish (fresh isolate), client-timed (ms). */
  firstMs: number;
  /** workerd: median of the warm requests after it (ms). */
  warmMs: number;
  /** workerd, warm isolate: the first request after the pointer's TTL, nothing new published. */
  repointMs: number;
  /** workerd, warm isolate: the first request after the TTL, a new version of the same size live. */
  republishMs: number;
  /** workerd: the new version's KV read alone (a worker reading it, minus reading a missing key). */
  kvReadMs: number;
  /** republish − repoint − KV read: the worker's own time for a new version, by difference. */
  workerMs: number;
}

/** wrangler.toml's POINTER_TTL_MS: how long an isolate trusts the pointer it read. */
export function pointerTtlMs(): number {
  const toml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  const ttl = Number(/^POINTER_TTL_MS\s*=\s*"(\d+)"/m.exec(toml)?.[1]);
  if (!Number.isFinite(ttl)) throw new Error('bench: POINTER_TTL_MS not found in wrangler.toml');
  return ttl;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A publish as a warm isolate sees it: after the pointer's TTL the first request re-reads the
 * pointer (`repointMs`, nothing new) or re-reads it and loads a new version of the same size
 * (`republishMs`: the bundle's KV read, hash check, parse, bundle check, its page's slots). The bundle's KV
 * read alone is timed through a second worker in the same workerd; what is left is the worker's
 * own time, by difference (workerd's clock cannot time synchronous work from inside).
 */
async function warmRepublish(mf: Miniflare, bundle: Bundle, url: string, reps: number) {
  const ttl = pointerTtlMs();
  const { version: _, ...body } = bundle;
  const repoint: number[] = [];
  const republish: number[] = [];
  let next = bundle;
  for (let i = 0; i < reps; i++) {
    await sleep(ttl + 250);
    repoint.push(await timedGet(url));
    const nextBody = {
      ...body,
      site: { ...body.site, name: `${body.site.name} (republished ${i})` },
    };
    next = { ...nextBody, version: await bundleVersion(nextBody) };
    await publish(mf, next);
    await sleep(ttl + 250);
    republish.push(await timedGet(url));
  }
  const repointMs = median(repoint);
  const republishMs = median(republish);
  const seeder = await mf.getWorker('bench-seeder');
  const read = async (key: string) => {
    const t = performance.now();
    const res = await seeder.fetch(
      `http://seeder.local/content-length?key=${encodeURIComponent(key)}`,
    );
    const size = Number(await res.text());
    return { ms: performance.now() - t, size };
  };
  const present: number[] = [];
  const missing: number[] = [];
  for (let i = 0; i < 7; i++) {
    const hit = await read(contentKeys.bundle(next.version));
    if (hit.size <= 0) throw new Error('bench: the republished bundle is not in KV');
    present.push(hit.ms);
    missing.push((await read(contentKeys.bundle('0000000000000000'))).ms);
  }
  const kvReadMs = Math.max(0, median(present) - median(missing));
  return {
    repointMs: r2(repointMs),
    republishMs: r2(republishMs),
    kvReadMs: r2(kvReadMs),
    workerMs: r2(republishMs - repointMs - kvReadMs),
  };
}

/**
 * The bundle store's steps for a new version, as the worker runs them (shared/data/bundle-store.ts,
 * shared/bundle/parts.ts): the bytes KV returns hashed against their version and the manifest
 * parsed (`verifiedStored`), the whole bundle's check on the manifest (`checkBundle`: shape,
 * component kinds, a renderable variant per slot), then what the first request for a page adds:
 * its slots' other variants parsed, checked and its rules compiled, on first use
 * (worker/decide/compile.ts) — timed for the page the workerd rows request (`/p/1`). The
 * manifest's decode and JSON.parse alone are timed too, to split the first step into its hash and
 * its parse. The heap figure keeps every slot compiled (every page visited).
 */
async function nodeCosts(text: string, version: string, runs: number) {
  const bytes = new TextEncoder().encode(text);
  const manifest = bytes.subarray(
    bytes.indexOf(0x0a) + 1,
    bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1),
  );
  const parse: number[] = [];
  const verify: number[] = [];
  const load: number[] = [];
  const comp: number[] = [];
  const total: number[] = [];
  const pageSlots = (bundle: Bundle) => {
    const c = compile(bundle);
    for (const id of pageForPath(bundle, '/p/1')!.slots) c.slots.get(id);
  };
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    JSON.parse(new TextDecoder().decode(manifest));
    parse.push(performance.now() - t);
    t = performance.now();
    await verifiedStored(bytes, version);
    verify.push(performance.now() - t);
    t = performance.now();
    const bundle = (await loadBundle(bytes, version))!;
    load.push(performance.now() - t);
    t = performance.now();
    pageSlots(bundle);
    comp.push(performance.now() - t);
    total.push(load.at(-1)! + comp.at(-1)!);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  let heapMB: number | null = null;
  if (gc) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = (await loadBundle(new TextEncoder().encode(text), version))!;
    const slots = compile(kept).slots;
    for (const id of slots.keys()) slots.get(id);
    gc();
    heapMB = r2((process.memoryUsage().heapUsed - before) / 1024 / 1024);
    if (!kept.version) throw new Error('unreachable: keeps the bundle alive until measured');
  }
  return {
    parseMs: r2(median(parse)),
    hashMs: r2(Math.max(0, median(verify) - median(parse))),
    checkMs: r2(Math.max(0, median(load) - median(verify))),
    compileMs: r2(median(comp)),
    totalMs: r2(median(total)),
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
      `scale ${shape.name}: ${(text.length / 1024).toFixed(0)} KiB; timing hash check, parse, bundle check, a page's slots in Node`,
    );
    const node = await nodeCosts(text, bundle.version, quick ? 3 : 7);
    log(`scale ${shape.name}: a fresh workerd, the bundle published, first request then warm ones`);
    const { mf, running } = await startWorker(script);
    try {
      await publish(mf, bundle);
      const url = `${running.url}/p/1`;
      const firstMs = await timedGet(url);
      const warm: number[] = [];
      for (let i = 0; i < 15; i++) warm.push(await timedGet(url));
      log(
        `scale ${shape.name}: a publish seen by the warm isolate, and the bundle's KV read alone`,
      );
      const republish = await warmRepublish(mf, bundle, url, quick ? 1 : 3);
      rows.push({
        name: shape.name,
        bytes: text.length,
        variants: bundle.slots.reduce((n, s) => n + s.variants.length, 0),
        rules: bundle.slots.reduce((n, s) => n + s.rules.length, 0),
        pages: bundle.pages.length,
        ...node,
        firstMs: r2(firstMs),
        warmMs: r2(median(warm)),
        ...republish,
      });
    } finally {
      await running.dispose();
    }
  }
  return rows;
}

export interface ColdPhase {
  /** The built script, median ms over fresh processes. */
  script: number;
  /** A trivial module measured the same way, median ms. */
  trivial: number;
  /** The difference: the script's own cost (ms). */
  own: number;
}

/**
 * Cold start of the built visitor script, by phase (bench/cold-start.ts). workerd: its own trace
 * of start-up (compile = compileModules; evaluation = the main module's instantiation and
 * evaluation), each minus a trivial module's. V8 in Node: `vm.SourceTextModule`'s compile, link
 * and evaluate timed directly.
 */
export interface ColdStart {
  runs: number;
  workerdVersion: string;
  nodeV8Version: string;
  workerd: { compile: ColdPhase; evaluate: ColdPhase; total: ColdPhase };
  v8: { compile: ColdPhase; link: ColdPhase; evaluate: ColdPhase; total: ColdPhase };
}

function phase(script: number[], trivial: number[]): ColdPhase {
  const a = median(script);
  const b = median(trivial);
  return { script: r2(a), trivial: r2(b), own: r2(a - b) };
}

/** The cold start of each script against one trivial module, from interleaved samples. */
export function coldStartOf(
  scripts: string[],
  log: (line: string) => void,
  quick: boolean,
): ColdStart[] {
  const runs = quick ? 5 : 21;
  log(
    `cold start: ${runs} rounds of fresh workerd and Node processes (a trivial module, then ${scripts.length} script(s))`,
  );
  const { trivial: t, scripts: each } = coldSamples(scripts, runs, log);
  const v8Total = (x: Phases) => x.compileMs + x.linkMs + x.evaluateMs;
  const by = <T>(s: T[], u: T[], f: (x: T) => number) => phase(s.map(f), u.map(f));
  return each.map((s) => ({
    runs,
    workerdVersion: workerdVersion(),
    nodeV8Version: process.versions.v8,
    workerd: {
      compile: by(s.workerd, t.workerd, (x) => x.compileMs),
      evaluate: by(s.workerd, t.workerd, (x) => x.evaluateMs),
      total: by(s.workerd, t.workerd, (x) => x.compileMs + x.evaluateMs),
    },
    v8: {
      compile: by(s.v8, t.v8, (x) => x.compileMs),
      link: by(s.v8, t.v8, (x) => x.linkMs),
      evaluate: by(s.v8, t.v8, (x) => x.evaluateMs),
      total: by(s.v8, t.v8, v8Total),
    },
  }));
}

export function runColdStart(
  script: string,
  log: (line: string) => void,
  quick: boolean,
): ColdStart {
  return coldStartOf([script], log, quick)[0]!;
}
