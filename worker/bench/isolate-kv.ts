/**
 * The benchmark's in-isolate KV stand-in (docs/performance.md, "Ratios the worker controls").
 * With BENCH_ROUTES=on (the bench only; no wrangler environment sets it) a request carrying
 * `x-bench-kv: isolate` reads CONTENT and PROFILES through a per-isolate Map: the first read of a
 * key goes to the real binding, every later one is answered from memory — what an edge cache hit
 * costs the isolate (next to nothing), instead of miniflare's KV, which runs on the worker's own
 * thread locally. Writes and deletes go to the real binding and drop the remembered value.
 * `x-bench-queue: isolate` likewise drops the decision-log send in the isolate (the record is still
 * built, pseudonymised, serialised and logged): only to split the tail between miniflare's KV,
 * its queue and the rest. Never a production path: without the var both headers are ignored.
 */
import { benchRoutesOn } from '../routes/bare.ts';
import type { Env } from '../env.ts';

export const BENCH_KV_HEADER = 'x-bench-kv';
export const BENCH_QUEUE_HEADER = 'x-bench-queue';

/** A queue whose sends are accepted and dropped in the isolate. */
const droppingQueue = {
  send: () => Promise.resolve(),
  sendBatch: () => Promise.resolve(),
} as unknown as Queue;

type Get = KVNamespace['get'];

function standIn(kv: KVNamespace, memory: Map<string, string | null>): KVNamespace {
  const get = ((key: string, options?: unknown) => {
    const text =
      options === undefined ||
      options === 'text' ||
      (typeof options === 'object' &&
        options !== null &&
        (options as { type?: string }).type === 'text');
    if (!text) return (kv.get as (k: string, o?: unknown) => unknown)(key, options);
    if (memory.has(key)) return Promise.resolve(memory.get(key)!);
    return kv.get(key, 'text').then((value) => (memory.set(key, value), value));
  }) as Get;
  return {
    get,
    getWithMetadata: kv.getWithMetadata.bind(kv),
    list: kv.list.bind(kv),
    put: (key: string, ...rest: unknown[]) => {
      memory.delete(key);
      return (kv.put as (k: string, ...r: unknown[]) => Promise<void>)(key, ...rest);
    },
    delete: (key: string) => {
      memory.delete(key);
      return kv.delete(key);
    },
  } as KVNamespace;
}

const memories = {
  content: new Map<string, string | null>(),
  profiles: new Map<string, string | null>(),
};

/** The env this request runs with: the stand-in only when the bench asks for it. */
export function benchEnv(request: Request, env: Env): Env {
  if (!benchRoutesOn(env)) return env;
  const kv = request.headers.get(BENCH_KV_HEADER) === 'isolate';
  const queue = request.headers.get(BENCH_QUEUE_HEADER) === 'isolate';
  if (!kv && !queue) return env;
  return {
    ...env,
    ...(kv
      ? {
          CONTENT: standIn(env.CONTENT, memories.content),
          PROFILES: standIn(env.PROFILES, memories.profiles),
        }
      : {}),
    ...(queue ? { DECISIONS: droppingQueue } : {}),
  };
}
