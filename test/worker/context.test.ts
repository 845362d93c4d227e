import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deviceSignals } from '../../worker/context/device.ts';
import { language } from '../../worker/context/language.ts';
import { localTime, validZone } from '../../worker/context/local-time.ts';
import { referrerSignals } from '../../worker/context/referrer.ts';
import { requestContext } from '../../worker/context/request-context.ts';
import { contextOf } from '../../worker/visit/from-request.ts';
import { publishTestBundle } from '../support/bundle.ts';

const NOW = Date.parse('2026-11-28T23:30:00Z'); // Saturday 23:30 UTC

const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  pixel:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/130 Mobile Safari/537.36',
  androidTablet:
    'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/130 Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15',
  windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130 Safari/537.36',
  googlebot:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X) Mobile Safari/537.36 (compatible; Googlebot/2.1)',
  curl: 'curl/8.5.0',
};

describe('device signals', () => {
  const cases: [string, string | null, string | null, string | null, string, string | undefined][] =
    [
      ['an iPhone', UA.iphone, null, null, 'mobile', 'ios'],
      ['an iPad', UA.ipad, null, null, 'tablet', 'ios'],
      ['an Android phone', UA.pixel, null, null, 'mobile', 'android'],
      ['an Android tablet', UA.androidTablet, null, null, 'tablet', 'android'],
      ['a Mac', UA.mac, null, null, 'desktop', 'macos'],
      ['Windows', UA.windows, null, null, 'desktop', 'windows'],
      ['a crawler claiming to be a phone', UA.googlebot, '?1', '"Android"', 'bot', 'android'],
      ['curl', UA.curl, null, null, 'bot', undefined],
      ['no user agent and no hints', null, null, null, 'bot', undefined],
      [
        'client hints saying mobile over a desktop-looking UA',
        UA.windows,
        '?1',
        '"Android"',
        'mobile',
        'android',
      ],
      [
        'client hints saying Android, not mobile',
        UA.androidTablet,
        '?0',
        '"Android"',
        'tablet',
        'android',
      ],
      [
        'client hints saying not mobile on a phone-looking UA',
        UA.pixel,
        '?0',
        '"Windows"',
        'desktop',
        'windows',
      ],
      ['a garbage platform hint', UA.mac, '?0', '"\u0000<script>"', 'desktop', 'macos'],
      ['a 100 kB user agent', 'x'.repeat(100_000) + 'iphone', null, null, 'desktop', undefined],
    ];
  for (const [name, userAgent, chMobile, chPlatform, device, os] of cases) {
    it(`classifies ${name} as ${device}`, () => {
      const out = deviceSignals({ userAgent, chMobile, chPlatform });
      expect(out.device).toBe(device);
      expect(out.os).toBe(os);
    });
  }
});

describe('referrer signals', () => {
  const cases: [string, string, string | null, string][] = [
    ['no referer and no tags', 'https://shop.test/', null, 'direct'],
    ['our own host', 'https://shop.test/', 'https://shop.test/deals', 'internal'],
    ['Google in another country', 'https://shop.test/', 'https://www.google.de/', 'search'],
    ['Bing', 'https://shop.test/', 'https://www.bing.com/search?q=x', 'search'],
    ['Gmail on the web', 'https://shop.test/', 'https://mail.google.com/', 'email'],
    [
      'the Gmail Android app',
      'https://shop.test/',
      'android-app://com.google.android.gm/',
      'email',
    ],
    ['a Facebook link shim', 'https://shop.test/', 'https://l.facebook.com/l.php', 'social'],
    ['t.co', 'https://shop.test/', 'https://t.co/abc', 'social'],
    ['a blog', 'https://shop.test/', 'https://blog.example.com/post', 'referral'],
    ['a Google Ads click id', 'https://shop.test/?gclid=abc', 'https://www.google.com/', 'paid'],
    ['a Microsoft Ads click id', 'https://shop.test/?msclkid=abc', null, 'paid'],
    ['utm_medium=cpc', 'https://shop.test/?utm_source=google&utm_medium=cpc', null, 'paid'],
    [
      'utm_medium=paid_social',
      'https://shop.test/?utm_medium=paid_social',
      'https://facebook.com/',
      'paid',
    ],
    [
      'utm_medium=email over a webmail referer',
      'https://shop.test/?utm_medium=Email',
      'https://outlook.live.com/',
      'email',
    ],
    ['utm_medium=social', 'https://shop.test/?utm_medium=social', null, 'social'],
    [
      'an unknown medium without referer',
      'https://shop.test/?utm_source=partner&utm_medium=widget',
      null,
      'referral',
    ],
    ['a javascript: referer', 'https://shop.test/', 'javascript:alert(1)', 'direct'],
    ['an unparsable referer', 'https://shop.test/', 'http://[::1', 'direct'],
    ['an oversized referer', 'https://shop.test/', `https://${'a'.repeat(5000)}.com/`, 'direct'],
    [
      'an app package named like an Object builtin',
      'https://shop.test/',
      'android-app://__proto__/',
      'referral',
    ],
  ];
  for (const [name, url, referer, expected] of cases) {
    it(`classifies ${name} as ${expected}`, () => {
      expect(referrerSignals(new URL(url), referer).referrer).toBe(expected);
    });
  }

  it('normalises and bounds utm values', () => {
    const { utm } = referrerSignals(
      new URL(`https://shop.test/?utm_source=%20News%20&utm_campaign=${'x'.repeat(500)}&utm_term=`),
      null,
    );
    expect(utm.utmSource).toBe('news');
    expect(utm.utmCampaign).toHaveLength(100);
    expect(utm).not.toHaveProperty('utmTerm');
  });
});

