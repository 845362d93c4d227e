/**
 * The cheap structural check the visitor worker runs on a stored bundle once its bytes have
 * matched their version (version.ts, `verifiedStored`): the shape every step of the page path
 * walks — site, pages, slots, variants, rules, segments, experiments — without re-running the
 * schema the writer already ran (docs/publishing.md, "Trust boundary"). Pure, one pass, no
 * allocation. A bundle that fails it is treated like every other invalid bundle (`bundle.invalid`).
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isOptional = (v: unknown, is: (v: unknown) => boolean) => v === undefined || is(v);
const every = (v: unknown, is: (item: unknown) => boolean, min = 0): v is unknown[] =>
  Array.isArray(v) && v.length >= min && v.every(is);

const isRule = (r: unknown) =>
  isObject(r) && isString(r.id) && isString(r.variant) && isObject(r.when);

/** A variant's frame (its props are the component's business: salvage.ts checks them). */
export const isVariantFrame = (v: unknown): v is Json =>
  isObject(v) && isString(v.id) && every(v.tags, isString) && isOptional(v.offer, isString);

const isSlot = (s: unknown) =>
  isObject(s) &&
  isString(s.id) &&
  isString(s.component) &&
  isString(s.default) &&
  Array.isArray(s.variants) &&
  every(s.rules, isRule);

const isPage = (p: unknown) =>
  isObject(p) &&
  isString(p.id) &&
  isString(p.path) &&
  isString(p.title) &&
  every(p.slots, isString) &&
  isOptional(p.origin, isObject);

const isSegment = (s: unknown) =>
  isObject(s) && isString(s.id) && (s.source === 'profile' || isObject(s.when));

const isExperiment = (e: unknown) =>
  isObject(e) &&
  isString(e.id) &&
  isString(e.type) &&
  isObject(e.scope) &&
  every(e.arms, isObject, 2);

/**
 * True when `json` has the shape of a bundle outside its variants' props: what decide, the
 * experiments and the renderer read, with the types they read it as.
 */
export function hasBundleShape(json: unknown, version: string): json is Json & { slots: Json[] } {
  return (
    isObject(json) &&
    json.version === version &&
    json.schemaVersion === 1 &&
    isObject(json.site) &&
    isString(json.site.name) &&
    isString(json.site.lang) &&
    every(json.segments, isSegment) &&
    every(json.pages, isPage, 1) &&
    every(json.slots, isSlot, 1) &&
    isOptional(json.holdout, isObject) &&
    isOptional(json.experiments, (x) => every(x, isExperiment))
  );
}
