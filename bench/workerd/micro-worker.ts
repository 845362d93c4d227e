/**
 * A throwaway worker for the bench only: runs one operation of the page path `n` times inside
 * workerd and answers when done. The client times requests with n = N and n = 0; the difference
 * over N is the cost per operation in the worker's own runtime (workerd does not advance its
 * clocks during synchronous work, so the worker cannot time itself).
 */
import { Profile } from '../../shared/schema/profile.ts';
import { signVisitorToken, verifyVisitorToken } from '../../worker/identity/visitor-token.ts';
import { benchKeyring } from '../keys.ts';
import { contextFor, decideAndRender, type Visit } from '../pipeline.ts';
import { buildBundle, profile, slotIdsOf, STANDARD } from '../workload.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const NOW_S = Math.floor(NOW / 1000);

interface MicroEnv {
  /** In-memory KV of this throwaway worker, one profile seeded (what the page path reads). */
  KV: KVNamespace;
  /** A queue producer, as the decision log uses. */
  Q: Queue;
}

async function setup(env: MicroEnv) {
  const ring = await benchKeyring();
  const token = await signVisitorToken(ring, { sub: 'bv-1' }, NOW_S);
  const bundle = await buildBundle({ ...STANDARD, experiments: false });
  const page = bundle.pages[0]!;
  const profileJson = JSON.stringify(profile(1, slotIdsOf(bundle)));
  const known: Visit = { bundle, page, profile: Profile.parse(JSON.parse(profileJson)), context: contextFor({ path: page.path, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148', country: 'DE', returning: true, now: NOW }), now: NOW };
  const worst: Visit = { bundle, page, context: contextFor({ path: page.path, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0', country: 'JP', returning: false, now: NOW }), now: NOW };
  await env.KV.put('profile:v:bv-1', profileJson);
  const record = { id: 'bench', at: new Date(NOW).toISOString(), version: bundle.version, page: 'home', slots: [] };
  const [head, payload, sig] = token.split('.') as [string, string, string];
  const signed = new TextEncoder().encode(`${head}.${payload}`);
  const signature = Uint8Array.from(atob(sig.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const ops: Record<string, () => unknown> = {
    hmac: () => crypto.subtle.verify('HMAC', ring.signing.key, signature, signed),
    'kv-hit': () => env.KV.get('profile:v:bv-1', 'text'),
    'kv-miss': () => env.KV.get('profile:v:nobody', 'text'),
    'queue-send': () => env.Q.send(record, { contentType: 'json' }),
    verify: () => verifyVisitorToken(ring, token, NOW_S),
    sign: () => signVisitorToken(ring, { sub: 'bv-2' }, NOW_S),
    profile: () => Profile.safeParse(JSON.parse(profileJson)),
    known: () => decideAndRender(known),
    worst: () => decideAndRender(worst),
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
