import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { SiteConsent } from '../../shared/schema/consent.ts';
import { resolveConsent } from '../../worker/privacy/consent.ts';
import { publishTestBundle, putVisitorProfile, testBundleBody } from '../support/bundle.ts';
import { fetchWith, recordingKv, recordingQueue } from '../support/faults.ts';
import { issuedVisitor, mintVisitorToken } from '../support/tokens.ts';

const policy = SiteConsent.parse({});
const level = (o: Partial<Parameters<typeof resolveConsent>[0]>) =>
  resolveConsent({ cookie: undefined, gpc: null, country: undefined, policy, ...o }).level;

describe('resolveConsent', () => {
  it('takes the banner cookie’s level over any country default', () => {
    expect(level({ cookie: 'personal', country: 'DE' })).toBe('personal');
    expect(level({ cookie: 'none', country: 'US' })).toBe('none');
    expect(level({ cookie: ' Contextual ', country: 'US' })).toBe('contextual');
  });

  it('starts visitors from opt-in countries (EU, EEA, UK, CH) at contextual and others at personal', () => {
    for (const country of ['DE', 'FR', 'NO', 'GB', 'CH'])
      expect(level({ country })).toBe('contextual');
    for (const country of ['US', 'JP', 'BR']) expect(level({ country })).toBe('personal');
  });

  it('uses the site default when the country is unknown', () => {
    expect(level({})).toBe('personal');
    expect(level({ policy: SiteConsent.parse({ default: 'none' }) })).toBe('none');
  });

  it('applies per-country overrides from the bundle last', () => {
    const strict = SiteConsent.parse({
      optInLevel: 'none',
      countries: { US: 'contextual', DE: 'personal' },
    });
    expect(level({ policy: strict, country: 'FR' })).toBe('none');
    expect(level({ policy: strict, country: 'US' })).toBe('contextual');
    expect(level({ policy: strict, country: 'DE' })).toBe('personal');
  });

  it('caps any level at contextual when Sec-GPC is 1, and says so', () => {
    const c = resolveConsent({ cookie: 'personal', gpc: '1', country: 'US', policy });
    expect(c.level).toBe('contextual');
    expect(c.reasons).toEqual(['consent.gpc', 'consent.contextual']);
    expect(level({ cookie: 'none', gpc: '1' })).toBe('none');
    expect(level({ cookie: 'personal', gpc: '0' })).toBe('personal');
  });

  it('ignores an unreadable cookie (falls back to the country default) and records why', () => {
    const c = resolveConsent({ cookie: 'yes-please', gpc: null, country: 'DE', policy });
    expect(c).toMatchObject({
      level: 'contextual',
      source: 'country',
      reasons: ['consent.invalid_cookie', 'consent.contextual'],
    });
  });
});

const variants = (html: string) =>
  [...html.matchAll(/data-tessera-variant="([^"]*)"/g)].map((m) => m[1]);
const MOBILE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148';

