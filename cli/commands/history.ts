/**
 * `tessera history --target …` and `tessera rollback [version] --target …`. Rollback moves the
 * pointer back to a version that is already stored; it never uploads anything.
 */
import { rollbackTarget } from '../../shared/publish/history.ts';
import { CliError } from '../lib/errors.ts';
import { historyLines, short } from '../lib/print.ts';
import { withTarget, type TargetOptions } from '../lib/target.ts';
import { refused } from './publish.ts';

export async function history(
  target: string,
  limit: number,
  o: TargetOptions,
  log: (l: string) => void,
) {
  await withTarget(target, o, async (t) => {
    for (const line of historyLines(await t.history(limit))) log(line);
  });
}

export async function rollback(
  version: string | undefined,
  target: string,
  o: TargetOptions,
  log: (l: string) => void,
) {
  await withTarget(target, o, async (t) => {
    const live = await t.live();
    const to = version ?? rollbackTarget(await t.history(50), live.version);
    if (!to)
      throw new CliError(
        `nothing to roll back to on ${t.name}: no earlier version in the history. Name one: tessera rollback <version>`,
      );
    const moved = await t.move(to, live.version, 'rollback');
    if (!moved.ok) throw refused(moved);
    if (moved.outcome === 'unchanged')
      return log(`version ${to} is already live on ${t.name}; nothing changed`);
    log(`rolled back ${t.name} to version ${moved.to} (was ${short(moved.from)})`);
    log(`  ${moved.summary}`);
  });
}
