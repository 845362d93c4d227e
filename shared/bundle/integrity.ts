/**
 * Referential integrity of a bundle body: the checks a schema alone cannot express.
 * Pure; returns every problem found, each with the path inside the bundle.
 */
import type { Condition } from '../schema/condition.ts';
import type { BundleBody } from '../schema/bundle.ts';
import { checkExperiments } from './experiments.ts';
import { checkContextFields } from './context-fields.ts';
import type { Issue } from './issues.ts';
import { checkUniqueOffers } from './offers.ts';
import { checkOrigin } from './origin.ts';

export function segmentRefs(condition: Condition, out: string[] = []): string[] {
  if ('all' in condition) condition.all.forEach((c) => segmentRefs(c, out));
  else if ('any' in condition) condition.any.forEach((c) => segmentRefs(c, out));
  else if ('not' in condition) segmentRefs(condition.not, out);
  else if ('segment' in condition) out.push(condition.segment);
  return out;
}

function duplicates(ids: string[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return dup;
}

export function checkIntegrity(body: BundleBody): Issue[] {
  const issues: Issue[] = [];
  const flagDuplicates = (
    ids: string[],
    where: (i: number) => (string | number)[],
    what: string,
  ) => {
    const dup = duplicates(ids);
    ids.forEach((id, i) => {
      if (dup.has(id)) issues.push({ path: where(i), message: `duplicate ${what} "${id}"` });
    });
  };

  flagDuplicates(
    body.pages.map((p) => p.id),
    (i) => ['pages', i, 'id'],
    'page id',
  );
  flagDuplicates(
    body.pages.map((p) => p.path),
    (i) => ['pages', i, 'path'],
    'page path',
  );
  flagDuplicates(
    body.slots.map((s) => s.id),
    (i) => ['slots', i, 'id'],
    'slot id',
  );
  flagDuplicates(
    body.segments.map((s) => s.id),
    (i) => ['segments', i, 'id'],
    'segment id',
  );

  const segmentIds = new Set(body.segments.map((s) => s.id));
  const checkSegments = (condition: Condition, path: (string | number)[]) => {
    for (const ref of segmentRefs(condition)) {
      if (!segmentIds.has(ref)) {
        issues.push({
          path,
          message: `unknown segment "${ref}"; declare it in segments (known: ${[...segmentIds].join(', ') || 'none'})`,
        });
      }
    }
  };

  const slotIds = new Set(body.slots.map((s) => s.id));
  body.pages.forEach((page, p) =>
    page.slots.forEach((slotId, i) => {
      if (!slotIds.has(slotId)) {
        issues.push({ path: ['pages', p, 'slots', i], message: `unknown slot "${slotId}"` });
      }
    }),
  );

  body.slots.forEach((slot, s) => {
    const variantIds = slot.variants.map((v) => v.id);
    flagDuplicates(variantIds, (i) => ['slots', s, 'variants', i, 'id'], 'variant id');
    flagDuplicates(
      slot.rules.map((r) => r.id),
      (i) => ['slots', s, 'rules', i, 'id'],
      'rule id',
    );
    const known = new Set(variantIds);
    if (!known.has(slot.default)) {
      issues.push({
        path: ['slots', s, 'default'],
        message: `default variant "${slot.default}" is not one of this slot's variants (${variantIds.join(', ')})`,
      });
    }
    slot.rules.forEach((rule, r) => {
      if (!known.has(rule.variant)) {
        issues.push({
          path: ['slots', s, 'rules', r, 'variant'],
          message: `unknown variant "${rule.variant}" (slot "${slot.id}" has ${variantIds.join(', ')})`,
        });
      }
      checkSegments(rule.when, ['slots', s, 'rules', r, 'when']);
      issues.push(...checkContextFields(rule.when, ['slots', s, 'rules', r, 'when']));
    });
  });

  body.segments.forEach((segment, i) => {
    if (!('when' in segment)) return;
    checkSegments(segment.when, ['segments', i, 'when']);
    issues.push(...checkContextFields(segment.when, ['segments', i, 'when']));
  });
  issues.push(...checkUniqueOffers(body));
  issues.push(...checkOrigin(body));
  for (const cycle of segmentCycles(body)) {
    issues.push({
      path: ['segments'],
      message: `segments refer to each other in a cycle: ${cycle.join(' → ')}`,
    });
  }
  (body.experiments ?? []).forEach((e, i) => {
    if (!e.when) return;
    checkSegments(e.when, ['experiments', i, 'when']);
    issues.push(...checkContextFields(e.when, ['experiments', i, 'when']));
  });
  issues.push(...checkExperiments(body));
  return issues;
}

function segmentCycles(body: BundleBody): string[][] {
  const deps = new Map<string, string[]>();
  for (const s of body.segments) deps.set(s.id, 'when' in s ? segmentRefs(s.when) : []);
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(id)), id]);
      return;
    }
    state.set(id, 'visiting');
    for (const next of deps.get(id) ?? []) if (deps.has(next)) visit(next, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of deps.keys()) visit(id, []);
  return cycles;
}
