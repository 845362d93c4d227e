/**
 * Integrity of a bundle's experiments: the checks their schema alone cannot express. Pure;
 * every problem carries its path inside the bundle (`experiments[2].arms[1].variant`).
 */
import type { BundleBody } from '../schema/bundle.ts';
import type { Experiment, Goal } from '../schema/experiment.ts';
import { laneShares } from '../schema/experiment-rules.ts';
import type { Issue } from './issues.ts';

/** Slack for floating-point sums of shares. */
const EPS = 1e-9;

function checkArms(body: BundleBody, e: Experiment, at: (string | number)[], issues: Issue[]) {
  const slots = new Map(body.slots.map((s) => [s.id, s]));
  const pages = new Map(body.pages.map((p) => [p.id, p]));
  const variantsOf = (slotId: string) => slots.get(slotId)?.variants.map((v) => v.id) ?? [];
  const armIds = e.arms.map((a) => a.id);
  armIds.forEach((id, i) => {
    if (armIds.indexOf(id) !== i)
      issues.push({ path: [...at, 'arms', i, 'id'], message: `duplicate arm id "${id}"` });
  });
  if (e.control && !armIds.includes(e.control)) {
    issues.push({
      path: [...at, 'control'],
      message: `control "${e.control}" is not one of the arms (${armIds.join(', ')})`,
    });
  }

  if ('slot' in e.scope) {
    const slotId = e.scope.slot;
    if (!slots.has(slotId)) {
      issues.push({ path: [...at, 'scope', 'slot'], message: `unknown slot "${slotId}"` });
      return;
    }
    e.arms.forEach((arm, i) => {
      if (arm.variants) {
        issues.push({
          path: [...at, 'arms', i, 'variants'],
          message: 'a slot experiment names its arm\'s variant with "variant", not "variants"',
        });
      }
      if (arm.variant && !variantsOf(slotId).includes(arm.variant)) {
        issues.push({
          path: [...at, 'arms', i, 'variant'],
          message: `unknown variant "${arm.variant}" (slot "${slotId}" has ${variantsOf(slotId).join(', ')})`,
        });
      }
    });
  } else {
    const page = pages.get(e.scope.page);
    if (!page) {
      issues.push({ path: [...at, 'scope', 'page'], message: `unknown page "${e.scope.page}"` });
      return;
    }
    e.arms.forEach((arm, i) => {
      if (arm.variant) {
        issues.push({
          path: [...at, 'arms', i, 'variant'],
          message:
            'a page experiment maps slots to variants with "variants": { "<slot>": "<variant>" }',
        });
      }
      for (const [slotId, variantId] of Object.entries(arm.variants ?? {})) {
        if (!page.slots.includes(slotId)) {
          issues.push({
            path: [...at, 'arms', i, 'variants', slotId],
            message: `slot "${slotId}" is not on page "${page.id}" (${page.slots.join(', ')})`,
          });
        } else if (!variantsOf(slotId).includes(variantId)) {
          issues.push({
            path: [...at, 'arms', i, 'variants', slotId],
            message: `unknown variant "${variantId}" (slot "${slotId}" has ${variantsOf(slotId).join(', ')})`,
          });
        }
      }
    });
  }

  if (e.type === 'ab') {
    const total = e.arms.reduce((s, a) => s + a.weight, 0);
    if (!(total > 0))
      issues.push({ path: [...at, 'arms'], message: 'arm weights must sum to more than 0' });
    const lanes = laneShares(e.arms);
    if (lanes.reduce((s, x) => s + x, 0) > 1 + EPS) {
      issues.push({
        path: [...at, 'arms'],
        message: 'arm lanes add up to more than 1 (the whole hash space)',
      });
    }
    if (total > 0) {
      e.arms.forEach((arm, i) => {
        const share = (e.traffic * arm.weight) / total;
        if (share > lanes[i]! + EPS) {
          issues.push({
            path: [...at, 'arms', i, 'weight'],
            message:
              `arm "${arm.id}" would take ${(share * 100).toFixed(1)}% of visitors but its lane holds ` +
              `${(lanes[i]! * 100).toFixed(1)}%: lower traffic or the weight, or reserve a larger "lane" when starting the experiment`,
          });
        }
      });
    }
  } else if (e.bandit.floor * e.arms.length > 1 + EPS) {
    issues.push({
      path: [...at, 'bandit', 'floor'],
      message: `a floor of ${e.bandit.floor} for ${e.arms.length} arms adds up to more than 100%`,
    });
  }
}

/** Which slots an experiment can change (for overlap checks). */
function slotsOf(body: BundleBody, e: Experiment): string[] {
  if ('slot' in e.scope) return [e.scope.slot];
  const pageId = e.scope.page;
  return body.pages.find((p) => p.id === pageId)?.slots ?? [];
}

