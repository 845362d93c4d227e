/**
 * The decision API and the page give the same answer for the same visitor, context and bundle:
 * for any profile (or none, or a broken one), consent level, device, place, time zone, language,
 * referrer, campaign tags and page, the page's slots (`data-tessera-variant` and `-level`) and
 * the API's answer name the same variant at the same level, slot by slot — holdout and
 * experiment arms included. Property-based (fast-check), through the real worker and real KV.
 */
import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { profileKeys } from '../../shared/kv-keys.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { ConsentLevel } from '../../shared/schema/consent.ts';
import { DecisionAnswer } from '../../shared/schema/decision-api-answers.ts';
import type { DecisionRequestInput } from '../../shared/schema/decision-api.ts';
import { publishTestBundle } from '../support/bundle.ts';
import { apiWorker, decisionBundleBody } from '../support/decision-fixtures.ts';
import { mintVisitorToken } from '../support/tokens.ts';

let bundle: Bundle;
beforeAll(async () => {
  bundle = await publishTestBundle(decisionBundleBody());
});

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Tablet',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/130 Mobile Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15',
];
const REFERRERS = [
  'https://www.google.com/search?q=tents',
  'https://l.instagram.com/?u=x',
  'https://mail.google.com/mail/u/0/',
  'https://shop.test/deals',
  'https://blog.example.org/post',
];

const profileArb = fc.option(
  fc.record(
    {
      traits: fc.record(
        {
          firstName: fc.constantFrom('Ada', 'Grace', '<b>Bo</b>'),
          plan: fc.constantFrom('pro', 'free'),
        },
        { requiredKeys: [] },
      ),
      segments: fc.subarray(['vip', 'unknown-seg']),
      affinities: fc.record(
        {
          hiking: fc.double({ min: 0, max: 1, noNaN: true }),
          running: fc.double({ min: 0, max: 1, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
      nextBestOffers: fc.record(
        { 'hero-spring': fc.double({ min: 0, max: 1, noNaN: true }) },
        { requiredKeys: [] },
      ),
      behavior: fc.record({
        visits: fc.nat(20),
        pageViews: fc.nat(50),
        purchases: fc.nat(6),
      }),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

const contextArb = fc.record(
  {
    userAgent: fc.constantFrom(...USER_AGENTS),
    referrer: fc.constantFrom(...REFERRERS),
    locale: fc.constantFrom('de-CH', 'en-GB', 'fr', 'pt-BR'),
    country: fc.constantFrom('DE', 'US', 'FR', 'JP', 'CH'),
    region: fc.constantFrom('Bavaria', 'California'),
    continent: fc.constantFrom('EU', 'NA', 'AS'),
    timezone: fc.constantFrom(
      'Europe/Berlin',
      'America/Los_Angeles',
      'Asia/Tokyo',
      'Pacific/Kiritimati',
    ),
    utm: fc.record(
      {
        source: fc.constantFrom('newsletter', 'google'),
        medium: fc.constantFrom('email', 'cpc', 'social'),
        campaign: fc.constantFrom('spring', 'Winter'),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const caseArb = fc.record({
  profile: profileArb,
  brokenProfile: fc.boolean(),
  context: contextArb,
  page: fc.constantFrom('/', '/deals', '/mail'),
  consent: fc.constantFrom<ConsentLevel>('personal', 'personal', 'contextual', 'none'),
  viaCookie: fc.boolean(),
  cid: fc.boolean(),
  hourShift: fc.nat(23),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** The page's slots as [slot, variant, level], in page order. */
function pageSlots(html: string): string[][] {
  return [
    ...html.matchAll(
      /data-tessera-slot="([^"]+)" data-tessera-variant="([^"]*)" data-tessera-level="([^"]+)"/g,
    ),
  ].map((m) => [m[1]!, m[2]!, m[3]!]);
}

let n = 0;

describe('the decision API and the page', () => {
  it('give the same variant at the same level for the same visitor, context and bundle', async () => {
    const api = apiWorker();
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c: Case) => {
        const id = `v-same-${++n}`;
        const cid = c.cid ? `c-same-${n}` : undefined;
        const key = cid ? profileKeys.customer(cid) : profileKeys.visitor(id);
        if (c.brokenProfile) await env.PROFILES.put(key, '{"id": 42}');
        else if (c.profile)
          await env.PROFILES.put(key, JSON.stringify({ id: cid ?? id, ...c.profile }));
        api.clock.now = Date.UTC(2026, 10, 23, c.hourShift, 30);

        const cookie = await mintVisitorToken({ sub: id, ...(cid ? { cid } : {}) });
        const ctx = c.context;
        const url = new URL(`https://shop.test${c.page}`);
        for (const [k, v] of Object.entries(ctx.utm ?? {})) url.searchParams.append(`utm_${k}`, v);
        const headers: Record<string, string> = {
          cookie: `__Host-tsr_vid=${cookie}; tsr_consent=${c.consent}`,
        };
        if (ctx.userAgent) headers['user-agent'] = ctx.userAgent;
        if (ctx.referrer) headers.referer = ctx.referrer;
        if (ctx.locale) headers['accept-language'] = ctx.locale;
        const cf = {
          country: ctx.country,
          region: ctx.region,
          continent: ctx.continent,
          timezone: ctx.timezone,
        };
        const page = await api.fetch(`${url.pathname}${url.search}`, {
          headers,
          cf,
        } as RequestInit);
        expect(page.status).toBe(200);
        const shown = pageSlots(await page.text());

        const body: DecisionRequestInput = {
          subject: c.viaCookie
            ? { cookie }
            : { visitorId: id, ...(cid ? { customerId: cid } : {}) },
          channel: 'web',
          consent: c.consent,
          context: { path: c.page, ...ctx },
          dryRun: true,
        };
        // A device the caller does not know is not sent; a page without a user agent is a bot.
        if (!ctx.userAgent) body.context!.device = 'bot';
        const res = await api.post('/v1/decisions', body);
        expect(res.status).toBe(200);
        const answer = DecisionAnswer.parse(await res.json());
        expect(answer.version).toBe(bundle.version);
        expect(answer.page).toBe(bundle.pages.find((p) => p.path === c.page)!.id);
        expect(answer.slots.map((s) => [s.slot, s.variant, s.level])).toEqual(shown);
        for (const s of answer.slots) seen.add(s.reason === 'holdout' ? 'holdout' : s.level);
      }),
      { numRuns: 150, seed: 20261123 },
    );
    // Not vacuous: the cases reached every rung, an experiment arm and the holdout.
    expect([...seen].sort()).toEqual(
      ['cohort', 'default', 'experiment', 'holdout', 'individual', 'segment'].sort(),
    );
  }, 120_000);
});
