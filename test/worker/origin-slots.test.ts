/**
 * Origin mode (issue 11): the origin's HTML streams through the worker and the slots its
 * templates mark (`data-tessera-slot`) are filled per visitor; the origin's own markup stays
 * wherever Tessera cannot decide. The origin is a real worker (test/support/origin/worker.js).
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { createWorker } from '../../worker/index.ts';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import { publishTestBundle, putVisitorProfile } from '../support/bundle.ts';
import { recordingQueue } from '../support/faults.ts';
import { originBundleBody } from '../support/origin/bundle.ts';
import { heldProfiles, markers, SHOP, variantOf, visit } from '../support/origin/visit.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148';

beforeEach(async () => {
  await publishTestBundle(originBundleBody());
  await putVisitorProfile('v-origin-vip', { segments: ['vip'], traits: { plan: 'pro' } });
});

describe('slots in origin pages', () => {
  it('fills each marked slot per visitor: defaults for a first visit, the profile’s variants for a known one', async () => {
    const first = await (await visit('/o/article-1')).text();
    expect(markers(first).map((m) => [m.slot, m.variant])).toEqual([
      ['hero', 'hero-default'],
      ['banner', 'banner-default'],
    ]);
    const vip = await (await visit('/o/article-1', { visitor: 'v-origin-vip' })).text();
    expect(variantOf(vip, 'banner')).toBe('banner-vip');
    expect(variantOf(vip, 'hero')).toBe('hero-greeting');
    expect(vip).toContain('VIP: free express shipping');
    const mobile = await (
      await visit('/o/article-1', { headers: { 'user-agent': MOBILE } })
    ).text();
    expect(variantOf(mobile, 'hero')).toBe('hero-mobile');
  });

  it('changes nothing but the slots and its two tags: the rest is the origin’s, byte for byte', async () => {
    // The test can reach the origin directly too (its outbound fetch goes there as well).
    const raw = await (await fetch('https://origin.test/o/a?slots=nosuch,other')).text();
    const res = await visit('/o/a?slots=nosuch,other');
    const html = await res.text();
    const render = /content="([0-9a-f-]{36})"/;
    const same = (h: string) => h.replace(render, 'content="render-id"');
    const decision = res.headers.get('x-tessera-decision')!;
    expect(
      same(html)
        .replace('<link rel="stylesheet" href="/__tessera/s.css">', '')
        .replace(`<script src="/__tessera/t.js" defer data-decision="${decision}"></script>`, ''),
    ).toBe(same(raw));
    // And where a slot is filled, the origin's element and its attributes stay.
    const filled = await (await visit('/o/a')).text();
    expect(filled).toContain(
      '<div class="origin-slot" data-tessera-slot="hero" data-tessera-variant="hero-default" data-tessera-level="default"><div class="hero tone-primary">',
    );
    expect(filled).not.toContain('<p>Origin hero</p>');
  });

  it('puts the slots’ stylesheet and the tracker first inside <body>', async () => {
    const res = await visit('/o/article-1');
    const html = await res.text();
    const decision = res.headers.get('x-tessera-decision');
    const tags = `<link rel="stylesheet" href="/__tessera/s.css"><script src="/__tessera/t.js" defer data-decision="${decision}"></script>`;
    expect(html).toContain(`</head><body>${tags}<header>`);
    expect(html.split('/__tessera/s.css')).toHaveLength(2); // once
    expect(html.split('/__tessera/t.js')).toHaveLength(2);
    expect(html.endsWith('<footer>Origin footer</footer></body></html>')).toBe(true);
  });

  it('puts them inside <body> when no <head> or no </head> came first, and the stylesheet alone at consent none', async () => {
    const res = await visit('/o/a?body=headless');
    const html = await res.text();
    const decision = res.headers.get('x-tessera-decision');
    expect(
      html.startsWith(
        `<html><body><link rel="stylesheet" href="/__tessera/s.css"><script src="/__tessera/t.js" defer data-decision="${decision}"></script><div`,
      ),
    ).toBe(true);
    expect(html.endsWith('</div></body></html>')).toBe(true);
    expect(html.split('/__tessera/s.css')).toHaveLength(2); // once
    expect(variantOf(html, 'hero')).toBe('hero-default');
    // No tracker at consent none: the stylesheet alone.
    const none = await (
      await visit('/o/a?body=headless', { headers: { cookie: 'tsr_consent=none' } })
    ).text();
    expect(none).not.toContain('/__tessera/t.js');
    expect(none.startsWith('<html><body><link rel="stylesheet" href="/__tessera/s.css"><div')).toBe(
      true,
    );
    expect(none.endsWith('</body></html>')).toBe(true);
    expect(none.split('/__tessera/s.css')).toHaveLength(2);
    // A <head> left open: still inside <body>, once, not at </html>.
    const open = await (await visit('/o/a?body=openhead')).text();
    expect(open).toContain(
      '<title>t</title><body><link rel="stylesheet" href="/__tessera/s.css"><script',
    );
    expect(open.split('/__tessera/s.css')).toHaveLength(2);
  });

  it('gives a page without slots the tracker only', async () => {
    const html = await (await visit('/plain/checkout?slots=')).text();
    expect(html).not.toContain('/__tessera/s.css');
    expect(html).toContain('/__tessera/t.js');
  });

  it('keeps the origin’s markup for a slot the page does not decide (slot.unknown)', async () => {
    const html = await (await visit('/o/a?slots=hero,grid,nosuch')).text();
    expect(markers(html).map((m) => [m.slot, m.variant])).toEqual([
      ['hero', 'hero-default'],
      ['grid', ''],
      ['nosuch', ''],
    ]);
    expect(html).toContain('<p>Origin grid</p>');
    expect(html).toContain('<p>Origin nosuch</p>');
  });

  it('refuses nested slots: the outer one wins, even when the outer one is kept', async () => {
    const html = await (await visit('/o/a?body=nested')).text();
    expect(html).toContain(
      '<div data-tessera-slot="hero" data-tessera-variant="hero-default" data-tessera-level="default"><div class="hero tone-primary">',
    );
    expect(html).not.toContain('inner');
    // Inside a slot the page does not decide, an inner known slot stays as the origin sent it.
    expect(html).toContain(
      '<section data-tessera-slot="nosuch"><div data-tessera-slot="banner">inside unknown</div></section>',
    );
  });

  it('leaves slots inside <template> and <noscript>, and on elements without content, as sent', async () => {
    const tpl = await (await visit('/o/a?body=template')).text();
    expect(tpl).toContain('<template><div data-tessera-slot="hero">in template</div></template>');
    expect(tpl).toContain('<noscript><div data-tessera-slot="banner">in noscript</div></noscript>');
    // The live banner after them is filled; the one in <noscript> is raw text to the parser.
    expect(markers(tpl).map((m) => [m.slot, m.variant])).toEqual([
      ['hero', ''],
      ['banner', ''],
      ['banner', 'banner-default'],
    ]);
    const v = await (await visit('/o/a?body=void')).text();
    expect(v).toContain('<img data-tessera-slot="hero" src="/x.png" alt="">');
    expect(variantOf(v, 'banner')).toBe('banner-default');
  });

  it('says for each refused marker why: nested, inert, void, wherever it stands, and fills the next live one', async () => {
    const { queue, sent } = recordingQueue(env.DECISIONS);
    const ctx = createExecutionContext();
    const res = await createWorker().fetch!(
      new Request(`${SHOP}/o/a?body=contexts`) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, DECISIONS: queue },
      ctx,
    );
    const html = await res.text();
    await waitOnExecutionContext(ctx);
    expect(markers(html).map((m) => [m.slot, m.variant])).toEqual([
      ['hero', 'hero-default'],
      ['nosuch', ''],
      ['banner', ''], // in <template> inside the kept marker
      ['banner', ''], // in <template>
      ['banner', ''], // a self-closing SVG element
      ['banner', ''], // <input>
      ['banner', 'banner-default'],
    ]);
    expect(html).not.toContain('inner');
    expect(html).toContain(
      '<svg><g data-tessera-slot="banner"/></svg><input data-tessera-slot="banner">',
    );
    const [record] = sent.map((s) => DecisionRecord.parse(s));
    // Each kind once (the record's reasons are a set), in the order first met: the marker inside
    // the filled hero, the unknown one, those in <template> (inert wins over nested), those
    // without content.
    expect(record?.reasons.filter((r) => r.startsWith('slot.'))).toEqual([
      'slot.nested',
      'slot.unknown',
      'slot.inert',
      'slot.void',
    ]);
  });

  it('fills slots whose tags and attributes arrive split across many small chunks', async () => {
    const html = await (await visit('/o/a?chunked=1', { visitor: 'v-origin-vip' })).text();
    expect(variantOf(html, 'banner')).toBe('banner-vip');
    expect(html).toContain('<!-- origin comment: <div data-tessera-slot="hero"> -->');
    expect(html).toContain('<footer>Origin footer</footer>');
  });

  it('adds the tracker at the end of a fragment with no <head> or <body>', async () => {
    const html = await (await visit('/o/a?body=nobody')).text();
    expect(variantOf(html, 'hero')).toBe('hero-default');
    expect(html).toMatch(
      /<link rel="stylesheet" href="\/__tessera\/s.css"><script src="\/__tessera\/t.js"[^>]*><\/script>$/,
    );
  });

  it('puts the stylesheet and the tracker at the document’s end when a page omits <body>', async () => {
    // The start tag of <body> is optional in HTML. Without it nothing marks where the body
    // starts, so the two tags go last (the parser puts them at the end of the body): the slots
    // are filled all the same, and the tracker still runs.
    const html = await (await visit('/o/a?body=headonly')).text();
    expect(variantOf(html, 'hero')).toBe('hero-default');
    expect(html).toMatch(
      /<\/div><\/html><link rel="stylesheet" href="\/__tessera\/s.css"><script src="\/__tessera\/t.js"[^>]*><\/script>$/,
    );
    expect(html.split('/__tessera/s.css')).toHaveLength(2);
  });

  it('streams a 3.5 MiB text node before or inside a slot without breaking the page', async () => {
    const before = await (await visit('/o/a?body=big-before')).text();
    expect(before.length).toBeGreaterThan(3.5 * 1024 * 1024);
    expect(variantOf(before, 'hero')).toBe('hero-default');
    expect(before).toMatch(
      /<body><link [^>]+><script src="\/__tessera\/t.js"[^>]*><\/script><pre>/,
    );
    expect(before.endsWith('<p>after</p></body></html>')).toBe(true);
    const inside = await (await visit('/o/a?body=big-inside')).text();
    expect(inside.length).toBeLessThan(10_000); // the slot's content was replaced, not buffered
    expect(variantOf(inside, 'hero')).toBe('hero-default');
    expect(inside).toContain('<p>after</p>');
  });

  it('writes into a windows-1252 page as character references, so nothing turns into mojibake', async () => {
    const body = originBundleBody();
    body.slots.find((s) => s.id === 'hero')!.variants[0]!.props = { headline: 'Grüße – €5 ✓' };
    await publishTestBundle(body);
    const res = await visit('/o/a?body=cp1252');
    expect(res.headers.get('content-type')).toBe('text/html; charset=windows-1252');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const latin = String.fromCharCode(...bytes);
    expect(latin).toContain('<p>Caf\u00e9</p>'); // the origin's own byte 0xE9, untouched
    expect(latin).toContain('Gr&#252;&#223;e &#8211; &#8364;5 &#10003;');
    expect([...bytes].filter((b) => b >= 0x80)).toEqual([0xe9]);
    expect(res.headers.get('x-tessera-reasons')).toContain('origin.charset');
  });

  it('passes a page in an encoding the rewriter cannot read (UTF-16) through untouched', async () => {
    const res = await visit('/o/a?body=utf16');
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes[1]).toBe(0); // still UTF-16: "<\0h\0t\0…"
    expect(res.headers.get('x-tessera-decision')).toBeNull();
  });
});

describe('streaming', () => {
  it('sends the origin’s head before the profile read resolves, and fills the slot once it does', async () => {
    const held = heldProfiles(env.PROFILES);
    const ctx = createExecutionContext();
    const res = await createWorker().fetch!(
      new Request(`${SHOP}/o/slow`, {
        headers: cookieHeader(await mintVisitorToken({ sub: 'v-origin-vip' })),
      }) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, PROFILES: held.kv, KV_DEADLINE_MS: '10000' },
      ctx,
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let head = '';
    while (!head.includes('</head>')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      head += decoder.decode(chunk.value, { stream: true });
    }
    expect(held.released).toBe(false);
    expect(head).toContain('<title>Origin page</title>');
    expect(head).toContain('window.originInline = 1</script></head>');
    expect(head).not.toContain('data-tessera-variant');
    held.release();
    let rest = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      rest += decoder.decode(chunk.value, { stream: true });
    }
    expect(held.released).toBe(true);
    expect(variantOf(head + rest, 'banner')).toBe('banner-vip');
    // Tessera's two tags stand first inside <body>: they leave with the body's first bytes,
    // which lol-html holds, with the first marker, until that marker's decisions are made.
    expect(head + rest).toContain(
      '</head><body><link rel="stylesheet" href="/__tessera/s.css"><script',
    );
    await waitOnExecutionContext(ctx);
  });

  it('keeps every slot’s origin markup when no bundle is live and ORIGIN_URL is set', async () => {
    await env.CONTENT.delete('pointer:live');
    const ctx = createExecutionContext();
    const res = await createWorker().fetch!(
      new Request(`${SHOP}/o/article`) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, ORIGIN_URL: 'https://origin.test' },
      ctx,
    );
    const html = await res.text();
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(markers(html).map((m) => m.variant)).toEqual(['', '']);
    expect(html).toContain('<p>Origin hero</p>');
  });
});
