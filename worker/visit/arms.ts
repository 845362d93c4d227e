/**
 * Sticky bandits, the cookie side: when a counted page view drew a bandit arm for the first time
 * (`Choice.claims`), the response sets the visitor's arms cookie with that arm added, so every
 * later view keeps it (shared/experiments/arm-claims.ts). One signature per first exposure to a
 * bandit; a view that drew nothing new writes nothing. Claims of bandits no longer in the bundle
 * are dropped as the cookie is rewritten.
 */
import { signArmsToken } from '../../shared/auth/arms-token.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import type { HmacKey } from '../../shared/config.ts';
import { liveClaimKeys, withClaims } from '../../shared/experiments/arm-claims.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { Choice } from './choose.ts';
import type { VisitMode } from './mode.ts';
import type { VisitRead } from './read.ts';

export async function newArmsToken(
  mode: Pick<VisitMode, 'counts'>,
  read: Pick<VisitRead, 'armClaims'>,
  choice: Pick<Choice, 'claims'>,
  bundle: Pick<Bundle, 'experiments'>,
  visitorKeys: HmacKey[],
  nowMs: number,
): Promise<string | undefined> {
  if (!mode.counts || !read.armClaims || !choice.claims?.length) return undefined;
  const claims = withClaims(read.armClaims, choice.claims, liveClaimKeys(bundle.experiments));
  return signArmsToken(await keyringFor(visitorKeys), claims, Math.floor(nowMs / 1000));
}
