/**
 * Origin mode's floor (docs/performance.md, "An origin floor that decides"): a worker in front
 * of the bench's origin that does only what an origin page personalized the way Tessera does
 * cannot avoid, with Tessera's pure core for the decisions, and nothing else of Tessera:
 *
 *   the visitor's cookie checked or a new one signed (bench/floor/worker.mjs `identify`), in
 *   parallel with the origin fetch (the request's headers forwarded) → the origin's response
 *   streamed through HTMLRewriter, with Tessera's seven crossings: the slots' stylesheet and
 *   the tracker first inside `<body>` (one handler), each `data-tessera-slot` marker filled with
 *   its variant and level (the decisions made at the first marker: request context → `choose` →
 *   every slot rendered) → at the document's end the real decision record into an
 *   isolate-wide batch (`batcher`).
 *
 * Left out: hono's routing, consent and `request.cf`, the loop guard and the cookie stripped
 * from the origin request, CSP merging, the profile gate, the pseudonym, the log line,
 * Server-Timing and the other headers, template/nested/void marker checks, the origin's
 * deadline. Run by bench/origin-ab.ts as `floor=floor:origin` (its `origin-first*` routes).
 */
import type { Profile } from '../../shared/schema/profile.ts';
import { stylesheetTag } from '../../worker/origin/assets.ts';
import { sectionInner } from '../../worker/origin/slots.ts';
import { trackerTag } from '../../worker/tracker/tag.ts';
import { decideSlots, live, recordOf } from './decided.ts';
// @ts-expect-error plain JavaScript, no declarations (the floor imports nothing of Tessera's)
import { batcher, identify, visitorKey } from './worker.mjs';

interface Env {
  CONTENT: KVNamespace;
  PROFILES: KVNamespace;
  DECISIONS: Queue;
  VISITOR_KEYS: string;
  ORIGIN_URL: string;
}
interface Who {
  visitorId: string;
  profile?: Profile;
  returning: boolean;
  setCookie?: string;
}

const keyOf = visitorKey() as (env: Env) => Promise<CryptoKey>;
const queued = batcher() as (env: Env, body: unknown) => Promise<void>;
const profiles = new Map<string, string | null>();

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const b = await live(env.CONTENT);
    const page = b?.pages.find((p) => p.id === 'origin');
    if (!b || !page) return new Response('no bundle', { status: 500 });
    const inIsolate = request.headers.get('x-bench-kv') === 'isolate';
    const who: Promise<Who> = keyOf(env).then(
      (k) => identify(request, env, k, profiles, inIsolate) as Promise<Who>,
    );
    const origin = await fetch(new URL(url.pathname + url.search, env.ORIGIN_URL), request);
    const visitor = await who;
    const decisionId = crypto.randomUUID();
    let decided: ReturnType<typeof decideSlots> | undefined;
    let filled: Map<string, { html: string; variant: string; level: string }> | undefined;
    const fill = () => {
      const d = decideSlots(b, page, request, url, visitor);
      filled = new Map(
        d.outcome.decisions.map((x, i) => [
          x.slot,
          { html: d.rendered.slots[i]?.html ?? '', variant: x.variant, level: x.level },
        ]),
      );
      return d;
    };
    const tags = stylesheetTag(undefined) + trackerTag({ decisionId });
    const response = new HTMLRewriter()
      .on('body', { element: (el) => void el.prepend(tags, { html: true }) })
      .on('[data-tessera-slot]', {
        element: (el) => {
          decided ??= fill();
          const slot = filled!.get(el.getAttribute('data-tessera-slot') ?? '');
          if (!slot) return;
          el.setInnerContent(sectionInner(slot.html), { html: true });
          el.setAttribute('data-tessera-variant', slot.variant);
          el.setAttribute('data-tessera-level', slot.level);
        },
      })
      .onDocument({
        end: () => {
          if (decided) ctx.waitUntil(queued(env, recordOf(b, page, visitor, decisionId, decided)));
        },
      })
      .transform(origin);
    response.headers.set('cache-control', 'private, no-store');
    response.headers.delete('content-length');
    if (visitor.setCookie) response.headers.append('set-cookie', visitor.setCookie);
    return response;
  },
};
