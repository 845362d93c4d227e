import { describe, expect, it } from 'vitest';
import { buildBundle, formatIssues } from '../../cli/lib/content.ts';
import { editJson } from './content-copy.ts';
import { fixtureContent } from './fixture-content.ts';

async function problems(dir: string): Promise<string> {
  const built = await buildBundle(dir);
  expect(built.ok).toBe(false);
  return built.ok ? '' : formatIssues(built.issues);
}

describe('experiments in a content folder', () => {
  it('loads experiments/*.json and the holdout from site.json into the bundle', async () => {
    const built = await buildBundle(fixtureContent());
    if (!built.ok) throw new Error(formatIssues(built.issues));
    expect(built.bundle.experiments?.map((e) => e.id)).toEqual(['hero-test']);
    expect(built.bundle.holdout?.share).toBe(0.05);
  });

  it('names the experiment file and the path inside it when an arm points at a missing variant', async () => {
    const dir = fixtureContent();
    editJson(dir, 'experiments/hero-test.json', (json) => {
      (json.arms as { variant?: string }[])[1]!.variant = 'hero-nope';
    });
    expect(await problems(dir)).toMatch(
      /^content-variants\/experiments\/hero-test\.json:\d+:\d+ › arm "vip-look" › variant: unknown variant "hero-nope"/m,
    );
  });

  it('names site.json when the holdout is out of range', async () => {
    const dir = fixtureContent();
    editJson(dir, 'site.json', (json) => {
      (json.holdout as { share: number }).share = 0.9;
    });
    expect(await problems(dir)).toMatch(/content-variants\/site\.json:\d+:\d+ › holdout\.share/);
  });
});
