/**
 * Hostile requests against every public route of both workers, routed as production routes them
 * (test/support/site.ts: /admin/* to the control plane, the rest to the visitor worker). fast-check
 * draws the method, a path (each route, with hostile suffixes), query parameters, headers,
 * cookies (hostile and valid tokens) and a body from a fixed seed, so a failure replays exactly.
 * Every answer must be below 500, and nothing may reach the log as an uncaught exception (a
 * thrown Error, or a `tessera.error` line from a JSON app's error handler). Bounded: CASES runs.
 */
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SITE } from '../support/site.ts';
import { mintAdminToken } from '../support/admin-token.ts';
import { publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { mintVisitorToken } from '../support/tokens.ts';

const SEED = 20261130;
/** Enough to reach every route with every kind of input; keeps the file to a few seconds. */
export const CASES = 500;

/** Every public route of both workers (and a few non-routes), with the methods it answers. */
const ROUTES: readonly (readonly [string, readonly string[]])[] = [
  ['/', ['GET', 'HEAD']],
  ['/deals', ['GET']],
  ['/no-such-page', ['GET']],
  ['/healthz', ['GET']],
  ['/events', ['POST']],
  ['/privacy/me', ['GET', 'DELETE']],
  ['/v1/decisions', ['POST']],
  ['/v1/decisions/batch', ['POST']],
  ['/v1/openapi.json', ['GET']],
  ['/__tessera/t.js', ['GET']],
  ['/__tessera/s.css', ['GET']],
  ['/__tessera/preview', ['GET']],
  ['/__tessera/preview/exit', ['GET']],
  ['/__tessera/bare', ['GET']],
  ['/admin/live', ['GET', 'PUT']],
  ['/admin/versions', ['POST']],
  ['/admin/versions/0123456789abcdef', ['GET']],
  ['/admin/history', ['GET']],
  ['/admin/previews', ['POST']],
  ['/admin/privacy/visitors/v-fuzz', ['GET', 'DELETE']],
  ['/admin/privacy/customers/c-fuzz', ['GET', 'DELETE']],
  ['/admin/experiments/hero-ab/report', ['GET']],
  ['/admin/nothing', ['GET']],
];

const HOSTILE = [
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '%00',
  '%2F%2F',
  '//evil.example',
  '\\\\evil',
  '__proto__',
  'constructor',
  'toString',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  "' OR 1=1 --",
  '${7*7}',
  '{{traits.firstName}}',
  '\u202e\u0000\ud800',
  '😀'.repeat(50),
  'a'.repeat(5000),
  'NaN',
  '-1',
  '1e309',
] as const;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Percent-encoding as a client does it (a lone surrogate cannot be encoded: it becomes U+FFFD). */
const enc = (s: string) =>
  encodeURIComponent(
    s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );

/** A URL path segment from hostile text, percent-encoded as a client would send it. */
const segment = hostile.map((s) => enc(s).slice(0, 300));

interface Tokens {
  visitor: string;
  admin: string;
  decide: string;
}

function requestArbitrary(tokens: Tokens) {
  const cookieValue = fc.oneof(hostile, fc.constant(tokens.visitor), fc.constant(tokens.admin));
  const cookie = fc
    .subarray([
      '__Host-tsr_vid',
      'tsr_consent',
      '__Host-tsr_preview',
      '__Host-tsr_arms',
      '__proto__',
    ])
    .chain((names) => fc.tuple(...names.map((n) => cookieValue.map((v) => `${n}=${enc(v)}`))))
    .map((pairs) => pairs.join('; '));
  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${tokens.admin}`),
    fc.constant(`Bearer ${tokens.decide}`),
    fc.constant(`Bearer ${tokens.visitor}`),
    hostile.map((s) => `Bearer ${s}`),
    hostile,
  );
  const contentType = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
    ),
    hostile,
  );
  const json = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.constant('{"events":[{"id":"e1","type":"page_view","category":"__proto__"}]}'),
    fc.constant('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
    fc.constant('{"subject":{"visitorId":"v-fuzz"},"page":"home"}'),
    fc.uuid().map((id) => `{"events":[{"id":"${id}","type":"page_view","path":"/"}]}`),
    fc
      .tuple(fc.uuid(), hostile)
      .map(([id, h]) => JSON.stringify({ events: [{ id, type: 'click', slot: h, props: { h } }] })),
    fc.constant('{"to":"0123456789abcdef","expected":null,"action":"publish"}'),
    hostile.map((h) => JSON.stringify({ path: h, as: h, segment: h })),
    fc.constant('{"requests":[' + '{"subject":{"visitorId":"v-fuzz"}},'.repeat(120) + '{}]}'),
    fc.constant('['.repeat(5000) + ']'.repeat(5000)),
    fc.constant(`{"x":"${'a'.repeat(70_000)}"}`),
  );
  const body = fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: json },
    { weight: 1, arbitrary: hostile },
  );
  const query = fc.array(fc.tuple(hostile, hostile), { maxLength: 4 }).map((pairs) => {
    const withKnown = pairs.map(([k, v], i) =>
      i === 0 ? ['tessera_debug', v] : i === 1 ? ['token', v] : [k, v],
    );
    return new URLSearchParams(withKnown).toString();
  });
  const headerValue = hostile.map((s) => s.replace(/[\r\n\0]/g, ' ').slice(0, 2000));
  // Mostly the route's own methods and paths (to get past the router), sometimes anything.
  const target = fc.constantFrom(...ROUTES).chain(([route, methods]) =>
    fc.record({
      route: fc.constant(route),
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...methods) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
    }),
  );
  return fc.record({
    target,
    /** Half the cases carry what a real client would (visitor cookie, JSON), so they get deep. */
    wellFormed: fc.boolean(),
    suffix: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: segment },
    ),
    query,
    cookie: fc.option(cookie, { nil: undefined }),
    authorization,
    contentType,
    visitor: fc.constant(tokens.visitor),
    body,
    extra: fc.record({
      'accept-language': fc.option(headerValue, { nil: undefined }),
      'user-agent': fc.option(headerValue, { nil: undefined }),
      referer: fc.option(headerValue, { nil: undefined }),
      'if-none-match': fc.option(headerValue, { nil: undefined }),
      'sec-gpc': fc.option(fc.constantFrom('1', '0', 'yes'), { nil: undefined }),
      'cf-connecting-ip': fc.option(fc.constantFrom('203.0.113.9', '::1', 'garbage'), {
        nil: undefined,
      }),
    }),
  });
}

type Drawn = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer T> ? T : never;

/** Header values a real client could send (ByteString): anything else the runtime refuses itself. */
const latin1 = (s: string) => [...s].every((ch) => ch.charCodeAt(0) <= 0xff);

function toRequest(d: Drawn): Request {
  const { route, method } = d.target;
  const path = d.suffix === undefined ? route : `${route.replace(/\/$/, '')}/${d.suffix}`;
  const url = `https://shop.test${path}${d.query ? `?${d.query}` : ''}`;
  const headers = new Headers();
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined && latin1(v)) headers.set(k, v);
  };
  const base = d.wellFormed ? `__Host-tsr_vid=${d.visitor}; tsr_consent=personal` : undefined;
  set('cookie', [base, d.cookie].filter(Boolean).join('; ') || undefined);
  set('authorization', d.authorization);
  set('content-type', d.wellFormed ? 'application/json' : d.contentType);
  for (const [k, v] of Object.entries(d.extra)) set(k, v);
  const body = method === 'GET' || method === 'HEAD' ? undefined : d.body;
  return new Request(url, { method, headers, ...(body !== undefined ? { body } : {}) });
}

