import { createExecutionContext, env, SELF } from 'cloudflare:test';
import { contentKeys } from '../../shared/kv-keys.ts';
import { createWorker } from '../../worker/index.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { inHoldout } from '../../shared/experiments/bucketing.ts';
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

/** CONTENT whose bandit snapshot read fails; every other key reads normally. */
function failingSnapshot(real: KVNamespace): KVNamespace {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'get') {
        return (key: string, ...rest: unknown[]) =>
          key === contentKeys.banditSnapshot()
            ? Promise.reject(new Error('KV GET failed: 500'))
            : (target.get as (...a: unknown[]) => unknown)(key, ...rest);
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('a bandit without its snapshot', () => {
  it('still renders every slot, splits equally and says why (bandit.error)', async () => {
    await publishTestBundle(
      testBundleBody({
        experiments: [
          {
            id: 'hero-bandit',
            type: 'bandit',
            scope: { slot: 'hero' },
            arms: [{ id: 'a' }, { id: 'b', variant: 'hero-running' }],
          },
        ],
      }),
    );
    const worker = createWorker();
    let b = 0;
    for (let i = 0; i < 40; i++) {
      const headers = cookieHeader(await mintVisitorToken({ sub: `v-no-snapshot-${i}` }));
      const res = await worker.fetch!(
        new Request('https://shop.test/', { headers }),
        { ...env, CONTENT: failingSnapshot(env.CONTENT) },
        createExecutionContext(),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('x-tessera-reasons')).toContain('bandit.error');
      if ((await res.text()).includes('data-tessera-variant="hero-running"')) b++;
    }
    expect(b).toBeGreaterThan(8);
    expect(b).toBeLessThan(32);
  });
});

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
