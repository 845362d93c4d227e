/**
 * The one `wrangler dev` session `npm run dev` (and `npm run soak`) runs: the dev router first —
 * the only worker wrangler serves over HTTP — then the workers it forwards to. Workers in one
 * session share local KV, D1 and queues (by id and name), so the visitor worker's queued decision
 * records and events reach the control plane's consumers as they would in production.
 *
 * To add a worker to local development, add its config here (and a service binding to it in
 * dev/wrangler.toml if the router or another worker must reach it).
 */
import { CONTROL_TOML, DEV_ROUTER_TOML, WRANGLER_TOML } from './paths.ts';

export const DEV_CONFIGS = [DEV_ROUTER_TOML, WRANGLER_TOML, CONTROL_TOML] as const;

export interface DevSession {
  port: string;
  /** `--persist-to`: where local KV, D1 and queue state lives. */
  persistTo: string;
  /** A wrangler environment every config defines (`soak`), or none for the top level. */
  env?: string;
  /** Other copies of DEV_CONFIGS, in the same order (tests run from their own). */
  configs?: readonly string[];
}

/** Arguments for `wrangler dev` running every worker of the session on 127.0.0.1. */
export function devSessionArgs(s: DevSession): string[] {
  return [
    'dev',
    ...(s.configs ?? DEV_CONFIGS).flatMap((config) => ['-c', config]),
    ...(s.env ? ['--env', s.env] : []),
    '--ip',
    '127.0.0.1',
    '--port',
    s.port,
    '--persist-to',
    s.persistTo,
    '--show-interactive-dev-session=false',
  ];
}
