/**
 * The personalized page of the bundle: the visit pipeline (worker/visit/) with Tessera's own
 * page shell around the slots — or, for a page marked `origin`, the origin's HTML as the shell
 * (routes/origin.ts): the two differ only there.
 *
 *   mode (preview, debug) → bundle → page for the path ─ origin page → routes/origin.ts
 *     → identity → profile → personalize (choose, render slots) → own shell (render/page.tsx)
 *     → respond; the decision record leaves in waitUntil
 *
 * Reads run in parallel, each under a deadline; every degradation is a reason code, never a 5xx.
 */
import type { Context } from 'hono';
import type { PreviewSession } from '../../shared/auth/preview-token.ts';
import { configFor } from '../../shared/config.ts';
import type { BanditStore } from '../data/bandit-store.ts';
import type { BundleStore } from '../../shared/data/bundle-store.ts';
import { debugMode, requestedDebug } from '../debug/access.ts';
import { pageForPath } from '../decide/compile.ts';
import type { Env } from '../env.ts';
import type { Reason } from '../../shared/reasons.ts';
import { DEFAULT_ORIGIN_TIMEOUT_MS } from '../../shared/schema/origin-paths.ts';
import { handleOriginPage, passThrough } from './origin.ts';
import { renderNotFound, renderPage, renderSetupPage } from '../render/page.tsx';
import { nonceFrom } from '../security/headers.ts';
import { contextOf, requestWho } from '../visit/from-request.ts';
import { newArmsToken } from '../visit/arms.ts';
import { logSink, logVisit } from '../visit/log.ts';
import { visitMode, type VisitMode } from '../visit/mode.ts';
import { personalize } from '../visit/personalize.ts';
import { readBandit, readBundle, readData, readWho, type VisitIO } from '../visit/read.ts';
import { htmlResponse, traceResponse, type VisitHeaders } from '../visit/respond.ts';
import { Timings } from '../visit/timings.ts';

export interface PageDeps {
  store: BundleStore;
  bandits: BanditStore;
  now: () => number;
  newId: () => string;
  /** Waits between the decision record's send retries; real time unless a test passes its own. */
  sleep?: (ms: number) => Promise<void>;
  /** How the decision record waits for company before its batch leaves; tests pass their own. */
  linger?: () => Promise<void>;
}

type Ctx = Context<{ Bindings: Env }>;

/** Per-request options resolved before the page (see worker/preview). */
export interface PageOptions {
  /** QA preview: another version and/or a forced segment; nothing logged, no cookie issued. */
  preview?: PreviewSession;
}

/** The page's I/O for the read phase. */
export function visitIO(env: Env, deps: PageDeps): VisitIO {
  return {
    store: deps.store,
    bandits: deps.bandits,
    content: env.CONTENT,
    profiles: env.PROFILES,
    config: configFor(env),
    now: deps.now,
    newId: deps.newId,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.linger ? { linger: deps.linger } : {}),
  };
}

/**
 * Preview (verified by the caller) and debug (verified here, only when asked for). A preview
 * whose signed link asked for the trace (the console's) shows it without an admin token.
 */
export async function pageMode(c: Ctx, nowMs: number, options: PageOptions): Promise<VisitMode> {
  const url = new URL(c.req.url);
  const debug = options.preview?.trace
    ? requestedDebug(url)
    : await debugMode(
        url,
        c.req.header('authorization'),
        configFor(c.env).adminKeys,
        Math.floor(nowMs / 1000),
      );
  return visitMode({ ...options, ...(debug ? { debug } : {}) });
}

export async function handlePage(
  c: Ctx,
  deps: PageDeps,
  options: PageOptions = {},
): Promise<Response> {
  const timings = new Timings(deps.now);
  const now = timings.start;
  const url = new URL(c.req.url);
  const decisionId = deps.newId();
  const nonce = nonceFrom(deps.newId());
  const io = visitIO(c.env, deps);
  const mode = await pageMode(c, now, options);
  const bandit = readBandit(io, now);
  const live = await readBundle(io, mode, now);
  const page = live.bundle && pageForPath(live.bundle, url.pathname);
  // Origin pages (and, with nothing readable live, the whole site when ORIGIN_URL is set).
  if (page?.origin && live.bundle) {
    const visit = { c, io, mode, timings, live: { ...live, bundle: live.bundle }, bandit };
    return handleOriginPage({
      ...visit,
      page: { ...page, origin: page.origin },
      decisionId,
      nonce,
    });
  }
  if (!live.bundle && io.config.originUrl)
    return passThrough(c.req.raw, io.config.originUrl, DEFAULT_ORIGIN_TIMEOUT_MS, deps.now, nonce);

  const who = await readWho(io, mode, requestWho(c), live, now);
  timings.mark('identity');
  const read = await readData(io, mode, live, who, bandit);
  timings.mark('kv');
  const reasons: Reason[] = [...read.reasons];
  const headers = (version: string, timing?: string, armsToken?: string): VisitHeaders => ({
    mode,
    nonce,
    decisionId,
    version,
    reasons,
    ...(timing ? { timing } : {}),
    identity: read.identity,
    clearCookie: read.clearCookie,
    ...(read.clearArms ? { clearArms: true } : {}),
    ...(armsToken ? { armsToken } : {}),
  });

  const { bundle } = read;
  if (!bundle) return htmlResponse(renderSetupPage(nonce), 200, headers('none'));
  if (!page) {
    reasons.push('page.not_found');
    return htmlResponse(renderNotFound(bundle, url.pathname, nonce), 404, headers(bundle.version));
  }

  const context = contextOf(c.req.raw, url, read, now);
  const visit = { mode, decisionId, nonce, read, bundle, page, context, now, reasons };
  const done = personalize({ ...visit, timings });
  const html = renderPage({
    bundle,
    page,
    nonce,
    slots: done.slots.map((s) => s.html),
    ...done.extras,
  });
  timings.mark('render');
  logVisit(logSink(c.env, c.executionCtx, io), {
    ...visit,
    version: bundle.version,
    pageId: page.id,
    choice: done.choice,
    rendered: done.slots,
  });
  // A first exposure to a bandit: the visitor's cookie remembers the arm (sticky bandits).
  const armsToken = await newArmsToken(mode, read, done.choice, bundle, io.config.visitorKeys, now);
  const timing = timings.header();
  if (done.trace && mode.debug === 'json') return traceResponse(done.trace, timing);
  return htmlResponse(html, 200, headers(bundle.version, timing, armsToken));
}

/**
 * Any other method on an origin page's path (a form post, an API call): straight to the origin
 * and back untouched. Elsewhere: 404, as before origin mode.
 */
export async function handleOriginMethod(c: Ctx, deps: PageDeps): Promise<Response> {
  const io = visitIO(c.env, deps);
  const nonce = nonceFrom(deps.newId());
  const now = deps.now();
  const live = await readBundle(io, visitMode({}), now);
  const page = live.bundle && pageForPath(live.bundle, new URL(c.req.url).pathname);
  const base = io.config.originUrl ?? live.bundle?.site.origin?.url;
  if (base && (page?.origin || (!live.bundle && io.config.originUrl))) {
    const timeoutMs = live.bundle?.site.origin?.timeoutMs ?? DEFAULT_ORIGIN_TIMEOUT_MS;
    return passThrough(c.req.raw, base, timeoutMs, deps.now, nonce);
  }
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
}
