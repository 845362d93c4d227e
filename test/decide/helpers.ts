/**
 * Builders for decide tests: a one-page bundle whose slots are given inline, validated like a
 * publish, and a request context with sensible defaults.
 */
import { buildTestBundle } from '../support/bundle.ts';
import type { BundleInput } from '../../shared/schema/bundle.ts';
import type { Condition } from '../../shared/schema/condition.ts';
import { Profile, type ProfileInput } from '../../shared/schema/profile.ts';
import { decide } from '../../worker/decide/decide.ts';
import type { Bundle, DecideInput, Decision, RequestContext } from '../../worker/decide/types.ts';

export const NOW = Date.parse('2026-11-23T10:00:00Z');

export const ctx = (extra: Partial<RequestContext> = {}): RequestContext => ({
  path: '/',
  device: 'desktop',
  returning: false,
  ...extra,
});

export const profile = (input: Partial<ProfileInput> = {}): Profile =>
  Profile.parse({ id: 'p-1', ...input });

type SlotInput = BundleInput['slots'][number];

/** A hero slot with variants `a`, `b`, `c`, `hit`, `miss` (default) and the given rules. */
export function heroSlot(
  id: string,
  rules: SlotInput['rules'] = [],
  extra: Partial<SlotInput> = {},
): SlotInput {
  const v = (vid: string) => ({ id: vid, props: { headline: `Variant ${vid}` } });
  return {
    id,
    component: 'hero',
    default: 'miss',
    variants: [v('miss'), v('hit'), v('a'), v('b'), v('c')],
    rules,
    ...extra,
  } as SlotInput;
}

export function pageBundle(
  slots: SlotInput[],
  extra: Partial<BundleInput> = {},
  uniqueOffers?: boolean,
): BundleInput {
  return {
    schemaVersion: 1,
    site: { name: 'Decide Test' },
    segments: [
      { id: 'vip', name: 'VIP', source: 'profile' },
      {
        id: 'big-spender',
        name: 'Big spender',
        when: { field: 'scores.ltvTier', op: 'in', value: ['high', 'vip'] },
      },
      {
        id: 'vip-mobile',
        name: 'VIP on mobile',
        when: { all: [{ segment: 'vip' }, { field: 'context.device', op: 'eq', value: 'mobile' }] },
      },
    ],
    pages: [
      {
        id: 'home',
        path: '/',
        title: 'Home',
        slots: slots.map((s) => s.id),
        ...(uniqueOffers ? { uniqueOffers } : {}),
      },
    ],
    slots,
    ...extra,
  };
}

/** One slot, one rule (`when` → variant `hit`): the decision for that slot. */
export async function decideRule(
  when: Condition,
  input: { profile?: Profile; context?: RequestContext } = {},
): Promise<Decision> {
  const bundle = await buildTestBundle(
    pageBundle([heroSlot('hero', [{ id: 'r', when, variant: 'hit' }])]),
  );
  return only(
    decide({
      bundle,
      pageId: 'home',
      context: input.context ?? ctx(),
      now: NOW,
      profile: input.profile,
    }),
  );
}

export function only(decisions: Decision[]): Decision {
  if (decisions.length !== 1 || !decisions[0])
    throw new Error(`expected one decision, got ${decisions.length}`);
  return decisions[0];
}

export function run(bundle: Bundle, input: Partial<DecideInput> = {}): Decision[] {
  return decide({ bundle, pageId: 'home', context: ctx(), now: NOW, ...input });
}
