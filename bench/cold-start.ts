/**
 * Cold start of the visitor worker's script, split into its phases (issue 18: "module evaluation
 * time of the visitor worker's script in workerd", budget ≤ 10 ms). Two probes, both in fresh
 * processes, the script alternating with a trivial module so both see the same machine:
 *
 * - **workerd**, the runtime itself: `workerd test` on a config holding just the built script and
 *   the vars it reads at start-up, with workerd's own Perfetto tracing on. Its trace times
 *   `WorkerdApi::compileModules()` (every ES module of the worker is compiled there, at start-up)
 *   and, between two of its other spans, the main module's instantiation and evaluation, with the
 *   real clock — the clocks a worker can read stand still during synchronous work, these do not.
 *   Each minus the trivial module's (see workerdPhases).
 * - **V8 in Node** (another V8 version than workerd's, same engine), each phase timed directly
 *   with `vm.SourceTextModule`: `new SourceTextModule(source)` (compile), `link()`, `evaluate()`.
 *   The script's one import (`env` from `cloudflare:workers`) becomes a constant with the same
 *   vars, so the start-up config check runs.
 *
 * A CPU profile splits time but is not a measurement; these are (medians over runs).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BENCH_ADMIN_KEYS, BENCH_VISITOR_KEYS } from './keys.ts';
import { ROOT } from './build.ts';

/** What the worker reads from `env` at start-up: the keys and wrangler.toml's vars. */
const STARTUP_VARS: Record<string, string> = {
  VISITOR_KEYS: BENCH_VISITOR_KEYS,
  ADMIN_KEYS: BENCH_ADMIN_KEYS,
  KV_DEADLINE_MS: '75',
  POINTER_TTL_MS: '5000',
};

export const TRIVIAL_MODULE = `export default { fetch() { return new Response('ok'); } };\n`;

export interface Phases {
  compileMs: number;
  linkMs: number;
  evaluateMs: number;
}

/** Node's V8 (`vm.SourceTextModule`), one fresh process per sample: argv = module, trivial module. */
const V8_CHILD = `import vm from 'node:vm';
import { readFileSync } from 'node:fs';
const [file, trivialFile] = process.argv.slice(-2);
async function phases(source, identifier) {
  const t0 = performance.now();
  const m = new vm.SourceTextModule(source, { identifier });
  const t1 = performance.now();
  await m.link(() => { throw new Error('the probe expects a module without imports'); });
  const t2 = performance.now();
  await m.evaluate();
  const t3 = performance.now();
  return { compileMs: t1 - t0, linkMs: t2 - t1, evaluateMs: t3 - t2 };
}
// The vm machinery's own first use (its JS, its lazy builtins), not the module's.
await phases(readFileSync(trivialFile, 'utf8'), 'warm-up.js');
console.log(JSON.stringify(await phases(readFileSync(file, 'utf8'), 'measured.js')));
`;

