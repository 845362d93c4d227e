/**
 * A goal as the counting matches it (counting.ts `GoalMatch`), with what the experiment implies
 * filled in: a click goal without `slots` means clicks on the experiment's own slots — its
 * `scope.slot`, or every slot of its `scope.page` — never clicks anywhere on the site. Pure.
 */
import type { BundleBody } from '../schema/bundle.ts';
import type { Experiment, Goal, Holdout } from '../schema/experiment.ts';
import type { GoalMatch } from './counting.ts';

/** The slots an experiment can change (and whose clicks its default click goal counts). */
export function experimentSlots(
  body: Pick<BundleBody, 'pages'>,
  e: Pick<Experiment, 'scope'>,
): string[] {
  if ('slot' in e.scope) return [e.scope.slot];
  const page = e.scope.page;
  return body.pages.find((p) => p.id === page)?.slots ?? [];
}

function match(goal: Goal, defaultSlots: readonly string[] | undefined): GoalMatch {
  switch (goal.event) {
    case 'click': {
      const slots = goal.slots ?? defaultSlots;
      return slots ? { event: 'click', slots } : { event: 'click' };
    }
    case 'custom':
      return { event: 'custom', name: goal.name };
    case 'purchase':
      return {
        event: 'purchase',
        ...(goal.minValue !== undefined ? { minValue: goal.minValue } : {}),
        ...(goal.currency !== undefined ? { currency: goal.currency } : {}),
      };
    case 'add_to_cart':
      return { event: 'add_to_cart' };
  }
}

/** What counts for this experiment. */
export function experimentGoal(body: Pick<BundleBody, 'pages'>, e: Experiment): GoalMatch {
  return match(e.goal, experimentSlots(body, e));
}

/** What counts for the holdout: it covers the whole site, so a click goal means any slot. */
export function holdoutGoal(h: Holdout): GoalMatch {
  return match(h.goal, undefined);
}

/** The goal in words, for reports ("clicks on slot hero", "purchases of at least 50 EUR"). */
export function describeGoal(g: GoalMatch): string {
  switch (g.event) {
    case 'click':
      return g.slots
        ? `clicks on slot${g.slots.length > 1 ? 's' : ''} ${g.slots.join(', ')}`
        : 'clicks on any slot';
    case 'custom':
      return `custom event "${g.name}"`;
    case 'purchase':
      return g.minValue !== undefined
        ? `purchases of at least ${g.minValue} ${g.currency ?? ''}`.trimEnd()
        : g.currency
          ? `purchases in ${g.currency}`
          : 'purchases';
    case 'add_to_cart':
      return 'adds to cart';
  }
}
