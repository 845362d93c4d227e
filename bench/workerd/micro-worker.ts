/**
 * A throwaway worker for the bench only: runs one operation of the page path `n` times inside
 * workerd and answers when done. The client times requests with n = N and n = 0; the difference
 * over N is the cost per operation in the worker's own runtime (workerd does not advance its
 * clocks during synchronous work, so the worker cannot time itself).
 */
import { Profile } from '../../shared/schema/profile.ts';
import { checkBundle } from '../../shared/bundle/salvage.ts';
import { loadBundle } from '../../shared/bundle/parts.ts';
import {
  bundleText,
  singleBundleText,
  singleBundleVersion,
  verifiedStored,
} from '../../shared/bundle/version.ts';
import { compile, pageForPath } from '../../worker/decide/compile.ts';
import { SCALES, scaledBundle } from '../scaled-bundle.ts';
import { Profile as profileGate } from '../../shared/schema/validators.gen.ts';
import { requestContext } from '../../worker/context/request-context.ts';
import { signVisitorToken, verifyVisitorToken } from '../../shared/auth/visitor-token.ts';
import { pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { loadConfig } from '../../shared/config.ts';
import { withDeadline } from '../../shared/data/deadline.ts';
import { parse as parseCookies } from 'hono/utils/cookie';
import {
  applyVisitHeaders,
  htmlHeaders,
  htmlResponse,
  type VisitHeaders,
} from '../../worker/visit/respond.ts';
import { VISIT } from '../../worker/visit/mode.ts';
import { ARMS_COOKIE } from '../../worker/identity/arms-cookie.ts';
import { VISITOR_COOKIE } from '../../worker/identity/visitor.ts';
import { CONSENT_COOKIE } from '../../worker/privacy/consent.ts';
import { PREVIEW_COOKIE } from '../../worker/preview/session.ts';
import { BENCH_ADMIN_KEYS, BENCH_VISITOR_KEYS, benchKeyring } from '../keys.ts';
import {
  consentOf,
  contextFor,
  decideAndRender,
  decideOnly,
  recordOnly,
  wholePage,
} from '../pipeline.ts';
import { BENCH_REQUEST, NOW, NOW_S, visits } from '../visits.ts';
import { buildBundle, profile, slotIdsOf, STANDARD } from '../workload.ts';

interface MicroEnv {
  /** In-memory KV of this throwaway worker, one profile seeded (what the page path reads). */
  KV: KVNamespace;
  /** A queue producer, as the decision log uses. */
  Q: Queue;
}

async function setup(env: MicroEnv) {
  const ring = await benchKeyring();
  const token = await signVisitorToken(ring, { sub: 'bv-1' }, NOW_S);
  const bundle = await buildBundle(STANDARD);
  const profileJson = JSON.stringify(profile(1, slotIdsOf(bundle)));
  const v = visits(bundle);
  const { known, worst } = v;
  const inExperiment = v.inExperiment();
  const outcome = decideOnly(inExperiment);
  const consent = consentOf(known);
  const logKey = await pseudonymKey(
    loadConfig({ VISITOR_KEYS: BENCH_VISITOR_KEYS, ADMIN_KEYS: BENCH_ADMIN_KEYS }).visitorKeys,
  );
  await env.KV.put('profile:v:bv-1', profileJson);
  const record = {
    id: 'bench',
    at: new Date(NOW).toISOString(),
    version: bundle.version,
    page: 'home',
    slots: [],
  };
  const [head, payload, sig] = token.split('.') as [string, string, string];
  const signed = new TextEncoder().encode(`${head}.${payload}`);
  const signature = Uint8Array.from(atob(sig.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
    c.charCodeAt(0),
  );
  // What the route hands requestContext: the request's URL and headers, already there.
  const given = {
    url: new URL(`https://shop.example${BENCH_REQUEST.path}`),
    headers: new Headers({
      'user-agent': BENCH_REQUEST.userAgent,
      'accept-language': 'de-DE,de;q=0.9,en;q=0.8',
    }),
    cf: { country: BENCH_REQUEST.country, timezone: 'Europe/Berlin', continent: 'EU' },
    now: BENCH_REQUEST.now,
    returning: BENCH_REQUEST.returning,
  };
  const big = await scaledBundle(SCALES[1]!);
  const { version: _, ...bigBody } = big;
  // The same 1 MB bundle in both stored forms (shared/bundle/version.ts).
  const single = { ...bigBody, version: await singleBundleVersion(bigBody) };
  const bigText = singleBundleText(single);
  const bigBytes = new TextEncoder().encode(bigText);
  const partsBytes = new TextEncoder().encode(bundleText(big));
  await env.KV.put('bundle:big', bigText);
  // The glue between the parts: what a request pays besides them (docs/performance.md).
  const cookieHeader = new Headers({ cookie: `${CONSENT_COOKIE}=all; ${VISITOR_COOKIE}=${token}` });
  const cookieOf = (name: string) => {
    const header = cookieHeader.get('cookie');
    return header ? parseCookies(header, name)[name] : undefined;
  };
  const visitHeaders: VisitHeaders = {
    mode: VISIT,
    nonce: 'bm9uY2Vub25jZW5vbmNl',
    decisionId: '5f0c6a8e-1d2b-4c3d-9e8f-0a1b2c3d4e5f',
    version: 'v-0123456789abcdef',
    reasons: ['consent.contextual'],
    timing: 'identity;dur=0, kv;dur=0, decide;dur=0',
    identity: { issueToken: token },
    clearCookie: false,
  };
  const logLine = JSON.stringify({ event: 'bench.line', pad: 'x'.repeat(1200) });
  const ops: Record<string, () => unknown> = {
    timer: () => clearTimeout(setTimeout(() => {}, 1000)),
    deadline: () => withDeadline(() => Promise.resolve(1), 1000),
    cookies: () =>
      [PREVIEW_COOKIE, CONSENT_COOKIE, VISITOR_COOKIE, ARMS_COOKIE].map(cookieOf).filter(Boolean)
        .length,
    uuid: () => crypto.randomUUID(),
    url: () => new URL(`https://shop.example${BENCH_REQUEST.path}?utm_source=mail`).pathname,
    'log-line': () => console.log(logLine),
    'headers-bare': () =>
      new Response('x', {
        headers: htmlHeaders(visitHeaders.nonce, { 'x-tessera-version': 'bare' }),
      }),
    // As pages built them until 2026-12-01: a Headers object, then set() header by header.
    'headers-set': () =>
      new Response('x', {
        headers: applyVisitHeaders(new Headers(htmlHeaders(visitHeaders.nonce, {})), visitHeaders),
      }),
    headers: () => htmlResponse('x', 200, visitHeaders),
    hmac: () => crypto.subtle.verify('HMAC', ring.signing.key, signature, signed),
    'kv-hit': () => env.KV.get('profile:v:bv-1', 'text'),
    'kv-miss': () => env.KV.get('profile:v:nobody', 'text'),
    'queue-send': () => env.Q.send(record, { contentType: 'json' }),
    verify: () => verifyVisitorToken(ring, token, NOW_S),
    sign: () => signVisitorToken(ring, { sub: 'bv-2' }, NOW_S),
    profile: () => profileGate(JSON.parse(profileJson)),
    'profile-zod': () => Profile.safeParse(JSON.parse(profileJson)),
    'profile-json': () => JSON.parse(profileJson),
    context: () => requestContext(given),
    'context-built': () => contextFor(BENCH_REQUEST),
    'url-headers': () => {
      const url = new URL(`https://shop.example${BENCH_REQUEST.path}`);
      const headers = new Headers({
        'user-agent': BENCH_REQUEST.userAgent,
        'accept-language': 'de',
      });
      return url.pathname.length + (headers.get('user-agent')?.length ?? 0);
    },
    known: () => decideAndRender(known),
    worst: () => decideAndRender(worst),
    experiment: () => decideAndRender(inExperiment),
    record: async () =>
      recordOnly(inExperiment, outcome, consent) + (await pseudonym(logKey, 'bv-1')),
    pseudonym: () => pseudonym(logKey, 'bv-1'),
    page: () => wholePage(known),
    // A new 1 MB bundle version, as the bundle store loads it (shared/data/bundle-store.ts),
    // step by step; the bench reports each step as a difference of these.
    'bundle-kv': () => env.KV.get('bundle:big', 'text'),
    'bundle-kv-bytes': () => env.KV.get('bundle:big', 'arrayBuffer'),
    'bundle-decode': () => new TextDecoder().decode(bigBytes),
    'bundle-encode': () => new TextEncoder().encode(bigText),
    'bundle-sha': () => crypto.subtle.digest('SHA-256', bigBytes),
    'bundle-parse': () => JSON.parse(bigText),
    'bundle-check': () => checkBundle(JSON.parse(bigText)),
    // Stored in one piece (the single form, before issue 18's parts):
    'bundle-verify': () => verifiedStored(bigBytes, single.version),
    'bundle-shape': () => loadBundle(bigBytes, single.version),
    'bundle-load': async () => {
      // What the first request for /p/1 adds: its page's slots checked and compiled on first use.
      const bundle = (await loadBundle(bigBytes, single.version))!;
      const c = compile(bundle);
      for (const id of pageForPath(bundle, '/p/1')!.slots) c.slots.get(id);
      return c;
    },
    // Every slot's variants and rules at once, as the store did before issue 18's lazy slots.
    'bundle-load-all': async () => {
      const c = compile((await loadBundle(bigBytes, single.version))!);
      for (const id of c.slots.keys()) c.slots.get(id);
      return c;
    },
    // Stored in parts (issue 18): all bytes hashed, the manifest parsed, /p/1's slots on use.
    'parts-verify': () => verifiedStored(partsBytes, big.version),
    'parts-shape': () => loadBundle(partsBytes, big.version),
    'parts-load': async () => {
      const bundle = (await loadBundle(partsBytes, big.version))!;
      const c = compile(bundle);
      for (const id of pageForPath(bundle, '/p/1')!.slots) c.slots.get(id);
      return c;
    },
  };
  return ops;
}

let ready: ReturnType<typeof setup> | undefined;

export default {
  async fetch(request: Request, env: MicroEnv): Promise<Response> {
    const ops = await (ready ??= setup(env));
    const url = new URL(request.url);
    const op = ops[url.searchParams.get('op') ?? ''];
    const n = Number(url.searchParams.get('n') ?? '0');
    if (!op) return new Response('unknown op', { status: 400 });
    for (let i = 0; i < n; i++) await op();
    return new Response('ok');
  },
};
