/**
 * GET /__tessera/bench/ship — this isolate's decision-record shipping counts (worker/log/ship.ts),
 * for the bench to report how many records each queue call carried under load. Only where
 * BENCH_ROUTES is "on" (the bench); elsewhere an ordinary unknown page.
 */
import type { Context, Next } from 'hono';
import { shipCounts } from '../log/ship.ts';
import { benchRoutesOn } from '../routes/bare.ts';
import type { Env } from '../env.ts';

export const SHIP_STATS_PATH = '/__tessera/bench/ship';

export const shipStats = (c: Context<{ Bindings: Env }>, next: Next) =>
  benchRoutesOn(c.env) ? c.json(shipCounts) : next();
