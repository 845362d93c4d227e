/**
 * The event path in the benchmark (issue 18): `POST /events` → the EVENTS queue → the control
 * plane's consumer → the visitor's profile in KV, with the queue settings of control/wrangler.toml.
 *
 * One workerd runs what `npm run dev` runs for this path: the visitor worker and the control plane,
 * both as `wrangler deploy --dry-run` builds them, sharing KV, D1 and the queues by id and name.
 * The control plane's queue handler is wrapped (bench/workerd/control-meter.ts) to time every
 * invocation and count its D1 statements and KV calls; nothing else about it changes.
 *
 * Seeded visitors (known cookies of the bench's 10,000 profiles, ⅓ of them logged-in customers,
 * whose first event also stitches) send `page_view` events, each with a SKU of its own, at a
 * bounded rate; the bench polls the profiles in KV (one request to a helper worker bound to the
 * same namespace per poll, every POLL_MS) until each SKU shows in the visitor's recent views.
 * Each poll reads only the profiles the consumer wrote since the last one (the meter lists them),
 * and every FULL_POLL_MS all pending ones. Latency = the poll that first saw the SKU, minus the
 * moment its POST was sent: an upper bound, at most one poll period (plus the read) late.
 *
 *   steady  a low rate, one event per request, every event a different visitor: a batch never
 *           fills, so each waits for max_batch_timeout — the latency a quiet site sees
 *   burst   a high rate, a page's worth of events per request: batches fill to max_batch_size,
 *           so this phase shows what one consumer invocation handles per second
 */
