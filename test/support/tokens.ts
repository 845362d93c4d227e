/**
 * Mints visitor tokens for tests, including deliberately wrong ones (other keys, algorithms,
 * kids, expiry), with jose directly so the worker's own signer is not the thing under test.
 */
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { NEW_KID, NEW_SECRET } from './keys.ts';

export interface MintOptions {
  sub?: string;
  cid?: string;
  kid?: string;
  secret?: string;
  alg?: 'HS256' | 'HS384' | 'HS512';
  iat?: number;
  exp?: number;
  extra?: Record<string, unknown>;
}

let testClock: (() => number) | undefined;

/**
 * Tests that drive a worker with a clock of their own (testWorker, apiWorker) mint tokens at that
 * clock: the workers refuse a token issued in their future, and expire one by their own time.
 */
export function useTokenClock(now: (() => number) | undefined): void {
  testClock = now;
}

export const nowSeconds = () => Math.floor((testClock ? testClock() : Date.now()) / 1000);

export async function mintVisitorToken(o: MintOptions = {}): Promise<string> {
  const iat = o.iat ?? nowSeconds();
  const jwt = new SignJWT({ ...(o.cid ? { cid: o.cid } : {}), ...o.extra })
    .setProtectedHeader({ alg: o.alg ?? 'HS256', kid: o.kid ?? NEW_KID })
    .setSubject(o.sub ?? 'v-test')
    .setIssuedAt(iat)
    .setExpirationTime(o.exp ?? iat + 3600);
  return jwt.sign(new TextEncoder().encode(o.secret ?? NEW_SECRET));
}

export const cookieHeader = (token: string) => ({ cookie: `__Host-tsr_vid=${token}` });

/** The visitor cookie a response sets, decoded (or undefined when none is set). */
export function issuedVisitor(
  res: Response,
): { raw: string; sub: string; kid?: string; cid?: unknown } | undefined {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('__Host-tsr_vid='));
  if (!header) return undefined;
  const token = header.slice('__Host-tsr_vid='.length).split(';')[0]!;
  const claims = decodeJwt(token);
  return {
    raw: header,
    sub: String(claims.sub),
    kid: decodeProtectedHeader(token).kid,
    cid: claims.cid,
  };
}
