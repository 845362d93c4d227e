/// <reference types="vite/client" />
/**
 * The XSS corpus (test/support/xss-payloads.txt) through every component prop, attribute and
 * URL, from content and from profile traits (via `{{traits.x}}`). The invariant: hostile text
 * never changes the shape of the page — same elements, no event-handler attributes, no script
 * without the response's nonce, every URL inert — compared with the same page built from
 * harmless text.
 */
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSafeUrl } from '../../shared/url.ts';
import type { BundleInput } from '../../shared/schema/bundle.ts';
import { jsonForScript } from '../../worker/render/json-script.ts';
import { compile } from '../../worker/decide/compile.ts';
import { renderSlot } from '../../worker/render/slot.tsx';
import { fillFor } from '../../worker/render/text.ts';
import { buildTestBundle, publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { isInertUrl, shapeOf, type Shape } from '../support/html-shape.ts';
import corpus from '../support/xss-payloads.txt?raw';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const PAYLOADS = corpus.split('\n').filter((line) => line.length > 0);
const URL_ATTRS = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'srcdoc',
  'data',
  'poster',
  'xlink:href',
]);

/** A bundle whose every rendered string is `t(max)` and every URL is `url`. */
function everyProp(
  t: (max: number) => string,
  url: string,
  site: (max: number) => string = t,
): BundleInput {
  const link = { label: t(80), href: url };
  return {
    schemaVersion: 1,
    site: { name: site(80), tagline: site(160), lang: 'en' },
    pages: [
      {
        id: 'home',
        path: '/',
        title: site(120),
        description: site(300),
        slots: ['a', 'b', 'c', 'd', 'e'],
      },
    ],
    slots: [
      {
        id: 'a',
        component: 'announcement-bar',
        default: 'v',
        variants: [{ id: 'v', props: { text: t(200), link, nav: [link, link] } }],
      },
      {
        id: 'b',
        component: 'hero',
        default: 'v',
        variants: [
          { id: 'v', props: { eyebrow: t(60), headline: t(120), subhead: t(300), cta: link } },
        ],
      },
      {
        id: 'c',
        component: 'product-grid',
        default: 'v',
        variants: [
          {
            id: 'v',
            props: {
              title: t(120),
              products: [
                {
                  sku: site(64),
                  name: t(120),
                  price: 1,
                  currency: 'EUR',
                  href: url,
                  badge: t(30),
                  category: site(64),
                },
              ],
            },
          },
        ],
      },
      {
        id: 'd',
        component: 'testimonial',
        default: 'v',
        variants: [{ id: 'v', props: { quote: t(600), author: t(80), role: t(80), rating: 4 } }],
      },
      {
        id: 'e',
        component: 'cta-banner',
        default: 'v',
        variants: [{ id: 'v', props: { headline: t(120), body: t(300), button: link } }],
      },
    ],
  };
}

const cut = (s: string) => (max: number) => s.slice(0, max);
const nonceOf = (res: Response) =>
  /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];

function expectHarmless(shape: Shape, baseline: Shape, nonce: string | undefined, payload: string) {
  expect(shape.tags, payload).toEqual(baseline.tags);
  for (const a of shape.attributes) {
    expect(a.name.startsWith('on'), `${payload}: <${a.tag} ${a.name}>`).toBe(false);
    if (URL_ATTRS.has(a.name))
      expect(isInertUrl(a.value), `${payload}: ${a.name}=${a.value}`).toBe(true);
  }
  for (const s of shape.scripts) expect(s.nonce).toBe(nonce);
}

async function pageShape(headers: Record<string, string> = {}) {
  const res = await SELF.fetch('https://shop.test/', { headers });
  expect(res.status).toBe(200);
  return { shape: await shapeOf(await res.text()), nonce: nonceOf(res) };
}