describe('consent on the page', () => {
  beforeEach(async () => {
    await publishTestBundle();
    await putVisitorProfile('v-runner', { segments: ['vip'], affinities: { running: 0.9 } });
  });

  const visit = async (
    consent: string | undefined,
    o: { gpc?: boolean; country?: string; profiles?: KVNamespace } = {},
  ) => {
    const cookies = [`__Host-tsr_vid=${await mintVisitorToken({ sub: 'v-runner' })}`];
    if (consent) cookies.push(`tsr_consent=${consent}`);
    const headers: Record<string, string> = { cookie: cookies.join('; '), 'user-agent': MOBILE_UA };
    if (o.gpc) headers['sec-gpc'] = '1';
    const request = new Request('https://shop.test/', {
      headers,
      cf: o.country ? { country: o.country } : undefined,
    });
    return fetchWith(request, o.profiles ? { PROFILES: o.profiles } : {});
  };

  it('personal: the profile drives the page', async () => {
    const res = await visit('personal');
    expect(variants(await res.text())).toContain('hero-running');
    expect(res.headers.get('x-tessera-reasons')).toBeNull();
  });

  it('contextual: request-context rules apply, the profile is never read, the cookie is kept', async () => {
    const profiles = recordingKv(env.PROFILES);
    const res = await visit('contextual', { profiles: profiles.kv });
    const shown = variants(await res.text());
    expect(shown).toContain('hero-mobile');
    expect(shown).not.toContain('banner-vip');
    expect(profiles.reads).toEqual([]);
    expect(res.headers.get('x-tessera-reasons')).toContain('consent.contextual');
    expect(res.headers.getSetCookie().join()).not.toContain('Max-Age=0');
  });

  it('none: default content only, no profile read, the identifier cookie cleared and none issued', async () => {
    const profiles = recordingKv(env.PROFILES);
    const res = await visit('none', { profiles: profiles.kv });
    expect(res.status).toBe(200);
    expect(variants(await res.text())).toEqual([
      'banner-default',
      'hero-default',
      'grid-default',
      'quote-default',
      'cta-default',
    ]);
    expect(profiles.reads).toEqual([]);
    expect(res.headers.getSetCookie()).toEqual([
      '__Host-tsr_vid=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
    ]);
    expect(res.headers.get('x-tessera-reasons')).toBe('consent.none');
  });

  it('none: a first-time visitor gets no identifier cookie at all', async () => {
    const res = await SELF.fetch('https://shop.test/', { headers: { cookie: 'tsr_consent=none' } });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('Sec-GPC: 1 turns a personal cookie into contextual', async () => {
    const res = await visit('personal', { gpc: true });
    expect(variants(await res.text())).not.toContain('hero-running');
    expect(res.headers.get('x-tessera-reasons')).toContain('consent.gpc');
  });

  it('without a banner answer, a visitor from Germany starts at contextual and one from the US at personal', async () => {
    expect(variants(await (await visit(undefined, { country: 'DE' })).text())).not.toContain(
      'hero-running',
    );
    expect(variants(await (await visit(undefined, { country: 'US' })).text())).toContain(
      'hero-running',
    );
  });

  it('follows the bundle’s per-country policy', async () => {
    await publishTestBundle(
      testBundleBody({ site: { name: 'Strict Shop', lang: 'en', consent: { default: 'none' } } }),
    );
    const res = await visit(undefined, { country: 'US' });
    expect(res.headers.get('x-tessera-reasons')).toBe('consent.none');
    expect(res.headers.getSetCookie()).toEqual([
      '__Host-tsr_vid=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
    ]);
  });

  it('a visitor with consent gets an identifier cookie as before', async () => {
    const res = await SELF.fetch('https://shop.test/', {
      headers: { cookie: 'tsr_consent=contextual' },
    });
    expect(issuedVisitor(res)).toBeDefined();
  });
});

describe('consent and experiments', () => {
  const abTest = testBundleBody({
    experiments: [
      {
        id: 'hero-ab',
        type: 'ab',
        scope: { slot: 'hero' },
        arms: [{ id: 'control' }, { id: 'b', variant: 'hero-running' }],
      },
    ],
  });
  const visitAs = async (sub: string, consent: string) =>
    SELF.fetch('https://shop.test/', {
      headers: {
        cookie: `__Host-tsr_vid=${await mintVisitorToken({ sub })}; tsr_consent=${consent}`,
      },
    });

  it('none: no experiment arm and no tracker, whoever the cookie names', async () => {
    await publishTestBundle(abTest);
    for (let i = 0; i < 20; i++) {
      const html = await (await visitAs(`v-none-${i}`, 'none')).text();
      expect(variants(html)).not.toContain('hero-running');
      expect(html).not.toContain('/__tessera/t.js');
    }
  });

  it('contextual: the pseudonymous cookie keeps the visitor in one arm, and the tracker is on the page', async () => {
    await publishTestBundle(abTest);
    const arms = new Set<boolean>();
    for (let i = 0; i < 20; i++) {
      const first = await (await visitAs(`v-ctx-${i}`, 'contextual')).text();
      const again = await (await visitAs(`v-ctx-${i}`, 'contextual')).text();
      const inB = variants(first).includes('hero-running');
      expect(variants(again).includes('hero-running')).toBe(inB);
      expect(first).toContain('/__tessera/t.js');
      arms.add(inB);
    }
    // 20 visitors on a 50/50 split: both arms occur (fails with probability 2 × 2⁻²⁰).
    expect(arms).toEqual(new Set([true, false]));
  });
});

describe('consent in the decision log', () => {
  beforeEach(async () => {
    await publishTestBundle();
  });

  async function logged(cookie: string) {
    const log = recordingQueue(env.DECISIONS);
    await fetchWith(new Request('https://shop.test/', { headers: { cookie } }), {
      DECISIONS: log.queue,
    });
    expect(log.sent).toHaveLength(1);
    return log.sent[0] as { consent: string; visitor: string; profile: string; reasons: string[] };
  }

  it('records the level each render ran under', async () => {
    const token = await mintVisitorToken({ sub: 'v-runner' });
    for (const level of ['personal', 'contextual', 'none']) {
      const record = await logged(`__Host-tsr_vid=${token}; tsr_consent=${level}`);
      expect(record.consent).toBe(level);
    }
  });

  it('keeps one pseudonym per visitor with consent, and an unlinkable one per request at none', async () => {
    const token = await mintVisitorToken({ sub: 'v-runner' });
    const a = await logged(`__Host-tsr_vid=${token}; tsr_consent=contextual`);
    const b = await logged(`__Host-tsr_vid=${token}; tsr_consent=contextual`);
    expect(a.visitor).toBe(b.visitor);
    const c = await logged(`__Host-tsr_vid=${token}; tsr_consent=none`);
    const d = await logged(`__Host-tsr_vid=${token}; tsr_consent=none`);
    expect(new Set([a.visitor, c.visitor, d.visitor]).size).toBe(3);
    expect(c.profile).toBe('none');
  });
});
