import { describe, expect, it } from 'vitest';
import { SIGNAL_NAMES } from '../../shared/schema/context-signals.ts';
import type { Condition } from '../../shared/schema/condition.ts';
import { requestContext, type ContextInput } from '../../worker/context/request-context.ts';
import { decideRule, profile } from './helpers.ts';

/** Monday 2026-11-23 10:00 UTC = 11:00 in Berlin, 19:00 in Tokyo, 05:00 in New York. */
const NOW = Date.parse('2026-11-23T10:00:00Z');

function fromRequest(o: {
  url?: string;
  headers?: Record<string, string>;
  cf?: ContextInput['cf'];
  returning?: boolean;
  visits?: number;
}) {
  return requestContext({
    url: new URL(o.url ?? 'https://shop.test/'),
    headers: new Headers(
      o.headers ?? { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130' },
    ),
    cf: o.cf,
    now: NOW,
    returning: o.returning ?? false,
    ...(o.visits !== undefined ? { profileVisits: o.visits } : {}),
  });
}

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1';

/** One row per signal: a request, and a rule over that signal that must match it. */
const table: Record<string, [Parameters<typeof fromRequest>[0], Condition]> = {
  path: [{ url: 'https://shop.test/deals' }, { field: 'context.path', op: 'eq', value: '/deals' }],
  query: [
    { url: 'https://shop.test/?color=red&tessera_debug=1' },
    { field: 'context.query', op: 'eq', value: 'color=red' },
  ],
  device: [
    { headers: { 'user-agent': IPHONE } },
    { field: 'context.device', op: 'eq', value: 'mobile' },
  ],
  os: [{ headers: { 'user-agent': IPHONE } }, { field: 'context.os', op: 'eq', value: 'ios' }],
  country: [{ cf: { country: 'DE' } }, { field: 'context.country', op: 'eq', value: 'DE' }],
  region: [{ cf: { region: 'Bavaria' } }, { field: 'context.region', op: 'eq', value: 'Bavaria' }],
  regionCode: [
    { cf: { regionCode: 'BY' } },
    { field: 'context.regionCode', op: 'eq', value: 'BY' },
  ],
  city: [{ cf: { city: 'München' } }, { field: 'context.city', op: 'eq', value: 'München' }],
  continent: [{ cf: { continent: 'EU' } }, { field: 'context.continent', op: 'eq', value: 'EU' }],
  timezone: [
    { cf: { timezone: 'Asia/Tokyo' } },
    { field: 'context.timezone', op: 'startsWith', value: 'Asia/' },
  ],
  hour: [{ cf: { timezone: 'Europe/Berlin' } }, { field: 'context.hour', op: 'eq', value: 11 }],
  weekday: [
    { cf: { timezone: 'America/New_York' } },
    { field: 'context.weekday', op: 'eq', value: 'mon' },
  ],
  weekend: [
    { cf: { timezone: 'Pacific/Kiritimati' } },
    { field: 'context.weekend', op: 'eq', value: false },
  ],
  referrer: [
    { headers: { referer: 'https://www.google.co.uk/' } },
    { field: 'context.referrer', op: 'eq', value: 'search' },
  ],
  referrerHost: [
    { headers: { referer: 'https://News.Example.ORG/a?b' } },
    { field: 'context.referrerHost', op: 'eq', value: 'news.example.org' },
  ],
  utmSource: [
    { url: 'https://shop.test/?utm_source=Newsletter' },
    { field: 'context.utmSource', op: 'eq', value: 'newsletter' },
  ],
  utmMedium: [
    { url: 'https://shop.test/?utm_medium=email' },
    { field: 'context.utmMedium', op: 'eq', value: 'email' },
  ],
  utmCampaign: [
    { url: 'https://shop.test/?utm_campaign=black-friday' },
    { field: 'context.utmCampaign', op: 'startsWith', value: 'black' },
  ],
  utmTerm: [
    { url: 'https://shop.test/?utm_term=trail+shoes' },
    { field: 'context.utmTerm', op: 'contains', value: 'trail' },
  ],
  utmContent: [
    { url: 'https://shop.test/?utm_content=hero' },
    { field: 'context.utmContent', op: 'in', value: ['hero', 'footer'] },
  ],
  language: [
    { headers: { 'accept-language': 'de-CH,de;q=0.9,en;q=0.5' } },
    { field: 'context.language', op: 'eq', value: 'de' },
  ],
  locale: [
    { headers: { 'accept-language': 'de-ch,de;q=0.9' } },
    { field: 'context.locale', op: 'eq', value: 'de-CH' },
  ],
  returning: [{ returning: true }, { field: 'context.returning', op: 'eq', value: true }],
  new: [{ returning: false }, { field: 'context.new', op: 'eq', value: true }],
  // A page request is always the web (the decision API sets its caller's channel).
  channel: [{}, { field: 'context.channel', op: 'eq', value: 'web' }],
  visitCount: [
    { returning: true, visits: 7 },
    { field: 'context.visitCount', op: 'gte', value: 5 },
  ],
};

describe('decide: every context signal', () => {
  it('has a row for every catalogued signal', () => {
    expect(Object.keys(table).sort()).toEqual([...SIGNAL_NAMES].sort());
  });

  for (const [name, [request, when]] of Object.entries(table)) {
    it(`reads context.${name} from the request`, async () => {
      const context = fromRequest(request);
      expect((await decideRule(when, { context, profile: profile() })).variant).toBe('hit');
      // …and the same rule does not match a plain request (unless the signal's plain value is what
      // it tests: `new`, and `channel`, which every page request has).
      const plain = fromRequest({});
      if (name !== 'new' && name !== 'channel')
        expect((await decideRule(when, { context: plain })).variant).toBe('miss');
    });
  }
});
