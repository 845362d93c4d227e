/**
 * Admin-side helpers: admin tokens minted with jose directly (including deliberately wrong
 * ones), and both workers' apps with a clock the test controls, for publish flows that must
 * respect the one-move-per-second rule without sleeping.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { BanditStore } from '../../worker/data/bandit-store.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import { createControlApp } from '../../control/index.ts';
import { isControlPath } from '../../dev/router.ts';
import { createApp } from '../../worker/index.ts';
import { ADMIN_KID, ADMIN_SECRET } from './keys.ts';
import { nowSeconds, useTokenClock } from './tokens.ts';

export interface AdminMint {
  sub?: string;
  scope?: string;
  iss?: string;
  aud?: string;
  kid?: string;
  secret?: string;
  exp?: number;
}

export async function mintAdminToken(o: AdminMint = {}): Promise<string> {
  const now = nowSeconds();
  return new SignJWT({ scope: o.scope ?? 'publish read preview' })
    .setProtectedHeader({ alg: 'HS256', kid: o.kid ?? ADMIN_KID, typ: 'JWT' })
    .setIssuer(o.iss ?? 'tessera')
    .setAudience(o.aud ?? 'tessera-admin')
    .setSubject(o.sub ?? 'marketer@test')
    .setIssuedAt(now)
    .setExpirationTime(o.exp ?? now + 600)
    .sign(new TextEncoder().encode(o.secret ?? ADMIN_SECRET));
}

/**
 * The site — the visitor worker's app and the control plane's, routed as production routes
 * them — with one clock that only moves when the test says so.
 */
export function testWorker(startMs = Date.UTC(2026, 10, 23, 10, 0, 0)) {
  const clock = { now: startMs };
  let ids = 0;
  const now = () => clock.now;
  useTokenClock(now);
  const visitor = createApp({
    store: new BundleStore(),
    bandits: new BanditStore(),
    now,
    newId: () => `id-${++ids}`,
  });
  const control = createControlApp({ now });
  const fetch = async (
    path: string,
    init: RequestInit = {},
    bindings: Partial<Cloudflare.Env> = {},
  ) => {
    const ctx = createExecutionContext();
    const app = isControlPath(new URL(path, 'https://shop.test').pathname) ? control : visitor;
    const res = await app.fetch(
      new Request(`https://shop.test${path}`, init),
      { ...env, ...bindings },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };
  return { clock, fetch, tick: (ms = 1000) => void (clock.now += ms) };
}

/** Authorization + JSON headers for an admin call. */
export async function adminInit(
  method: string,
  body?: unknown,
  token?: string,
): Promise<RequestInit> {
  return {
    method,
    headers: {
      authorization: `Bearer ${token ?? (await mintAdminToken())}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/** Storage is shared between the tests of a file: start every publishing test from nothing live. */
export async function resetPublishing(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare('DELETE FROM publish_live'),
    env.DB.prepare('DELETE FROM publish_audit'),
  ]);
  const { keys } = await env.CONTENT.list();
  await Promise.all(keys.map((k) => env.CONTENT.delete(k.name)));
}
