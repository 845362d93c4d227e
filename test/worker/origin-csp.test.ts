/**
 * Tessera's tags under the origin's Content-Security-Policy (worker/origin/csp.ts): the tracker,
 * the slots' stylesheet and POST /events must be allowed without loosening anything else.
 * (test/browser/origin.test.ts proves in Chromium that the tracker then runs.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { planCsp } from '../../worker/origin/csp.ts';
import { publishTestBundle } from '../support/bundle.ts';
import { originBundleBody } from '../support/origin/bundle.ts';
import { visit } from '../support/origin/visit.ts';

const targets = {
  script: 'https://shop.test/__tessera/t.js',
  style: 'https://shop.test/__tessera/s.css',
  connect: 'https://shop.test/events',
  nonce: 'fresh',
};

describe('planCsp', () => {
  it('leaves a page without a policy alone', () => {
    expect(planCsp(null, targets)).toEqual({ header: null });
  });

  it('reuses the origin’s own nonce and changes nothing', () => {
    const header = "script-src 'nonce-abc' 'strict-dynamic'; style-src 'self' 'nonce-abc'";
    expect(planCsp(header, targets)).toEqual({ header, scriptNonce: 'abc', styleNonce: 'abc' });
  });

  it('needs nothing when the policy already allows same-origin scripts, styles and fetches', () => {
    const header = "default-src 'self'; img-src *";
    expect(planCsp(header, targets)).toEqual({ header });
  });

  it('adds exactly Tessera’s URLs where the policy allows neither self nor a nonce, keeping unsafe-inline meaningful', () => {
    const plan = planCsp(
      "script-src https://cdn.example 'unsafe-inline'; style-src 'none'; connect-src https://api.example",
      targets,
    );
    expect(plan.header).toBe(
      "script-src https://cdn.example 'unsafe-inline' https://shop.test/__tessera/t.js; style-src https://shop.test/__tessera/s.css; connect-src https://api.example https://shop.test/events",
    );
    expect(plan.scriptNonce).toBeUndefined();
  });

  it('adds a nonce to a hash-based or strict-dynamic policy, where URLs would be ignored', () => {
    const plan = planCsp("script-src 'sha256-AAAA' 'strict-dynamic'; object-src 'none'", targets);
    expect(plan.header).toBe(
      "script-src 'sha256-AAAA' 'strict-dynamic' 'nonce-fresh'; object-src 'none'",
    );
    expect(plan.scriptNonce).toBe('fresh');
  });

  it('follows the directive the browser applies: script-src-elem over script-src over default-src', () => {
    const plan = planCsp(
      "default-src 'none'; script-src 'self'; script-src-elem https://cdn.example",
      targets,
    );
    expect(plan.header).toBe(
      "default-src https://shop.test/__tessera/s.css https://shop.test/events; script-src 'self'; script-src-elem https://cdn.example https://shop.test/__tessera/t.js",
    );
  });

  it('satisfies every policy of a header that holds several', () => {
    const plan = planCsp("script-src 'self', script-src 'nonce-n1'", targets);
    expect(plan.header).toBe("script-src 'self', script-src 'nonce-n1'");
    expect(plan.scriptNonce).toBe('n1');
  });
});

describe('origin pages under their own policy', () => {
  beforeEach(async () => {
    await publishTestBundle(originBundleBody());
  });

  const tags = (html: string) => ({
    script: /<script src="\/__tessera\/t.js"[^>]*>/.exec(html)?.[0],
    link: /<link rel="stylesheet" href="\/__tessera\/s.css"[^>]*>/.exec(html)?.[0],
  });

  it('puts the origin’s nonce on the tracker and stylesheet and keeps its header', async () => {
    const csp = "script-src 'nonce-r4nd0m' 'strict-dynamic'; style-src 'nonce-r4nd0m'";
    const res = await visit(`/o/a?csp=${encodeURIComponent(csp)}`);
    const { script, link } = tags(await res.text());
    expect(res.headers.get('content-security-policy')).toBe(csp);
    expect(script).toContain('nonce="r4nd0m"');
    expect(link).toContain('nonce="r4nd0m"');
  });

  it('extends a URL-based policy with Tessera’s same-origin URLs', async () => {
    const csp = "default-src 'none'; script-src https://cdn.example; style-src https://cdn.example";
    const res = await visit(`/o/a?csp=${encodeURIComponent(csp)}`);
    expect(res.headers.get('content-security-policy')).toBe(
      'default-src https://shop.test/events; script-src https://cdn.example https://shop.test/__tessera/t.js; style-src https://cdn.example https://shop.test/__tessera/s.css',
    );
    expect(tags(await res.text()).script).not.toContain('nonce');
  });

  it('adjusts a <meta http-equiv> policy in the page as well', async () => {
    const meta = "script-src 'sha256-AAAA'";
    const res = await visit(`/o/a?metacsp=${encodeURIComponent(meta)}`);
    const html = await res.text();
    const nonce = /'nonce-([^']+)'/.exec(html)?.[1];
    expect(html).toContain(`content="script-src 'sha256-AAAA' 'nonce-${nonce}'"`);
    expect(tags(html).script).toContain(`nonce="${nonce}"`);
  });
});
