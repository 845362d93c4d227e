/**
 * Console sign-in links (`tessera console`): a short-lived HS256 JWT signed with ADMIN_KEYS,
 * audience `tessera-console-link`, carried in the URL fragment (`/console#link=…`, which browsers
 * never send to a server, put in a Referer or log). The console exchanges it once
 * (`POST /admin/console/session`, single use by its `jti`) for an ordinary admin bearer token it
 * keeps in sessionStorage. Neither the link nor the session is ever a cookie.
 *
 * The audience keeps the link apart from admin tokens (`tessera-admin`) and preview tokens: a
 * link is not an admin token, and an admin token is not a link.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import * as z from '../schema/zod.ts';
import { ADMIN_ALG, ADMIN_ISSUER } from './admin-token.ts';
import { Scope } from './claims.ts';
import { UnknownKid, resolveKid, type Keyring } from './keyring.ts';

export const CONSOLE_LINK_AUDIENCE = 'tessera-console-link';
/** Long enough to open the link after the command printed it; short enough to go stale unused. */
export const CONSOLE_LINK_TTL_SECONDS = 10 * 60;
/** The console session the link is exchanged for: a working day. */
export const CONSOLE_SESSION_TTL_SECONDS = 8 * 3600;

const LinkClaims = z.object({
  sub: z.string().check(z.minLength(1), z.maxLength(200)),
  scope: z.string().check(z.maxLength(200)),
  jti: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  iat: z.number().check(z.int()),
  exp: z.number().check(z.int()),
});

export interface ConsoleLink {
  sub: string;
  scopes: Scope[];
  /** Single use: the exchange records it. */
  jti: string;
  exp: number;
}

export type LinkVerify =
  | { ok: true; link: ConsoleLink }
  | { ok: false; code: 'invalid_token' | 'expired_token'; message: string };

export async function signConsoleLink(
  ring: Keyring,
  o: { sub: string; scopes: Scope[]; jti: string; nowSeconds: number },
): Promise<string> {
  return new SignJWT({ scope: o.scopes.join(' ') })
    .setProtectedHeader({ alg: ADMIN_ALG, kid: ring.signing.kid, typ: 'JWT' })
    .setIssuer(ADMIN_ISSUER)
    .setAudience(CONSOLE_LINK_AUDIENCE)
    .setSubject(o.sub)
    .setJti(o.jti)
    .setIssuedAt(o.nowSeconds)
    .setExpirationTime(o.nowSeconds + CONSOLE_LINK_TTL_SECONDS)
    .sign(ring.signing.key);
}

export async function verifyConsoleLink(
  ring: Keyring,
  token: string,
  nowSeconds: number,
): Promise<LinkVerify> {
  const invalid = (message: string): LinkVerify => ({ ok: false, code: 'invalid_token', message });
  if (token.length > 2048) return invalid('sign-in link too long');
  try {
    const { payload } = await jwtVerify(token, resolveKid(ring), {
      algorithms: [ADMIN_ALG],
      issuer: ADMIN_ISSUER,
      audience: CONSOLE_LINK_AUDIENCE,
      currentDate: new Date(nowSeconds * 1000),
      requiredClaims: ['sub', 'jti', 'iat', 'exp', 'scope'],
    });
    const claims = LinkClaims.safeParse(payload);
    if (!claims.success) return invalid('sign-in link claims are malformed');
    // Checked here too, not only when minting: a link that lives longer was not minted by us.
    if (claims.data.exp - claims.data.iat > CONSOLE_LINK_TTL_SECONDS)
      return invalid('sign-in link lives longer than a console link may');
    const scopes = claims.data.scope
      .split(' ')
      .flatMap((s) => (Scope.safeParse(s).success ? [Scope.parse(s)] : []));
    return {
      ok: true,
      link: { sub: claims.data.sub, scopes, jti: claims.data.jti, exp: claims.data.exp },
    };
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return {
        ok: false,
        code: 'expired_token',
        message: 'this sign-in link has expired: run `npx tessera console` again',
      };
    if (error instanceof UnknownKid) return invalid('sign-in link signed with an unknown key id');
    return invalid('not a valid console sign-in link');
  }
}
