/**
 * The seeded bundles of issue 18's bundle scaling (≈ 100 KB, 1 MB, 10 MB of JSON). Free of Node
 * APIs, so the workerd micro-benchmarks (bench/workerd/micro-worker.ts) build the same bundles as
 * bench/scale.ts.
 */
import { parseBundleBody } from '../shared/bundle/parse.ts';
import { bundleVersion } from '../shared/bundle/version.ts';
import type { Bundle } from '../shared/schema/bundle.ts';
import { bundleBody } from './workload.ts';

export interface ScaleShape {
  name: string;
  pages: number;
  slots: number;
  variantsPerSlot: number;
  rules: number;
}

/** ≈ 100 KB, 1 MB, 10 MB of bundle JSON. */
export const SCALES: ScaleShape[] = [
  { name: '100 KB', pages: 20, slots: 20, variantsPerSlot: 10, rules: 40 },
  { name: '1 MB', pages: 50, slots: 100, variantsPerSlot: 20, rules: 400 },
  { name: '10 MB', pages: 200, slots: 500, variantsPerSlot: 40, rules: 2000 },
];

const SLOTS_PER_PAGE = 10;

/** A valid bundle of the shape: the bench's slot generator, pages each showing 10 of the slots. */
export async function scaledBundle(s: ScaleShape): Promise<Bundle> {
  const body = bundleBody({
    slotsPerPage: s.slots,
    rulesPerPage: s.rules,
    variantsPerSlot: s.variantsPerSlot,
    experiments: false,
  });
  const slots = body.slots as { id: string }[];
  body.pages = Array.from({ length: s.pages }, (_, i) => ({
    id: `p${i}`,
    path: i === 0 ? '/' : `/p/${i}`,
    title: `Page ${i}`,
    slots: Array.from(
      { length: Math.min(SLOTS_PER_PAGE, slots.length) },
      (_, k) => slots[(i * SLOTS_PER_PAGE + k) % slots.length]!.id,
    ),
  }));
  delete (body.site as { origin?: unknown }).origin;
  const parsed = parseBundleBody(body);
  if (!parsed.ok)
    throw new Error(`scaled bundle invalid: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
  return { ...parsed.body, version: await bundleVersion(parsed.body) };
}
