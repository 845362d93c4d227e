/**
 * The runtime's floor for a personalized page (issue 18, docs/performance.md "The floor"): a
 * worker with none of Tessera's code that answers the bench's request-path routes with only the
 * runtime calls a personalized page cannot avoid — and nothing else. bench/origin-ab.ts runs it
 * beside Tessera's built script, on the same routes, against the same KV:
 *
 *   GET /__tessera/bare   the same static page as Tessera's bare route (nonce, CSP, headers)
 *   GET / (no cookie)     a first visit: a new id, its cookie signed (one HMAC through
 *                         WebCrypto), Set-Cookie
 *   GET / (cookie)        a known visitor: the cookie's HMAC verified, the profile read (through
 *                         the same in-isolate stand-in as Tessera's `x-bench-kv: isolate` rows:
 *                         first read from KV, then memory) and parsed
 *
 * Every page is the bare page's bytes at the requested size — no decisions, no rendering, no
 * hono. `record` adds the decision record the brief asks for ("every decision is logged with its
 * reason") in one of two cheap forms, each in waitUntil:
 *   'line'   the visitor's pseudonym (one HMAC) and one JSON log line the length of Tessera's
 *            record — what Tessera does besides its queue send;
 *   'queue'  the record (same length, no pseudonym, no log line) into an isolate-wide batch that
 *            leaves with one `sendBatch` per 20 ms — Tessera's queue send alone.
 * Plain JavaScript, no imports but this file, so nothing of Tessera's is measured.
 */
const UTF8 = new TextEncoder();
const COOKIE = '__Host-tsr_vid';
const PAGE_BYTES = 9_500;
/** A decision record's JSON line is ≈ 1.3–1.9 KB in the bench's workload. */
const RECORD_CHARS = 1_600;

const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
const fromB64url = (s) =>
  Uint8Array.from(atob(s.replaceAll('-', '+').replaceAll('_', '/')), (ch) => ch.charCodeAt(0));

function page(bytes, nonce) {
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title><style nonce="${nonce}">p{margin:0}</style></head><body><main>`;
  const tail = '</main></body></html>';
  return head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

function headers(nonce, extra) {
  return new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'private, no-store',
    vary: 'Cookie',
    'content-security-policy': `default-src 'self'; script-src 'nonce-${nonce}' 'strict-dynamic'; style-src 'self' 'nonce-${nonce}'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    ...extra,
  });
}

function cookieOf(request) {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (part.slice(0, at).trim() === COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The visitor key, imported once per isolate. */
export function visitorKey() {
  let key;
  return (env) =>
    (key ??= crypto.subtle.importKey(
      'raw',
      UTF8.encode(Object.values(JSON.parse(env.VISITOR_KEYS))[0]),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ));
}

/**
 * Who the visitor is: the cookie's HMAC verified and the profile read and parsed, or, without a
 * valid cookie, a new id and its cookie signed (one HMAC). The profile comes through `profiles`
 * (an in-isolate Map standing for an edge cache hit) when `inIsolate`, from KV otherwise.
 */
export async function identify(request, env, k, profiles, inIsolate) {
  const token = cookieOf(request);
  const parts = token?.split('.');
  if (parts?.length === 3) {
    const ok = await crypto.subtle.verify(
      'HMAC',
      k,
      fromB64url(parts[2]),
      UTF8.encode(`${parts[0]}.${parts[1]}`),
    );
    const claims = ok ? JSON.parse(new TextDecoder().decode(fromB64url(parts[1]))) : {};
    if (typeof claims.sub === 'string') {
      const profileKey = claims.cid ? `profile:c:${claims.cid}` : `profile:v:${claims.sub}`;
      let text = inIsolate ? profiles.get(profileKey) : undefined;
      if (text === undefined) {
        text = await env.PROFILES.get(profileKey);
        if (inIsolate) profiles.set(profileKey, text);
      }
      return {
        visitorId: claims.sub,
        profile: text ? JSON.parse(text) : undefined,
        returning: true,
      };
    }
  }
  const visitorId = crypto.randomUUID();
  const body = `${b64url(UTF8.encode('{"alg":"HS256","kid":"k"}'))}.${b64url(UTF8.encode(JSON.stringify({ sub: visitorId, iat: 0, exp: 1 })))}`;
  const mac = await crypto.subtle.sign('HMAC', k, UTF8.encode(body));
  return {
    visitorId,
    returning: token !== undefined,
    setCookie: `${COOKIE}=${body}.${b64url(mac)}; Max-Age=31536000; Path=/; Secure; HttpOnly; SameSite=Lax`,
  };
}

/**
 * An isolate-wide batch of decision records: at most 100 messages per `sendBatch`, as the
 * platform allows; whatever waits leaves after 20 ms. `queued(env, body)` is the record's promise
 * for waitUntil.
 */
export function batcher() {
  let batch = [];
  const leave = (env) => {
    const leaving = batch;
    batch = [];
    return leaving.length ? env.DECISIONS.sendBatch(leaving) : undefined;
  };
  return (env, body) => {
    batch.push({ body, contentType: 'json' });
    if (batch.length >= 100) return Promise.resolve(leave(env));
    if (batch.length > 1) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, 20)).then(() => leave(env));
  };
}

/**
 * `decide` (bench/floor/decided.ts only): instead of the static page, a hook that makes the page
 * and its record from the visit — Tessera's pure decision core, nothing of its pipeline. With it
 * the profile is read as Tessera reads it: through the in-isolate stand-in only when the request
 * carries `x-bench-kv: isolate`, from miniflare's KV otherwise.
 */
export function floorWorker({ record: form, decide }) {
  const keyOf = visitorKey();
  const profiles = new Map();
  const queued = batcher();
  const pad = 'x'.repeat(RECORD_CHARS);
  const record = (env, ctx, k, visitorId, reason, made) =>
    ctx.waitUntil(
      form === 'queue'
        ? queued(
            env,
            made?.record ?? {
              event: 'tessera.decision',
              visitor: visitorId,
              reasons: [reason],
              pad,
            },
          )
        : (async () => {
            const mac = await crypto.subtle.sign('HMAC', k, UTF8.encode(visitorId));
            const line = JSON.stringify({
              event: 'tessera.decision',
              visitor: b64url(mac.slice(0, 16)),
              reasons: [reason],
              pad,
            });
            console.log(line);
          })(),
    );

  return {
    async fetch(request, env, ctx) {
      const url = new URL(request.url);
      const nonce = crypto.randomUUID().replaceAll('-', '');
      const bytes = Number(url.searchParams.get('bytes')) || PAGE_BYTES;
      if (url.pathname === '/__tessera/bare')
        return new Response(page(bytes, nonce), {
          headers: headers(nonce, { 'x-tessera-version': 'bare' }),
        });
      const k = await keyOf(env);
      const extra = { 'x-tessera-decision': crypto.randomUUID(), 'x-tessera-version': 'floor' };
      const inIsolate = !decide || request.headers.get('x-bench-kv') === 'isolate';
      const { visitorId, profile, returning, setCookie } = await identify(
        request,
        env,
        k,
        profiles,
        inIsolate,
      );
      if (setCookie) extra['set-cookie'] = setCookie;
      const made = decide
        ? await decide({ request, env, url, nonce, visitorId, profile, returning })
        : undefined;
      if (form) record(env, ctx, k, visitorId, returning ? 'cookie.ok' : 'cookie.missing', made);
      return new Response(made?.html ?? page(bytes, nonce), { headers: headers(nonce, extra) });
    },
  };
}
