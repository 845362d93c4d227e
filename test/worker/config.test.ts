import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config.ts';

const ok = JSON.stringify({ k1: 'x'.repeat(32) });

describe('configuration checked at start-up', () => {
  it('accepts keys of at least 32 bytes and applies defaults', () => {
    const config = loadConfig({ VISITOR_KEYS: ok, ADMIN_KEYS: ok });
    expect(config.visitorKeys.map((k) => k.kid)).toEqual(['k1']);
    expect(config.kvDeadlineMs).toBe(75);
    expect(config.pointerTtlMs).toBe(5000);
  });

  it.each([
    ['missing', undefined, /VISITOR_KEYS is not set/],
    ['not JSON', 'secret', /VISITOR_KEYS is not valid JSON/],
    ['empty', '{}', /VISITOR_KEYS holds no key/],
    [
      'a short key',
      JSON.stringify({ k1: 'x'.repeat(31) }),
      /key "k1" is 31 bytes; HS256 needs at least 32/,
    ],
    ['a non-string key', JSON.stringify({ k1: 42 }), /must map key ids/],
  ])('refuses VISITOR_KEYS that is %s, saying how to fix it', (_name, value, message) => {
    expect(() => loadConfig({ VISITOR_KEYS: value, ADMIN_KEYS: ok })).toThrow(ConfigError);
    expect(() => loadConfig({ VISITOR_KEYS: value, ADMIN_KEYS: ok })).toThrow(message);
    expect(() => loadConfig({ VISITOR_KEYS: value, ADMIN_KEYS: ok })).toThrow(
      /wrangler secret put VISITOR_KEYS/,
    );
  });

  it('checks ADMIN_KEYS the same way', () => {
    expect(() =>
      loadConfig({ VISITOR_KEYS: ok, ADMIN_KEYS: JSON.stringify({ a: 'short' }) }),
    ).toThrow(/ADMIN_KEYS key "a" is 5 bytes/);
  });

  it('refuses a deadline that is not a number', () => {
    expect(() => loadConfig({ VISITOR_KEYS: ok, ADMIN_KEYS: ok, KV_DEADLINE_MS: 'fast' })).toThrow(
      /KV_DEADLINE_MS must be a whole number/,
    );
  });
});