describe('XSS payloads in content', () => {
  let baseline: Shape;
  beforeAll(async () => {
    await publishTestBundle(everyProp(cut('harmless words'), '/safe'));
    baseline = (await pageShape()).shape;
  });

  it(`leave the page's shape unchanged for all ${PAYLOADS.length} payloads in every text prop, and in URLs the schema lets through`, async () => {
    for (const payload of PAYLOADS) {
      // A URL the schema would refuse cannot be published; it is exercised below, at render time.
      await publishTestBundle(
        everyProp(cut(payload), isSafeUrl(payload) ? payload : '/safe', cut(payload)),
      );
      const { shape, nonce } = await pageShape();
      expectHarmless(shape, baseline, nonce, payload);
    }
  });
});

describe('XSS payloads in profile traits', () => {
  let baseline: Shape;
  beforeAll(async () => {
    await publishTestBundle(everyProp(cut('Hi {{traits.name|there}}'), '/safe', cut('Shop')));
    await putVisitorProfile('v-plain', { traits: { name: 'Ada' } });
    baseline = (await pageShape(cookieHeader(await mintVisitorToken({ sub: 'v-plain' })))).shape;
  });

  it(`are escaped wherever {{traits.x}} reaches the page, for all ${PAYLOADS.length} payloads`, async () => {
    for (const [i, payload] of PAYLOADS.entries()) {
      await putVisitorProfile(`v-x${i}`, { traits: { name: payload } });
      const { shape, nonce } = await pageShape(
        cookieHeader(await mintVisitorToken({ sub: `v-x${i}` })),
      );
      expectHarmless(shape, baseline, nonce, payload);
    }
  });
});

describe('XSS payloads as URLs that skipped validation', () => {
  it('are dropped at render time (defence in depth): no link is rendered with them', async () => {
    const unsafe = PAYLOADS.filter((p) => !isSafeUrl(p));
    expect(unsafe.length).toBeGreaterThan(20);
    for (const payload of unsafe) {
      const bundle = await buildTestBundle(everyProp(cut('text'), '/safe'));
      // Mutate after validation, as a bundle written to KV by something other than the CLI could be.
      const slots = compile(bundle).slots;
      for (const slot of [...slots.keys()].map((id) => slots.get(id)!)) {
        for (const v of slot.slot.variants) {
          const props = v.props as Record<string, unknown>;
          for (const key of ['cta', 'button', 'link'])
            if (props[key]) props[key] = { label: 'x', href: payload };
          if (Array.isArray(props.nav)) props.nav = [{ label: 'x', href: payload }];
          if (Array.isArray(props.products))
            props.products = [{ sku: 's', name: 'n', price: 1, currency: 'EUR', href: payload }];
        }
        const html = renderSlot(
          slot,
          {
            slot: slot.slot.id,
            component: slot.slot.component,
            variant: 'v',
            level: 'default',
            reason: 'x',
          },
          fillFor(undefined),
        ).html;
        const shape = await shapeOf(html);
        for (const a of shape.attributes)
          if (URL_ATTRS.has(a.name))
            expect(isInertUrl(a.value), `${payload}: ${a.value}`).toBe(true);
        expect(
          shape.tags.filter(
            (t) =>
              ![
                'section',
                'div',
                'p',
                'nav',
                'h1',
                'h2',
                'ul',
                'li',
                'span',
                'a',
                'figure',
                'blockquote',
                'figcaption',
                // the product picture: a constant drawing, no URL in it
                'svg',
                'path',
              ].includes(t),
          ),
        ).toEqual([]);
      }
    }
  });
});

describe('jsonForScript', () => {
  it('keeps every payload inside its <script> element and parses back to the same value', async () => {
    const value = { payloads: PAYLOADS, separators: '\u2028\u2029', comment: '<!-- <script>' };
    const html = `<script type="application/json" id="t">${jsonForScript(value)}</script><p>after</p>`;
    let text = '';
    const tags: string[] = [];
    await new HTMLRewriter()
      .on('*', { element: (el) => void tags.push(el.tagName) })
      .on('script', { text: (chunk) => void (text += chunk.text) })
      .transform(new Response(html))
      .text();
    expect(tags).toEqual(['script', 'p']);
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonForScript(undefined)).toBe('null');
  });
});
