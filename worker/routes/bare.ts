/**
 * GET /__tessera/bare: the benchmark's baseline (see docs/performance.md), served only where
 * BENCH_ROUTES is "on" — never in a deployed worker. Same worker, same
 * router and the same class of headers as a personalized page, but the body is precomputed:
 * no cookie, no KV, no decide, no render. The cost of personalization is measured against it.
 * Like every HTML response it carries the CSP with a fresh nonce, which its one <style> names.
 *
 * `?bytes=N` sizes the body (up to 256 KB, default 16 KB) so it can match the page it is compared
 * with; below the size of its own head and styles (≈ 2.4 KB) it is just that. Each size is built once per isolate; only a handful of sizes are kept.
 */
import type { Context } from 'hono';
import { STYLES } from '../render/styles.ts';
import { nonceFrom } from '../security/headers.ts';
import { htmlHeaders } from '../visit/respond.ts';

export const BARE_PATH = '/__tessera/bare';

/**
 * The route exists only when the bench asks for it (bench/server.ts sets BENCH_ROUTES=on):
 * wrangler.toml sets it in no environment, so a deployed worker answers this path like any
 * unknown page instead of serving up to 256 KB to anyone who asks.
 */
export const benchRoutesOn = (env: { BENCH_ROUTES?: string }) => env.BENCH_ROUTES === 'on';

const DEFAULT_BYTES = 16 * 1024;
const MIN_BYTES = 1024;
const MAX_BYTES = 256 * 1024;
const MAX_SIZES = 8;

/** The page around its nonce: `before + nonce + after`, per size. */
const pages = new Map<number, [before: string, after: string]>();
/** nonceFrom(randomUUID()): 32 hex characters. */
const NONCE_LENGTH = 32;

const byteLength = (s: string) => new TextEncoder().encode(s).byteLength;

function filler(bytes: number): [string, string] {
  const before = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tessera · bare</title><style nonce="`;
  const head = `">${STYLES}</style></head><body><main>`;
  const tail = '</main></body></html>';
  const paragraph =
    '<p>Static baseline: the same bytes for every visitor, built once per isolate.</p>';
  const fixed = byteLength(before) + NONCE_LENGTH + byteLength(head) + byteLength(tail);
  let body = '';
  while (fixed + body.length + paragraph.length <= bytes) body += paragraph;
  // The body is ASCII (characters are bytes): pad the last few with spaces to hit the size exactly.
  const pad = ' '.repeat(Math.max(0, bytes - fixed - body.length));
  return [before, head + body + pad + tail];
}

/** The precomputed page for a requested size (clamped), built on first use, with this nonce. */
export function barePage(requested: number, nonce: string): string {
  const bytes = Number.isInteger(requested)
    ? Math.min(MAX_BYTES, Math.max(MIN_BYTES, requested))
    : DEFAULT_BYTES;
  let parts = pages.get(bytes);
  if (parts === undefined) {
    parts = filler(bytes);
    if (pages.size >= MAX_SIZES) pages.clear();
    pages.set(bytes, parts);
  }
  return parts[0] + nonce + parts[1];
}

export function handleBare(c: Context, newId: () => string): Response {
  const requested = c.req.query('bytes');
  const nonce = nonceFrom(newId());
  const html = barePage(requested === undefined ? DEFAULT_BYTES : Number(requested), nonce);
  return new Response(html, {
    status: 200,
    headers: htmlHeaders(nonce, { 'x-tessera-version': 'bare' }),
  });
}
