/**
 * Console sign-in (control/console/session-routes.ts): a `tessera console` link is exchanged
 * once for a bearer token; behind Cloudflare Access, the Access JWT — verified against the
 * team's published keys (a test team worker serves them) — is exchanged instead. Nothing is
 * ever a cookie.
 */
import { env } from 'cloudflare:test';
import { SignJWT, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { signConsoleLink } from '../../shared/auth/console-link.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { configFor } from '../../shared/config.ts';
import { adminInit, mintAdminToken, testWorker } from '../support/admin.ts';
import {
  ROGUE_PRIVATE_JWK,
  TEAM_PRIVATE_JWK,
  TEST_ACCESS_AUD,
  TEST_TEAM_DOMAIN,
} from '../support/access/keys.ts';
import { nowSeconds } from '../support/tokens.ts';

const ACCESS = { ACCESS_TEAM_DOMAIN: TEST_TEAM_DOMAIN, ACCESS_AUD: TEST_ACCESS_AUD };

let jtis = 0;
async function link(
  o: { sub?: string; scopes?: ('read' | 'publish' | 'preview')[]; at?: number } = {},
) {
  const ring = await keyringFor(configFor(env).adminKeys);
  return signConsoleLink(ring, {
    sub: o.sub ?? 'dev:rosa',
    scopes: o.scopes ?? ['read', 'preview', 'publish'],
    jti: `test-link-${Date.now()}-${++jtis}`,
    nowSeconds: o.at ?? nowSeconds(),
  });
}

const exchange = (
  w: ReturnType<typeof testWorker>,
  body: unknown,
  headers: Record<string, string> = {},
  bindings = {},
) =>
  w.fetch(
    '/admin/console/session',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    bindings,
  );

async function accessJwt(
  o: {
    key?: JWK;
    kid?: string;
    aud?: string;
    iss?: string;
    email?: string;
    exp?: number;
    commonName?: string;
  } = {},
) {
  const key = await importJWK(o.key ?? TEAM_PRIVATE_JWK, 'RS256');
  const now = nowSeconds();
  return new SignJWT({
    ...(o.commonName
      ? { common_name: o.commonName }
      : { email: o.email ?? 'rosa@northwind.example' }),
    type: 'app',
  })
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? (o.key ? 'rogue-1' : 'team-2026') })
    .setIssuer(o.iss ?? TEST_TEAM_DOMAIN)
    .setAudience(o.aud ?? TEST_ACCESS_AUD)
    .setSubject('7335d417-61da-459d-899c-0a01c76a2f94')
    .setIssuedAt(now)
    .setExpirationTime(o.exp ?? now + 3600)
    .sign(key);
}

describe('signing in with a tessera console link', () => {
  it('exchanges the link once for a bearer token that works on the admin API', async () => {
    const w = testWorker(Date.now());
    const res = await exchange(w, { link: await link() });
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toBeNull();
    const session = (await res.json()) as {
      token: string;
      sub: string;
      scopes: string[];
      via: string;
    };
    expect(session).toMatchObject({ sub: 'dev:rosa', via: 'link' });
    expect(session.scopes.sort()).toEqual(['preview', 'publish', 'read']);
    const me = await w.fetch('/admin/console/me', await adminInit('GET', undefined, session.token));
    expect(await me.json()).toEqual({ sub: 'dev:rosa', scopes: ['preview', 'publish', 'read'] });
  });

  it('refuses the same link a second time', async () => {
    const w = testWorker(Date.now());
    const token = await link();
    expect((await exchange(w, { link: token })).status).toBe(201);
    const again = await exchange(w, { link: token });
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: { code: 'link_used' } });
  });

  it('refuses an expired link and says how to get a new one', async () => {
    const w = testWorker(Date.now());
    const res = await exchange(w, { link: await link({ at: nowSeconds() - 11 * 60 }) });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('expired_token');
    expect(body.error.message).toContain('npx tessera console');
  });

  it('does not take an admin token as a link, nor a link as an admin token', async () => {
    const w = testWorker(Date.now());
    const asLink = await exchange(w, { link: await mintAdminToken() });
    expect(asLink.status).toBe(401);
    expect(await asLink.json()).toMatchObject({ error: { code: 'invalid_token' } });
    const asBearer = await w.fetch(
      '/admin/console/me',
      await adminInit('GET', undefined, await link()),
    );
    expect(asBearer.status).toBe(401);
  });

  it('gives the session only the scopes the link carried', async () => {
    const w = testWorker(Date.now());
    const res = await exchange(w, { link: await link({ scopes: ['read'] }) });
    const { token } = (await res.json()) as { token: string };
    const create = await w.fetch('/admin/drafts', await adminInit('POST', {}, token));
    expect(create.status).toBe(403);
  });

  it('refuses a form post (no JSON content type), so a cross-site page cannot sign anyone in', async () => {
    const w = testWorker(Date.now());
    const res = await w.fetch('/admin/console/session', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `link=${await link()}`,
    });
    expect(res.status).toBe(415);
  });

  it('without a link or Access, says which ways to sign in exist', async () => {
    const w = testWorker(Date.now());
    const res = await exchange(w, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'missing_token' });
    expect(body.error.message).toContain('tessera console');
  });
});

