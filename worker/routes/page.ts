/**
 * The personalized page: read → parse → decide → render → log.
 *
 * identity (cookie) ─┬─ live bundle (pointer + isolate cache) ─┐
 *                    └─ profile (customer, else visitor)  ─────┴─ decide → render slots → page
 *
 * Reads run in parallel, each under a deadline; every degradation is a reason code, never a 5xx.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { configFor } from '../config.ts';
import { requestContext, type CfProps } from '../context/request-context.ts';
import type { BundleStore } from '../data/bundle-store.ts';
import { readProfile } from '../data/profile-store.ts';
import { compile, pageForPath } from '../decide/compile.ts';
import { decide } from '../decide/decide.ts';
import type { Env } from '../env.ts';
import { VISITOR_COOKIE, resolveVisitor, visitorCookie } from '../identity/visitor.ts';
import { keyringFor } from '../identity/keyring.ts';
import type { Reason } from '../reasons.ts';
import { renderNotFound, renderPage, renderSetupPage } from '../render/page.tsx';
import { renderSlot } from '../render/slot.tsx';
import { fillFor } from '../render/text.ts';

export interface PageDeps {
  store: BundleStore;
  now: () => number;
  newId: () => string;
}

type Ctx = Context<{ Bindings: Env }>;

/** Headers on every HTML response, personalized or not. */
export function htmlHeaders(extra: Record<string, string>): Headers {
  return new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'private, no-store',
    vary: 'Cookie',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    ...extra,
  });
}

export async function handlePage(c: Ctx, deps: PageDeps): Promise<Response> {
  const config = configFor(c.env);
  const t0 = deps.now();
  const url = new URL(c.req.url);
  const decisionId = deps.newId();

  const ring = await keyringFor(config.visitorKeys);
  const identity = await resolveVisitor(ring, getCookie(c, VISITOR_COOKIE), Math.floor(t0 / 1000), deps.newId);
  const t1 = deps.now();

  const [live, read] = await Promise.all([
    deps.store.live(c.env.CONTENT, t0, config.kvDeadlineMs, config.pointerTtlMs),
    readProfile(c.env.PROFILES, identity, config.kvDeadlineMs),
  ]);
  const t2 = deps.now();
  const reasons: Reason[] = [...(identity.reason ? [identity.reason] : []), ...live.reasons, ...read.reasons];

  const respond = (html: string, status: number, version: string, timing?: string) => {
    const headers = htmlHeaders({ 'x-tessera-decision': decisionId, 'x-tessera-version': version });
    if (reasons.length) headers.set('x-tessera-reasons', [...new Set(reasons)].join(','));
    if (timing) headers.set('server-timing', timing);
    if (identity.issueToken) headers.append('set-cookie', visitorCookie(identity.issueToken));
    return new Response(html, { status, headers });
  };

  const bundle = live.bundle;
  if (!bundle) return respond(renderSetupPage(), 200, 'none');
  const page = pageForPath(bundle, url.pathname);
  if (!page) {
    reasons.push('page.not_found');
    return respond(renderNotFound(bundle, url.pathname), 404, bundle.version);
  }

  const context = requestContext(
    url,
    c.req.raw.headers,
    c.req.raw.cf as CfProps | undefined,
    !identity.isNew || (read.profile?.behavior.visits ?? 0) > 0,
  );
  const decisions = decide({ bundle, pageId: page.id, profile: read.profile, context, now: t0 });
  const t3 = deps.now();

  const slots = compile(bundle).slots;
  const fill = fillFor(read.profile);
  const rendered = decisions.map((d) => {
    const slot = slots.get(d.slot);
    const out = slot ? renderSlot(slot, d, fill) : { html: '', variant: '', reason: 'slot.variant_missing' as const };
    if (out.reason) reasons.push(out.reason);
    return out;
  });
  const html = renderPage({ bundle, page, slots: rendered.map((r) => r.html) });
  const t4 = deps.now();

  c.executionCtx.waitUntil(
    Promise.resolve().then(() =>
      console.log(
        JSON.stringify({
          event: 'tessera.decision',
          decisionId,
          version: bundle.version,
          page: page.id,
          profile: read.source ?? 'none',
          reasons: [...new Set(reasons)],
          slots: decisions.map((d, i) => ({ slot: d.slot, variant: rendered[i]?.variant, level: d.level, reason: d.reason })),
        }),
      ),
    ),
  );
  return respond(
    html,
    200,
    bundle.version,
    `identity;dur=${t1 - t0}, kv;dur=${t2 - t1}, decide;dur=${t3 - t2}, render;dur=${t4 - t3}, total;dur=${t4 - t0}`,
  );
}
