/**
 * Streams an origin page through HTMLRewriter (lol-html), filling its slots. Nothing is
 * buffered: the origin's bytes leave as they arrive, untouched except where Tessera writes.
 *
 *   meta CSP         `<meta http-equiv="Content-Security-Policy">` adjusted like the header
 *   </head>          a preview's noindex `<meta>` (lol-html's `append` at `<head>`), previews only
 *   <body>           first inside it: the slots' stylesheet link (`rel=stylesheet` may stand in
 *                    the body, and there, before everything the body shows, it holds back
 *                    rendering until it has loaded) and the tracker (a `defer` script: it runs
 *                    after parsing wherever it stands). It needs no personalization; at the
 *                    document's end when no `<body>` start tag comes
 *   [data-tessera-slot]  the first one awaits the decisions (the stream pauses there, not
 *                    before); each is filled or left as the origin sent it (origin/slots.ts);
 *                    `template [data-tessera-slot]` and `[data-tessera-slot] [data-tessera-slot]`
 *                    mark the ones refused for where they stand
 *   </body>          a preview ribbon or debug panel before it; at the document's end instead
 *                    when no `</body>` (or enclosing end tag) closes it
 *
 * Every handler is a crossing into JavaScript, and in workerd each one waits its turn on the
 * event loop behind whatever other requests have ready, so under load each crossing adds waiting
 * to a page's time as well as CPU. An ordinary view makes seven: `<body>`, one per marker, the
 * document's end. Nothing is registered at `<head>` or `</head>` but for a preview (the
 * stylesheet and tracker wait for `<body>`, by when every meta CSP of the head has been read),
 * and nothing at `</body>` unless a ribbon or panel goes there (docs/performance.md, "What each
 * feature costs, and fewer crossings under load").
 *
 * A handler never throws: a throw after output started would truncate the page, so every
 * failure keeps the origin's markup and is reported through `note`.
 */
import { SLOT_ATTR, type SlotFill, type SlotOutcome } from './slots.ts';

export interface RewritePlan {
  /**
   * Trusted HTML for the end of <head> that only the head may hold (a preview's noindex `<meta>`),
   * known before the page streams: lol-html's own `append` places it, so it costs a handler at
   * `<head>` only on the views that have it; absent on every other view.
   */
  headEnd?: string;
  /**
   * Trusted HTML placed first inside `<body>` (called there, after every meta CSP of the head
   * was adjusted), or at the document's end when no `<body>` came; absent when the page gets
   * nothing there.
   */
  bodyStart?: () => string;
  /** The adjusted content of a meta CSP (called while the head streams). */
  metaCsp(content: string): string;
  /**
   * A slot's fill, or why the origin's markup stays; a promise only while the decisions are not
   * made yet (the stream pauses there).
   */
  fill(
    slot: string,
  ): SlotFill | Exclude<SlotOutcome, 'filled'> | Promise<SlotFill | Exclude<SlotOutcome, 'filled'>>;
  /**
   * Trusted HTML for the end of <body> (a promise only when it must wait, e.g. for a trace);
   * absent when the page gets nothing there (an ordinary view: its tracker is in `bodyStart`).
   */
  bodyEnd?: () => string | Promise<string>;
  /** What happened to each slot marker met, in document order. */
  note(slot: string, outcome: SlotOutcome): void;
  /** The document ended: every handler has run. */
  done(): void;
}

/**
 * Runs `f`; a throw (or a rejection) becomes `onError` and never escapes into the stream. Stays
 * synchronous when `f` is: a handler that returns a promise pauses lol-html, so only handlers
 * that really wait (the first slot, for the decisions) should.
 */
function guarded(f: () => unknown, onError: () => void): void | Promise<void> {
  const fail = () => {
    try {
      onError();
    } catch {
      // nothing left to do: the markup stays as the origin sent it
    }
  };
  try {
    const out = f();
    if (out instanceof Promise) return out.then(() => undefined, fail);
  } catch {
    fail();
  }
}

const ignore = () => {};

/** Elements lol-html (selectors_vm/stack.rs) never gives content or an end tag in HTML. */
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'basefont',
  'bgsound',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const HTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * Whether the marked element can take content. An HTML element can unless it is void; a foreign
 * one (SVG, MathML) unless its tag is self-closing (`<g/>`), which the API does not expose, so
 * there `onEndTag` is asked (it throws for an element without an end tag).
 */