describe('language', () => {
  const cases: [string | null, string | undefined, string | undefined][] = [
    ['de-CH,de;q=0.9,en;q=0.8', 'de', 'de-CH'],
    ['EN-us', 'en', 'en-US'],
    ['*', undefined, undefined],
    ['fr;q=0, en', 'en', 'en'],
    ['zh-Hant-TW', 'zh', 'zh-hant-TW'],
    ['<script>', undefined, undefined],
    ['', undefined, undefined],
    [null, undefined, undefined],
    [';;;,,,;q=', undefined, undefined],
    ['x'.repeat(10_000) + ',de', undefined, undefined],
  ];
  for (const [header, lang, locale] of cases) {
    it(`reads ${JSON.stringify(header?.slice(0, 30))} as ${lang ?? 'nothing'}`, () => {
      const out = language(header);
      expect(out?.language).toBe(lang);
      expect(out?.locale).toBe(locale);
    });
  }
});

describe('local time', () => {
  it("gives the visitor's own hour and weekday", () => {
    expect(localTime(NOW, 'Europe/Berlin')).toEqual({ hour: 0, weekday: 'sun' });
    expect(localTime(NOW, 'America/Los_Angeles')).toEqual({ hour: 15, weekday: 'sat' });
    expect(localTime(NOW, 'Asia/Kolkata')).toEqual({ hour: 5, weekday: 'sun' });
  });

  it('moves to the next hour and day at the first millisecond of it, however often it was asked before', () => {
    // Kathmandu is UTC+5:45: its hours start at :15 past the UTC hour.
    const lastMs = Date.parse('2026-11-22T18:14:59.999Z'); // 23:59:59.999 on Sunday there
    for (let i = 0; i < 3; i++)
      expect(localTime(lastMs, 'Asia/Kathmandu')).toEqual({ hour: 23, weekday: 'sun' });
    expect(localTime(lastMs + 1, 'Asia/Kathmandu')).toEqual({ hour: 0, weekday: 'mon' });
    expect(localTime(lastMs, 'Asia/Kathmandu')).toEqual({ hour: 23, weekday: 'sun' });
  });

  for (const zone of [
    'Mars/Olympus',
    '../../etc/passwd',
    'Europe/Berlin\u0000',
    'x'.repeat(500),
    '',
    'UTC; DROP TABLE',
  ]) {
    it(`has no local time for the zone ${JSON.stringify(zone.slice(0, 20))}`, () => {
      expect(validZone(zone)).toBeUndefined();
      expect(localTime(NOW, validZone(zone))).toBeUndefined();
    });
  }
});

