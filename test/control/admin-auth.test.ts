import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ADMIN_KID } from '../support/keys.ts';
import { mintAdminToken } from '../support/admin.ts';
import { nowSeconds } from '../support/tokens.ts';

const b64url = (s: string) => btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

async function call(headers: Record<string, string>, path = '/admin/history', method = 'GET') {
  const res = await SELF.fetch(`https://shop.test${path}`, { method, headers });
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; message: string } },
    res,
  };
}

describe('admin API authentication', () => {
  const unauthorized: [string, () => Promise<Record<string, string>>, string][] = [
    ['no Authorization header', async () => ({}), 'missing_token'],
    [
      'a Basic instead of a Bearer header',
      async () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' }),
      'missing_token',
    ],
    ['a malformed token', async () => ({ authorization: 'Bearer not.a.jwt' }), 'invalid_token'],
    [
      'an expired token',
      async () => ({ authorization: `Bearer ${await mintAdminToken({ exp: nowSeconds() - 60 })}` }),
      'expired_token',
    ],
    [
      'a token from another issuer',
      async () => ({ authorization: `Bearer ${await mintAdminToken({ iss: 'someone-else' })}` }),
      'invalid_token',
    ],
    [
      'a token for another audience',
      async () => ({ authorization: `Bearer ${await mintAdminToken({ aud: 'tessera-preview' })}` }),
      'invalid_token',
    ],
    [
      'a token signed with another key under our kid',
      async () => ({
        authorization: `Bearer ${await mintAdminToken({ secret: 'an-attacker-chosen-secret-of-32-bytes!!' })}`,
      }),
      'invalid_token',
    ],
    [
      'a token with an unknown kid',
      async () => ({ authorization: `Bearer ${await mintAdminToken({ kid: 'retired' })}` }),
      'invalid_token',
    ],
    [
      'an alg "none" token',
      async () => {
        const header = b64url(JSON.stringify({ alg: 'none', kid: ADMIN_KID }));
        const payload = b64url(
          JSON.stringify({
            iss: 'tessera',
            aud: 'tessera-admin',
            sub: 'x',
            scope: 'publish read',
            exp: nowSeconds() + 60,
          }),
        );
        return { authorization: `Bearer ${header}.${payload}.` };
      },
      'invalid_token',
    ],
    [
      'the token in a cookie instead of a bearer header',
      async () => ({ cookie: `authorization=${await mintAdminToken()}` }),
      'missing_token',
    ],
  ];

  for (const [name, headers, code] of unauthorized) {
    it(`answers 401 ${code} with a JSON body for ${name}`, async () => {
      const { status, body, res } = await call(await headers());
      expect(status).toBe(401);
      expect(body.error?.code).toBe(code);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    });
  }

  it('answers 403 insufficient_scope when a read-only token tries to publish', async () => {
    const token = await mintAdminToken({ scope: 'read' });
    const res = await SELF.fetch('https://shop.test/admin/live', {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '0123456789abcdef', expected: null }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
  });

  it('answers 403 when a preview-only token reads history', async () => {
    const { status, body } = await call({
      authorization: `Bearer ${await mintAdminToken({ scope: 'preview' })}`,
    });
    expect(status).toBe(403);
    expect(body.error?.code).toBe('insufficient_scope');
  });

  it('lets a read token read history', async () => {
    const { status } = await call({
      authorization: `Bearer ${await mintAdminToken({ scope: 'read' })}`,
    });
    expect(status).toBe(200);
  });

  it('never serves an admin path as a page: an unknown one, with a valid token, is a JSON 404', async () => {
    const { status, body } = await call(
      { authorization: `Bearer ${await mintAdminToken({ scope: 'read' })}` },
      '/admin/nothing-here',
    );
    expect(status).toBe(404);
    expect(body.error?.code).toBe('not_found');
  });
});

describe('admin routes without a verified token (issue 13 #7)', () => {
  // Known routes of every admin app, unknown ones, the bare prefix, odd spellings and methods.
  const probes: [string, string][] = [
    ['GET', '/admin/history'],
    ['PUT', '/admin/live'],
    ['POST', '/admin/versions'],
    ['GET', '/admin/privacy/visitors/v-1'],
    ['DELETE', '/admin/privacy/customers/c-1'],
    ['GET', '/admin/experiments/exp-1/report'],
    ['GET', '/admin/nothing-here'],
    ['GET', '/admin/privacy/nothing-here'],
    ['POST', '/admin/experiments'],
    ['GET', '/admin'],
    ['GET', '/admin/'],
    ['PATCH', '/admin/live'],
    ['OPTIONS', '/admin/versions'],
    ['GET', '/admin//history'],
    ['GET', '/admin/HISTORY'],
    ['GET', '/admin/history?limit=abc'],
  ];

  it('get one and the same 401, whether or not the route exists, so nothing can be listed', async () => {
    const answers = new Set<string>();
    for (const [method, path] of probes) {
      const res = await SELF.fetch(`https://shop.test${path}`, { method });
      const body = await res.text();
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(res.headers.get('content-type')).toContain('application/json');
      answers.add(body);
    }
    expect([...answers]).toHaveLength(1);
    expect(JSON.parse([...answers][0]!)).toMatchObject({ error: { code: 'missing_token' } });
  });

  it('name no route in the 401 for a bad token either', async () => {
    for (const path of ['/admin/history', '/admin/nothing-here']) {
      const { status, body } = await call({ authorization: 'Bearer not.a.jwt' }, path);
      expect(status).toBe(401);
      expect(body.error?.code).toBe('invalid_token');
      expect(body.error?.message).not.toContain('nothing-here');
    }
  });
});
