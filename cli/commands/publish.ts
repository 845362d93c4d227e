/**
 * `tessera publish --target <local|url> [--dry-run]`: validate, upload the version, then move
 * the live pointer from the version we saw live (a concurrent publish makes this fail with a
 * conflict instead of overwriting it). Publishing the live version again changes nothing.
 */
import { describePath } from '../../shared/bundle/issues.ts';
import { diffBundles } from '../../shared/publish/diff.ts';
import type { MoveResult } from '../../shared/publish/move.ts';
import { formatIssues } from '../lib/content.ts';
import { pathKeys } from '../../shared/http/issues.ts';
import { CliError } from '../lib/errors.ts';
import { changeLines, short } from '../lib/print.ts';
import { withTarget, type TargetOptions } from '../lib/target.ts';
import { validBundle } from './validate.ts';

/** Turns a refused move into the message a person needs. */
export function refused(result: Exclude<MoveResult, { ok: true }>): CliError {
  switch (result.code) {
    case 'conflict':
      return new CliError(`conflict: ${result.message}. Nothing was changed.`);
    case 'too_soon':
      return new CliError(`${result.message}. Nothing was changed.`);
    case 'unknown_version':
      return new CliError(`${result.message}. Nothing was changed.`);
  }
}

export async function publish(
  dir: string,
  target: string,
  dryRun: boolean,
  o: TargetOptions,
  log: (l: string) => void,
) {
  const bundle = await validBundle(dir);
  await withTarget(target, o, async (t) => {
    const live = await t.live();
    if (live.version === bundle.version) {
      // A no-op move: changes nothing, but repairs a KV pointer left behind by an interrupted move.
      if (!dryRun) await t.move(bundle.version, live.version, 'publish');
      log(`version ${bundle.version} is already live on ${t.name}; nothing to publish`);
      return;
    }
    const from = live.version ? await t.version(live.version) : undefined;
    const changes = diffBundles(from, bundle);
    const up = await t.upload(bundle);
    if (!up.ok) {
      throw new CliError(
        `${t.name} rejected the bundle; nothing was published:\n${formatIssues(up.issues.map((i) => ({ file: 'bundle', at: describePath(bundle, pathKeys(i.path)), message: i.message, ...(i.found ? { found: i.found } : {}) })))}`,
      );
    }
    if (dryRun) {
      log(
        `dry run: uploaded version ${up.version} to ${t.name}; live stays ${short(live.version)}`,
      );
      for (const line of changeLines(changes)) log(line);
      return;
    }
    const moved = await t.move(up.version, live.version, 'publish');
    if (!moved.ok) throw refused(moved);
    log(`published version ${moved.to} to ${t.name} (was ${short(moved.from)})`);
    for (const line of changeLines(changes)) log(line);
  });
}
