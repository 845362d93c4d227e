import { describe, expect, it } from 'vitest';
import { signArmsToken, verifyArmsToken } from '../../shared/auth/arms-token.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import {
  claimedArm,
  claimKey,
  liveClaimKeys,
  MAX_CLAIMS,
  withClaims,
} from '../../shared/experiments/arm-claims.ts';
import { loadConfig } from '../../shared/config.ts';
import { Experiment } from '../../shared/schema/experiment.ts';
import { env } from 'cloudflare:test';

const bandit = (id: string, extra: object = {}) =>
  Experiment.parse({
    id,
    type: 'bandit',
    scope: { slot: 'hero' },
    arms: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    ...extra,
  });

describe('arm claims', () => {
  it('names the arm a claim remembers, and nothing for an index the experiment does not have', () => {
    const e = bandit('hero-bandit');
    expect(claimedArm(e, { [claimKey(e)]: 2 })).toBe('c');
    expect(claimedArm(e, { [claimKey(e)]: 7 })).toBeUndefined();
    expect(claimedArm(e, {})).toBeUndefined();
  });

  it('draws afresh in a new phase: changing the arms or the goal changes the claim key', () => {
    const e = bandit('hero-bandit');
    expect(claimKey(bandit('hero-bandit', { name: 'renamed' }))).toBe(claimKey(e));
    expect(claimKey(bandit('hero-bandit', { bandit: { floor: 0.1 } }))).toBe(claimKey(e));
    expect(claimKey(bandit('hero-bandit', { arms: [{ id: 'a' }, { id: 'b' }] }))).not.toBe(
      claimKey(e),
    );
    expect(claimKey(bandit('hero-bandit', { goal: { event: 'purchase' } }))).not.toBe(claimKey(e));
  });

  it('keeps at most MAX_CLAIMS, dropping claims of bandits no longer live first, then the oldest', () => {
    const live = new Set(Array.from({ length: 20 }, (_, i) => `k${i}`));
    let claims = withClaims({ gone: 1 }, [['k0', 0]], live);
    expect(claims).toEqual({ k0: 0 });
    for (let i = 1; i < 20; i++) claims = withClaims(claims, [[`k${i}`, i % 3]], live);
    expect(Object.keys(claims)).toHaveLength(MAX_CLAIMS);
    expect(Object.keys(claims)[0]).toBe(`k${20 - MAX_CLAIMS}`);
    expect(withClaims(claims, [['k19', 2]], live).k19).toBe(2);
  });

  it('lists the claim keys of a bundle’s bandits only', () => {
    const experiments = [bandit('one'), bandit('two'), { ...bandit('three'), type: 'ab' as const }];
    expect([...liveClaimKeys(experiments)]).toEqual([
      claimKey(experiments[0]!),
      claimKey(experiments[1]!),
    ]);
  });

  it('round-trips a full set of claims through a signed token small enough for a cookie', async () => {
    const ring = await keyringFor(loadConfig(env).visitorKeys);
    const arms = Object.fromEntries(
      Array.from({ length: MAX_CLAIMS }, (_, i) => [claimKey(bandit(`bandit-${i}`)), i % 3]),
    );
    const now = 1_800_000_000;
    const token = await signArmsToken(ring, arms, now);
    expect(token.length).toBeLessThan(600);
    expect(await verifyArmsToken(ring, token, now + 60)).toEqual(arms);
    expect(await verifyArmsToken(ring, token, now + 401 * 24 * 3600)).toBeUndefined();
    expect(await verifyArmsToken(ring, `${token}x`, now)).toBeUndefined();
  });
});
