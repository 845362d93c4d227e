/**
 * `tessera history --target …` and `tessera rollback [version] --target …`. Rollback moves the
 * pointer back to a version that is already stored; it never uploads anything.
 */
import path from 'node:path';
import { rollbackTarget } from '../../shared/publish/history.ts';
import { buildBundle } from '../lib/content.ts';
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

/**
 * After a rollback, the working copy usually still holds the change that was rolled back: say so,
 * or the next `publish` quietly puts it back live.
 */
async function workingCopyNote(dir: string, rolledBack: string | null): Promise<string[]> {
  if (!rolledBack) return [];
  const built = await buildBundle(dir).catch(() => undefined);
  if (!built?.ok || built.bundle.version !== rolledBack) return [];
  return [
    `note: your working copy (${path.relative(process.cwd(), dir) || '.'}) still holds version ${rolledBack}, the one you just rolled back;`,
    '  `tessera publish` would make it live again. Undo or fix those edits first (e.g. git checkout, then validate).',
  ];
}

export async function rollback(
  version: string | undefined,
  target: string,
  o: TargetOptions,
  log: (l: string) => void,
  dir?: string,
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
    if (dir) for (const line of await workingCopyNote(dir, moved.from)) log(line);
  });
}
