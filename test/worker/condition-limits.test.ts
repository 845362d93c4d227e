/**
 * Conditions are bounded in depth and size (issue 13 #3): 10,000 nested `not`s overflowed the
 * stack (a 500), and at depth ~2,100 an upload was accepted that could then never be read back.
 * Now both are refused with a message that says where and what to do, and whatever publishing
 * accepts, the edge reads back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { bundleVersion } from '../../shared/bundle/version.ts';
import { Bundle } from '../../shared/schema/bundle.ts';
import {
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_NODES,
  conditionSize,
} from '../../shared/schema/condition.ts';
import { adminInit, resetPublishing, testWorker } from '../support/admin.ts';
import { testBundleBody } from '../support/bundle.ts';

const leaf = { field: 'context.device', op: 'eq', value: 'mobile' } as const;

/** `depth` levels in all: depth − 1 `not`s around one comparison. */
function nested(depth: number): unknown {
  let c: unknown = leaf;
  for (let i = 1; i < depth; i++) c = { not: c };
  return c;
}

/** A bundle whose condition-defined segment holds `when`. */
function withSegmentCondition(when: unknown) {
  const body = testBundleBody();
  const segments = body.segments!.map((s) => (s.id === 'runners' ? { ...s, when } : s));
  return { ...body, segments } as unknown;
}

describe('condition limits', () => {
  it('refuses 10,000 nested nots with a message naming the segment, not a stack overflow', () => {
    const parsed = parseBundleBody(withSegmentCondition(nested(10_000)));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const [issue] = parsed.issues;
    expect(issue!.message).toMatch(
      new RegExp(`nest at most ${MAX_CONDITION_DEPTH} levels deep .* split it into segments`),
    );
    expect(issue!.path.slice(0, 3)).toEqual(['segments', 1, 'when']);
    expect(issue!.path.slice(3)).toEqual(Array(MAX_CONDITION_DEPTH).fill('not'));
  });

  it(`accepts a condition exactly ${MAX_CONDITION_DEPTH} levels deep and refuses one level more`, () => {
    expect(parseBundleBody(withSegmentCondition(nested(MAX_CONDITION_DEPTH))).ok).toBe(true);
    expect(parseBundleBody(withSegmentCondition(nested(MAX_CONDITION_DEPTH + 1))).ok).toBe(false);
  });

  it(`refuses a rule with more than ${MAX_CONDITION_NODES} parts, naming the rule`, () => {
    // 50 × (any of 10 comparisons) = 1 + 50 × 11 = 551 parts, only 3 levels deep.
    const wide = { all: Array.from({ length: 50 }, () => ({ any: Array(10).fill(leaf) })) };
    expect(conditionSize(wide).depth).toBe(3);
    const body = testBundleBody();
    body.slots[1]!.rules![0]!.when = wide as never;
    const parsed = parseBundleBody(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues[0]).toMatchObject({
      path: ['slots', 1, 'rules', 0, 'when'],
      message: expect.stringMatching(/at most 500 parts/),
    });
  });

  it('reads back at the edge every bundle publishing accepts (no version can be unreadable)', async () => {
    const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'large', withCrossShrink: true },
        fc.constant(leaf),
        fc.record({ segment: fc.constant('vip') }),
        fc.record({ not: tie('node') }),
        fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
        fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
      ),
    })).node;
    const deep = fc.integer({ min: 1, max: 40 }).map(nested);
    await fc.assert(
      fc.asyncProperty(fc.oneof(condition, deep), async (when) => {
        const size = conditionSize(when);
        const parsed = parseBundleBody(withSegmentCondition(when));
        expect(parsed.ok).toBe(
          size.depth <= MAX_CONDITION_DEPTH && size.nodes <= MAX_CONDITION_NODES,
        );
        if (!parsed.ok) return;
        // What the admin API stores is this JSON; the edge parses it with the Bundle schema.
        const stored = JSON.stringify({
          ...parsed.body,
          version: await bundleVersion(parsed.body),
        });
        expect(Bundle.safeParse(JSON.parse(stored)).success).toBe(true);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('the admin API answers 422 with the issue for 10,000 nested nots, and stores nothing', async () => {
    await resetPublishing();
    const w = testWorker();
    const res = await w.fetch(
      '/admin/versions',
      await adminInit('POST', withSegmentCondition(nested(10_000))),
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.stringify(await res.json())).toMatch(/nest at most 16 levels deep/);
    expect((await w.fetch('/admin/live', await adminInit('GET'))).status).not.toBe(500);
  });

  it(`the admin API stores a condition ${MAX_CONDITION_DEPTH} levels deep and reads the version back`, async () => {
    await resetPublishing();
    const w = testWorker();
    const up = await w.fetch(
      '/admin/versions',
      await adminInit('POST', withSegmentCondition(nested(MAX_CONDITION_DEPTH))),
    );
    expect(up.status).toBe(201);
    const { version } = (await up.json()) as { version: string };
    expect((await w.fetch(`/admin/versions/${version}`, await adminInit('GET'))).status).toBe(200);
    const live = await w.fetch(
      '/admin/live',
      await adminInit('PUT', { to: version, expected: null }),
    );
    expect(live.status).toBe(200);
  });
});
