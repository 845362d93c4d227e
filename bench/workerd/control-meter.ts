/**
 * The control plane as the event-path benchmark runs it (bench/events.ts): the script
 * `wrangler deploy --dry-run -c control/wrangler.toml` builds, unchanged, with its queue handler
 * wrapped — bench only, never deployed — to time every invocation and count what it asks of D1
 * and of the PROFILES namespace. The counts are of calls the consumer makes, so they are exact:
 * a statement is one prepared statement executed (alone or inside `batch`), a round trip one call
 * to D1 (`batch` sends many statements in one). Nothing is changed on the way: the real bindings
 * answer every call, acks and retries reach the real messages.
 *
 * `GET /__bench/queue-stats` answers what was measured since the last `DELETE` of the same path;
 * `GET /__bench/profile-writes?from=N` the profile writes completed since the N-th.
 * The control plane's HTTP routes are not served by the bench (only `mf.getWorker(...)` reaches
 * this worker), and the wrapper exists only in the bench's own workerd.
 */

export const QUEUE_STATS_PATH = '/__bench/queue-stats';

export interface InvocationStat {
  queue: string;
  /** Messages in the batch. */
  size: number;
  /** workerd's clock (ms since the epoch) when the handler was entered. */
  startedAt: number;
  /** Wall time of the invocation in workerd (its clock advances at every I/O: D1, KV). */
  ms: number;
  /** Time the oldest message of the batch waited in the queue before this invocation (ms). */
  oldestWaitMs: number;
  /** Summed time of the D1 and KV calls (ms): near `ms` when the calls run one after another. */
  d1: { statements: number; roundTrips: number; ms: number };
  kv: { reads: number; writes: number; ms: number };
  acked: number;
  retried: number;
  error?: string;
}

interface Counter {
  statements: number;
  roundTrips: number;
  reads: number;
  writes: number;
  d1Ms: number;
  kvMs: number;
}

/** `promise`, its time from now until it settles added to `c[key]`. */
function timed<T>(c: Counter, key: 'd1Ms' | 'kvMs', promise: Promise<T>): Promise<T> {
  const t = Date.now();
  return promise.finally(() => {
    c[key] += Date.now() - t;
  });
}

type Handler = Required<Pick<ExportedHandler<Record<string, unknown>>, 'fetch' | 'queue'>> &
  Pick<ExportedHandler<Record<string, unknown>>, 'scheduled'>;

/** A D1 binding that counts statements and round trips, answering every call from `db`. */
function countingD1(db: D1Database, c: Counter): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const once =
    (s: D1PreparedStatement, method: 'first' | 'run' | 'all' | 'raw') =>
    (...args: unknown[]) => {
      c.statements++;
      c.roundTrips++;
      return timed(c, 'd1Ms', (s[method] as (...a: unknown[]) => Promise<unknown>).apply(s, args));
    };
  const wrap = (s: D1PreparedStatement): D1PreparedStatement => {
    const w = {
      bind: (...values: unknown[]) => wrap(s.bind(...values)),
      first: once(s, 'first'),
      run: once(s, 'run'),
      all: once(s, 'all'),
      raw: once(s, 'raw'),
    } as unknown as D1PreparedStatement;
    real.set(w, s);
    return w;
  };
  return {
    prepare: (query: string) => wrap(db.prepare(query)),
    batch: (statements: D1PreparedStatement[]) => {
      c.statements += statements.length;
      c.roundTrips++;
      return timed(c, 'd1Ms', db.batch(statements.map((s) => real.get(s) ?? s)));
    },
    exec: (query: string) => {
      c.statements += query.split(';').filter((q) => q.trim()).length;
      c.roundTrips++;
      return timed(c, 'd1Ms', db.exec(query));
    },
    dump: () => db.dump(),
    withSession: (constraint?: string) => db.withSession(constraint),
  } as unknown as D1Database;
}

