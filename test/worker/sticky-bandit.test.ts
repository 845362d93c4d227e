/**
 * Issue 12, item 1: a bandit visitor keeps the arm of their first exposure for the phase's life.
 * The arm is remembered in a signed cookie claim (`__Host-tsr_arms`, shared/auth/arms-token.ts)
 * written on that first exposure only; when the split moves, returning visitors stay put and
 * only new visitors follow it.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { armsCookieOf, freshIsolate, publishSplit } from '../support/bandit-visits.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { NEW_KID } from '../support/keys.ts';
import { mintVisitorToken } from '../support/tokens.ts';

const bandit = testBundleBody({
  experiments: [
    {
      id: 'hero-bandit',
      type: 'bandit',
      scope: { slot: 'hero' },
      arms: [{ id: 'plain' }, { id: 'running', variant: 'hero-running' }],
    },
  ],
});

/** Publishes a split that sends every new visitor to one arm (share of `running`). */
const split = (epoch: string, running: number) =>
  publishSplit('hero-bandit', ['plain', 'running'], epoch, running);

const isolate = freshIsolate;

async function view(
  app: ReturnType<typeof isolate>,
  cookies: string[],
  o: { query?: string; headers?: Record<string, string> } = {},
) {
  const res = await app.fetch(
    new Request(`https://shop.test/${o.query ?? ''}`, {
      headers: { cookie: cookies.join('; '), ...o.headers },
    }),
    env,
    createExecutionContext(),
  );
  const text = await res.text();
  const arm = /data-tessera-slot="hero" data-tessera-variant="hero-running"/.test(text)
    ? 'running'
    : 'plain';
  return { res, arm, arms: armsCookieOf(res) };
}

const visitorCookie = async (sub: string) => `__Host-tsr_vid=${await mintVisitorToken({ sub })}`;

describe('sticky bandits', () => {
  beforeEach(async () => {
    await publishTestBundle(bandit);
  });

  it('keeps a returning visitor in the arm of their first exposure when the split moves', async () => {
    await split('e1', 0);
    const vid = await visitorCookie('v-sticky-1');
    const first = await view(isolate(), [vid]);
    expect(first.arm).toBe('plain');
    expect(first.arms).toMatch(/^__Host-tsr_arms=[\w-]+\.[\w-]+\.[\w-]+$/);

    await split('e2', 1); // the bandit now sends every new visitor to "running"
    const app = isolate();
    for (let i = 0; i < 3; i++) {
      const again = await view(app, [vid, first.arms!]);
      expect(again.arm).toBe('plain');
      expect(again.arms).toBeUndefined(); // nothing new to remember: no cookie write
    }
    expect((await view(app, [await visitorCookie('v-sticky-new')])).arm).toBe('running');
  });

  it('sets the arms cookie with the visitor cookie’s flags and lifetime', async () => {
    await split('e1', 1);
    const { res } = await view(isolate(), [await visitorCookie('v-sticky-flags')]);
    const header = res.headers.getSetCookie().find((c) => c.startsWith('__Host-tsr_arms='))!;
    expect(header).toMatch(/Max-Age=34560000; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    expect(header.length).toBeLessThan(400);
  });

  it('never writes an arm claim for a debug render', async () => {
    await split('e1', 1);
    const read = bearerHeader(await mintAdminToken({ scope: 'read' }));
    const debugged = await view(isolate(), [await visitorCookie('v-sticky-debug')], {
      query: '?tessera_debug=1',
      headers: read,
    });
    expect(debugged.arm).toBe('running');
    expect(debugged.arms).toBeUndefined();
  });

  it('ignores an arms cookie it did not sign, or a visitor token in its place, and draws afresh', async () => {
    await split('e1', 1);
    const vid = await visitorCookie('v-sticky-forged');
    const forged = await new SignJWT({ arms: { abc: 0 } })
      .setProtectedHeader({ alg: 'HS256', kid: NEW_KID })
      .setAudience('tessera-arms')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-key-not-the-key-not-the-key!'));
    for (const token of [forged, await mintVisitorToken({ sub: 'v-sticky-forged' }), 'garbage']) {
      const res = await view(isolate(), [vid, `__Host-tsr_arms=${token}`]);
      expect(res.res.status).toBe(200);
      expect(res.arm).toBe('running');
      expect(res.arms).toBeDefined(); // replaced by a cookie of ours
    }
  });

  it('clears the arms cookie when the visitor withdraws consent', async () => {
    await split('e1', 1);
    const vid = await visitorCookie('v-sticky-none');
    const first = await view(isolate(), [vid]);
    const withdrawn = await view(isolate(), [vid, first.arms!, 'tsr_consent=none']);
    expect(withdrawn.res.headers.getSetCookie()).toContain(
      '__Host-tsr_arms=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
  });
});
