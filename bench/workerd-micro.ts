/**
 * The core operations timed inside workerd, the runtime the worker ships on (Node's WebCrypto
 * HMAC, for one, takes a thread-pool round trip that workerd's does not). See
 * bench/workerd/micro-worker.ts for how.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { ROOT } from './build.ts';

const OPS = [
  ['verify', 'cookie verify (jose jwtVerify, HS256 pinned, + claims schema)'],
  ['hmac', 'of which: the HMAC-SHA256 check alone (crypto.subtle.verify)'],
  ['sign', 'cookie sign (new visitor)'],
  ['profile', 'profile parse (JSON + the gate: the validator generated from the Profile schema)'],
  ['profile-zod', 'profile parse, JSON + zod alone (before issue 18)'],
  ['profile-json', 'of which: JSON.parse alone'],
  ['context', 'request context (from the request’s URL and headers)'],
  ['context-built', 'request context, with a new URL and Headers built (as timed before)'],
  ['url-headers', 'of which: new URL + new Headers + one get each'],
  ['known', 'decide + render (standard page, known visitor)'],
  ['worst', 'decide + render (standard page, worst case)'],
  ['experiment', 'decide + render (page under experiments, visitor in arms)'],
  ['record', 'decision record with exposures (pseudonym HMAC + built + serialised)'],
  ['pseudonym', 'the visitor’s pseudonym for the decision record (one HMAC, crypto.subtle.sign)'],
  ['page', 'whole pure page path (consent → decide → render → record), known visitor'],
  ['bundle-kv', 'a new 1 MB bundle version: its KV read as text (local miniflare KV)'],
  ['bundle-kv-bytes', 'a new 1 MB bundle version: its KV read as bytes (arrayBuffer)'],
  ['bundle-decode', 'a new 1 MB bundle version: TextDecoder.decode of its bytes'],
  ['bundle-encode', 'a new 1 MB bundle version: TextEncoder.encode of its text'],
  ['bundle-sha', 'a new 1 MB bundle version: SHA-256 of its bytes'],
  ['bundle-check', 'a new 1 MB bundle version: JSON.parse + the bundle check'],
  ['bundle-parse', 'a new 1 MB bundle version: JSON.parse alone'],
  [
    'bundle-verify',
    'a new 1 MB bundle version, stored in one piece: hash check (bytes) + decode + JSON.parse',
  ],
  ['bundle-shape', 'a new 1 MB bundle version: hash check + parse + the bundle check'],
  ['bundle-load', 'a new 1 MB bundle version: hash check + parse + bundle check + /p/1’s slots'],
  [
    'bundle-load-all',
    'a new 1 MB bundle version: hash check + parse + every variant checked + every slot compiled',
  ],
  ['parts-verify', 'the same bundle stored in parts: all bytes hashed + the manifest parsed'],
  ['parts-shape', 'stored in parts: hash + manifest + the bundle check'],
  ['parts-load', 'stored in parts: hash + manifest + bundle check + /p/1’s slots (parsed on use)'],
  // The glue between the parts (what a request pays besides them).
  ['timer', 'glue: setTimeout + clearTimeout'],
  ['deadline', 'glue: a resolved read under withDeadline (timer, race, two promises)'],
  ['cookies', 'glue: four cookie lookups as a page does them (hono parse, Headers.get)'],
  ['uuid', 'glue: crypto.randomUUID (ids, nonces)'],
  ['url', 'glue: new URL of a page address'],
  ['log-line', 'glue: one 1.2 KB console.log line (local: workerd → miniflare’s pipe)'],
  ['headers', 'glue: a page response’s headers and its Response'],
  ['headers-bare', 'glue: the bare route’s headers and its Response'],
  ['headers-set', 'glue: the same, built as before 2026-12-01 (a Headers object, then set() each)'],
  // Local stand-ins for I/O: miniflare's KV and Queues run in this same workerd process, on the
  // same cores. At the edge these are network calls that cost the isolate little CPU.
  ['kv-hit', 'KV get, key present (local miniflare KV)'],
  ['kv-miss', 'KV get, key absent (local miniflare KV)'],
  ['queue-send', 'queue send (local miniflare queue)'],
] as const;

/**
 * The worker's own work per known visitor (issue 18's ≤ 60 µs budget): the label prefixes of the
 * operations it sums. The page path already builds and serialises the decision record, so of the
 * record only the pseudonym's HMAC is added (the `record` operation, an experiment visitor's
 * record built again with its HMAC, is reported beside it, not summed: summing it counted the
 * record twice until 2026-12-01).
 */
export const OWN_WORK_PARTS = [
  'cookie verify',
  'profile parse',
  'request context',
  'whole pure page path',
  'the visitor’s pseudonym',
] as const;

/** The parts' µs in OWN_WORK_PARTS order (undefined where one was not measured). */
export function ownWorkParts(ops: readonly { name: string; us: number }[]): (number | undefined)[] {
  return OWN_WORK_PARTS.map((prefix) => ops.find((o) => o.name.startsWith(prefix))?.us);
}

export async function runWorkerdMicro(
  log: (line: string) => void,
  quick = false,
  only?: readonly string[],
): Promise<{ name: string; us: number }[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-micro-'));
  const outfile = path.join(dir, 'micro.js');
  // esbuild is what wrangler bundles with (a dependency of wrangler).
  await build({
    entryPoints: [path.join(ROOT, 'bench/workerd/micro-worker.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: outfile,
    modulesRoot: dir,
    compatibilityDate: '2026-04-20',
    kvNamespaces: ['KV'],
    // The log line's cost is the isolate's: its output is read and dropped, as the load bench does.
    handleRuntimeStdio(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) {
      stdout.resume();
      stderr.resume();
    },
    queueProducers: { Q: { queueName: 'bench-micro' } },
  });
  try {
    const time = async (op: string, n: number) => {
      const t = performance.now();
      const res = await mf.dispatchFetch(`http://bench.local/?op=${op}&n=${n}`);
      await res.text();
      if (res.status !== 200) throw new Error(`micro worker: ${op} answered ${res.status}`);
      return performance.now() - t;
    };
    const n = (op: string) =>
      op.startsWith('bundle') || op.startsWith('parts')
        ? quick
          ? 5
          : 20
        : (op.startsWith('kv') || op.startsWith('queue') ? 1 : 4) * (quick ? 150 : 1000);
    const reps = quick ? 3 : 7;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ops = OPS.filter(([op]) => !only || only.includes(op));
    for (const [op, name] of ops) {
      log(`workerd micro: warm-up ${name}`);
      await time(op, n(op)); // warm-up: JIT, caches
    }
    // Interleaved: every rep runs every op once, so a busy neighbour hits all ops alike and ops
    // compared side by side (the gate against zod alone) share the machine's state.
    const full = new Map(ops.map(([op]) => [op, [] as number[]]));
    const empty = new Map(ops.map(([op]) => [op, [] as number[]]));
    for (let r = 0; r < reps; r++) {
      log(`workerd micro: round ${r + 1}/${reps} of ${ops.length} operations`);
      for (const [op] of ops) {
        empty.get(op)!.push(await time(op, 0));
        full.get(op)!.push(await time(op, n(op)));
      }
    }
    const out = ops.map(([op, name]) => ({
      name,
      us: Math.round(((median(full.get(op)!) - median(empty.get(op)!)) / n(op)) * 1000 * 100) / 100,
    }));
    return out;
  } finally {
    await mf.dispose();
  }
}