describe('signing in through Cloudflare Access', () => {
  const viaAccess = async (jwt: string, bindings: object = ACCESS) =>
    exchange(testWorker(Date.now()), {}, { 'cf-access-jwt-assertion': jwt }, bindings);

  it("verifies the Access JWT against the team's keys and names the person in the session", async () => {
    const res = await viaAccess(await accessJwt());
    expect(res.status).toBe(201);
    const session = (await res.json()) as {
      token: string;
      sub: string;
      scopes: string[];
      via: string;
    };
    expect(session).toMatchObject({ sub: 'rosa@northwind.example', via: 'access' });
    expect(session.scopes).toEqual(['read', 'preview', 'publish']);
    const w = testWorker(Date.now());
    const drafts = await w.fetch('/admin/drafts', await adminInit('GET', undefined, session.token));
    expect(drafts.status).toBe(200);
  });

  it('names a service token by its client id', async () => {
    const res = await viaAccess(await accessJwt({ commonName: 'ci.access' }));
    expect(await res.json()).toMatchObject({ sub: 'service:ci.access' });
  });

  it('grants the scopes ACCESS_SCOPES lists', async () => {
    const res = await viaAccess(await accessJwt(), { ...ACCESS, ACCESS_SCOPES: 'read, preview' });
    expect(await res.json()).toMatchObject({ scopes: ['read', 'preview'] });
  });

  it.each([
    ['another application (audience)', { aud: 'someone-elses-application' }, 'claim "aud"'],
    ['another team (issuer)', { iss: 'https://evil.cloudflareaccess.com' }, 'claim "iss"'],
    ['a key the team never published', { key: ROGUE_PRIVATE_JWK }, 'key the team does not publish'],
    ['an expired Access session', { exp: nowSeconds() - 60 }, 'expired'],
  ])('refuses a JWT from %s', async (_what, o, message) => {
    const res = await viaAccess(await accessJwt(o));
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain(message);
  });

  it('refuses a JWT signed with the right key but not RS256-shaped (HS256 with the public key as secret)', async () => {
    const forged = await new SignJWT({ email: 'mallory@evil.example' })
      .setProtectedHeader({ alg: 'HS256', kid: 'team-2026' })
      .setIssuer(TEST_TEAM_DOMAIN)
      .setAudience(TEST_ACCESS_AUD)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JSON.stringify(TEAM_PRIVATE_JWK.n)));
    expect((await viaAccess(forged)).status).toBe(401);
  });

  it('ignores the Access header when Access is not configured', async () => {
    const res = await viaAccess(await accessJwt(), {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'missing_token' } });
  });

  it('never accepts the Access JWT as a bearer token on the admin API', async () => {
    const w = testWorker(Date.now());
    const jwt = await accessJwt();
    const res = await w.fetch(
      '/admin/drafts',
      { headers: { 'cf-access-jwt-assertion': jwt, authorization: `Bearer ${jwt}` } },
      ACCESS,
    );
    expect(res.status).toBe(401);
  });
});
