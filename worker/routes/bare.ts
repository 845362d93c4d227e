/**
 * GET /__tessera/bare: the benchmark's baseline (see docs/performance.md). Same worker, same
 * router and the same class of headers as a personalized page, but the body is precomputed:
 * no cookie, no KV, no decide, no render. The cost of personalization is measured against it.
 *
 * `?bytes=N` sizes the body (1 KB–256 KB, default 16 KB) so it can match the page it is compared
 * with. Each size is built once per isolate; only a handful of sizes are kept.
 */
import type { Context } from 'hono';
import { STYLES } from '../render/styles.ts';
import { htmlHeaders } from './page.ts';

const DEFAULT_BYTES = 16 * 1024;
const MIN_BYTES = 1024;
const MAX_BYTES = 256 * 1024;
const MAX_SIZES = 8;

const pages = new Map<number, string>();

function filler(bytes: number): string {
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tessera · bare</title><style>${STYLES}</style></head><body><main>`;
  const tail = '</main></body></html>';
  const paragraph = '<p>Static baseline: the same bytes for every visitor, built once per isolate.</p>';
  let body = '';
  while (head.length + body.length + paragraph.length + tail.length <= bytes) body += paragraph;
  const html = head + body + tail;
  // ASCII only, so characters are bytes; pad the last few with spaces to hit the size exactly.
  return html.length < bytes ? html.replace('</main>', `${' '.repeat(bytes - html.length)}</main>`) : html;
}

/** The precomputed body for a requested size (clamped), built on first use. */
export function barePage(requested: number): string {
  const bytes = Number.isInteger(requested) ? Math.min(MAX_BYTES, Math.max(MIN_BYTES, requested)) : DEFAULT_BYTES;
  let html = pages.get(bytes);
  if (html === undefined) {
    html = filler(bytes);
    if (pages.size >= MAX_SIZES) pages.clear();
    pages.set(bytes, html);
  }
  return html;
}

export function handleBare(c: Context): Response {
  const requested = c.req.query('bytes');
  const html = barePage(requested === undefined ? DEFAULT_BYTES : Number(requested));
  return new Response(html, { status: 200, headers: htmlHeaders({ 'x-tessera-version': 'bare' }) });
}
