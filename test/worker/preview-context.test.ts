/** previewContext (worker/preview/apply.ts): the console's pretended signals, kept consistent. */
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../worker/decide/types.ts';
import { previewContext } from '../../worker/preview/apply.ts';

const real: RequestContext = {
  path: '/',
  device: 'desktop',
  os: 'macos',
  returning: true,
  country: 'US',
  region: 'California',
  regionCode: 'CA',
  city: 'San Francisco',
  continent: 'NA',
  timezone: 'America/Los_Angeles',
  hour: 9,
  weekday: 'tue',
  weekend: false,
  referrer: 'search',
  referrerHost: 'www.google.com',
  language: 'en',
};

describe('previewContext', () => {
  it('returns the request context itself when nothing is pretended', () => {
    expect(previewContext(real, undefined)).toBe(real);
  });

  it('replaces the country and drops the real region, city and continent', () => {
    const out = previewContext(real, { country: 'DE' });
    expect(out).toMatchObject({ country: 'DE', timezone: 'America/Los_Angeles', language: 'en' });
    expect(out).not.toHaveProperty('region');
    expect(out).not.toHaveProperty('regionCode');
    expect(out).not.toHaveProperty('city');
    expect(out).not.toHaveProperty('continent');
  });

  it('replaces the device and drops the real operating system', () => {
    const out = previewContext(real, { device: 'mobile' });
    expect(out.device).toBe('mobile');
    expect(out).not.toHaveProperty('os');
  });

  it('replaces the hour, keeping the real weekday unless one is pretended (the weekend follows it)', () => {
    expect(previewContext(real, { hour: 22 })).toMatchObject({
      hour: 22,
      weekday: 'tue',
      weekend: false,
    });
    expect(previewContext(real, { weekday: 'sun' })).toMatchObject({
      hour: 9,
      weekday: 'sun',
      weekend: true,
    });
  });

  it('replaces the referrer class and drops the real referring host', () => {
    const out = previewContext(real, { referrer: 'social' });
    expect(out.referrer).toBe('social');
    expect(out).not.toHaveProperty('referrerHost');
  });

  it('never changes the request context it was given', () => {
    const copy = structuredClone(real);
    previewContext(real, {
      country: 'DE',
      device: 'tablet',
      hour: 1,
      weekday: 'sat',
      referrer: 'email',
    });
    expect(real).toEqual(copy);
  });
});
