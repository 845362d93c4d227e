/**
 * Compact JWS with HMAC-SHA256 (RFC 7515, claims per RFC 7519): the only kind of token Tessera
 * signs or accepts — visitor cookies, admin bearer tokens, preview links. Deliberately narrow
 * (it replaced jose, a third of the worker's dependency bytes; see docs/performance.md):
 *
 * - the algorithm is pinned: the header's `alg` must be exactly "HS256", so `none`, other HMAC
 *   sizes and asymmetric algorithms are refused before a key is looked at;
 * - the key comes only from the caller's keyring, by `kid`: `jwk`, `jku`, `x5u` and friends in a
 *   header are never consulted;
 * - any `crit` header is refused (no extension is understood), and with it `b64: false`;
 * - base64url is strict (alphabet only, no padding), the header and the claims must be JSON
 *   objects, and the signature is checked (WebCrypto, constant time) before the claims are read.
 *
 * Claim checks (expiry, issuer, audience, required claims) are a pure function of the claims
 * and the clock: `claimsProblem`.
 */

export type JwsClaims = Record<string, unknown>;

export type JwsVerify =
  | { ok: true; claims: JwsClaims }
  | { ok: false; failure: 'malformed' | 'unknown_kid' | 'bad_signature' };

const ALG = 'HS256';
const HEADER_FIELDS_OK = (h: JwsClaims) =>
  h.alg === ALG && h.crit === undefined && h.b64 === undefined;
const B64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function encode(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Strict base64url → bytes, or undefined for anything else (padding, other characters). */
function decode(text: string): Uint8Array | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function jsonObject(part: string): JwsClaims | undefined {
  const bytes = decode(part);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(fromUtf8.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JwsClaims)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Signs `claims` as a compact JWS, header `{ alg: "HS256", kid, typ: "JWT" }`. */
export async function signJws(
  signing: { kid: string; key: CryptoKey },
  claims: JwsClaims,
): Promise<string> {
  const header = encode(utf8.encode(JSON.stringify({ alg: ALG, kid: signing.kid, typ: 'JWT' })));
  const input = `${header}.${encode(utf8.encode(JSON.stringify(claims)))}`;
  const mac = await crypto.subtle.sign('HMAC', signing.key, utf8.encode(input));
  return `${input}.${encode(new Uint8Array(mac))}`;
}

/** Never throws: a verified token's claims, or why it is not one. */
export async function verifyJws(
  token: string,
  keyFor: (kid: string) => CryptoKey | undefined,
): Promise<JwsVerify> {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, failure: 'malformed' };
  const [head, body, sig] = parts as [string, string, string];
  const header = jsonObject(head);
  const signature = decode(sig);
  if (!header || !HEADER_FIELDS_OK(header) || !signature || !B64URL.test(body)) {
    return { ok: false, failure: 'malformed' };
  }
  const key = typeof header.kid === 'string' ? keyFor(header.kid) : undefined;
  if (!key) return { ok: false, failure: 'unknown_kid' };
  const valid = await crypto.subtle.verify('HMAC', key, signature, utf8.encode(`${head}.${body}`));
  if (!valid) return { ok: false, failure: 'bad_signature' };
  const claims = jsonObject(body);
  return claims ? { ok: true, claims } : { ok: false, failure: 'malformed' };
}

/** The claims of a token without verifying it: only for reading `exp` of a token verified next. */
export function unverifiedClaims(token: string): JwsClaims | undefined {
  const parts = token.split('.');
  return parts.length === 3 ? jsonObject(parts[1]!) : undefined;
}

export interface ClaimRules {
  /** Seconds since the epoch. */
  now: number;
  required?: readonly string[];
  issuer?: string;
  /** The `aud` claim must be this, or a list that holds it. */
  audience?: string;
}

/**
 * What is wrong with verified claims, if anything: `expired`, or the first claim that is
 * missing or not acceptable. Numeric dates must be numbers; `exp` is exclusive (expired at
 * `exp`), `nbf` inclusive. No clock tolerance: our clocks are the edge's.
 */
export function claimsProblem(
  claims: JwsClaims,
  rules: ClaimRules,
): { expired: true } | { claim: string } | undefined {
  for (const name of rules.required ?? []) if (claims[name] === undefined) return { claim: name };
  for (const name of ['iat', 'nbf', 'exp'])
    if (claims[name] !== undefined && typeof claims[name] !== 'number') return { claim: name };
  if (rules.issuer !== undefined && claims.iss !== rules.issuer) return { claim: 'iss' };
  if (rules.audience !== undefined) {
    const aud = claims.aud;
    const ok = aud === rules.audience || (Array.isArray(aud) && aud.includes(rules.audience));
    if (!ok) return { claim: 'aud' };
  }
  if (typeof claims.nbf === 'number' && claims.nbf > rules.now) return { claim: 'nbf' };
  if (typeof claims.exp === 'number' && claims.exp <= rules.now) return { expired: true };
  return undefined;
}
