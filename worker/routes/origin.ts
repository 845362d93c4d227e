/**
 * Origin pages: the visit pipeline (worker/visit/) with the origin's HTML as the page shell.
 * Own pages and origin pages share every phase; only where the shell comes from differs.
 *
 *   bundle → page (origin) ─┬─ origin fetch (deadline; a shell from the edge cache) ─┐
 *                           ├─ consent, identity ──────────────────────────────────────┴─ headers out,
 *                           └─ profile, bandit ─ (awaited in the first slot) ─ choose → render → fill
 *   stream: origin head → <body> + stylesheet and tracker → … slots … → </body>
 *   after the document: the decision record (only slots actually filled count as exposures)
 *
 * Non-HTML, non-200, non-GET and Range responses pass through untouched (origin/pass-through.ts).
 * Failures: 502/504/508 pages with a reason code (origin/failure.tsx), never a hang.
 */
import type { Context } from 'hono';
import type { Page } from '../../shared/schema/bundle.ts';
import { DEFAULT_ORIGIN_TIMEOUT_MS } from '../../shared/schema/origin-paths.ts';
import type { LiveBundle } from '../../shared/data/bundle-store.ts';
import type { Env } from '../env.ts';
import { stylesheetTag, STYLESHEET_PATH } from '../origin/assets.ts';
import { shellCacheable, shellKey } from '../origin/cache.ts';
import { planCsp, type CspPlan } from '../origin/csp.ts';
import { renderOriginFailure, FAILURE_STATUS, type OriginFailure } from '../origin/failure.tsx';
import { fetchWithDeadline, type OriginResult } from '../origin/fetch.ts';
import { personalizeHeaders } from '../origin/headers.ts';
import { charsetOf, rewritable } from '../origin/pass-through.ts';
import { HOP_HEADER, originRequest, originUrl } from '../origin/request.ts';
import { rewriteOrigin } from '../origin/rewrite.ts';
import { asciiHtml, sectionInner, type SlotFill, type SlotOutcome } from '../origin/slots.ts';
import { TRACKER_PATH } from '../tracker/tag.ts';
import type { Reason } from '../../shared/reasons.ts';
import type { Trace } from '../debug/trace.ts';
import { mayDrawBanditArm } from '../experiments/assign.ts';
import { newArmsToken } from '../visit/arms.ts';
import { carriesTracker, decoratesBody, headExtras, pageExtras } from '../visit/extras.ts';
import { contextOf, requestWho } from '../visit/from-request.ts';
import { logSink, logVisit } from '../visit/log.ts';
import type { VisitMode } from '../visit/mode.ts';
import { personalize, type Personalized } from '../visit/personalize.ts';
import { readData, readWho, type VisitIO, type VisitRead, type WhoRead } from '../visit/read.ts';
import { htmlResponse, traceResponse, type VisitHeaders } from '../visit/respond.ts';
import type { Timings } from '../visit/timings.ts';

type Ctx = Context<{ Bindings: Env }>;

/** A visit whose page has `origin`: everything handlePage resolved before branching. */
export interface OriginVisit {
  c: Ctx;
  io: VisitIO;
  mode: VisitMode;
  timings: Timings;
  live: LiveBundle & { bundle: NonNullable<LiveBundle['bundle']> };
  page: Page & { origin: NonNullable<Page['origin']> };
  bandit: Parameters<typeof readData>[4];
  decisionId: string;
  nonce: string;
}

/** How long a decision record may wait for the document to end (a visitor may stop reading). */
const LOG_WAIT_MS = 30_000;

/** 502/504/508 with the reason in words, in `X-Tessera-Reasons` and in the page. */
export function originFailure(
  reason: OriginFailure,
  v: Omit<VisitHeaders, 'reasons' | 'version'> & { version?: string; reasons?: readonly Reason[] },
): Response {
  return htmlResponse(renderOriginFailure(reason, v.nonce), FAILURE_STATUS[reason], {
    ...v,
    version: v.version ?? 'none',
    reasons: [...(v.reasons ?? []), reason],
  });
}

/**
 * A request Tessera does not personalize, sent to the origin as is (its own cookies removed,
 * the loop guard added) and answered exactly as the origin answered.
 */
