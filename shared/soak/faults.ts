/**
 * Soak-only fault injection (never part of a production worker: only the soak entries,
 * worker/soak/entry.ts and control/soak/entry.ts — the `soak` wrangler environments' mains —
 * import this). Wraps the real bindings so that, with
 * a seeded probability, a KV read throws, hangs past the deadline or returns garbage; a queue
 * send fails; a D1 statement fails (D1 "down"). Counts what it injected.
 */
import { mulberry32 } from '../experiments/random.ts';

/** Where each soak entry reports its injected faults (the control plane's is under /admin/, its route). */
export const SOAK_STATS_PATH = {
  visitor: '/__soak/stats',
  control: '/admin/__soak/stats',
  /** POST: runs the cron's drain of spilled decision records now (the soak cannot wait 5 min). */
  drain: '/admin/__soak/drain',
} as const;

export type FaultKind = 'kv.throw' | 'kv.hang' | 'kv.garbage' | 'queue.send' | 'd1.down';
export const injected: Record<FaultKind, number> = {
  'kv.throw': 0,
  'kv.hang': 0,
  'kv.garbage': 0,
  'queue.send': 0,
  'd1.down': 0,
};

/** Seeded, so two soak runs inject the same faults (mulberry32, as the experiment simulations use). */
export const seeded = mulberry32;

function forward<T extends object>(target: T, overrides: Record<string, unknown>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop === 'string' && Object.hasOwn(overrides, prop)) return overrides[prop];
      const value: unknown = Reflect.get(t, prop);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

/** Wrappers for each kind of binding, failing at `rate` (0–1) with the seeded `random`. */
export interface Faults {
  kv(ns: KVNamespace): KVNamespace;
  queue(q: Queue): Queue;
  db(d: D1Database): D1Database;
}

export function faultsAt(rate: number, random: () => number): Faults {
  const hit = () => random() < rate;
  const kv = (ns: KVNamespace): KVNamespace =>
    forward(ns, {
      get: (key: string, ...rest: unknown[]) => {
        if (hit()) {
          const r = random();
          if (r < 1 / 3) {
            injected['kv.throw']++;
            return Promise.reject(new Error('soak: injected KV error'));
          }
          if (r < 2 / 3) {
            injected['kv.hang']++;
            return new Promise(() => {});
          }
          injected['kv.garbage']++;
          return Promise.resolve('\u0000garbage{');
        }
        return (ns.get as (k: string, ...r: unknown[]) => Promise<unknown>)(key, ...rest);
      },
    });
  const queue = (q: Queue): Queue => {
    const fail =
      <A extends unknown[]>(real: (...a: A) => Promise<unknown>) =>
      (...args: A) => {
        if (hit()) {
          injected['queue.send']++;
          return Promise.reject(new Error('soak: injected queue failure'));
        }
        return real(...args);
      };
    return forward(q, { send: fail(q.send.bind(q)), sendBatch: fail(q.sendBatch.bind(q)) });
  };
  const db = (d: D1Database): D1Database => {
    const guard =
      <A extends unknown[], R>(real: (...a: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        if (hit()) {
          injected['d1.down']++;
          return Promise.reject(new Error('D1_ERROR: soak: injected outage'));
        }
        return real(...args);
      };
    return forward(d, {
      batch: guard(d.batch.bind(d)),
      exec: guard(d.exec.bind(d)),
      prepare: (sql: string) => statement(d.prepare(sql), guard),
    });
  };
  const statement = (
    s: D1PreparedStatement,
    guard: <A extends unknown[], R>(f: (...a: A) => Promise<R>) => (...a: A) => Promise<R>,
  ): D1PreparedStatement =>
    forward(s, {
      bind: (...values: unknown[]) => statement(s.bind(...values), guard),
      run: guard(s.run.bind(s)),
      all: guard(s.all.bind(s)),
      first: guard(s.first.bind(s) as (col?: string) => Promise<unknown>),
      raw: guard(s.raw.bind(s) as () => Promise<unknown[]>),
    });
  return { kv, queue, db };
}
