/**
 * The bindings, vars and secrets the control plane runs with (see control/wrangler.toml and the
 * README's bindings table). The same KV namespaces, D1 database and queues as the visitor
 * worker; it consumes the queues and writes where the visitor worker only reads.
 */
import type { AccessVars } from './console/access.ts';

export interface ControlEnv extends AccessVars {
  CONTENT: KVNamespace;
  PROFILES: KVNamespace;
  /** Decision log, events, exposures, publishing audit (migrations/). */
  DB: D1Database;
  /** Poison messages go here at once (consumed by this worker into D1 `dead_letters`). */
  DEAD_LETTERS: Queue;
  /** Secret: JSON `{ "<kid>": "<secret of ≥ 32 bytes>" }`; the pseudonyms D1 stores are keyed by it. */
  VISITOR_KEYS: string;
  /** Secret: JSON `{ "<kid>": "<secret of ≥ 32 bytes>" }` for admin bearer tokens. */
  ADMIN_KEYS: string;
  /** Milliseconds a KV read may take (reports and the cron wait ten times longer). */
  KV_DEADLINE_MS?: string;
  POINTER_TTL_MS?: string;
}

declare global {
  // Types `env` from `cloudflare:workers` and `cloudflare:test` (merged with worker/env.ts).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends TesseraControlEnv {}
  }
}
type TesseraControlEnv = ControlEnv;
