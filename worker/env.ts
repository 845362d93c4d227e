/**
 * The bindings, vars and secrets the visitor-facing worker runs with (see wrangler.toml and the README's
 * bindings table). Vars arrive as strings and are parsed in config.ts.
 */
export interface Env {
  CONTENT: KVNamespace;
  PROFILES: KVNamespace;
  /** Decision log and event store (migrations/). Never queried on the page path. */
  DB: D1Database;
  /** Decision records leave the request here (consumed by the control plane into D1). */
  DECISIONS: Queue;
  /** Behavioural events from POST /events (consumed by the control plane). */
  EVENTS: Queue;
  /** Workers rate limiting binding for POST /events, keyed by visitor (or IP). Optional: absent means no limit. */
  EVENTS_RATE?: RateLimit;
  /** Workers rate limiting binding for the decision API (/v1/*), keyed by token. Optional: absent means no limit. */
  DECIDE_RATE?: RateLimit;
  /** Secret: JSON `{ "<kid>": "<secret of ≥ 32 bytes>" }`; the first entry signs, all verify. */
  VISITOR_KEYS: string;
  /** Secret: JSON `{ "<kid>": "<secret of ≥ 32 bytes>" }`; verifies preview links and sessions, debug and decision API (`decide`) bearer tokens. */
  ADMIN_KEYS: string;
  /** Milliseconds each KV read on the page path may take before we fall back. */
  KV_DEADLINE_MS?: string;
  /** Milliseconds an isolate trusts its cached copy of the live pointer. */
  POINTER_TTL_MS?: string;
  /** "on" only in the bench (bench/server.ts): enables GET /__tessera/bare. Never set in wrangler.toml. */
  BENCH_ROUTES?: string;
  /** Origin mode: overrides the bundle's site.origin.url in this environment (e.g. staging). */
  ORIGIN_URL?: string;
}

declare global {
  // Types `env` from `cloudflare:workers` and `cloudflare:test` as our Env.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends TesseraEnv {}
  }
}
type TesseraEnv = Env;
