/**
 * Every refinement and transform a schema the visitor worker validates at runtime uses, as named
 * functions: the zod schema calls them (`z.refine(isSafeUrl, …)`), and so does the validator
 * generated from it (scripts/build-validators.ts finds them here by identity). Never restate one
 * by hand in a schema: export it here and use it there. No zod in this module.
 */
export { isSafeUrl } from '../url.ts';
export { nullProto, refuseProto } from './dict-values.ts';
