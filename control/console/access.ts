/**
 * Cloudflare Access in front of the control plane: when `ACCESS_TEAM_DOMAIN` and `ACCESS_AUD`
 * are set, a request Access let through carries `Cf-Access-Jwt-Assertion`, an RS256 JWT signed
 * with the team's keys (`<team domain>/cdn-cgi/access/certs`). It is verified here with jose —
 * issuer = the team domain, audience = the application's AUD tag — never trusted because the
 * header is present (a request reaching the worker some other way could carry anything).
 *
 * Only the console's sign-in (`POST /admin/console/session`) reads it, to mint the console's
 * bearer token: every other admin route stays bearer-only, so an Access cookie in the browser
 * can never act by itself (no CSRF surface).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../../shared/config.ts';
import { Scope } from '../../shared/auth/claims.ts';
import * as z from '../../shared/schema/zod.ts';

export const ACCESS_HEADER = 'cf-access-jwt-assertion';

export interface AccessVars {
  /** e.g. `https://northwind.cloudflareaccess.com` */
  ACCESS_TEAM_DOMAIN?: string;
  /** The Access application's AUD tag. */
  ACCESS_AUD?: string;
  /** Scopes a person signed in through Access gets (space or comma separated). */
  ACCESS_SCOPES?: string;
}

export interface AccessConfig {
  team: string;
  audience: string;
  scopes: Scope[];
  /** The team's JWKS (`/cdn-cgi/access/certs`). */
  certs: URL;
}

/** Without `privacy`: reading and erasing a person's data is not a marketer's job. */
export const DEFAULT_ACCESS_SCOPES: Scope[] = ['read', 'preview', 'publish'];

const TeamDomain = z.url({ protocol: /^https$/, hostname: z.regexes.domain });

/**
 * The Access settings, or undefined when Access is not configured. Half a configuration, a
 * non-https team domain or an unknown scope is a start-up error that says how to fix it.
 */
export function accessConfig(env: AccessVars): AccessConfig | undefined {
  const { ACCESS_TEAM_DOMAIN: team, ACCESS_AUD: aud } = env;
  if (!team && !aud) return undefined;
  if (!team || !aud)
    throw new ConfigError(
      `Cloudflare Access needs both ACCESS_TEAM_DOMAIN (https://<team>.cloudflareaccess.com) and ACCESS_AUD (the application's AUD tag); only ${team ? 'ACCESS_TEAM_DOMAIN' : 'ACCESS_AUD'} is set.`,
    );
  if (!TeamDomain.safeParse(team).success)
    throw new ConfigError(
      `ACCESS_TEAM_DOMAIN must be an https URL such as https://northwind.cloudflareaccess.com, got "${team}".`,
    );
  const origin = new URL(team).origin;
  const names = (env.ACCESS_SCOPES ?? '').split(/[\s,]+/).filter(Boolean);
  const bad = names.filter((s) => !Scope.safeParse(s).success);
  if (bad.length)
    throw new ConfigError(
      `ACCESS_SCOPES holds unknown scope(s) ${bad.join(', ')}; use publish, read, preview, privacy.`,
    );
  return {
    team: origin,
    audience: aud,
    scopes: names.length ? names.map((s) => Scope.parse(s)) : DEFAULT_ACCESS_SCOPES,
    certs: new URL('/cdn-cgi/access/certs', origin),
  };
}

// Module scope: jose caches the keys per isolate and refetches on an unknown `kid` (rotation).
const jwks = new Map<string, JWTVerifyGetKey>();
function keysOf(certs: URL): JWTVerifyGetKey {
  let keys = jwks.get(certs.href);
  if (!keys) {
    keys = createRemoteJWKSet(certs, { timeoutDuration: 5000, cooldownDuration: 30_000 });
    jwks.set(certs.href, keys);
  }
  return keys;
}

export type AccessVerify =
  | { ok: true; sub: string }
  | { ok: false; code: 'invalid_token' | 'expired_token'; message: string };

const AccessClaims = z.object({
  email: z.optional(z.string().check(z.minLength(3), z.maxLength(200))),
  /** Service tokens carry their client id here instead of an e-mail. */
  common_name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  sub: z.optional(z.string().check(z.maxLength(200))),
});

/** Who the Access JWT names (their e-mail, or a service token's name); never throws. */
export async function verifyAccessJwt(
  config: AccessConfig,
  token: string,
  nowSeconds: number,
): Promise<AccessVerify> {
  if (token.length > 8192)
    return { ok: false, code: 'invalid_token', message: 'Access token too long' };
  try {
    const { payload } = await jwtVerify(token, keysOf(config.certs), {
      issuer: config.team,
      audience: config.audience,
      algorithms: ['RS256'],
      currentDate: new Date(nowSeconds * 1000),
      requiredClaims: ['exp'],
    });
    const claims = AccessClaims.safeParse(payload);
    const who = claims.success ? (claims.data.email ?? claims.data.common_name) : undefined;
    if (!who)
      return {
        ok: false,
        code: 'invalid_token',
        message: 'the Access token names no e-mail or service token',
      };
    return { ok: true, sub: claims.data?.email ? who : `service:${who}` };
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return {
        ok: false,
        code: 'expired_token',
        message: 'your Cloudflare Access session has expired: reload to sign in again',
      };
    if (error instanceof errors.JWTClaimValidationFailed)
      return {
        ok: false,
        code: 'invalid_token',
        message: `Access token claim "${error.claim}" is not this application's`,
      };
    if (error instanceof errors.JWKSNoMatchingKey)
      return {
        ok: false,
        code: 'invalid_token',
        message: 'Access token signed with a key the team does not publish',
      };
    return { ok: false, code: 'invalid_token', message: 'Access token rejected' };
  }
}
