/**
 * The control plane under soak (`npm run soak`; control/wrangler.toml's `soak` environment):
 * the real queue consumers with D1 down at SOAK_FAULT_RATE — they must retry, never drop —
 * plus GET /admin/__soak/stats, the faults injected here (the visitor worker counts its own), and
 * POST /admin/__soak/drain, the cron's drain of spilled decision records, run on demand.
 * Admin requests see healthy bindings. Never deployed to production.
 */
import { SOAK_STATS_PATH, faultsAt, injected, seeded } from '../../shared/soak/faults.ts';
import type { ControlEnv } from '../env.ts';
import { createControlWorker } from '../index.ts';
import { drainSpilledDecisions } from '../cron/drain-decisions.ts';

interface SoakEnv extends ControlEnv {
  SOAK_FAULT_RATE?: string;
  SOAK_SEED?: string;
}

const inner = createControlWorker();
let random: (() => number) | undefined;
const rateOf = (env: SoakEnv) => Math.min(Math.max(Number(env.SOAK_FAULT_RATE ?? '0') || 0, 0), 1);
const rng = (env: SoakEnv) => (random ??= seeded(Number(env.SOAK_SEED ?? '1') || 1));

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === SOAK_STATS_PATH.control) return Response.json({ injected });
    if (path === SOAK_STATS_PATH.drain && request.method === 'POST')
      return Response.json(await drainSpilledDecisions(env.DB));
    return inner.fetch(request, env, ctx);
  },
  async queue(batch, env, ctx) {
    const faults = faultsAt(rateOf(env), rng(env));
    await inner.queue(batch, { ...env, DB: faults.db(env.DB) }, ctx);
  },
  async scheduled(controller, env, ctx) {
    await inner.scheduled(controller, env, ctx);
  },
} satisfies ExportedHandler<SoakEnv>;
