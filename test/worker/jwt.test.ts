/**
 * shared/auth/jwt.ts: our JWT layer over jose's compact JWS must answer exactly as jose's own
 * `jwtVerify` with the options the token modules use — same verdict, same error class and claim
 * — on seeded payloads around every check (required claims, iss, aud, iat, nbf, exp, the payload
 * not being an object); and tokens signed by either verify with the other.
 */
import fc from 'fast-check';
import { CompactSign, SignJWT, errors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwt, verifyJwt, type VerifyJwtOptions } from '../../shared/auth/jwt.ts';

const key = new TextEncoder().encode('k'.repeat(48));
const NOW = 1_800_000_000;

async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    const claims = await run();
    return `ok ${JSON.stringify(claims)}`;
  } catch (error) {
    const claim =
      error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired
        ? ` ${error.claim} ${error.reason}`
        : '';
    return `${(error as Error).constructor.name}${claim}`;
  }
}

const both = (token: string, o: VerifyJwtOptions) =>
  Promise.all([
    outcome(() => verifyJwt(token, key, o)),
    outcome(
      async () =>
        (
          await jwtVerify(token, key, {
            algorithms: o.algorithms,
            currentDate: new Date(o.nowSeconds * 1000),
            ...(o.requiredClaims ? { requiredClaims: [...o.requiredClaims] } : {}),
            ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
            ...(o.audience !== undefined ? { audience: o.audience } : {}),
          })
        ).payload,
    ),
  ]);

const around = (t: number) => fc.constantFrom(t - 1, t, t + 1, String(t), null, 1e300);
const claimValue = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null));
const payloads = fc.record(
  {
    sub: fc.oneof(fc.constant('v-1'), claimValue),
    iss: fc.constantFrom('tessera', 'other', 7),
    aud: fc.constantFrom('tessera-admin', 'tessera-arms', ['x', 'tessera-admin'], ['x'], 3),
    iat: around(NOW),
    nbf: around(NOW),
    exp: around(NOW),
    scope: fc.constantFrom('read', 'preview'),
    extra: claimValue,
  },
  { requiredKeys: [] },
);
const options = fc.record({
  requiredClaims: fc.constantFrom(
    ['sub', 'iat', 'exp'],
    ['iat', 'exp'],
    ['sub', 'iat', 'exp', 'scope'],
  ),
  issuer: fc.constantFrom(undefined, 'tessera'),
  audience: fc.constantFrom(undefined, 'tessera-admin', 'tessera-arms'),
});

describe('verifyJwt', () => {
  it('answers exactly as jose’s jwtVerify, error class and claim included', async () => {
    await fc.assert(
      fc.asyncProperty(payloads, options, async (payload, o) => {
        const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
          .setProtectedHeader({ alg: 'HS256' })
          .sign(key);
        const opts = {
          algorithms: ['HS256'],
          nowSeconds: NOW,
          requiredClaims: o.requiredClaims,
          ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
          ...(o.audience !== undefined ? { audience: o.audience } : {}),
        };
        const [ours, jose] = await both(token, opts);
        expect(ours).toBe(jose);
      }),
      { seed: 20261130, numRuns: 400 },
    );
  });

  it('answers as jose for payloads that are not a JSON object, and refuses an unpinned algorithm', async () => {
    for (const body of ['[]', '"x"', '1', 'null', 'not json', '\u00ff']) {
      const token = await new CompactSign(new TextEncoder().encode(body))
        .setProtectedHeader({ alg: 'HS256' })
        .sign(key);
      const [ours, jose] = await both(token, { algorithms: ['HS256'], nowSeconds: NOW });
      expect(ours).toBe(jose);
      expect(ours).not.toMatch(/^ok/);
    }
    const hs512 = await new CompactSign(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode('k'.repeat(64)));
    expect(
      await outcome(() => verifyJwt(hs512, key, { algorithms: ['HS256'], nowSeconds: NOW })),
    ).toBe('JOSEAlgNotAllowed');
  });

  it('verifies what jose’s SignJWT signs, and jose verifies what signJwt signs', async () => {
    const theirs = await new SignJWT({ cid: 'c-1' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('v-1')
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 60)
      .sign(key);
    expect(await verifyJwt(theirs, key, { algorithms: ['HS256'], nowSeconds: NOW })).toEqual({
      cid: 'c-1',
      sub: 'v-1',
      iat: NOW,
      exp: NOW + 60,
    });
    const ours = await signJwt(
      { alg: 'HS256', typ: 'JWT' },
      { sub: 'v-1', iat: NOW, exp: NOW + 60 },
      key,
    );
    expect(ours).toBe(
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('v-1')
        .setIssuedAt(NOW)
        .setExpirationTime(NOW + 60)
        .sign(key),
    );
    const { payload } = await jwtVerify(ours, key, {
      algorithms: ['HS256'],
      currentDate: new Date(NOW * 1000),
    });
    expect(payload).toEqual({ sub: 'v-1', iat: NOW, exp: NOW + 60 });
  });
});
