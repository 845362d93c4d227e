/**
 * The origin server of the origin-mode tests: a real worker (an auxiliary worker of the `worker`
 * vitest project, reached through the visitor worker's outbound fetch, exactly as production
 * reaches a site's server). Its behaviour is chosen by the query string, so each test states in
 * its URL what the origin does:
 *
 *   body=page|nested|template|noscript|void|contexts|nobody|headless|headonly|openhead|empty|big-before|big-inside|cp1252|utf16|json|sse|echo
 *   slots=a,b        page markers (default "hero,banner")      status=404   type=<content-type>
 *   cc=<cache-control>  csp=<policy>  metacsp=<policy>  cookie=<set-cookie> (repeatable)
 *   delay=<ms before headers>   gzip=1   chunked=1 (tiny chunks, split inside tags)   location=<url>
 *
 * Every response carries `x-origin-render: <uuid>` (and HTML a matching <meta>), so a test can
 * tell a cached copy from a fresh one. GET /bytes answers 256 binary bytes and honours Range.
 * Plain JavaScript: auxiliary workers are not bundled by vitest.
 */
const enc = new TextEncoder();

function page({ slots, render, metacsp }) {
  const markers = slots
    .map((s) => `<div class="origin-slot" data-tessera-slot="${s}"><p>Origin ${s}</p></div>`)
    .join('\n');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    (metacsp ? `<meta http-equiv="Content-Security-Policy" content="${metacsp}">` : '') +
    `<meta name="origin-render" content="${render}"><title>Origin page</title>` +
    `<script>window.originInline = 1</script></head>` +
    `<body><header>Origin header</header><!-- origin comment: <div data-tessera-slot="hero"> -->\n${markers}\n<footer>Origin footer</footer></body></html>`
  );
}

const BIG = 'x'.repeat(3.5 * 1024 * 1024);

function bodyFor(name, q, render) {
  const slots = (q.get('slots') ?? 'hero,banner').split(',').filter(Boolean);
  const metacsp = q.get('metacsp');
  switch (name) {
    case 'nested':
      return `<html><head></head><body><div data-tessera-slot="hero">outer <div data-tessera-slot="banner">inner</div></div><section data-tessera-slot="nosuch"><div data-tessera-slot="banner">inside unknown</div></section></body></html>`;
    case 'template':
      return `<html><head></head><body><template><div data-tessera-slot="hero">in template</div></template><noscript><div data-tessera-slot="banner">in noscript</div></noscript><div data-tessera-slot="banner">live banner</div></body></html>`;
    case 'void':
      return `<html><head></head><body><img data-tessera-slot="hero" src="/x.png" alt=""><div data-tessera-slot="banner">b</div></body></html>`;
    case 'contexts':
      // Every place a marker can stand, then a live one once each has closed.
      return (
        `<html><head></head><body>` +
        `<div data-tessera-slot="hero">outer <p><span data-tessera-slot="banner">inner</span></p></div>` +
        `<section data-tessera-slot="nosuch"><template><i data-tessera-slot="banner">t</i></template></section>` +
        `<template><div data-tessera-slot="banner">in template</div></template>` +
        `<svg><g data-tessera-slot="banner"/></svg><input data-tessera-slot="banner">` +
        `<div data-tessera-slot="banner">live</div></body></html>`
      );
    case 'nobody':
      return `<p>A fragment without head or body.</p><div data-tessera-slot="hero">h</div>`;
    case 'headless':
      return `<html><body><div data-tessera-slot="hero">h</div></body></html>`;
    case 'headonly':
      return `<html><head><title>t</title></head><div data-tessera-slot="hero">h</div></html>`;
    case 'openhead':
      return `<html><head><title>t</title><body><div data-tessera-slot="hero">h</div></body></html>`;
    case 'big-before':
      return `<html><head></head><body><pre>${BIG}</pre><div data-tessera-slot="hero">h</div><p>after</p></body></html>`;
    case 'big-inside':
      return `<html><head></head><body><div data-tessera-slot="hero"><pre>${BIG}</pre></div><p>after</p></body></html>`;
    case 'cp1252':
      // "Café" in windows-1252: é is the single byte 0xE9.
      return Uint8Array.from(
        [
          ...`<html><head></head><body><p>Caf\u00e9</p><div data-tessera-slot="hero">h</div></body></html>`,
        ].map((c) => c.charCodeAt(0)),
      );
    case 'utf16': {
      const text = `<html><body><div data-tessera-slot="hero">h</div></body></html>`;
      const bytes = new Uint8Array(text.length * 2);
      for (let i = 0; i < text.length; i++) bytes[i * 2] = text.charCodeAt(i);
      return bytes;
    }
    case 'json':
      return JSON.stringify({ ok: true, render });
    case 'sse':
      return 'data: one\n\ndata: two\n\n';
    default:
      return page({ slots, render, metacsp });
  }
}

const TYPES = {
  json: 'application/json',
  sse: 'text/event-stream',
  cp1252: 'text/html; charset=windows-1252',
  utf16: 'text/html; charset=utf-16le',
};

function chunked(bytes) {
  // Tiny chunks: tags, attributes and text arrive split.
  return new ReadableStream({
    async start(controller) {
      for (let i = 0; i < bytes.length; i += 7) {
        controller.enqueue(bytes.slice(i, i + 7));
        if (i % 70 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      controller.close();
    },
  });
}

function bytesRoute(request) {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.get('range') ?? '');
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    return new Response(all.slice(from, to + 1), {
      status: 206,
      headers: { 'content-type': 'image/png', 'content-range': `bytes ${from}-${to}/256` },
    });
  }
  return new Response(all, { headers: { 'content-type': 'image/png', 'accept-ranges': 'bytes' } });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const q = url.searchParams;
    if (url.pathname.endsWith('/bytes')) return bytesRoute(request);
    if (q.get('crash')) throw new Error('origin crashed');
    const render = crypto.randomUUID();
    const delay = Number(q.get('delay') ?? 0);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const name = q.get('body') ?? 'page';
    const headers = new Headers({
      'content-type': q.get('type') ?? TYPES[name] ?? 'text/html; charset=utf-8',
      'x-origin-render': render,
      etag: `"${render}"`,
      'last-modified': 'Mon, 23 Nov 2026 10:00:00 GMT',
      'server-timing': 'app;dur=3',
    });
    if (q.get('cc')) headers.set('cache-control', q.get('cc'));
    if (q.get('csp')) headers.set('content-security-policy', q.get('csp'));
    for (const c of q.getAll('cookie')) headers.append('set-cookie', c);
    if (q.get('location')) headers.set('location', q.get('location'));
    const status = Number(q.get('status') ?? 200);
    if (name === 'echo') {
      const body =
        request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
      headers.set('content-type', 'application/json');
      return new Response(
        JSON.stringify({
          method: request.method,
          url: request.url,
          headers: Object.fromEntries(request.headers),
          body,
        }),
        { status, headers },
      );
    }
    if (
      name === 'empty' ||
      status === 304 ||
      status === 204 ||
      (status >= 300 && status < 400 && q.get('location'))
    )
      return new Response(null, { status, headers });
    const body = bodyFor(name, q, render);
    let bytes = typeof body === 'string' ? enc.encode(body) : body;
    if (q.get('gzip')) {
      const gz = new Response(
        new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip')),
      );
      bytes = new Uint8Array(await gz.arrayBuffer());
      headers.set('content-encoding', 'gzip');
    }
    return new Response(q.get('chunked') ? chunked(bytes) : bytes, {
      status,
      headers,
      encodeBody: 'manual',
    });
  },
};
