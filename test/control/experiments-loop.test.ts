/**
 * The whole measurement loop in workerd: a page view assigns an arm → the decision log carries
 * it → the DECISIONS consumer writes the exposure → the tracker's click goes through POST /events
 * → the EVENTS consumer stores it under the same pseudonym → the report attributes it.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SITE } from '../support/site.ts';
import { signAdminToken } from '../../shared/auth/admin-token.ts';
import { loadConfig } from '../../shared/config.ts';
import type { Report } from '../../shared/experiments/report.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { eventually } from '../support/eventually.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

describe('the measurement loop', () => {
  it('turns a page view and a click into an exposure and an attributed conversion', async () => {
    await publishTestBundle(
      testBundleBody({
        holdout: { share: 0.01, salt: 'loop-holdout', goal: { event: 'click' }, windowHours: 1 },
        experiments: [
          {
            id: 'loop-test',
            scope: { slot: 'hero' },
            arms: [{ id: 'a' }, { id: 'b', variant: 'hero-running' }],
            goal: { event: 'click' },
            windowHours: 1,
          },
        ],
      }),
    );
    const visitor = 'v-loop-1';
    const cookie = cookieHeader(await mintVisitorToken({ sub: visitor }));
    const res = await SITE.fetch('https://shop.test/', { headers: cookie });
    const decisionId = res.headers.get('x-tessera-decision')!;
    const html = await res.text();
    const shown =
      /data-tessera-slot="hero" data-tessera-variant="([^"]+)" data-tessera-level="([^"]+)"/.exec(
        html,
      )!;
    const arm = shown[1] === 'hero-running' ? 'b' : 'a';

    const unit = await pseudonym(await pseudonymKey(loadConfig(env).visitorKeys), visitor);
    const exposure = await eventually(() =>
      env.DB.prepare(
        "SELECT arm, unit_id, sticky FROM exposures WHERE decision_id = ? AND experiment = 'loop-test'",
      )
        .bind(decisionId)
        .first<{ arm: string; unit_id: string; sticky: number }>(),
    );
    expect(exposure).toEqual({ arm, unit_id: unit, sticky: 1 });
    const holdout = await env.DB.prepare(
      "SELECT arm FROM exposures WHERE decision_id = ? AND experiment = '_holdout'",
    )
      .bind(decisionId)
      .first<{ arm: string }>();
    expect(holdout?.arm).toBe('personalized');

    const click = {
      id: `click-${decisionId}`,
      type: 'click',
      slot: 'hero',
      variant: shown[1],
      decisionId,
    };
    const posted = await SITE.fetch('https://shop.test/events', {
      method: 'POST',
      headers: { ...cookie, 'content-type': 'text/plain' },
      body: JSON.stringify({ events: [click] }),
    });
    expect(posted.status).toBe(202);
    await eventually(() =>
      env.DB.prepare('SELECT id FROM events WHERE id = ? AND visitor_id = ?')
        .bind(click.id, unit)
        .first(),
    );

    const token = await signAdminToken(await keyringFor(loadConfig(env).adminKeys), {
      sub: 'loop@test',
      scopes: ['read'],
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    const report = (await (
      await SITE.fetch('https://shop.test/admin/experiments/loop-test/report', {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as Report;
    const row = report.arms.find((a) => a.arm === arm)!;
    expect([row.exposures, row.conversions]).toEqual([1, 1]);
    expect(report.holdout!.arms.find((a) => a.arm === 'personalized')!.conversions).toBe(1);
  }, 30_000);
});