describe('every public route of both workers under hostile requests', () => {
  let tokens: Tokens;
  beforeAll(async () => {
    await publishTestBundle();
    await putVisitorProfile('v-fuzz', { traits: { firstName: 'Fuzz' } });
    tokens = {
      visitor: await mintVisitorToken({ sub: 'v-fuzz', cid: 'c-fuzz' }),
      admin: await mintAdminToken({ scope: 'publish read preview privacy decide' }),
      decide: await mintAdminToken({ scope: 'decide' }),
    };
  });
  afterEach(() => vi.restoreAllMocks());

  it(`answers ${CASES} of them below 500, with no uncaught exception in the log`, async () => {
    const errors = vi.spyOn(console, 'error');
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(tokens), async (drawn) => {
        errors.mockClear();
        const request = toRequest(drawn);
        const res = await SITE.fetch(request);
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const uncaught = errors.mock.calls.filter((args) =>
          args.some(
            (a) => a instanceof Error || (typeof a === 'string' && a.includes('"tessera.error"')),
          ),
        );
        expect(
          { method: request.method, url: request.url.slice(0, 200), status: res.status },
          'a 5xx',
        ).toMatchObject({ status: expect.toSatisfy((s: number) => s < 500) });
        expect(uncaught.map((a) => String(a[0]).slice(0, 300))).toEqual([]);
      }),
      { seed: SEED, numRuns: CASES, endOnFailure: true },
    );
    // The mix reached every kind of answer, not just one refusal.
    for (const status of [200, 401, 404]) expect(statuses.get(status)).toBeGreaterThan(0);
    expect([400, 413, 415, 422].some((s) => statuses.has(s))).toBe(true);
    console.log(
      JSON.stringify({ event: 'route-fuzz', cases: CASES, statuses: Object.fromEntries(statuses) }),
    );
  }, 60_000);
});
