/**
 * The worker under soak (`npm run soak`; the `soak` wrangler environment's main): the real
 * worker with faults injected into its bindings at SOAK_FAULT_RATE (KV and queues on requests,
 * D1 in the queue consumers), plus GET /__soak/stats — the faults injected and what D1 holds —
 * so the load script can account for every accepted event. Never deployed to production.
 */
import type { Env } from '../env.ts';
import { createWorker } from '../index.ts';
import { faultyEnv, injected, seeded } from '../../shared/soak/faults.ts';

interface SoakEnv extends Env {
  SOAK_FAULT_RATE?: string;
  SOAK_SEED?: string;
}

const inner = createWorker();
let random: (() => number) | undefined;
const rateOf = (env: SoakEnv) => Math.min(Math.max(Number(env.SOAK_FAULT_RATE ?? '0') || 0, 0), 1);
const rng = (env: SoakEnv) => (random ??= seeded(Number(env.SOAK_SEED ?? '1') || 1));

async function count(db: D1Database, table: string): Promise<number | null> {
  try {
    return (await db.prepare(`SELECT count(*) AS n FROM ${table}`).first<number>('n')) ?? 0;
  } catch {
    return null; // table not there (its migration has not landed)
  }
}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === '/__soak/stats') {
      const tables = ['events', 'dead_letters', 'decisions'] as const;
      const counts = Object.fromEntries(
        await Promise.all(tables.map(async (t) => [t, await count(env.DB, t)] as const)),
      );
      return Response.json({ injected, d1: counts });
    }
    // Requests: KV and queue faults; D1 stays healthy here (admin reads are not under test).
    const faulty = faultyEnv(env, rateOf(env), rng(env));
    return inner.fetch!(request, { ...faulty, DB: env.DB }, ctx);
  },
  async queue(batch, env, ctx) {
    // Consumers: D1 down at the same rate; they must retry, never drop.
    const faulty = faultyEnv(env, rateOf(env), rng(env));
    await inner.queue?.(batch, { ...env, DB: faulty.DB }, ctx);
  },
  async scheduled(controller, env, ctx) {
    await inner.scheduled?.(controller, env, ctx);
  },
} satisfies ExportedHandler<SoakEnv>;
