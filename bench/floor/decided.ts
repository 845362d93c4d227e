/**
 * The runtime's floor with Tessera's pure decision core (docs/performance.md, "A floor that
 * decides"): bench/floor/worker.mjs's queued form — the cookie, the profile read (through the
 * in-isolate stand-in when the request carries `x-bench-kv: isolate`, from miniflare's KV
 * otherwise, as Tessera reads it), a record per view into an isolate-wide batch — whose page is
 * made by the same pure functions Tessera's visit pipeline calls (request context → choose with
 * the holdout and experiments → render every slot → the page with its nonce and tracker tag → the
 * decision record), instead of a static page. The bundle is read once per isolate. Left out:
 * Tessera's routing (hono), consent (`request.cf`), the profile gate, the pseudonym, the log
 * line, Server-Timing and its other headers — its pipeline. So this is a worker that decides the
 * way Tessera does with nothing else around it.
 * Built for workerd by bench/origin-ab.ts (`decided=floor:decided`).
 */
import type { Bundle, Page } from '../../shared/schema/bundle.ts';
import type { Profile } from '../../shared/schema/profile.ts';
import { loadBundle } from '../../shared/bundle/parts.ts';
import { requestContext } from '../../worker/context/request-context.ts';
import { choose } from '../../worker/visit/choose.ts';
import { pageExtras } from '../../worker/visit/extras.ts';
import { VISIT } from '../../worker/visit/mode.ts';
import { renderSlots } from '../../worker/visit/render.ts';
import { decisionRecord } from '../../worker/log/record.ts';
import { renderPage } from '../../worker/render/page.tsx';
// @ts-expect-error plain JavaScript, no declarations (the floor imports nothing of Tessera's)
import { floorWorker } from './worker.mjs';

interface Visit {
  request: Request;
  env: { CONTENT: KVNamespace };
  url: URL;
  nonce: string;
  visitorId: string;
  profile?: Profile;
  returning: boolean;
}

let bundle: Promise<Bundle | undefined> | undefined;
/** The live bundle, read, hash-checked and loaded once per isolate. */
export const live = (kv: KVNamespace) =>
  (bundle ??= (async () => {
    const pointer = JSON.parse((await kv.get('pointer:live', 'text')) ?? '{}') as {
      version?: string;
    };
    const bytes = await kv.get(`bundle:${pointer.version}`, 'arrayBuffer');
    return bytes ? loadBundle(new Uint8Array(bytes), pointer.version!) : undefined;
  })());

interface Visitor {
  visitorId: string;
  profile?: Profile;
  returning: boolean;
}

/** Tessera's pure core for one visit: the request context, `choose`, every slot rendered. */
export function decideSlots(b: Bundle, page: Page, request: Request, url: URL, v: Visitor) {
  const now = Date.now();
  const context = requestContext({
    url,
    headers: request.headers,
    cf: undefined,
    now,
    returning: v.returning,
  });
  const outcome = choose({
    bundle: b,
    pageId: page.id,
    profile: v.profile,
    context,
    now,
    consent: 'personal',
    visitorId: v.visitorId,
    snapshot: undefined,
    experiments: true,
    trace: false,
  });
  return { now, context, outcome, rendered: renderSlots(b, outcome.decisions, v.profile) };
}

/** The visit's decision record, every decided slot shown. */
export function recordOf(
  b: Bundle,
  page: Page,
  v: Visitor,
  decisionId: string,
  d: Omit<ReturnType<typeof decideSlots>, 'rendered'>,
) {
  const { outcome } = d;
  return decisionRecord({
    id: decisionId,
    now: d.now,
    version: b.version,
    page: page.id,
    visitor: v.visitorId,
    consent: 'personal',
    profile: v.profile ? 'visitor' : 'none',
    context: d.context,
    reasons: [],
    debug: false,
    slots: outcome.decisions.map((decision) => ({ decision, shown: decision.variant })),
    experiments: { outcome, measuresHoldout: outcome.measuresHoldout, sticky: outcome.sticky },
  });
}

/** The page and its record made from one visit with Tessera's pure core. */
async function decide(v: Visit) {
  const b = await live(v.env.CONTENT);
  const page = b?.pages.find((p) => p.path === v.url.pathname);
  if (!b || !page) throw new Error(`no bundle or page for ${v.url.pathname}`);
  const d = decideSlots(b, page, v.request, v.url, v);
  const decisionId = crypto.randomUUID();
  const html = renderPage({
    bundle: b,
    page,
    nonce: v.nonce,
    slots: d.rendered.slots.map((s) => s.html),
    ...pageExtras(VISIT, { nonce: v.nonce, decisionId, version: b.version, consent: 'personal' }),
  });
  return { html, record: recordOf(b, page, v, decisionId, d) };
}

/**
 * `times` > 1 (bench/floor/decided-twice.ts) makes the page that many times per request and
 * answers with the last: what a repeat costs once the first has run in the same request.
 */
export function decidedFloor(times = 1): unknown {
  return floorWorker({
    record: 'queue',
    async decide(v: Visit) {
      for (let i = 1; i < times; i++) await decide(v);
      return decide(v);
    },
  });
}

export default decidedFloor();
