import { describe, expect, it } from 'vitest';
import { buildBundle, formatIssues } from '../../cli/lib/content.ts';
import { copyContent, editJson } from './content-copy.ts';

async function problems(dir: string): Promise<string> {
  const built = await buildBundle(dir);
  expect(built.ok).toBe(false);
  return built.ok ? '' : formatIssues(built.issues);
}

describe('experiments in content-variants/', () => {
  it('loads experiments/*.json and the holdout from site.json into the bundle', async () => {
    const built = await buildBundle(copyContent());
    if (!built.ok) throw new Error(formatIssues(built.issues));
    expect(built.bundle.experiments?.map((e) => e.id)).toEqual([
      'first-visit-cta',
      'reviews-bandit',
    ]);
    expect(built.bundle.holdout?.share).toBe(0.05);
  });

  it('names the experiment file and the path inside it when an arm points at a missing variant', async () => {
    const dir = copyContent();
    editJson(dir, 'experiments/reviews-bandit.json', (json) => {
      (json.arms as { variant?: string }[])[1]!.variant = 'review-nope';
    });
    expect(await problems(dir)).toContain(
      'content-variants/experiments/reviews-bandit.json at arms[1].variant: unknown variant "review-nope"',
    );
  });

  it('names site.json when the holdout is out of range', async () => {
    const dir = copyContent();
    editJson(dir, 'site.json', (json) => {
      (json.holdout as { share: number }).share = 0.9;
    });
    expect(await problems(dir)).toContain('content-variants/site.json at holdout.share');
  });
});
