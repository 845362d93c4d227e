import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { inHoldout } from '../../worker/experiments/bucketing.ts';
import { publishTestBundle, putVisitorProfile, testBundleBody } from '../support/bundle.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const holdout = { share: 0.5, salt: 'page-holdout' };
const visitors = Array.from({ length: 24 }, (_, i) => `v-page-exp-${i}`);

async function home(visitor: string) {
  const res = await SELF.fetch('https://shop.test/', {
    headers: cookieHeader(await mintVisitorToken({ sub: visitor })),
  });
  return res.text();
}

describe('experiments on the page', () => {
  beforeEach(async () => {
    await publishTestBundle(
      testBundleBody({
        holdout,
        experiments: [
          {
            id: 'cta-test',
            scope: { slot: 'cta' },
            arms: [{ id: 'control' }, { id: 'german', variant: 'cta-de' }],
          },
        ],
      }),
    );
    for (const v of visitors)
      await putVisitorProfile(v, { segments: ['vip'], affinities: { running: 0.9 } });
  });

  it('shows holdout visitors the default everywhere and everyone else their personalized page', async () => {
    let held = 0;
    for (const v of visitors) {
      const html = await home(v);
      if (inHoldout(holdout, v)) {
        held++;
        expect(html).toContain(
          'data-tessera-slot="banner" data-tessera-variant="banner-default" data-tessera-level="default"',
        );
        expect(html).toContain('data-tessera-slot="hero" data-tessera-variant="hero-default"');
        expect(html).toContain('data-tessera-slot="cta" data-tessera-variant="cta-default"');
        expect(html).not.toContain('data-tessera-level="experiment"');
      } else {
        expect(html).toContain('data-tessera-variant="banner-vip"');
        expect(html).toContain('data-tessera-variant="hero-running"');
      }
    }
    expect(held).toBeGreaterThan(4);
    expect(held).toBeLessThan(20);
  });

  it('keeps each visitor in the same arm on every view', async () => {
    for (const v of visitors.slice(0, 8)) {
      const arm = (html: string) =>
        /data-tessera-slot="cta" data-tessera-variant="([^"]+)"/.exec(html)?.[1];
      expect(arm(await home(v))).toBe(arm(await home(v)));
    }
  });
});