describe('request context', () => {
  const build = (
    headers: Record<string, string>,
    cf: Record<string, unknown> | undefined,
    url = 'https://shop.test/',
  ) =>
    requestContext({
      url: new URL(url),
      headers: new Headers(headers),
      cf,
      now: NOW,
      returning: false,
    });

  it('fills the signals from a well-formed request', () => {
    const c = build(
      { 'user-agent': UA.iphone, referer: 'https://www.google.com/', 'accept-language': 'de-DE' },
      {
        country: 'DE',
        region: 'Berlin',
        regionCode: 'BE',
        city: 'Berlin',
        continent: 'EU',
        timezone: 'Europe/Berlin',
      },
      'https://shop.test/deals?utm_campaign=winter',
    );
    expect(c).toEqual({
      path: '/deals',
      query: 'utm_campaign=winter',
      device: 'mobile',
      os: 'ios',
      country: 'DE',
      region: 'Berlin',
      regionCode: 'BE',
      city: 'Berlin',
      continent: 'EU',
      timezone: 'Europe/Berlin',
      hour: 0,
      weekday: 'sun',
      weekend: true,
      referrer: 'search',
      referrerHost: 'www.google.com',
      utmCampaign: 'winter',
      language: 'de',
      locale: 'de-DE',
      returning: false,
      channel: 'web',
      new: true,
      visitCount: 0,
    });
  });

  it('drops cf values of the wrong type or shape instead of trusting them', () => {
    const c = build(
      {},
      {
        country: 'germany',
        region: 42,
        city: { evil: true },
        continent: 'XX',
        timezone: ['Europe/Berlin'],
      },
    );
    for (const name of ['country', 'region', 'city', 'continent', 'timezone', 'hour', 'weekday'])
      expect(c).not.toHaveProperty(name);
  });

  it('strips control characters and bounds place names', () => {
    const c = build({}, { city: `Ber\u0000lin\n${'x'.repeat(300)}` });
    expect(c.city).toMatch(/^Berlin/);
    expect(String(c.city)).toHaveLength(100);
  });

  it('leaves visit count unknown for a returning visitor without a profile', () => {
    const c = requestContext({
      url: new URL('https://shop.test/'),
      headers: new Headers(),
      cf: undefined,
      now: NOW,
      returning: true,
    });
    expect(c).not.toHaveProperty('visitCount');
    expect(c.new).toBe(false);
  });

  it('serves a normal page whatever the headers say', async () => {
    await publishTestBundle();
    const res = await SELF.fetch(
      'https://shop.test/?utm_medium=%FF%FE&gclid=&utm_source=' + '%00'.repeat(50),
      {
        headers: {
          'user-agent': 'Mozilla/5.0 (iPhone'.repeat(1_000),
          'sec-ch-ua-mobile': '?1?1?1',
          'sec-ch-ua-platform': '"' + 'A'.repeat(5000),
          referer: 'https://%zz%00@' + 'a.'.repeat(3000),
          'accept-language': ',;q=abc,' + '-'.repeat(5000),
        },
      },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-tessera-slot="hero"');
  });
});

describe('the context of one request (contextOf)', () => {
  const request = new Request('https://shop.test/p?utm_source=news', {
    headers: { 'user-agent': UA.iphone, 'accept-language': 'de-DE' },
  });
  const url = new URL(request.url);
  const first = { identity: { visitorId: 'v-1', isNew: true } };
  const back = { identity: { visitorId: 'v-1', isNew: false } };

  it('is computed once per request and visitor facts, and differs where the facts differ', () => {
    const a = contextOf(request, url, first, NOW);
    expect(contextOf(request, new URL(request.url), first, NOW)).toBe(a);
    expect(a).toMatchObject({ returning: false, new: true, visitCount: 0, device: 'mobile' });
    const b = contextOf(request, url, back, NOW);
    expect(b).not.toBe(a);
    expect(b).toMatchObject({ returning: true, new: false });
    expect(b.visitCount).toBeUndefined();
    const withProfile = contextOf(
      request,
      url,
      // Only behavior.visits is read from the profile here.
      { ...back, profile: { behavior: { visits: 4 } } as never },
      NOW,
    );
    expect(withProfile).toMatchObject({ returning: true, visitCount: 4 });
    // Another request, even for the same URL, is computed on its own.
    const other = new Request(request.url, { headers: { 'user-agent': UA.mac } });
    expect(contextOf(other, url, first, NOW)).toMatchObject({ device: 'desktop' });
  });
});
