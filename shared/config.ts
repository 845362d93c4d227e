/**
 * Turns the worker's env into a checked configuration, once per isolate. Misconfiguration
 * throws at start-up with a message that says how to fix it; it never degrades silently.
 */
import { keyWeakness } from './auth/key-strength.ts';
import { isOriginUrl, ORIGIN_URL_HINT } from './schema/origin-paths.ts';
import { KeyMap, KvDeadlineMs, PointerTtlMs } from './schema/validators.gen.ts';

export const MIN_KEY_BYTES = 32;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One HMAC key of a rotatable set (VISITOR_KEYS, ADMIN_KEYS). */
export interface HmacKey {
  kid: string;
  secret: Uint8Array;
}

export interface Config {
  /** First key signs; every key verifies. */
  visitorKeys: HmacKey[];
  /** Keys for admin bearer tokens (publish, read, preview); first signs, all verify. */
  adminKeys: HmacKey[];
  kvDeadlineMs: number;
  pointerTtlMs: number;
  /** Overrides the bundle's site.origin.url for this environment (origin mode). */
  originUrl?: string;
}

export const GENERATE_KEY = 'openssl rand -base64 48';

const fixKeys = (name: string) =>
  `Generate each key with \`${GENERATE_KEY}\` and set ${name} to JSON like ` +
  `{"2026-11":"<that key>"}: locally in .dev.vars (\`npm run dev\` writes it from .dev.vars.example), ` +
  `in production with \`npx wrangler secret put ${name} --env production\`.`;

function parseKeys(name: string, raw: string | undefined): HmacKey[] {
  const FIX_KEYS = fixKeys(name);
  if (!raw) throw new ConfigError(`${name} is not set. ${FIX_KEYS}`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} is not valid JSON. ${FIX_KEYS}`);
  }
  const map = KeyMap(json);
  if (!map.success) {
    throw new ConfigError(
      `${name} must map key ids (letters, digits, . _ -) to strings. ${FIX_KEYS}`,
    );
  }
  const keys = Object.entries(map.data).map(([kid, secret]) => ({
    kid,
    secret: new TextEncoder().encode(secret),
  }));
  if (keys.length === 0) throw new ConfigError(`${name} holds no key. ${FIX_KEYS}`);
  for (const key of keys) {
    if (key.secret.byteLength < MIN_KEY_BYTES) {
      throw new ConfigError(
        `${name} key "${key.kid}" is ${key.secret.byteLength} bytes; HS256 needs at least ${MIN_KEY_BYTES}. ${FIX_KEYS}`,
      );
    }
    const weakness = keyWeakness(key.secret);
    if (weakness) {
      throw new ConfigError(
        `${name} key "${key.kid}" is too easy to guess (${weakness}). ${FIX_KEYS}`,
      );
    }
  }
  return keys;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);

/**
 * Whoever holds the visitor keys (the site's login system mints cookies with them) must not be
 * able to mint admin tokens: no secret may sign in both sets.
 */
function refuseShared(visitorKeys: HmacKey[], adminKeys: HmacKey[]): void {
  for (const v of visitorKeys) {
    const shared = adminKeys.find((a) => sameBytes(a.secret, v.secret));
    if (shared) {
      throw new ConfigError(
        `VISITOR_KEYS key "${v.kid}" and ADMIN_KEYS key "${shared.kid}" are the same secret: ` +
          'whoever holds the visitor keys (the site login mints cookies with them) could mint admin tokens. ' +
          `Give each set its own keys: generate each with \`${GENERATE_KEY}\` and put them with ` +
          '`npx wrangler secret put VISITOR_KEYS --env production` (and ADMIN_KEYS).',
      );
    }
  }
}

/** The vars and secrets the configuration is read from (strings, as wrangler passes them). */
export interface ConfigVars {
  VISITOR_KEYS?: string;
  ADMIN_KEYS?: string;
  KV_DEADLINE_MS?: string;
  POINTER_TTL_MS?: string;
  ORIGIN_URL?: string;
}

export function loadConfig(env: ConfigVars): Config {
  const deadline = KvDeadlineMs(env.KV_DEADLINE_MS);
  if (!deadline.success)
    throw new ConfigError(
      `KV_DEADLINE_MS must be a whole number of milliseconds (0–60000), got "${env.KV_DEADLINE_MS}".`,
    );
  const ttl = PointerTtlMs(env.POINTER_TTL_MS);
  if (!ttl.success)
    throw new ConfigError(
      `POINTER_TTL_MS must be a whole number of milliseconds (0–60000), got "${env.POINTER_TTL_MS}".`,
    );
  const visitorKeys = parseKeys('VISITOR_KEYS', env.VISITOR_KEYS);
  const adminKeys = parseKeys('ADMIN_KEYS', env.ADMIN_KEYS);
  refuseShared(visitorKeys, adminKeys);
  const originUrl = env.ORIGIN_URL?.trim();
  if (originUrl && !isOriginUrl(originUrl))
    throw new ConfigError(
      `ORIGIN_URL must be ${ORIGIN_URL_HINT}, got "${env.ORIGIN_URL}". Set it under [vars] (or [env.<name>.vars]) in wrangler.toml, or leave it out to use site.origin.url from the bundle.`,
    );
  return {
    ...(originUrl ? { originUrl } : {}),
    visitorKeys,
    adminKeys,
    kvDeadlineMs: deadline.data,
    pointerTtlMs: ttl.data,
  };
}

const cache = new Map<string, Config>();

/** Per-isolate memo: the env's strings are the key, so parsing happens once, not per request. */
export function configFor(env: ConfigVars): Config {
  const key = [
    env.VISITOR_KEYS,
    env.ADMIN_KEYS,
    env.KV_DEADLINE_MS,
    env.POINTER_TTL_MS,
    env.ORIGIN_URL,
  ].join('\u0000');
  let config = cache.get(key);
  if (!config) {
    config = loadConfig(env);
    cache.set(key, config);
  }
  return config;
}
