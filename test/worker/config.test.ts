import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { keyWeakness } from '../../shared/auth/key-strength.ts';
import { TEST_ADMIN_KEYS, TEST_VISITOR_KEYS } from '../support/keys.ts';

/** Random-looking keys (what `openssl rand -base64 48` gives), one per set. */
const ok = JSON.stringify({ k1: 'q7Hc2LxV9fTzR0mWbN4pYsKdE8gUjA6e' });
const okAdmin = JSON.stringify({ a1: 'Zt5vMw2QkPx8LbRc0NyHfJ3sWd7GaE9u' });

describe('configuration checked at start-up', () => {
  it('accepts keys of at least 32 bytes and applies defaults', () => {
    const config = loadConfig({ VISITOR_KEYS: ok, ADMIN_KEYS: okAdmin });
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
    expect(() => loadConfig({ VISITOR_KEYS: value, ADMIN_KEYS: okAdmin })).toThrow(ConfigError);
    expect(() => loadConfig({ VISITOR_KEYS: value, ADMIN_KEYS: okAdmin })).toThrow(message);
    expect(() => loadConfig({ VISITOR_KEYS: value, ADMIN_KEYS: okAdmin })).toThrow(
      /wrangler secret put VISITOR_KEYS/,
    );
  });

  it('checks ADMIN_KEYS the same way', () => {
    expect(() =>
      loadConfig({ VISITOR_KEYS: ok, ADMIN_KEYS: JSON.stringify({ a: 'short' }) }),
    ).toThrow(/ADMIN_KEYS key "a" is 5 bytes/);
  });

  it('refuses a deadline that is not a number', () => {
    expect(() =>
      loadConfig({ VISITOR_KEYS: ok, ADMIN_KEYS: okAdmin, KV_DEADLINE_MS: 'fast' }),
    ).toThrow(/KV_DEADLINE_MS must be a whole number/);
  });

  it.each([
    ['32 × "a"', 'a'.repeat(32), /only 1 different character/],
    ['a phrase repeated', 'Tessera#2026'.repeat(3), /repeats the same 12 characters/],
    ['an alphabet run', 'abcdefghijklmnopqrstuvwxyzabcdef', /runs of neighbouring characters/],
    ['digits counting up', '0123456789'.repeat(3) + '01', /repeats the same 10 characters/],
    ['one character with a little noise', 'a'.repeat(40) + 'bcdefgh9', /only 8 different|runs of/],
  ])(
    'refuses a key that is obviously guessable (%s), saying how to generate one',
    (_name, secret, why) => {
      const run = () =>
        loadConfig({ VISITOR_KEYS: ok, ADMIN_KEYS: JSON.stringify({ weak: secret }) });
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(why);
      expect(run).toThrow(/ADMIN_KEYS key "weak" is too easy to guess/);
      expect(run).toThrow(/openssl rand -base64 48/);
    },
  );

  it('refuses a secret that appears in both VISITOR_KEYS and ADMIN_KEYS, whatever the key ids', () => {
    const shared = 'q7Hc2LxV9fTzR0mWbN4pYsKdE8gUjA6e';
    const run = () =>
      loadConfig({
        VISITOR_KEYS: JSON.stringify({ v1: 'Zt5vMw2QkPx8LbRc0NyHfJ3sWd7GaE9u', v0: shared }),
        ADMIN_KEYS: JSON.stringify({ admin: shared }),
      });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/VISITOR_KEYS key "v0" and ADMIN_KEYS key "admin" are the same secret/);
    expect(run).toThrow(/openssl rand -base64 48/);
  });

  it('accepts the keys the tests, the dev server and the bench run with', () => {
    expect(() =>
      loadConfig({ VISITOR_KEYS: TEST_VISITOR_KEYS, ADMIN_KEYS: TEST_ADMIN_KEYS }),
    ).not.toThrow();
  });

  it('never calls a random key of 32 or more bytes weak', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 64 }), (bytes) => {
        const key = new TextEncoder().encode(btoa(String.fromCharCode(...bytes)));
        expect(keyWeakness(key)).toBeUndefined();
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
