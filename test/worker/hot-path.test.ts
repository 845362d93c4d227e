/**
 * Work the page path must not repeat per request (docs/performance.md): reads that cannot
 * answer, and renders whose output is the same for every visitor.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { profileKeys } from '../../shared/kv-keys.ts';
import { Profile } from '../../shared/schema/profile.ts';
import { compile } from '../../worker/decide/compile.ts';
import type { Decision } from '../../worker/decide/types.ts';
import type { Env } from '../../worker/env.ts';
import { createWorker } from '../../worker/index.ts';
import { renderPage } from '../../worker/render/page.tsx';
import { renderSlot } from '../../worker/render/slot.tsx';
import { fillFor } from '../../worker/render/text.ts';
import { buildTestBundle, publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

/** The real PROFILES namespace, recording every key read. */
function recordingKv(real: KVNamespace, reads: string[]): KVNamespace {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'get') {
        return (key: string, ...rest: unknown[]) => {
          reads.push(key);
          return (target.get as (...a: unknown[]) => unknown)(key, ...rest);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function page(e: Env, headers?: HeadersInit) {
  const ctx = createExecutionContext();
  const res = await createWorker().fetch!(new Request('https://shop.test/', { headers }), e, ctx);
  await waitOnExecutionContext(ctx);
  return { res, html: await res.text() };
}

describe('profile reads on the page path', () => {
  beforeEach(async () => {
    await publishTestBundle();
  });

  it('does not read a profile for a visitor id minted by this request', async () => {
    const reads: string[] = [];
    const { res } = await page({ ...env, PROFILES: recordingKv(env.PROFILES, reads) });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toContain('__Host-tsr_vid=');
    expect(reads).toEqual([]);
  });

  it('still reads the profile of a visitor whose cookie is valid', async () => {
    await putVisitorProfile('v-known', { segments: ['vip'] });
    const reads: string[] = [];
    const { html } = await page(
      { ...env, PROFILES: recordingKv(env.PROFILES, reads) },
      cookieHeader(await mintVisitorToken({ sub: 'v-known' })),
    );
    expect(reads).toEqual([profileKeys.visitor('v-known')]);
    expect(html).toContain('data-tessera-variant="banner-vip"');
  });
});

describe('render memoization', () => {
  const decision = (variant: string, level: Decision['level'] = 'segment'): Decision => ({
    slot: 'hero',
    component: 'hero',
    variant,
    level,
    reason: 'rule:x',
  });
  const visitor = (firstName: string) =>
    fillFor(Profile.parse({ id: `v-${firstName}`, traits: { firstName } }));

  it('greets each visitor by name even after the variant has been rendered for another', async () => {
    const slot = compile(await buildTestBundle()).slots.get('hero')!;
    const ada = renderSlot(slot, decision('hero-greeting'), visitor('Ada'));
    const bob = renderSlot(slot, decision('hero-greeting'), visitor('Bob'));
    expect(ada.html).toContain('Welcome back, Ada');
    expect(bob.html).toContain('Welcome back, Bob');
    expect(bob.html).not.toContain('Ada');
  });

  it('labels a shared variant with the level it was chosen at on this request', async () => {
    const slot = compile(await buildTestBundle()).slots.get('hero')!;
    const first = renderSlot(slot, decision('hero-running', 'segment'), fillFor(undefined));
    const second = renderSlot(slot, decision('hero-running', 'individual'), fillFor(undefined));
    expect(first.html).toContain('data-tessera-level="segment"');
    expect(second.html).toContain('data-tessera-level="individual"');
    expect(second.html).toContain('Run further');
  });

  it('splices each request’s nonce, slots and extras into the memoized page chrome', async () => {
    const bundle = await buildTestBundle();
    const home = bundle.pages[0]!;
    const a = renderPage({ bundle, page: home, nonce: 'n1', slots: ['<p>first</p>'] });
    const b = renderPage({
      bundle,
      page: home,
      nonce: 'n2',
      slots: ['<p>second</p>'],
      bodyEnd: '<script>1</script>',
    });
    expect(a).toContain('<main><p>first</p></main>');
    expect(a).toContain('<style nonce="n1">');
    expect(a).not.toContain('tessera:');
    expect(b).toContain('<main><p>second</p></main>');
    expect(b).toContain('<style nonce="n2">');
    expect(b).not.toContain('n1');
    expect(b).toContain('<script>1</script></body>');
    const back = b
      .replace('<p>second</p>', '<p>first</p>')
      .replace('<script>1</script>', '')
      .replace('nonce="n2"', 'nonce="n1"');
    expect(back).toBe(a);
  });

  it('escapes the nonce like any attribute', async () => {
    const bundle = await buildTestBundle();
    const html = renderPage({ bundle, page: bundle.pages[0]!, nonce: '"><x', slots: [] });
    expect(html).toContain('<style nonce="&quot;&gt;&lt;x">');
  });

  it('renders a page whose title mimics a marker in full, escaped', async () => {
    const bundle = await buildTestBundle();
    const odd = { ...bundle.pages[0]!, title: 'Sale <!--tessera:slots--> now' };
    const html = renderPage({ bundle, page: odd, nonce: 'n', slots: ['<p>x</p>'] });
    expect(html).toContain('Sale &lt;!--tessera:slots--&gt; now');
    expect(html).toContain('<main><p>x</p></main>');
  });
});