function canHaveContent(el: Element): boolean {
  if (el.namespaceURI === HTML_NS) return !VOID_ELEMENTS.has(el.tagName);
  try {
    el.onEndTag(ignore);
    return true;
  } catch {
    return false;
  }
}

/**
 * The rewritten response: the origin's status and a mutable copy of its headers (the caller
 * adjusts them in place before returning it), the origin's body streamed through. Throws
 * synchronously only when lol-html refuses the document's encoding (not ASCII-compatible, e.g.
 * UTF-16, or unknown), before the origin's body is touched: the caller passes the page through
 * untouched.
 *
 * A marker's context is told by selectors, not counted with end-tag handlers (each handler is a
 * crossing into JavaScript, ≈ 7–15 µs in workerd): lol-html calls the handlers of one element in
 * the order they were registered, so the two descendant selectors registered before the marker's
 * own flag a marker inside `<template>` or inside another marker just before its handler runs.
 * Both follow lol-html's open-element stack, the same one its end tags close.
 */
export function rewriteOrigin(origin: Response, plan: RewritePlan): Response {
  let inert = false;
  let nested = false;
  let started = false;
  let bodyEnded = false;
  const rewriter = new HTMLRewriter()
    .on(`template [${SLOT_ATTR}]`, {
      element: () => {
        inert = true;
      },
    })
    .on(`[${SLOT_ATTR}] [${SLOT_ATTR}]`, {
      element: () => {
        nested = true;
      },
    })
    .on('meta[http-equiv]', {
      element: (el) =>
        guarded(() => {
          if (el.getAttribute('http-equiv')?.trim().toLowerCase() !== 'content-security-policy')
            return;
          const content = el.getAttribute('content');
          if (content) el.setAttribute('content', plan.metaCsp(content));
        }, ignore),
    });
  const { bodyStart, bodyEnd, headEnd } = plan;
  if (headEnd)
    rewriter.on('head', {
      element: (el) => guarded(() => void el.append(headEnd, { html: true }), ignore),
    });
  rewriter.on(`[${SLOT_ATTR}]`, {
    element: (el) => {
      const context = inert ? 'slot.inert' : nested ? 'slot.nested' : undefined;
      inert = nested = false;
      const slot = el.getAttribute(SLOT_ATTR) ?? '';
      const apply = (fill: SlotFill | Exclude<SlotOutcome, 'filled'>) => {
        if (typeof fill === 'string') return plan.note(slot, fill);
        el.setInnerContent(fill.html, { html: true });
        el.setAttribute('data-tessera-variant', fill.variant);
        el.setAttribute('data-tessera-level', fill.level);
        plan.note(slot, 'filled');
      };
      return guarded(
        () => {
          if (context) return plan.note(slot, context);
          if (!canHaveContent(el)) return plan.note(slot, 'slot.void'); // <img>, <input>, …
          const fill = plan.fill(slot);
          return fill instanceof Promise ? fill.then(apply) : apply(fill);
        },
        () => plan.note(slot, 'slot.render_error'),
      );
    },
  });
  if (bodyEnd || bodyStart)
    rewriter.on('body', {
      element: (el) =>
        guarded(() => {
          if (bodyStart && !started) {
            started = true;
            el.prepend(bodyStart(), { html: true });
          }
          if (!bodyEnd) return;
          el.onEndTag((end) =>
            guarded(() => {
              bodyEnded = true;
              const html = bodyEnd();
              if (!(html instanceof Promise)) return void end.before(html, { html: true });
              return html.then((h) => void end.before(h, { html: true }));
            }, ignore),
          );
        }, ignore),
    });
  rewriter.onDocument({
    end: (end) =>
      guarded(
        () => {
          // What nothing took: the body's start when no `<body>` came, its end when `</body>`
          // never came.
          const finish = (html: string) => {
            const rest = (bodyStart && !started ? bodyStart() : '') + html;
            if (rest) end.append(rest, { html: true });
            plan.done();
          };
          if (bodyEnded || !bodyEnd) return finish('');
          const html = bodyEnd();
          return html instanceof Promise ? html.then(finish) : finish(html);
        },
        () => plan.done(),
      ),
  });
  return rewriter.transform(origin);
}
