/**
 * The runtime's floor for origin mode (docs/performance.md, "The rewriter alone, and how far the
 * rounds agree"): a worker in front of the bench's origin that streams its page through
 * HTMLRewriter with the same seven crossings as Tessera — two tags first inside `<body>`, each
 * of the five markers filled, the document's end — and nothing else: no cookie, no decisions
 * (every marker gets the same fixed content, 188 bytes), no record. What any worker filling
 * these slots with HTMLRewriter pays on this runtime, whatever it decides. Run by
 * bench/origin-ab.ts as `rw=floor:rewriter` (its `origin-first*` routes).
 */
interface Env {
  ORIGIN_URL: string;
}

const TAGS =
  '<link rel="stylesheet" href="/__tessera/s.css">' +
  '<script src="/__tessera/t.js" defer data-decision="00000000-0000-4000-8000-000000000000"></script>';
const FILL =
  '<div class="tessera-slot"><h2>Free delivery on every order this week</h2>' +
  '<p>Orders over €30 ship free to your door. Ends Sunday.</p>' +
  '<a class="cta" href="/offers">See the offers</a></div>';

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const origin = await fetch(new URL(url.pathname + url.search, env.ORIGIN_URL), request);
    let filled = 0;
    const response = new HTMLRewriter()
      .on('body', { element: (el) => void el.prepend(TAGS, { html: true }) })
      .on('[data-tessera-slot]', {
        element: (el) => {
          filled++;
          el.setInnerContent(FILL, { html: true });
          el.setAttribute('data-tessera-variant', 'v');
          el.setAttribute('data-tessera-level', 'default');
        },
      })
      // A crossing at the document's end, as Tessera's (where its record leaves), handing a
      // token amount of work to waitUntil.
      .onDocument({ end: () => void ctx.waitUntil(Promise.resolve(filled)) })
      .transform(origin);
    response.headers.set('cache-control', 'private, no-store');
    response.headers.delete('content-length');
    return response;
  },
};
