/**
 * The compact HS256 JWS every token uses (worker/identity/jws.ts): interoperable with a standard
 * JWT library (jose signs and verifies the other side), and strict about everything else.
 */
import { SignJWT, base64url, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { claimsProblem, signJws, unverifiedClaims, verifyJws } from '../../worker/identity/jws.ts';

const KID = 'k1';
const SECRET = 'test-only-jws-key-0123456789abcdefghijkl';
const secretBytes = new TextEncoder().encode(SECRET);
const NOW = 1_800_000_000;

async function hmacKey(secret = secretBytes) {
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}
const keyFor = async () => {
  const key = await hmacKey();
  return (kid: string) => (kid === KID ? key : undefined);
};

const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
async function handMade(header: unknown, claims: unknown, secret = secretBytes, hash = 'SHA-256') {
  const input = `${enc(header)}.${enc(claims)}`;
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(mac))}`;
}

describe('signJws and verifyJws', () => {
  it('verifies what it signs and returns the claims', async () => {
    const token = await signJws({ kid: KID, key: await hmacKey() }, { sub: 'v-1', exp: NOW + 60 });
    expect(await verifyJws(token, await keyFor())).toEqual({
      ok: true,
      claims: { sub: 'v-1', exp: NOW + 60 },
    });
  });

  it('accepts a token signed by a standard JWT library (jose)', async () => {
    const token = await new SignJWT({ cid: 'c-1' })
      .setProtectedHeader({ alg: 'HS256', kid: KID })
      .setSubject('v-2')
      .setExpirationTime(NOW + 60)
      .sign(secretBytes);
    const verified = await verifyJws(token, await keyFor());
    expect(verified).toEqual({ ok: true, claims: { cid: 'c-1', sub: 'v-2', exp: NOW + 60 } });
  });

  it('signs tokens a standard JWT library (jose) accepts, with alg, kid and typ in the header', async () => {
    const token = await signJws({ kid: KID, key: await hmacKey() }, { sub: 'v-3', exp: NOW + 60 });
    const { payload, protectedHeader } = await jwtVerify(token, secretBytes, {
      algorithms: ['HS256'],
      currentDate: new Date(NOW * 1000),
    });
    expect(payload.sub).toBe('v-3');
    expect(protectedHeader).toEqual({ alg: 'HS256', kid: KID, typ: 'JWT' });
  });

  it('names an unknown or missing kid', async () => {
    const resolve = await keyFor();
    expect(await verifyJws(await handMade({ alg: 'HS256', kid: 'other' }, {}), resolve)).toEqual({
      ok: false,
      failure: 'unknown_kid',
    });
    expect(await verifyJws(await handMade({ alg: 'HS256' }, {}), resolve)).toEqual({
      ok: false,
      failure: 'unknown_kid',
    });
  });

  it('refuses a signature made with another key or over other claims', async () => {
    const resolve = await keyFor();
    const other = new TextEncoder().encode('another-secret-0123456789abcdefghijklmn');
    expect(
      await verifyJws(await handMade({ alg: 'HS256', kid: KID }, { sub: 'x' }, other), resolve),
    ).toEqual({ ok: false, failure: 'bad_signature' });
    const [h, , s] = (await handMade({ alg: 'HS256', kid: KID }, { sub: 'x' })).split('.');
    expect(await verifyJws(`${h}.${enc({ sub: 'admin' })}.${s}`, resolve)).toEqual({
      ok: false,
      failure: 'bad_signature',
    });
  });

  it.each([
    ['alg none', { alg: 'none', kid: KID }],
    ['another HMAC size', { alg: 'HS512', kid: KID }],
    ['an asymmetric algorithm', { alg: 'RS256', kid: KID }],
    ['alg as a list', { alg: ['HS256'], kid: KID }],
    ['no alg', { kid: KID }],
    ['a critical extension', { alg: 'HS256', kid: KID, crit: ['exp'] }],
    ['an unencoded payload', { alg: 'HS256', kid: KID, crit: ['b64'], b64: false }],
  ])('refuses a header with %s before looking at any key', async (_name, header) => {
    let asked = false;
    const resolve = () => {
      asked = true;
      return undefined;
    };
    expect(await verifyJws(await handMade(header, { sub: 'x' }), resolve)).toEqual({
      ok: false,
      failure: 'malformed',
    });
    expect(asked).toBe(false);
  });

  it('refuses malformed compact serializations', async () => {
    const resolve = await keyFor();
    const good = await handMade({ alg: 'HS256', kid: KID }, { sub: 'x' });
    const [h, p, s] = good.split('.') as [string, string, string];
    for (const token of [
      '',
      `${h}.${p}`,
      `${good}.x`,
      `${h}.${p}.${s}=`,
      `${h}=.${p}.${s}`,
      `${h}.${p}+.${s}`,
      `${enc([1])}.${p}.${s}`,
      `${base64url.encode('not json')}.${p}.${s}`,
    ]) {
      expect(await verifyJws(token, resolve), token).toMatchObject({ ok: false });
    }
    // Correctly signed, but the claims are not a JSON object.
    expect(await verifyJws(await handMade({ alg: 'HS256', kid: KID }, ['x']), resolve)).toEqual({
      ok: false,
      failure: 'malformed',
    });
  });
});

describe('claimsProblem', () => {
  it('accepts claims within their time window', () => {
    expect(
      claimsProblem({ sub: 'x', iat: NOW - 10, nbf: NOW, exp: NOW + 1 }, { now: NOW }),
    ).toBeUndefined();
  });

  it('reports expiry at exp itself', () => {
    expect(claimsProblem({ exp: NOW }, { now: NOW })).toEqual({ expired: true });
  });

  it('names a missing required claim, a non-numeric date, a future nbf, a wrong issuer or audience', () => {
    expect(claimsProblem({ exp: NOW + 1 }, { now: NOW, required: ['sub', 'exp'] })).toEqual({
      claim: 'sub',
    });
    expect(claimsProblem({ exp: 'never' }, { now: NOW })).toEqual({ claim: 'exp' });
    expect(claimsProblem({ nbf: NOW + 1 }, { now: NOW })).toEqual({ claim: 'nbf' });
    expect(claimsProblem({ iss: 'else' }, { now: NOW, issuer: 'tessera' })).toEqual({
      claim: 'iss',
    });
    expect(claimsProblem({ aud: 'else' }, { now: NOW, audience: 'tessera-admin' })).toEqual({
      claim: 'aud',
    });
  });

  it('accepts an audience list that holds the expected audience', () => {
    expect(
      claimsProblem({ aud: ['a', 'tessera-admin'] }, { now: NOW, audience: 'tessera-admin' }),
    ).toBeUndefined();
  });
});

describe('unverifiedClaims', () => {
  it('reads the claims of a well-formed token and nothing of a malformed one', async () => {
    expect(unverifiedClaims(await handMade({ alg: 'HS256' }, { exp: 5 }))).toEqual({ exp: 5 });
    expect(unverifiedClaims('a.b')).toBeUndefined();
    expect(unverifiedClaims('a.!!.c')).toBeUndefined();
  });
});
