/**
 * The visitor worker under soak (`npm run soak`; the `soak` wrangler environment's main): the
 * real worker with KV and queue faults injected into its bindings at SOAK_FAULT_RATE, plus
 * GET /__soak/stats — the faults injected here and what D1 holds — so the load script can
 * account for every accepted event. The control plane has its own (control/soak/entry.ts).
 * Never deployed to production.
 */
import type { Env } from '../env.ts';
import { createWorker } from '../index.ts';
import { SOAK_STATS_PATH, faultsAt, injected, seeded } from '../../shared/soak/faults.ts';
import { DECISIONS_QUEUE_NAME, SPILL_REASON } from '../../shared/data/decision-spill.ts';
import { shipCounts } from '../log/ship.ts';

interface SoakEnv extends Env {
  SOAK_FAULT_RATE?: string;
  SOAK_SEED?: string;
}

const inner = createWorker();
let random: (() => number) | undefined;
const rateOf = (env: SoakEnv) => Math.min(Math.max(Number(env.SOAK_FAULT_RATE ?? '0') || 0, 0), 1);
const rng = (env: SoakEnv) => (random ??= seeded(Number(env.SOAK_SEED ?? '1') || 1));

/** Spilled decision records waiting for the drain are dead letters of their own kind. */
const SPILLS = `queue = '${DECISIONS_QUEUE_NAME}' AND reason = '${SPILL_REASON}'`;
const COUNTS = {
  events: 'SELECT count(*) AS n FROM events',
  dead_letters: `SELECT count(*) AS n FROM dead_letters WHERE NOT (${SPILLS})`,
  decisions: 'SELECT count(*) AS n FROM decisions',
  decisions_spilled_pending: `SELECT count(*) AS n FROM dead_letters WHERE ${SPILLS}`,
} as const;

async function count(db: D1Database, sql: string): Promise<number | null> {
  try {
    return (await db.prepare(sql).first<number>('n')) ?? 0;
  } catch {
    return null; // table not there (its migration has not landed)
  }
}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === SOAK_STATS_PATH.visitor) {
      const counts = Object.fromEntries(
        await Promise.all(
          Object.entries(COUNTS).map(async ([name, sql]) => [name, await count(env.DB, sql)]),
        ),
      );
      // shipCounts: what became of every decision record this isolate sent (worker/log/ship.ts).
      return Response.json({ injected, d1: counts, decisionShipping: shipCounts });
    }
    // KV and queue faults; D1 stays healthy here (privacy reads are not under test).
    const faults = faultsAt(rateOf(env), rng(env));
    return inner.fetch!(
      request,
      {
        ...env,
        CONTENT: faults.kv(env.CONTENT),
        PROFILES: faults.kv(env.PROFILES),
        DECISIONS: faults.queue(env.DECISIONS),
        EVENTS: faults.queue(env.EVENTS),
      },
      ctx,
    );
  },
} satisfies ExportedHandler<SoakEnv>;
