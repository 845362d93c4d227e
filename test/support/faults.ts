/**
 * Fault injection by wrapping real bindings (miniflare KV, Queues, D1 underneath): each wrapper
 * forwards everything to the real binding except the calls it is told to break. Pass the result
 * as the binding: `createWorker().fetch(request, { ...env, PROFILES: faultyKv(env.PROFILES, 'throw') }, ctx)`.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import type { Env } from '../../worker/env.ts';
import { createWorker } from '../../worker/index.ts';

/** How a read fails: throws, never answers (so the caller's deadline fires), or answers junk. */
export type ReadFault = 'throw' | 'hang' | { garbage: string };

/** A promise that never settles: the dependency is "up" but never answers. */
export const never = <T>() => new Promise<T>(() => {});

function forward<T extends object>(target: T, overrides: Partial<Record<PropertyKey, unknown>>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop];
      const value: unknown = Reflect.get(t, prop);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

/**
 * KV whose `get` fails as told for the keys `match` selects (every key by default); writes,
 * deletes and lists go to the real namespace.
 */
export function faultyKv(
  kv: KVNamespace,
  fault: ReadFault,
  match: (key: string) => boolean = () => true,
): KVNamespace {
  const get = (key: string, ...rest: unknown[]) => {
    if (!match(key))
      return (kv.get as (k: string, ...r: unknown[]) => Promise<unknown>)(key, ...rest);
    if (fault === 'throw') return Promise.reject(new Error(`injected KV failure reading ${key}`));
    if (fault === 'hang') return never();
    return Promise.resolve(fault.garbage);
  };
  return forward(kv, { get });
}

/** KV that records every key read, written and deleted (and forwards all of it). */
export function recordingKv(kv: KVNamespace): {
  kv: KVNamespace;
  reads: string[];
  writes: string[];
  deletes: string[];
} {
  const reads: string[] = [];
  const writes: string[] = [];
  const deletes: string[] = [];
  const call =
    (name: 'get' | 'put' | 'delete', log: string[]) =>
    (key: string, ...rest: unknown[]) => {
      log.push(key);
      return (kv[name] as (k: string, ...r: unknown[]) => Promise<unknown>)(key, ...rest);
    };
  return {
    kv: forward(kv, {
      get: call('get', reads),
      put: call('put', writes),
      delete: call('delete', deletes),
    }),
    reads,
    writes,
    deletes,
  };
}

/** A queue whose sends fail (throw) or never complete; `attempts()` counts the tries. */
export function faultyQueue(
  queue: Queue,
  fault: 'throw' | 'hang' = 'throw',
): { queue: Queue; attempts: () => number } {
  let attempts = 0;
  const fail = () => {
    attempts++;
    return fault === 'throw' ? Promise.reject(new Error('injected queue failure')) : never();
  };
  return { queue: forward(queue, { send: fail, sendBatch: fail }), attempts: () => attempts };
}

/** A queue that records every message body sent, then forwards it to the real queue. */
export function recordingQueue(real: Queue): { queue: Queue; sent: unknown[] } {
  const sent: unknown[] = [];
  const queue = forward(real, {
    send: (body: unknown, options?: QueueSendOptions) => {
      sent.push(body);
      return real.send(body, options);
    },
    sendBatch: (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
      const list = [...messages];
      for (const m of list) sent.push(m.body);
      return real.sendBatch(list, options);
    },
  });
  return { queue, sent };
}

/** D1 that is down: every statement fails when run. */
export function downD1(db: D1Database): D1Database {
  const broken = (): D1PreparedStatement => {
    const fail = () => Promise.reject(new Error('D1_ERROR: injected outage'));
    const stmt: Partial<D1PreparedStatement> = { run: fail, all: fail, first: fail, raw: fail };
    stmt.bind = () => stmt as D1PreparedStatement;
    return stmt as D1PreparedStatement;
  };
  return forward(db, {
    prepare: broken,
    batch: () => Promise.reject(new Error('D1_ERROR: injected outage')),
    exec: () => Promise.reject(new Error('D1_ERROR: injected outage')),
  });
}

/**
 * One request through a fresh worker (fresh isolate state: no cached bundle) or the one given,
 * with some bindings replaced; waits for its `waitUntil` work before returning unless told not
 * to (a binding that hangs inside waitUntil would never let it settle).
 */
export async function fetchWith(
  request: Request | string,
  overrides: Partial<Env> = {},
  worker: ExportedHandler<Env> = createWorker(),
  o: { settle?: boolean } = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const req = typeof request === 'string' ? new Request(request) : request;
  const res = await worker.fetch!(
    req as Request<unknown, IncomingRequestCfProperties>,
    { ...env, ...overrides },
    ctx,
  );
  if (o.settle !== false) await waitOnExecutionContext(ctx);
  return res;
}
