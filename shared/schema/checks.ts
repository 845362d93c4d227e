/**
 * Every refinement and transform a schema the visitor worker validates at runtime uses, as named
 * functions: the zod schema calls them (`z.refine(isSafeUrl, …)`), and so does the validator
 * generated from it (scripts/build-validators.ts finds them here by identity). Never restate one
 * by hand in a schema: export it here and use it there. No zod in this module.
 */
import { MAX_CLAIMS } from '../experiments/arm-claims.ts';

export { isSafeUrl } from '../url.ts';
export { isOriginUrl } from './origin-paths.ts';
export { nullProto, refuseProto } from './dict-values.ts';

/** The sticky-bandit cookie holds at most MAX_CLAIMS arms. */
export const atMostMaxClaims = (arms: Record<string, unknown>): boolean =>
  Object.keys(arms).length <= MAX_CLAIMS;

export {
  atMostMaxAttributes,
  everyItemHasConsent,
  isFiniteNumber,
  isHttpUrl,
  isTimeZone,
  namesSubject,
  notCookieAndIds,
  targetNamed,
} from './decision-api-rules.ts';
