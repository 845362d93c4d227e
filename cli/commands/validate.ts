/**
 * `tessera validate` and `tessera build`: check content-variants/ (every file against the
 * shared schemas, then referential integrity) and name the bundle by its content hash.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle } from '../../shared/schema/bundle.ts';
import { buildBundle, formatIssues } from '../lib/content.ts';
import { CliError } from '../lib/errors.ts';

/** Warnings go to stderr: stdout is for results scripts read (a version, a preview URL). */
const toStderr = (line: string) => console.error(line);

/**
 * The validated bundle, or a CliError listing every problem (file, line:column, where, expected,
 * found). Warnings (they do not stop anything) are printed through `warn`.
 */
export async function validBundle(dir: string, warn = toStderr): Promise<Bundle> {
  const built = await buildBundle(dir);
  if (!built.ok) {
    const n = built.issues.length;
    const where = path.relative(process.cwd(), dir) || '.';
    throw new CliError(
      `${n} problem${n === 1 ? '' : 's'} in ${where}; nothing was built or published:\n${formatIssues(built.issues)}`,
    );
  }
  for (const line of formatIssues(built.warnings).split('\n').filter(Boolean))
    warn(`warning: ${line}`);
  return built.bundle;
}

export async function validate(dir: string, log: (l: string) => void): Promise<void> {
  const b = await validBundle(dir);
  log(
    `valid: ${b.pages.length} pages, ${b.slots.length} slots, ${b.segments.length} segments` +
      (b.experiments?.length ? `, ${b.experiments.length} experiments` : '') +
      (b.holdout?.share ? `, ${Math.round(b.holdout.share * 1000) / 10}% holdout` : '') +
      ` (version ${b.version})`,
  );
}

export async function build(
  dir: string,
  out: string | undefined,
  log: (l: string) => void,
): Promise<void> {
  const bundle = await validBundle(dir);
  if (out) writeFileSync(out, `${JSON.stringify(bundle, null, 2)}\n`);
  log(bundle.version);
}
