/**
 * Helpers for origin-mode tests: a visit through the whole worker (SELF) and the slot markers of
 * the page it got.
 */
import { SELF } from 'cloudflare:test';
import { cookieHeader, mintVisitorToken } from '../tokens.ts';

export const SHOP = 'https://shop.test';

export async function visit(
  path: string,
  o: { visitor?: string; headers?: Record<string, string>; init?: RequestInit } = {},
): Promise<Response> {
  const cookie = o.visitor ? cookieHeader(await mintVisitorToken({ sub: o.visitor })) : {};
  return SELF.fetch(`${SHOP}${path}`, {
    redirect: 'manual',
    ...o.init,
    headers: { ...cookie, ...o.headers },
  });
}

/** Each slot marker of the page (outside comments): its slot and the variant filled in ('' when kept). */
export function markers(html: string): { slot: string; variant: string }[] {
  const live = html.replace(/<!--[^]*?-->/g, '');
  return [...live.matchAll(/<\w+[^>]*\sdata-tessera-slot="([^"]*)"[^>]*>/g)].map((m) => ({
    slot: m[1]!,
    variant: /data-tessera-variant="([^"]*)"/.exec(m[0])?.[1] ?? '',
  }));
}

export const variantOf = (html: string, slot: string) =>
  markers(html).find((m) => m.slot === slot)?.variant;

/**
 * The PROFILES namespace with every read held open until `release()` (or the test's own moment):
 * shows what the worker streams before the profile is there. `released` says whether it was.
 */
export function heldProfiles(profiles: KVNamespace) {
  const held = { released: false, release: () => {}, kv: undefined as unknown as KVNamespace };
  const gate = new Promise<void>((r) => (held.release = r));
  held.kv = {
    get: (key: string, type: 'text') =>
      gate.then(() => ((held.released = true), profiles.get(key, type))),
  } as unknown as KVNamespace;
  return held;
}
