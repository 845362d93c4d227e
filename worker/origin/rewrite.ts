/**
 * Streams an origin page through HTMLRewriter (lol-html), filling its slots. Nothing is
 * buffered: the origin's bytes leave as they arrive, untouched except where Tessera writes.
 *
 *   </head>          Tessera's stylesheet link (and a preview's noindex) before it — needs no
 *                    personalization, so the head streams before any decision is made
 *   meta CSP         `<meta http-equiv="Content-Security-Policy">` adjusted like the header
 *   [data-tessera-slot]  the first one awaits the decisions (the stream pauses there, not
 *                    before); each is filled or left as the origin sent it (origin/slots.ts)
 *   </body>          the tracker (and a preview ribbon or debug panel) before it; at the
 *                    document's end instead when the origin sends no `</body>`
 *
 * A handler never throws: a throw after output started would truncate the page, so every
 * failure keeps the origin's markup and is reported through `note`.
 */
import { SLOT_ATTR, type SlotFill, type SlotOutcome } from './slots.ts';

export interface RewritePlan {
  /** Trusted HTML for the end of <head> (called there, after any meta CSP was adjusted). */
  headEnd(): string;
  /** The adjusted content of a meta CSP (called while the head streams). */
  metaCsp(content: string): string;
  /**
   * A slot's fill, or why the origin's markup stays; a promise only while the decisions are not
   * made yet (the stream pauses there).
   */
  fill(
    slot: string,
  ): SlotFill | Exclude<SlotOutcome, 'filled'> | Promise<SlotFill | Exclude<SlotOutcome, 'filled'>>;
  /** Trusted HTML for the end of <body> (a promise only when it must wait, e.g. for a trace). */
  bodyEnd(): string | Promise<string>;
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

/**
 * The rewritten response (status and the given headers; the origin's body streamed through).
 * Throws synchronously only when lol-html refuses the document's encoding (not ASCII-compatible,
 * e.g. UTF-16, or unknown): the caller passes the page through untouched.
 */
export function rewriteOrigin(origin: Response, headers: Headers, plan: RewritePlan): Response {
  let slotDepth = 0;
  let inert = 0;
  let headSeen = false;
  let bodyEnded = false;
  const rewriter = new HTMLRewriter()
    .on('template', {
      element: (el) =>
        guarded(() => {
          inert++;
          el.onEndTag(() => {
            inert--;
          });
        }, ignore),
    })
    .on('meta[http-equiv]', {
      element: (el) =>
        guarded(() => {
          if (el.getAttribute('http-equiv')?.trim().toLowerCase() !== 'content-security-policy')
            return;
          const content = el.getAttribute('content');
          if (content) el.setAttribute('content', plan.metaCsp(content));
        }, ignore),
    })
    .on('head', {
      element: (el) =>
        guarded(() => {
          el.onEndTag((end) =>
            guarded(() => {
              headSeen = true;
              end.before(plan.headEnd(), { html: true });
            }, ignore),
          );
        }, ignore),
    })
    .on(`[${SLOT_ATTR}]`, {
      element: (el) => {
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
            if (inert > 0) return plan.note(slot, 'slot.inert');
            if (slotDepth > 0 || el.removed) return plan.note(slot, 'slot.nested');
            try {
              el.onEndTag(() => {
                slotDepth--;
              });
            } catch {
              return plan.note(slot, 'slot.void'); // no end tag: <img>, <input>, …
            }
            slotDepth++;
            const fill = plan.fill(slot);
            return fill instanceof Promise ? fill.then(apply) : apply(fill);
          },
          () => plan.note(slot, 'slot.render_error'),
        );
      },
    })
    .on('body', {
      element: (el) =>
        guarded(() => {
          el.onEndTag((end) =>
            guarded(() => {
              bodyEnded = true;
              const html = plan.bodyEnd();
              if (!(html instanceof Promise)) return void end.before(html, { html: true });
              return html.then((h) => void end.before(h, { html: true }));
            }, ignore),
          );
        }, ignore),
    })
    .onDocument({
      end: (end) =>
        guarded(
          () => {
            const finish = (html: string) => {
              if (!bodyEnded) end.append((headSeen ? '' : plan.headEnd()) + html, { html: true });
              plan.done();
            };
            if (bodyEnded) return finish('');
            const html = plan.bodyEnd();
            return html instanceof Promise ? html.then(finish) : finish(html);
          },
          () => plan.done(),
        ),
    });
  return rewriter.transform(
    new Response(origin.body, { status: origin.status, statusText: origin.statusText, headers }),
  );
}