import path from 'node:path';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadavg } from 'node:os';
import { build } from 'esbuild';
import type { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { profileKeys } from '../shared/kv-keys.ts';
import { CONTROL_CONFIG, ROOT } from './build.ts';
import {
  PROFILE_WRITES_PATH,
  type InvocationStat,
  type ProfileWrite,
} from './workerd/control-meter.ts';
import {
  applyMigrations,
  CONTROL_WORKER,
  inCookiePool,
  mintCookies,
  publish,
  readProfiles,
  seedProfiles,
  startWorker,
  type ControlSetup,
} from './server.ts';
import { buildBundle, STANDARD } from './workload.ts';

const POLL_MS = 50;
/** Every pending profile is read at least this often, written or not. */
const FULL_POLL_MS = 2000;
/** An event not in its profile this long after its POST counts as lost. */
const GIVE_UP_MS = 30_000;
const EVENTS_QUEUE = 'tessera-events';

export interface PhaseSpec {
  /** Names the phase's event ids and SKUs: unique per phase, so no event is a duplicate. */
  name: string;
  label: string;
  events: number;
  perRequest: number;
  /** Events per second the sender aims at (open loop, at most MAX_IN_FLIGHT requests waiting). */
  rate: number;
}

const MAX_IN_FLIGHT = 16;

export function phases(quick: boolean): PhaseSpec[] {
  return [
    {
      name: 'steady',
      label: 'steady: 20 events/s, 1 per request, a different visitor each',
      events: quick ? 100 : 400,
      perRequest: 1,
      rate: 20,
    },
    {
      name: 'burst',
      label: 'burst: 250 events/s, 5 per request (one visitor each)',
      events: quick ? 500 : 2000,
      perRequest: 5,
      rate: 250,
    },
  ];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface InvocationSummary {
  count: number;
  /** Messages per invocation. */
  sizeP50: number;
  sizeMax: number;
  /** Wall time of one invocation in workerd (ms). */
  msP50: number;
  msP90: number;
  /** Events one invocation handled per second of its own time (its size over its time). */
  eventsPerSecondP50: number;
  /** The same over the full batches only (size = max_batch_size), when there were any. */
  eventsPerSecondFull?: number;
  statementsP50: number;
  statementsMax: number;
  /** D1 statements per event, over all invocations. */
  statementsPerEvent: number;
  roundTripsP50: number;
  kvReadsP50: number;
  kvWritesP50: number;
  /** Share of an invocation's time spent awaiting D1 and KV calls (summed over all invocations). */
  d1Share: number;
  kvShare: number;
  /** How long the oldest message of a batch waited for its invocation (ms). */
  oldestWaitP50: number;
  retried: number;
  errors: number;
}

export interface PhaseResult {
  name: string;
  label: string;
  events: number;
  requests: number;
  targetRate: number;
  /** Events per second actually sent. */
  sentRate: number;
  /** Requests not answered 202 with every event accepted. */
  rejected: number;
  /** Why, by status and error code (or the client's error: a timeout, a reset). */
  rejectedBy: Record<string, number>;
  reflected: number;
  lost: number;
  /** POST /events round trip (ms). */
  postP50: number;
  /** POST sent → profile in KV shows the event (ms). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  invocations: InvocationSummary;
  loadAverage: number;
}

export interface EventPathResult {
  maxBatchSize: number;
  maxBatchTimeoutSeconds: number;
  pollMs: number;
  phases: PhaseResult[];
}

/** control/wrangler.toml's consumer settings for the events queue. */
export function queueSettings(): { maxBatchSize: number; maxBatchTimeoutSeconds: number } {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, CONTROL_CONFIG));
  const c = (
    workerOptions.queueConsumers as Record<
      string,
      { maxBatchSize?: number; maxBatchTimeout?: number }
    >
  )[EVENTS_QUEUE];
  if (!c) throw new Error(`${CONTROL_CONFIG} has no consumer for ${EVENTS_QUEUE}`);
  // Cloudflare's defaults when a setting is left out.
  return { maxBatchSize: c.maxBatchSize ?? 10, maxBatchTimeoutSeconds: c.maxBatchTimeout ?? 5 };
}

/** The built control plane's modules, behind the metering wrapper. */
export async function meteredControl(controlScript: string): Promise<ControlSetup['modules']> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-control-'));
  const meterFile = path.join(dir, 'meter.js');
  await build({
    entryPoints: [path.join(ROOT, 'bench/workerd/control-meter.ts')],
    outfile: meterFile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return [
    {
      type: 'ESModule',
      path: path.join(dir, 'entry.js'),
      contents:
        "import inner from './index.js';\nimport { meter } from './meter.js';\nexport default meter(inner);\n",
    },
    { type: 'ESModule', path: meterFile, contents: readFileSync(meterFile, 'utf8') },
    {
      type: 'ESModule',
      path: path.join(dir, 'index.js'),
      contents: readFileSync(controlScript, 'utf8'),
    },
  ];
}

function summarize(stats: InvocationStat[], maxBatchSize: number): InvocationSummary {
  const ev = stats.filter((s) => s.queue === EVENTS_QUEUE);
  const rate = (s: InvocationStat) => (s.size / Math.max(s.ms, 1)) * 1000;
  const full = ev.filter((s) => s.size === maxBatchSize);
  const events = ev.reduce((n, s) => n + s.size, 0);
  return {
    count: ev.length,
    sizeP50: pct(
      ev.map((s) => s.size),
      50,
    ),
    sizeMax: Math.max(0, ...ev.map((s) => s.size)),
    msP50: pct(
      ev.map((s) => s.ms),
      50,
    ),
    msP90: pct(
      ev.map((s) => s.ms),
      90,
    ),
    eventsPerSecondP50: Math.round(pct(ev.map(rate), 50)),
    ...(full.length ? { eventsPerSecondFull: Math.round(pct(full.map(rate), 50)) } : {}),
    statementsP50: pct(
      ev.map((s) => s.d1.statements),
      50,
    ),
    statementsMax: Math.max(0, ...ev.map((s) => s.d1.statements)),
    statementsPerEvent: r2(ev.reduce((n, s) => n + s.d1.statements, 0) / Math.max(events, 1)),
    roundTripsP50: pct(
      ev.map((s) => s.d1.roundTrips),
      50,
    ),
    kvReadsP50: pct(
      ev.map((s) => s.kv.reads),
      50,
    ),
    kvWritesP50: pct(
      ev.map((s) => s.kv.writes),
      50,
    ),
    oldestWaitP50: pct(
      ev.map((s) => s.oldestWaitMs),
      50,
    ),
    d1Share: r2(
      ev.reduce((n, s) => n + s.d1.ms, 0) /
        Math.max(
          1,
          ev.reduce((n, s) => n + s.ms, 0),
        ),
    ),
    kvShare: r2(
      ev.reduce((n, s) => n + s.kv.ms, 0) /
        Math.max(
          1,
          ev.reduce((n, s) => n + s.ms, 0),
        ),
    ),
    retried: ev.reduce((n, s) => n + s.retried, 0),
    errors: ev.filter((s) => s.error).length,
  };
}

interface Pending {
  key: string;
  sku: string;
  sentAt: number;
}

interface Sender {
  cookie: string;
  key: string;
}

/** One phase: send at the phase's rate while polling the profiles; resolve when all are seen. */
async function runPhase(
  mf: Miniflare,
  url: string,
  spec: PhaseSpec,
  senders: () => Sender,
  maxBatchSize: number,
  log: (line: string) => void,
  record = true,
): Promise<PhaseResult> {
  const control = await mf.getWorker(CONTROL_WORKER);
  await control.fetch(`http://control.local/__bench/queue-stats`, { method: 'DELETE' });
  const pending = new Map<string, Pending>();
  const latencies: number[] = [];
  const posts: number[] = [];
  let rejected = 0;
  const rejectedBy: Record<string, number> = {};
  let sending = true;
  let seq = 0;

  const writesFrom = async (from: number) =>
    (await (
      await control.fetch(`http://control.local${PROFILE_WRITES_PATH}?from=${from}`)
    ).json()) as ProfileWrite[];
  let cursor = (await writesFrom(0)).length;

  const poller = (async () => {
    let lastPost = performance.now();
    let lastFull = performance.now();
    while (sending || pending.size > 0) {
      await sleep(POLL_MS);
      if (pending.size === 0) continue;
      if (!sending && performance.now() - lastPost > GIVE_UP_MS) break;
      if (sending) lastPost = performance.now();
      // Only the profiles the consumer wrote since the last poll (reading every pending profile
      // every poll would put many times the consumer's own KV traffic on the same workerd);
      // every FULL_POLL_MS all of them, a safety net that does not depend on the meter.
      const written = await writesFrom(cursor);
      cursor += written.length;
      const waiting = new Set([...pending.values()].map((p) => p.key));
      const full = performance.now() - lastFull > FULL_POLL_MS;
      if (full) lastFull = performance.now();
      const keys = full
        ? [...waiting]
        : [...new Set(written.map((w) => w.key).filter((k) => waiting.has(k)))];
      if (keys.length === 0) continue;
      const values = await readProfiles(mf, keys);
      const seenAt = performance.now();
      const skus = new Map<string, Set<string>>();
      keys.forEach((key, i) => {
        const text = values[i];
        const views = text
          ? (JSON.parse(text) as { behavior?: { recentViews?: { sku: string }[] } }).behavior
              ?.recentViews
          : undefined;
        skus.set(key, new Set((views ?? []).map((v) => v.sku)));
      });
      for (const [id, p] of pending)
        if (skus.get(p.key)?.has(p.sku)) {
          latencies.push(seenAt - p.sentAt);
          pending.delete(id);
        }
    }
  })();

  const requests = Math.ceil(spec.events / spec.perRequest);
  const interval = (1000 * spec.perRequest) / spec.rate;
  const start = performance.now();
  let inFlight = 0;
  const sent: Promise<void>[] = [];
  for (let r = 0; r < requests; r++) {
    const wait = start + r * interval - performance.now();
    if (wait > 0) await sleep(wait);
    // Bounded: every request carries a timeout, so this frees up.
    while (inFlight >= MAX_IN_FLIGHT) await sleep(1);
    const who = senders();
    const events = Array.from({ length: spec.perRequest }, () => {
      const n = seq++;
      return { id: `bench-ev-${spec.name}-${n}`, sku: `bench-${spec.name}-${n}` };
    });
    const sentAt = performance.now();
    for (const e of events) pending.set(e.id, { key: who.key, sku: e.sku, sentAt });
    inFlight++;
    sent.push(
      fetch(`${url}/events`, {
        method: 'POST',
        headers: { cookie: who.cookie, 'content-type': 'application/json' },
        body: JSON.stringify({
          events: events.map((e) => ({
            type: 'page_view',
            id: e.id,
            sku: e.sku,
            category: 'bench',
            path: `/p/${e.sku}`,
          })),
        }),
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (res) => {
          const body = (await res.json()) as { accepted?: number; error?: { code?: string } };
          posts.push(performance.now() - sentAt);
          if (res.status !== 202 || body.accepted !== events.length)
            throw new Error(`${res.status} ${body.error?.code ?? ''}`.trim());
        })
        .catch((error: unknown) => {
          rejected++;
          const why = error instanceof Error ? error.message : String(error);
          rejectedBy[why] = (rejectedBy[why] ?? 0) + 1;
          for (const e of events) pending.delete(e.id);
        })
        .finally(() => inFlight--),
    );
  }
  await Promise.all(sent);
  const sentSeconds = (performance.now() - start) / 1000;
  sending = false;
  if (record)
    log(
      `event path: ${spec.name}: ${requests} requests sent in ${r1(sentSeconds)} s; waiting for the profiles`,
    );
  await poller;
  const stats = (await (
    await control.fetch(`http://control.local/__bench/queue-stats`)
  ).json()) as InvocationStat[];
  return {
    name: spec.name,
    label: spec.label,
    events: requests * spec.perRequest,
    requests,
    targetRate: spec.rate,
    sentRate: Math.round((requests * spec.perRequest) / sentSeconds),
    rejected,
    rejectedBy,
    reflected: latencies.length,
    lost: pending.size,
    postP50: r2(pct(posts, 50)),
    p50: Math.round(pct(latencies, 50)),
    p90: Math.round(pct(latencies, 90)),
    p99: Math.round(pct(latencies, 99)),
    max: Math.round(Math.max(0, ...latencies)),
    invocations: summarize(stats, maxBatchSize),
    loadAverage: r2(loadavg()[0]!),
  };
}

/**
 * Starts the visitor worker and the metered control plane in one workerd, seeds D1, the bundle
 * and the profiles, warms both isolates, then runs each phase in turn.
 */
export async function runEventPath(
  visitorScript: string,
  controlScript: string,
  log: (line: string) => void,
  quick: boolean,
): Promise<EventPathResult> {
  const settings = queueSettings();
  const modules = await meteredControl(controlScript);
  // Every bench request comes from 127.0.0.1: the per-address limit (600/min, for a shared NAT)
  // would refuse the burst, so it is raised here; the per-visitor limit stays as configured.
  const { mf, running } = await startWorker(visitorScript, undefined, {
    modules,
    eventsPerAddressLimit: 1_000_000,
  });
  try {
    log(`event path: workerd on ${running.url} with the control plane's consumers; seeding`);
    await applyMigrations(mf);
    const bundle = await buildBundle(STANDARD);
    await publish(mf, bundle);
    await seedProfiles(mf, bundle, inCookiePool);
    const cookies = await mintCookies(Math.floor(Date.now() / 1000));
    let next = 0;
    const senders = (): Sender => {
      const i = next++ % cookies.known.length;
      const s = cookies.subjects[i]!;
      return {
        cookie: cookies.known[i]!,
        key: s.customerId ? profileKeys.customer(s.customerId) : profileKeys.visitor(s.visitorId),
      };
    };
    log('event path: warm-up (20 events, until every one is in its profile)');
    const warm = await runPhase(
      mf,
      running.url,
      { name: 'warm', label: 'warm-up', events: 20, perRequest: 1, rate: 40 },
      senders,
      settings.maxBatchSize,
      log,
      false,
    );
    if (warm.lost || warm.rejected)
      throw new Error(
        `event path warm-up: ${warm.rejected} requests rejected, ${warm.lost} events never reached their profile`,
      );
    const out: PhaseResult[] = [];
    for (const spec of phases(quick)) {
      log(`event path: ${spec.label} (${spec.events} events)`);
      out.push(await runPhase(mf, running.url, spec, senders, settings.maxBatchSize, log));
      const p = out.at(-1)!;
      log(
        `event path: ${spec.name}: p50 ${p.p50} ms, p99 ${p.p99} ms; ${p.invocations.count} invocations, ${p.invocations.eventsPerSecondP50} events/s each, ${p.invocations.statementsP50} D1 statements per batch`,
      );
    }
    return { ...settings, pollMs: POLL_MS, phases: out };
  } finally {
    await running.dispose();
  }
}

/** The event path's table for docs/performance.md's Results. */
export function eventSection(e: EventPathResult, loadAverageBefore?: number[]): string {
  const head = [
    'phase',
    'events',
    'sent events/s',
    'POST p50 ms',
    'POST → profile p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'lost or refused',
    'consumer invocations',
    'batch size p50 / max',
    'invocation ms p50 / p90',
    'events/s per invocation p50 (full batches)',
    'D1 statements per batch p50 / max (per event)',
    'D1 round trips per batch p50',
    'KV reads / writes per batch p50',
    'time awaiting D1 / KV',
    'oldest message waited p50 ms',
    'load average',
  ];
  const rows = e.phases.map((p) => {
    const i = p.invocations;
    return [
      p.label,
      p.events,
      p.sentRate,
      p.postP50,
      p.p50,
      p.p90,
      p.p99,
      p.max,
      p.lost + p.rejected === 0
        ? 0
        : `${p.lost} lost, ${p.rejected} requests refused (${Object.entries(p.rejectedBy)
            .map(([k, v]) => `${k} ×${v}`)
            .join(', ')})`,
      i.count,
      `${i.sizeP50} / ${i.sizeMax}`,
      `${i.msP50} / ${i.msP90}`,
      `${i.eventsPerSecondP50}${i.eventsPerSecondFull !== undefined ? ` (${i.eventsPerSecondFull})` : ''}`,
      `${i.statementsP50} / ${i.statementsMax} (${i.statementsPerEvent})`,
      i.roundTripsP50,
      `${i.kvReadsP50} / ${i.kvWritesP50}`,
      `${Math.round(i.d1Share * 100)} % / ${Math.round(i.kvShare * 100)} %`,
      i.oldestWaitP50,
      p.loadAverage,
    ];
  });
  return `### Event path: POST /events → the visitor's profile in KV (max_batch_size ${e.maxBatchSize}, max_batch_timeout ${e.maxBatchTimeoutSeconds} s, control/wrangler.toml)

The visitor worker and the control plane as built for deploy, in one workerd sharing KV, D1 and the queues (bench/events.ts); miniflare's queue broker runs one consumer invocation at a time. Latency is from sending the POST to the poll (every ${e.pollMs} ms) that first finds the event in the profile, so it reads up to one poll late; invocation figures are the consumer's own, timed and counted inside workerd around its queue handler (bench/workerd/control-meter.ts). _Lost_: events never seen in their profile within 30 s; _refused_: requests not answered 202 with every event accepted (status and error code, or the client's error).${loadAverageBefore ? ` Load average ${loadAverageBefore.map(r2).join(' / ')} before.` : ''}

| ${head.join(' | ')} |
|${head.map(() => '---').join('|')}|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`;
}