export async function passThrough(
  request: Request,
  base: string,
  timeoutMs: number,
  now: () => number,
  nonce: string,
): Promise<Response> {
  const failure = (reason: OriginFailure) =>
    new Response(renderOriginFailure(reason, nonce), {
      status: FAILURE_STATUS[reason],
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-tessera-reasons': reason,
      },
    });
  if (request.headers.has(HOP_HEADER)) return failure('origin.loop');
  const result = await fetchWithDeadline(
    originRequest(request, base, { anonymous: false }),
    timeoutMs,
    now,
  );
  return result.ok ? result.response : failure(result.reason);
}

/** A shell from the edge cache, else from the origin (stored when the origin allows it). */
async function shellFetch(
  request: Request,
  base: string,
  timeoutMs: number,
  now: () => number,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<OriginResult> {
  const start = now();
  const key = shellKey(originUrl(new URL(request.url), base));
  const cache = caches.default;
  const hit = await cache.match(key).catch(() => undefined);
  if (hit) return { ok: true, response: hit, ttfbMs: now() - start, cache: 'hit' };
  const result = await fetchWithDeadline(
    originRequest(request, base, { anonymous: true }),
    timeoutMs,
    now,
  );
  if (!result.ok || !shellCacheable(result.response)) return result;
  waitUntil(
    cache
      .put(key, result.response.clone())
      .catch((error: unknown) =>
        console.error(
          JSON.stringify({ event: 'tessera.origin.cache_put_failed', error: String(error) }),
        ),
      ),
  );
  return { ...result, cache: 'miss' };
}

export async function handleOriginPage(v: OriginVisit): Promise<Response> {
  const { c, io, mode, live, page, decisionId, nonce } = v;
  const { bundle } = live;
  const request = c.req.raw;
  const url = new URL(request.url);
  const t0 = v.timings.start;
  const now = io.now;
  const whoRead = readWho(io, mode, requestWho(c), live, t0);
  const data = whoRead.then((who) => readData(io, mode, live, who, v.bandit));
  const headersFor = (who: WhoRead, reasons: Reason[], armsToken?: string): VisitHeaders => ({
    mode,
    nonce,
    decisionId,
    version: bundle.version,
    reasons,
    identity: who.identity,
    clearCookie: who.clearCookie,
    ...(who.clearArms ? { clearArms: true } : {}),
    ...(armsToken ? { armsToken } : {}),
  });
  const early = (who: WhoRead): Reason[] => [
    ...who.consent.reasons,
    ...(who.identity.reason ? [who.identity.reason] : []),
    ...live.reasons,
  ];

  const base = io.config.originUrl ?? bundle.site.origin?.url;
  if (request.headers.has(HOP_HEADER) || !base) {
    const who = await whoRead;
    return originFailure(base ? 'origin.loop' : 'origin.unconfigured', {
      ...headersFor(who, early(who)),
    });
  }

  // Personalization, started at most once, when the first slot (or the trace) needs it; once
  // made, later slots are filled without pausing the stream.
  type Made = Personalized & { read: VisitRead; reasons: Reason[] };
  let made: Made | undefined;
  let personalized: Promise<Made> | undefined;
  const decide = (read: VisitRead): Made => {
    const reasons = [...read.reasons];
    const context = contextOf(request, url, read, t0);
    const p = personalize({
      mode,
      decisionId,
      nonce,
      read,
      bundle: read.bundle ?? bundle,
      page,
      context,
      now: t0,
      reasons,
    });
    return (made = { ...p, read, reasons });
  };
  const personalizeOnce = () => (personalized ??= data.then(decide));
  // The reads, once they are in. The first slot then decides at once and fills without pausing
  // the stream: a handler's promise costs lol-html a wait and another crossing into JavaScript.
  let readIn: VisitRead | undefined;
  data.then(
    (read) => void (readIn = read),
    () => undefined,
  );
  /** The personalization, made now if the reads are in and nothing has started it; else none. */
  const madeNow = (): Made | undefined => {
    if (made || personalized || !readIn) return made;
    try {
      personalized = Promise.resolve(decide(readIn));
    } catch (error) {
      // As when it fails in a promise: every slot keeps the origin's markup, no record.
      personalized = Promise.reject(error as Error);
      personalized.catch(() => undefined);
      throw error;
    }
    return made;
  };

  // Sticky bandits: a first exposure's arm claim is a cookie, so it must be in the headers, which
  // leave before any slot is decided. Only a view that may draw an arm the visitor holds no claim
  // for yet makes the headers wait for the decisions (`Server-Timing: arms;dur=` says how long);
  // every other view streams at once.
  let armsWaited = false;
  const firstClaim = async (who: WhoRead): Promise<string | undefined> => {
    if (request.method !== 'GET' || !mode.counts || !who.arms) return undefined;
    const claims = await who.arms;
    // The request's own signals (no profile yet) settle a `when` that reads only them.
    const context = contextOf(request, url, { identity: who.identity }, t0);
    if (!mayDrawBanditArm(bundle, page.id, who.identity.visitorId, claims, t0, context))
      return undefined;
    armsWaited = true;
    const p = await personalizeOnce();
    return newArmsToken(mode, p.read, p.choice, p.read.bundle ?? bundle, io.config.visitorKeys, t0);
  };

  if (mode.debug === 'json') {
    const p = await personalizeOnce();
    logDecision(v, p, undefined);
    if (!p.trace) return new Response(null, { status: 500 });
    return traceResponse(p.trace, `identity;dur=${now() - t0}`);
  }

  const timeoutMs = bundle.site.origin?.timeoutMs ?? DEFAULT_ORIGIN_TIMEOUT_MS;
  const anonymous = page.origin.shell && request.method === 'GET' && !request.headers.has('range');
  const fetched = anonymous
    ? shellFetch(request, base, timeoutMs, now, (p) => c.executionCtx.waitUntil(p))
    : fetchWithDeadline(originRequest(request, base, { anonymous: false }), timeoutMs, now);
  let identityMs = 0;
  const [origin, who] = await Promise.all([
    fetched,
    whoRead.then((w) => ((identityMs = now() - t0), w)),
  ]);
  if (!origin.ok) return originFailure(origin.reason, headersFor(who, early(who)));
  const response = origin.response;
  if (!rewritable(request, response)) return response;

  const reasons = early(who);
  const charset = charsetOf(response.headers.get('content-type'));
  const utf8 = charset === 'utf-8' || charset === 'utf8';
  if (!utf8) reasons.push('origin.charset');
  const encode = utf8 ? (html: string) => html : asciiHtml;

  const self = url.origin;
  const targets = {
    script: self + TRACKER_PATH,
    style: self + STYLESHEET_PATH,
    connect: `${self}/events`,
    nonce,
  };
  let csp: CspPlan = planCsp(response.headers.get('content-security-policy'), targets);
  const armsStart = now();
  const armsToken = await firstClaim(who);
  const armsMs = now() - armsStart;
  const timing = `origin;dur=${origin.ttfbMs}, identity;dur=${identityMs}${armsWaited ? `, arms;dur=${armsMs}` : ''}`;
  const visitHeaders = headersFor(who, reasons, armsToken);
  const adjust = { csp: csp.header, timing, cache: origin.cache };
  // HEAD, or a response without a body: nothing to rewrite, the personalized headers on a copy of
  // the origin's (a fetched response's own headers are immutable).
  if (request.method === 'HEAD' || response.body === null)
    return new Response(null, {
      status: response.status,
      statusText: response.statusText,
      headers: personalizeHeaders(new Headers(response.headers), visitHeaders, adjust),
    });

  const notes: { slot: string; outcome: SlotOutcome }[] = [];
  let ended!: () => void;
  const documentEnded = new Promise<void>((resolve) => (ended = resolve));
  const slotIds = new Set(page.slots);
  const extras = (trace?: Trace) =>
    encode(
      pageExtras(mode, {
        nonce: csp.scriptNonce ?? '',
        decisionId,
        version: bundle.version,
        consent: who.consent.level,
        ...(trace ? { trace } : {}),
      }).bodyEnd,
    );
  // What a view adds to <body> is the tracker (a counted view) or a ribbon or panel (a preview, a
  // debug page), never both (visit/extras.ts). The tracker goes first inside <body>, with the
  // stylesheet, and `extras()` is then the tracker alone; a ribbon or panel goes before </body>.
  // Nothing to add (consent `none` on a page without slots): no handler.
  const ribbonOrPanel = decoratesBody(mode);
  const head = headExtras(mode);
  const needsStyles = page.slots.length > 0 || mode.preview !== undefined;
  const trackerFirst = carriesTracker(mode, who.consent.level);

  let rewritten: Response;
  try {
    rewritten = rewriteOrigin(response, {
      ...(needsStyles || trackerFirst
        ? {
            bodyStart: () =>
              (needsStyles ? encode(stylesheetTag(csp.styleNonce)) : '') +
              (trackerFirst ? extras() : ''),
          }
        : {}),
      ...(head ? { headEnd: encode(head) } : {}),
      metaCsp: (content) => {
        const meta = planCsp(content, targets, csp);
        csp = { ...csp, ...meta, header: csp.header };
        return meta.header ?? content;
      },
      fill: (slot) => {
        if (!slotIds.has(slot)) return 'slot.unknown';
        const fillFrom = (p: Made): SlotFill | Exclude<SlotOutcome, 'filled'> => {
          const i = p.choice.decisions.findIndex((d) => d.slot === slot);
          const out = p.slots[i];
          const decision = p.choice.decisions[i];
          if (!out || !decision) return 'kept';
          // Origin mode keeps the origin's own markup rather than Tessera's fallback variant.
          if (out.reason === 'slot.variant_missing' || out.reason === 'slot.render_error')
            return out.reason;
          const html = encode(sectionInner(out.html));
          return { html, variant: out.variant, level: decision.level };
        };
        const ready = made ?? madeNow();
        return ready ? fillFrom(ready) : personalizeOnce().then(fillFrom);
      },
      ...(ribbonOrPanel
        ? {
            bodyEnd: () => {
              if (mode.debug !== 'html') return extras();
              return made ? extras(made.trace) : personalizeOnce().then((p) => extras(p.trace));
            },
          }
        : {}),
      note: (slot, outcome) => notes.push({ slot, outcome }),
      done: () => ended(),
    });
  } catch {
    // lol-html refuses the document's encoding (UTF-16, unknown): the page as the origin sent it.
    return response;
  }
  // Before any handler runs: they run as the body is pumped, after this function has returned.
  personalizeHeaders(rewritten.headers, visitHeaders, adjust);
  let giveUp: ReturnType<typeof setTimeout> | null = null;
  const patience = new Promise<void>((resolve) => (giveUp = setTimeout(resolve, LOG_WAIT_MS)));
  c.executionCtx.waitUntil(
    Promise.race([documentEnded, patience]).then(async () => {
      if (giveUp !== null) clearTimeout(giveUp);
      if (personalized) logDecision(v, await personalized, notes);
    }),
  );
  return rewritten;
}

/**
 * The decision record of an origin page: every decided slot, with the variant shown only where
 * a marker was actually filled; exposures only for experiments whose slots were shown, and the
 * holdout only when anything was. Marker outcomes other than `filled` join the reasons.
 */
function logDecision(
  v: OriginVisit,
  p: Personalized & { read: VisitRead; reasons: Reason[] },
  notes: { slot: string; outcome: SlotOutcome }[] | undefined,
): void {
  const { read } = p;
  const filled = notes
    ? new Set(notes.filter((n) => n.outcome === 'filled').map((n) => n.slot))
    : new Set(p.choice.decisions.map((d) => d.slot));
  const outcomes = (notes ?? [])
    .map((n) => n.outcome)
    .filter((o): o is Exclude<SlotOutcome, 'filled' | 'kept'> => o !== 'filled' && o !== 'kept');
  const choice = {
    ...p.choice,
    exposures: p.choice.exposures.filter((e) => e.slots.some((s) => filled.has(s))),
    measuresHoldout: p.choice.measuresHoldout && filled.size > 0,
  };
  const context = contextOf(v.c.req.raw, new URL(v.c.req.url), read, v.timings.start);
  logVisit(logSink(v.c.env, v.c.executionCtx, v.io), {
    mode: v.mode,
    decisionId: v.decisionId,
    now: v.timings.start,
    version: (read.bundle ?? v.live.bundle).version,
    pageId: v.page.id,
    read,
    context,
    choice,
    rendered: p.choice.decisions.map((d, i) => ({
      html: '',
      variant: filled.has(d.slot) ? (p.slots[i]?.variant ?? '') : '',
    })),
    reasons: [...p.reasons, ...outcomes],
  });
}
