/**
 * Sticky bandit arms on origin pages (issues 11 and 12): the arm of a first exposure is a cookie
 * claim, and an origin page's headers leave before its slots are decided — so the headers wait for
 * the decisions exactly when this view may draw an arm the visitor holds no claim for, and stream
 * at once otherwise.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { armsCookieOf, freshIsolate, publishSplit } from '../support/bandit-visits.ts';
import { publishTestBundle } from '../support/bundle.ts';
import { originBundleBody } from '../support/origin/bundle.ts';
import { heldProfiles, SHOP, variantOf } from '../support/origin/visit.ts';
import { mintVisitorToken } from '../support/tokens.ts';

const banditOnBanner = originBundleBody({
  experiments: [
    {
      id: 'banner-bandit',
      type: 'bandit',
      scope: { slot: 'banner' },
      arms: [{ id: 'plain' }, { id: 'vip-look', variant: 'banner-vip' }],
    },
  ],
});

/** Publishes a split that sends every new visitor to one arm (share of `vip-look`). */
const split = (epoch: string, vipLook: number) =>
  publishSplit('banner-bandit', ['plain', 'vip-look'], epoch, vipLook);

const isolate = freshIsolate;

const visitorCookie = async (sub: string) => `__Host-tsr_vid=${await mintVisitorToken({ sub })}`;

async function view(app: ReturnType<typeof isolate>, cookies: string[], environment = env) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`${SHOP}/o/article`, { headers: { cookie: cookies.join('; ') } }),
    environment,
    ctx,
  );
  const html = await res.text();
  await waitOnExecutionContext(ctx);
  const arm = variantOf(html, 'banner') === 'banner-vip' ? 'vip-look' : 'plain';
  return { res, arm, arms: armsCookieOf(res), timing: res.headers.get('server-timing') ?? '' };
}

describe('sticky bandit arms on an origin page', () => {
  beforeEach(async () => {
    await publishTestBundle(banditOnBanner);
  });

  it('sets the arms cookie on a first exposure and keeps the arm when the split moves', async () => {
    await split('e1', 0);
    const vid = await visitorCookie('v-origin-sticky-1');
    const first = await view(isolate(), [vid]);
    expect(first.arm).toBe('plain');
    expect(first.arms).toMatch(/^__Host-tsr_arms=[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(first.timing).toMatch(/(^|, )arms;dur=\d+/);

    await split('e2', 1); // the bandit now sends every new visitor to vip-look
    const app = isolate();
    const again = await view(app, [vid, first.arms!]);
    expect(again.arm).toBe('plain');
    expect(again.arms).toBeUndefined(); // nothing new to remember: no cookie write
    expect(again.timing).not.toContain('arms;dur'); // and no wait before the headers
    expect((await view(app, [await visitorCookie('v-origin-sticky-new')])).arm).toBe('vip-look');
  });

  it('holds the headers for the decisions only while a claim may have to be set', async () => {
    await split('e1', 1);
    const vid = await visitorCookie('v-origin-sticky-slow');
    const { arms } = await view(isolate(), [vid]);

    // The profile read is held open: until the headers arrive, or (`releaseAfterMs`) a moment.
    const slowView = async (cookies: string[], releaseAfterMs?: number) => {
      const held = heldProfiles(env.PROFILES);
      const ctx = createExecutionContext();
      const pending = isolate().fetch(
        new Request(`${SHOP}/o/article`, { headers: { cookie: cookies.join('; ') } }),
        { ...env, PROFILES: held.kv, KV_DEADLINE_MS: '10000' },
        ctx,
      );
      if (releaseAfterMs !== undefined) setTimeout(held.release, releaseAfterMs);
      const res = await pending;
      const releasedAtHeaders = held.released;
      held.release();
      await res.text();
      await waitOnExecutionContext(ctx);
      return { releasedAtHeaders, arms: armsCookieOf(res) };
    };

    const claimed = await slowView([vid, arms!]);
    expect(claimed.releasedAtHeaders).toBe(false); // streamed at once
    expect(claimed.arms).toBeUndefined();

    const unclaimed = await slowView([await visitorCookie('v-origin-sticky-slow-2')], 200);
    expect(unclaimed.releasedAtHeaders).toBe(true); // waited for the decisions
    expect(unclaimed.arms).toBeDefined();
  });

  it('clears the arms cookie when the visitor withdraws consent', async () => {
    await split('e1', 1);
    const vid = await visitorCookie('v-origin-sticky-none');
    const first = await view(isolate(), [vid]);
    const withdrawn = await view(isolate(), [vid, first.arms!, 'tsr_consent=none']);
    expect(withdrawn.res.headers.getSetCookie()).toContain(
      '__Host-tsr_arms=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
    expect(withdrawn.arms).toBe('__Host-tsr_arms=');
  });
});
