/**
 * HS256 JWTs on jose's compact-JWS API (`CompactSign`, `compactVerify`) instead of its JWT API:
 * jose still does all of the cryptography — signature, algorithm pinning, header and `crit`
 * checks — and our generated claim validators check each payload's shape (claims.ts). What jose's
 * `jwtVerify` adds on top, the checks this project asks of it (required claims, `iss`, `aud`,
 * `nbf`, `exp`), is here, in jose's order and with jose's error classes, so callers map failures
 * exactly as before. Saves the visitor worker jose's claim-set builder and validator (≈ 1 KiB gzip).
 */
import { CompactSign, compactVerify, errors, type CryptoKey, type JWSHeaderParameters } from 'jose';

type Key = Parameters<typeof compactVerify>[1];

/**
 * One decoder and one encoder for every token: `decode` without `stream` keeps no state between
 * calls, and in workerd both are native objects, costly to build per request.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const ENCODER = new TextEncoder();
type Claims = Record<string, unknown>;

/** `payload` (claims in the order given) signed with `header` by `key`: a compact JWS. */
export function signJwt(
  header: JWSHeaderParameters & { alg: string },
  payload: Claims,
  key: CryptoKey | Uint8Array,
): Promise<string> {
  return new CompactSign(ENCODER.encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(key);
}

export interface VerifyJwtOptions {
  algorithms: string[];
  nowSeconds: number;
  requiredClaims?: readonly string[];
  issuer?: string;
  audience?: string;
}

const isPlainObject = (x: unknown): x is Claims => {
  if (
    typeof x !== 'object' ||
    x === null ||
    Object.prototype.toString.call(x) !== '[object Object]'
  )
    return false;
  const proto = Object.getPrototypeOf(x) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
};

const failed = (claims: Claims, claim: string, message: string, reason = 'check_failed') =>
  new errors.JWTClaimValidationFailed(message, claims, claim, reason);

function numericDate(claims: Claims, claim: string): number | undefined {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number')
    throw failed(claims, claim, `"${claim}" claim must be a number`, 'invalid');
  return value;
}

/** The verified claims, or jose's error (`JWTExpired`, `JWTClaimValidationFailed`, `JWSInvalid`…). */
export async function verifyJwt(token: string, key: Key, o: VerifyJwtOptions): Promise<Claims> {
  const { payload, protectedHeader } = await compactVerify(token, key, {
    algorithms: o.algorithms,
  });
  if (protectedHeader.b64 === false)
    throw new errors.JWTInvalid('JWTs MUST NOT use unencoded payload');
  let claims: unknown;
  try {
    claims = JSON.parse(UTF8.decode(payload));
  } catch (cause) {
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object', { cause });
  }
  if (!isPlainObject(claims))
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  const presence = [...(o.requiredClaims ?? [])];
  if (o.audience !== undefined) presence.push('aud');
  if (o.issuer !== undefined) presence.push('iss');
  for (const claim of new Set(presence.reverse()))
    if (!Object.hasOwn(claims, claim))
      throw failed(claims, claim, `missing required "${claim}" claim`, 'missing');
  if (o.issuer !== undefined && claims.iss !== o.issuer)
    throw failed(claims, 'iss', 'unexpected "iss" claim value');
  const aud = claims.aud;
  if (
    o.audience !== undefined &&
    !(typeof aud === 'string' ? aud === o.audience : Array.isArray(aud) && aud.includes(o.audience))
  )
    throw failed(claims, 'aud', 'unexpected "aud" claim value');
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  const now = Math.floor(o.nowSeconds);
  if (nbf !== undefined && nbf > now)
    throw failed(claims, 'nbf', '"nbf" claim timestamp check failed');
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && exp <= now)
    throw new errors.JWTExpired(
      '"exp" claim timestamp check failed',
      claims,
      'exp',
      'check_failed',
    );
  return claims;
}
