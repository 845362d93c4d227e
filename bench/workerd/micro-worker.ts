/**
 * A throwaway worker for the bench only: runs one operation of the page path `n` times inside
 * workerd and answers when done. The client times requests with n = N and n = 0; the difference
 * over N is the cost per operation in the worker's own runtime (workerd does not advance its
 * clocks during synchronous work, so the worker cannot time itself).
 */
import { Profile } from '../../shared/schema/profile.ts';
import { requestContext } from '../../worker/context/request-context.ts';
import { signVisitorToken, verifyVisitorToken } from '../../worker/identity/visitor-token.ts';
import { benchKeyring } from '../keys.ts';
import { decideAndRender, type Visit } from '../pipeline.ts';
import { buildBundle, profile, slotIdsOf, STANDARD } from '../workload.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const NOW_S = Math.floor(NOW / 1000);

async function setup() {
  const ring = await benchKeyring();
  const token = await signVisitorToken(ring, { sub: 'bv-1' }, NOW_S);
  const bundle = await buildBundle({ ...STANDARD, experiments: false });
  const page = bundle.pages[0]!;
  const url = new URL('https://shop.example/');
  const profileJson = JSON.stringify(profile(1, slotIdsOf(bundle)));
  const known: Visit = { bundle, page, profile: Profile.parse(JSON.parse(profileJson)), context: requestContext(url, new Headers({ 'user-agent': 'iPhone Mobile' }), { country: 'DE' }, true), now: NOW };
  const worst: Visit = { bundle, page, context: requestContext(url, new Headers({ 'user-agent': 'X11 Linux' }), { country: 'JP' }, false), now: NOW };
  const ops: Record<string, () => unknown> = {
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
  async fetch(request: Request): Promise<Response> {
    const ops = await (ready ??= setup());
    const url = new URL(request.url);
    const op = ops[url.searchParams.get('op') ?? ''];
    const n = Number(url.searchParams.get('n') ?? '0');
    if (!op) return new Response('unknown op', { status: 400 });
    for (let i = 0; i < n; i++) await op();
    return new Response('ok');
  },
};