/**
 * A KV binding that counts reads (get, getWithMetadata, list) and writes (put, delete), and
 * notes when each profile write completed (so the bench re-reads a profile only once it changed).
 */
function countingKV(kv: KVNamespace, c: Counter): KVNamespace {
  const call =
    (method: keyof KVNamespace, kind: 'reads' | 'writes') =>
    (...args: unknown[]) => {
      c[kind]++;
      return timed(
        c,
        'kvMs',
        (kv[method] as (...a: unknown[]) => Promise<unknown>).apply(kv, args),
      );
    };
  const put = call('put', 'writes');
  return {
    get: call('get', 'reads'),
    getWithMetadata: call('getWithMetadata', 'reads'),
    list: call('list', 'reads'),
    put: (key: string, ...rest: unknown[]) =>
      put(key, ...rest).then((out) => {
        if (key.startsWith('profile:')) profileWrites.push({ key, at: Date.now() });
        return out;
      }),
    delete: call('delete', 'writes'),
  } as unknown as KVNamespace;
}

const stats: InvocationStat[] = [];

/** Profile writes the consumer completed, in order: `GET ${PROFILE_WRITES_PATH}?from=N`. */
export const PROFILE_WRITES_PATH = '/__bench/profile-writes';
export interface ProfileWrite {
  key: string;
  /** workerd's clock when the put resolved (ms since the epoch). */
  at: number;
}
const profileWrites: ProfileWrite[] = [];

/** `inner`'s handlers, its queue handler metered. */
export function meter(inner: Handler): ExportedHandler<Record<string, unknown>> {
  return {
    async fetch(request, env, ctx) {
      const url = new URL(request.url);
      if (url.pathname === PROFILE_WRITES_PATH)
        return Response.json(profileWrites.slice(Number(url.searchParams.get('from') ?? 0)));
      if (url.pathname === QUEUE_STATS_PATH) {
        if (request.method === 'DELETE') stats.length = 0;
        return Response.json(stats);
      }
      return inner.fetch(request, env, ctx);
    },
    async queue(batch, env, ctx) {
      const c: Counter = { statements: 0, roundTrips: 0, reads: 0, writes: 0, d1Ms: 0, kvMs: 0 };
      let acked = 0;
      let retried = 0;
      const messages = batch.messages.map((m) => ({
        id: m.id,
        timestamp: m.timestamp,
        body: m.body,
        attempts: m.attempts,
        ack: () => {
          acked++;
          m.ack();
        },
        retry: (options?: QueueRetryOptions) => {
          retried++;
          m.retry(options);
        },
      }));
      const metered: MessageBatch<unknown> = {
        queue: batch.queue,
        metadata: batch.metadata,
        messages: messages as unknown as readonly Message<unknown>[],
        ackAll: () => {
          acked += messages.length;
          batch.ackAll();
        },
        retryAll: (options?: QueueRetryOptions) => {
          retried += messages.length;
          batch.retryAll(options);
        },
      };
      const startedAt = Date.now();
      const oldest = Math.min(...batch.messages.map((m) => m.timestamp.getTime()));
      let error: string | undefined;
      try {
        await inner.queue(
          metered,
          {
            ...env,
            DB: countingD1(env.DB as D1Database, c),
            PROFILES: countingKV(env.PROFILES as KVNamespace, c),
          },
          ctx,
        );
      } catch (e) {
        error = String(e);
        throw e;
      } finally {
        stats.push({
          queue: batch.queue,
          size: batch.messages.length,
          startedAt,
          ms: Date.now() - startedAt,
          oldestWaitMs: startedAt - oldest,
          d1: { statements: c.statements, roundTrips: c.roundTrips, ms: c.d1Ms },
          kv: { reads: c.reads, writes: c.writes, ms: c.kvMs },
          acked,
          retried,
          ...(error ? { error } : {}),
        });
      }
    },
    ...(inner.scheduled ? { scheduled: inner.scheduled } : {}),
  };
}