/** The built script with its one `cloudflare:workers` import replaced by the start-up vars. */
export function standaloneScript(source: string): string {
  const imports = /import\s*\{\s*env\s+as\s+([\w$]+)\s*\}\s*from\s*"cloudflare:workers";?/g;
  const names = [...source.matchAll(imports)].map((m) => m[1]!);
  if (names.length !== 1 || /from\s*"cloudflare:/.test(source.replace(imports, '')))
    throw new Error(
      'cold start probe: expected exactly one import, of env from cloudflare:workers',
    );
  return source.replace(imports, `const ${names[0]} = ${JSON.stringify(STARTUP_VARS)};`);
}

function v8Sample(dir: string, name: string): Phases {
  const out = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings',
      path.join(dir, 'child.mjs'),
      path.join(dir, `${name}.mjs`),
      path.join(dir, 'trivial.mjs'),
    ],
    { encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(`V8 cold start probe failed: ${out.stderr.slice(0, 500)}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as Phases;
}

/** workerd's trace of one start, in ms. */
export interface WorkerdSpans {
  /** `WorkerdApi::compileModules()`: every ES module of the worker compiled (plus built-ins registered). */
  compileMs: number;
  /**
   * From the end of the `compileGlobals()` that follows compileModules to the start of the next
   * `compileGlobals()`: the main module instantiated and evaluated (no trace span of its own; a
   * module whose top level spins for 3.7 s puts all of it here and none anywhere else).
   */
  evaluateMs: number;
  /** `Server::makeWorker()`: isolate, compile, evaluation, bindings — the whole start of the worker. */
  makeWorkerMs: number;
}

/** The phases out of a trace's spans (sorted by start); throws if the trace has another shape. */
export function workerdPhases(spans: Span[]): WorkerdSpans {
  const named = (name: string) => spans.filter((s) => s.name === name);
  const [make] = named('Server::makeWorker()');
  const [compile] = named('WorkerdApi::compileModules()');
  const globals = named('WorkerdApi::compileGlobals()').filter(
    (s) => compile && s.start >= compile.end,
  );
  const [before, after] = globals;
  if (!make || !compile || !before || !after || after.end > make.end)
    throw new Error(
      `workerd trace: expected makeWorker > compileModules, compileGlobals, compileGlobals; got ${spans.map((s) => s.name).join(', ')}`,
    );
  return {
    compileMs: compile.end - compile.start,
    evaluateMs: after.start - before.end,
    makeWorkerMs: make.end - make.start,
  };
}

function workerdBinary(): string {
  return path.join(ROOT, 'node_modules', '@cloudflare', 'workerd-linux-64', 'bin', 'workerd');
}

export function workerdVersion(): string {
  return spawnSync(workerdBinary(), ['--version'], { encoding: 'utf8' }).stdout.trim();
}

function workerdConfig(moduleFile: string): string {
  const q = (s: string) => JSON.stringify(s);
  const bindings = Object.entries(STARTUP_VARS)
    .map(([name, value]) => `    (name = ${q(name)}, text = ${q(value)}),`)
    .join('\n');
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .w)]);
const w :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed ${q(moduleFile)})],
  compatibilityDate = ${q(compatibilityDate())},
  bindings = [
${bindings}
  ],
);
`;
}

function compatibilityDate(): string {
  const toml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*"([\d-]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error('cold start probe: no compatibility_date in wrangler.toml');
  return date;
}

function workerdSample(dir: string, which: string): WorkerdSpans {
  const trace = path.join(dir, `${which}.pftrace`);
  rmSync(trace, { force: true });
  // `workerd test` builds the worker exactly as `serve` does, then exits: the worker has no
  // test handler, so it reports "No tests found" (status 1) after the start-up we time.
  const run = spawnSync(
    workerdBinary(),
    ['test', path.join(dir, `${which}.capnp`), `--perfetto-trace=${trace}=workerd`],
    { encoding: 'utf8', cwd: dir },
  );
  if (!/No tests found/.test(run.stderr))
    throw new Error(`workerd cold start probe failed (${which}): ${run.stderr.slice(0, 800)}`);
  return workerdPhases(perfettoSpans(readFileSync(trace)));
}

export interface ColdSamples {
  v8: Phases[];
  workerd: WorkerdSpans[];
}

/**
 * `runs` rounds; each round starts, in fresh processes, the trivial module and then every
 * script once in each probe, so all of them see the same machine.
 */
export function coldSamples(
  scripts: string[],
  runs: number,
  log: (line: string) => void,
): { trivial: ColdSamples; scripts: ColdSamples[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-cold-'));
  writeFileSync(path.join(dir, 'child.mjs'), V8_CHILD);
  writeFileSync(path.join(dir, 'trivial.mjs'), TRIVIAL_MODULE);
  writeFileSync(path.join(dir, 'trivial.js'), TRIVIAL_MODULE);
  writeFileSync(path.join(dir, 'trivial.capnp'), workerdConfig('trivial.js'));
  const names = scripts.map((script, i) => {
    const source = readFileSync(script, 'utf8');
    writeFileSync(path.join(dir, `s${i}.mjs`), standaloneScript(source));
    writeFileSync(path.join(dir, `s${i}.js`), source);
    writeFileSync(path.join(dir, `s${i}.capnp`), workerdConfig(`s${i}.js`));
    return `s${i}`;
  });
  const empty = (): ColdSamples => ({ v8: [], workerd: [] });
  const trivial = empty();
  const each = names.map(empty);
  for (let r = 0; r < runs; r++) {
    if (r % 5 === 0) log(`cold start: rounds ${r + 1}–${Math.min(r + 5, runs)} of ${runs}`);
    for (const [name, into] of [
      ['trivial', trivial] as const,
      ...names.map((n, i) => [n, each[i]!] as const),
    ]) {
      into.workerd.push(workerdSample(dir, name));
      into.v8.push(v8Sample(dir, name));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return { trivial, scripts: each };
}

// --- A minimal reader of workerd's Perfetto trace (protobuf): TrackEvent slices and their names.

export interface Span {
  name: string;
  /** Start and end on the trace's clock (ms; only differences mean anything). */
  start: number;
  end: number;
}

type Field = [number, number, bigint | [number, number]];

function* fields(buf: Buffer, start: number, end: number): Generator<Field> {
  let i = start;
  const varint = () => {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      r |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) return r;
    }
  };
  while (i < end) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield [field, wire, varint()];
    else if (wire === 2) {
      const len = Number(varint());
      yield [field, wire, [i, i + len]];
      i += len;
    } else if (wire === 1) {
      yield [field, wire, buf.readBigUInt64LE(i)];
      i += 8;
    } else if (wire === 5) {
      yield [field, wire, BigInt(buf.readUInt32LE(i))];
      i += 4;
    } else throw new Error(`perfetto trace: unexpected wire type ${wire}`);
  }
}

const range = (v: Field[2]) => v as [number, number];
const num = (v: Field[2]) => v as bigint;

/**
 * Trace → TracePacket (1) with timestamp (8), trusted_packet_sequence_id (10), track_event (11),
 * interned_data (12, event_names 2: iid 1, name 2), trace_packet_defaults (59:
 * timestamp_clock_id 58), clock_snapshot (6). TrackEvent: type (9: 1 begin, 2 end), name_iid
 * (10), name (23), track_uuid (11). Clock ids ≥ 64 are the sequence's incremental clock: each
 * timestamp is a delta from the previous one on that sequence.
 */
export function perfettoSpans(buf: Buffer): Span[] {
  const names = new Map<string, string>();
  const clockOf = new Map<bigint, bigint>();
  const lastTs = new Map<bigint, bigint>();
  const open = new Map<string, { name: string; ts: bigint }[]>();
  const spans: Span[] = [];
  for (const [f, , packet] of fields(buf, 0, buf.length)) {
    if (f !== 1) continue;
    let ts = 0n;
    let hasTs = false;
    let seq = 0n;
    let clock: bigint | undefined;
    let event: [number, number] | undefined;
    let interned: [number, number] | undefined;
    let defaults: [number, number] | undefined;
    let snapshot: [number, number] | undefined;
    for (const [pf, , pv] of fields(buf, ...range(packet))) {
      if (pf === 8) {
        ts = num(pv);
        hasTs = true;
      } else if (pf === 10) seq = num(pv);
      else if (pf === 11) event = range(pv);
      else if (pf === 12) interned = range(pv);
      else if (pf === 58) clock = num(pv);
      else if (pf === 59) defaults = range(pv);
      else if (pf === 6) snapshot = range(pv);
    }
    // Fields arrive in field-number order, so the sequence id (10) comes after the snapshot (6).
    if (defaults)
      for (const [df, , dv] of fields(buf, ...defaults)) if (df === 58) clockOf.set(seq, num(dv));
    if (snapshot)
      for (const [cf, , cv] of fields(buf, ...snapshot)) {
        if (cf !== 1) continue;
        let id = 0n;
        let t = 0n;
        for (const [xf, , xv] of fields(buf, ...range(cv))) {
          if (xf === 1) id = num(xv);
          else if (xf === 2) t = num(xv);
        }
        if (id >= 64n) lastTs.set(seq, t);
      }
    if (interned)
      for (const [nf, , nv] of fields(buf, ...interned)) {
        if (nf !== 2) continue;
        let iid = 0n;
        let name = '';
        for (const [ef, , ev] of fields(buf, ...range(nv))) {
          if (ef === 1) iid = num(ev);
          else if (ef === 2) name = buf.toString('utf8', ...range(ev));
        }
        names.set(`${seq}:${iid}`, name);
      }
    if (hasTs && (clock ?? clockOf.get(seq) ?? 0n) >= 64n) {
      ts += lastTs.get(seq) ?? 0n;
      lastTs.set(seq, ts);
    }
    if (!event) continue;
    let type = 0n;
    let name: string | undefined;
    let track = 0n;
    for (const [tf, , tv] of fields(buf, ...event)) {
      if (tf === 9) type = num(tv);
      else if (tf === 10) name = names.get(`${seq}:${num(tv)}`);
      else if (tf === 23) name = buf.toString('utf8', ...range(tv));
      else if (tf === 11) track = num(tv);
    }
    const key = `${seq}:${track}`;
    const stack = open.get(key) ?? [];
    open.set(key, stack);
    if (type === 1n) stack.push({ name: name ?? '?', ts });
    else if (type === 2n) {
      const begin = stack.pop();
      if (begin)
        spans.push({ name: begin.name, start: Number(begin.ts) / 1e6, end: Number(ts) / 1e6 });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}
