/**
 * `tessera preview --page / [--segment <id>] [--as <persona>] [--live] --target …`: uploads the
 * working copy (without making it live) and prints a signed, short-lived link that shows it in
 * a browser, optionally forcing a segment or acting as a persona (a sample profile, never a
 * real visitor's). `--live` previews the live
 * version instead (useful with --segment).
 */
import { PreviewTarget } from '../../shared/auth/claims.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import { formatPath } from '../lib/content.ts';
import { CliError } from '../lib/errors.ts';
import { withTarget, type TargetOptions } from '../lib/target.ts';
import { validBundle } from './validate.ts';

export interface PreviewOptions {
  page: string;
  segment?: string;
  as?: string;
  live: boolean;
}

export async function preview(
  dir: string,
  target: string,
  p: PreviewOptions,
  o: TargetOptions,
  log: (l: string) => void,
) {
  const bundle = p.live ? undefined : await validBundle(dir);
  if (bundle && p.segment && !bundle.segments.some((s) => s.id === p.segment)) {
    throw new CliError(
      `--segment "${p.segment}" is not declared in segments.json (known: ${bundle.segments.map((s) => s.id).join(', ') || 'none'})`,
    );
  }
  const parsed = PreviewTarget.safeParse({
    path: p.page,
    ...(bundle ? { version: bundle.version } : {}),
    ...(p.segment ? { segment: p.segment } : {}),
    ...(p.as ? { as: p.as } : {}),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new CliError(
      `--${{ path: 'page', segment: 'segment', as: 'as' }[String(i.path[0])] ?? formatPath(i.path.map(String))}: expected ${i.message}`,
    );
  }
  const pages = (b: Bundle) =>
    b.pages
      .map((pg) => pg.path)
      .sort()
      .join(', ');
  if (bundle && !bundle.pages.some((pg) => pg.path === parsed.data.path))
    throw new CliError(
      `--page "${parsed.data.path}" is not a page of your working copy (its pages: ${pages(bundle)})`,
    );
  await withTarget(target, o, async (t) => {
    if (!bundle) {
      const live = await t.live();
      const shown = live.version ? await t.version(live.version) : undefined;
      if (!shown) throw new CliError(`nothing is live on ${t.name} to preview; drop --live`);
      if (!shown.pages.some((pg) => pg.path === parsed.data.path))
        throw new CliError(
          `--page "${parsed.data.path}" is not a page of the live version on ${t.name} (its pages: ${pages(shown)})`,
        );
    }
    if (parsed.data.as && (await t.hasPersona(parsed.data.as)) === false)
      throw new CliError(
        `--as "${parsed.data.as}": ${t.name} has no preview persona with that id (personas are sample profiles — \`tessera seed\` writes content-variants/profiles/ as personas locally; previews never show a real visitor's profile); without --as the preview shows a visitor with no profile`,
      );
    if (bundle) {
      const up = await t.upload(bundle);
      if (!up.ok)
        throw new CliError(
          `${t.name} rejected the bundle: ${up.issues.map((i) => i.message).join('; ')}`,
        );
    }
    const link = await t.previewUrl(parsed.data);
    log(link.url);
    log(
      `(expires ${link.expiresAt}; opens ${parsed.data.path}${bundle ? ` at version ${bundle.version}` : ' at the live version'}; not live for anyone else)`,
    );
  });
}