/**
 * On pages that keep offers unique, an experiment arm's variant overrides the ladder after the
 * offers were shared out, so it could repeat an offer another slot shows. Rejected at publish
 * time when any other slot of such a page has a variant with the same offer.
 */
function checkArmOffers(body: BundleBody, e: Experiment, at: (string | number)[], issues: Issue[]) {
  const slots = new Map(body.slots.map((s) => [s.id, s]));
  const offerOf = (slotId: string, variantId: string) =>
    slots.get(slotId)?.variants.find((v) => v.id === variantId)?.offer;
  e.arms.forEach((arm, i) => {
    const shown: [string, string][] =
      'slot' in e.scope
        ? arm.variant
          ? [[e.scope.slot, arm.variant]]
          : []
        : Object.entries(arm.variants ?? {});
    for (const [slotId, variantId] of shown) {
      const offer = offerOf(slotId, variantId);
      if (!offer) continue;
      for (const page of body.pages) {
        if (!page.uniqueOffers || !page.slots.includes(slotId)) continue;
        const clash = page.slots.find(
          (other) => other !== slotId && slots.get(other)?.variants.some((v) => v.offer === offer),
        );
        if (clash) {
          issues.push({
            path: [...at, 'arms', i],
            message: `arm "${arm.id}" shows "${variantId}" with offer "${offer}", which slot "${clash}" can also show on page "${page.id}" (uniqueOffers); an experiment cannot keep that promise — pick a variant without the offer`,
          });
        }
      }
    }
  });
}

/** Goal fields the schema cannot check alone: named slots exist, a minimum value has a currency. */
export function checkGoal(
  body: BundleBody,
  goal: Goal,
  at: (string | number)[],
  issues: Issue[],
): void {
  if (goal.event === 'click' && goal.slots) {
    const known = body.slots.map((s) => s.id);
    goal.slots.forEach((slot, i) => {
      if (!known.includes(slot))
        issues.push({
          path: [...at, 'slots', i],
          message: `unknown slot "${slot}" (slots: ${known.join(', ')})`,
        });
    });
  }
  if (goal.event === 'purchase' && goal.minValue !== undefined && !goal.currency) {
    issues.push({
      path: [...at, 'currency'],
      message: `a purchase goal with "minValue" needs the "currency" it is in (e.g. "EUR"): amounts in different currencies are never compared`,
    });
  }
}

export function checkExperiments(body: BundleBody): Issue[] {
  const issues: Issue[] = [];
  const experiments = body.experiments ?? [];
  if (body.holdout) checkGoal(body, body.holdout.goal, ['holdout', 'goal'], issues);
  const ids = experiments.map((e) => e.id);
  experiments.forEach((e, i) => {
    const at = ['experiments', i];
    if (ids.indexOf(e.id) !== i)
      issues.push({ path: [...at, 'id'], message: `duplicate experiment id "${e.id}"` });
    checkArms(body, e, at, issues);
    checkArmOffers(body, e, at, issues);
    if (e.start && e.end && Date.parse(e.end) <= Date.parse(e.start)) {
      issues.push({ path: [...at, 'end'], message: `end ${e.end} is not after start ${e.start}` });
    }
    if (e.layer && e.layer.to <= e.layer.from) {
      issues.push({
        path: [...at, 'layer'],
        message: `layer range [${e.layer.from}, ${e.layer.to}) is empty`,
      });
    }
    checkGoal(body, e.goal, [...at, 'goal'], issues);
  });

  // Same layer: ranges must not overlap (that is what makes them mutually exclusive).
  const byLayer = new Map<string, number[]>();
  experiments.forEach(
    (e, i) => e.layer && byLayer.set(e.layer.id, [...(byLayer.get(e.layer.id) ?? []), i]),
  );
  for (const members of byLayer.values()) {
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) {
        const x = experiments[members[a]!]!;
        const y = experiments[members[b]!]!;
        if (x.layer!.from < y.layer!.to && y.layer!.from < x.layer!.to) {
          issues.push({
            path: ['experiments', members[b]!, 'layer'],
            message: `overlaps experiment "${x.id}" in layer "${x.layer!.id}"; give each a disjoint [from, to) range`,
          });
        }
      }
    }
  }

  // Two experiments that could change the same slot for the same visitor must share a layer.
  experiments.forEach((x, a) => {
    experiments.slice(a + 1).forEach((y, k) => {
      const b = a + 1 + k;
      if (x.layer && y.layer && x.layer.id === y.layer.id) return;
      const shared = slotsOf(body, x).filter((s) => slotsOf(body, y).includes(s));
      if (shared.length) {
        issues.push({
          path: ['experiments', b, 'layer'],
          message: `experiments "${x.id}" and "${y.id}" both change slot "${shared[0]}": put them in the same layer with disjoint ranges`,
        });
      }
    });
  });
  return issues;
}
