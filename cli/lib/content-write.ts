/**
 * The inverse of content.ts's `readContent`: a bundle body as the files of `content-variants/`
 * (site.json, segments.json, pages/<id>.json, slots/<id>.json, experiments/<id>.json), each with
 * its `$schema` line so editors keep validating them. Pure: the body in, `{ file → text }` out;
 * `tessera pull` compares it with the folder and writes what differs.
 */
import type { BundleBody } from '../../shared/schema/bundle.ts';

export interface ContentFiles {
  /** Relative path (`slots/home-hero.json`) → file text (2-space JSON, trailing newline). */
  files: Map<string, string>;
  /** The folders whose every `.json` file the body owns (a file not in `files` is stale). */
  owned: readonly string[];
}

const FOLDERS = ['pages', 'slots', 'experiments'] as const;

const text = (schema: string, value: object) =>
  `${JSON.stringify({ $schema: schema, ...value }, null, 2)}\n`;

export function contentFiles(body: BundleBody): ContentFiles {
  const { segments, pages, slots, experiments, ...site } = body;
  const files = new Map<string, string>();
  files.set('site.json', text('./schema/site.schema.json', site));
  files.set('segments.json', text('./schema/segments.schema.json', { segments }));
  for (const page of pages)
    files.set(`pages/${page.id}.json`, text('../schema/page.schema.json', page));
  for (const slot of slots)
    files.set(`slots/${slot.id}.json`, text('../schema/slot.schema.json', slot));
  for (const experiment of experiments ?? [])
    files.set(
      `experiments/${experiment.id}.json`,
      text('../schema/experiment.schema.json', experiment),
    );
  return { files, owned: FOLDERS };
}
