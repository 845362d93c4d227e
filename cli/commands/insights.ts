/**
 * `tessera attribution|roi|maturity [--days 30] [--costs costs.json] [--target local|<url>] [--json]`
 * (issue 17):
 * - `--target local` (default): the live bundle and D1 of local state (`npm run dev`), computed
 *   with the same code the admin routes run (shared/revenue/insights.ts).
 * - `--target https://…`: `GET /admin/attribution`, `GET|POST /admin/roi`, `GET /admin/maturity`
 *   with the token in TESSERA_ADMIN_TOKEN (scope `read`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readPointer, readVersion } from '../../shared/publish/store.ts';
import { Costs } from '../../shared/schema/costs.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import {
  attributionReport,
  DEFAULT_DAYS,
  MAX_DAYS,
  maturityReport,
  roiReport,
} from '../../shared/revenue/insights.ts';
import { CliError } from '../lib/errors.ts';
import { withLocalEnv } from '../lib/local-env.ts';
import { formatAttribution, formatMaturity, formatRoi } from '../lib/insights-format.ts';
import { ROOT } from '../lib/paths.ts';

export const DEFAULT_COSTS_FILE = 'costs.json';

export interface InsightOptions {
  target: string;
  json: boolean;
  days?: string;
  costs?: string;
  /** Clock for the period (tests pin it). */
  now?: number;
}

function daysOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DAYS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_DAYS)
    throw new CliError(`--days must be a whole number from 1 to ${MAX_DAYS}, got "${raw}"`);
  return n;
}

/** The cost file: `--costs <file>`, else costs.json at the repository root if there is one. */
export function readCosts(file: string | undefined): Costs | undefined {
  const resolved = path.resolve(file ?? path.join(ROOT, DEFAULT_COSTS_FILE));
  if (!existsSync(resolved)) {
    if (file) throw new CliError(`${file}: no such file`);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolved, 'utf8'));
  } catch (error) {
    throw new CliError(`${resolved}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = Costs.safeParse(json);
  if (!parsed.success)
    throw new CliError(
      `${resolved}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

async function local<T>(work: (db: D1Database, bundle: Bundle | undefined) => Promise<T>) {
  return withLocalEnv(async (env) => {
    const pointer = await readPointer(env.CONTENT);
    const bundle = pointer ? await readVersion(env.CONTENT, pointer.version) : undefined;
    try {
      return await work(env.DB, bundle ?? undefined);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(
        `reading local D1 failed (${(error as Error).message}); \`npm run dev\` applies the migrations first`,
      );
    }
  });
}

async function remote(
  target: string,
  route: string,
  query: Record<string, string>,
  body?: unknown,
): Promise<unknown> {
  const token = process.env.TESSERA_ADMIN_TOKEN;
  if (!token)
    throw new CliError(
      'set TESSERA_ADMIN_TOKEN to an admin token with the "read" scope to ask a deployed worker',
    );
  let url: URL;
  try {
    url = new URL(route, target);
  } catch {
    throw new CliError(
      `--target must be "local" or a URL such as https://shop.example.com, got "${target}"`,
    );
  }
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const message =
      (answer as { error?: { message?: string } } | undefined)?.error?.message ?? res.statusText;
    throw new CliError(`${url.origin} answered ${res.status}: ${message}`);
  }
  return answer;
}

export async function attribution(o: InsightOptions, log: (l: string) => void): Promise<void> {
  const days = daysOf(o.days);
  const now = o.now ?? Date.now();
  const report =
    o.target === 'local'
      ? await local((db, bundle) =>
          attributionReport(db, bundle, now, days, (d, n) =>
            process.stderr.write(`\r  reading day ${d}/${n}${d === n ? '\n' : ''}`),
          ),
        )
      : ((await remote(o.target, '/admin/attribution', { days: String(days) })) as Awaited<
          ReturnType<typeof attributionReport>
        >);
  log(o.json ? JSON.stringify(report, null, 2) : formatAttribution(report));
}

export async function roi(o: InsightOptions, log: (l: string) => void): Promise<void> {
  const costs = readCosts(o.costs);
  const result =
    o.target === 'local'
      ? await local((db, bundle) => roiReport(db, bundle, costs))
      : ((await remote(o.target, '/admin/roi', {}, costs)) as Awaited<
          ReturnType<typeof roiReport>
        >);
  log(o.json ? JSON.stringify(result, null, 2) : formatRoi(result));
}

export async function maturity(o: InsightOptions, log: (l: string) => void): Promise<void> {
  const days = daysOf(o.days);
  const now = o.now ?? Date.now();
  const result =
    o.target === 'local'
      ? await local((db, bundle) => maturityReport(db, bundle, now, days))
      : ((await remote(o.target, '/admin/maturity', { days: String(days) })) as Awaited<
          ReturnType<typeof maturityReport>
        >);
  log(o.json ? JSON.stringify(result, null, 2) : formatMaturity(result));
}
