/**
 * `tessera diff [--against live|<version>] [--target …]`: what publishing content-variants/
 * would change, in words: variants, rules, pages, segments added, removed, changed, reordered.
 */
import { diffBundles } from '../../shared/publish/diff.ts';
import { CliError } from '../lib/errors.ts';
import { changeLines, short } from '../lib/print.ts';
import { withTarget, type TargetOptions } from '../lib/target.ts';
import { validBundle } from './validate.ts';

export async function diff(
  dir: string,
  against: string,
  target: string,
  o: TargetOptions,
  log: (l: string) => void,
) {
  const bundle = await validBundle(dir);
  await withTarget(target, o, async (t) => {
    const base = against === 'live' ? (await t.live()).version : against;
    const from = base ? await t.version(base) : undefined;
    if (base && !from) throw new CliError(`version ${base} is not stored on ${t.name}`);
    log(
      `${against === 'live' ? `live on ${t.name}` : 'version'} ${short(base)} → working copy ${bundle.version}`,
    );
    for (const line of changeLines(base === bundle.version ? [] : diffBundles(from, bundle)))
      log(line);
  });
}
