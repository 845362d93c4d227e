/**
 * `tessera report <experiment> [--target local|<url>] [--json]`: the experiment report.
 *
 * - `--target local` (default): reads the live bundle and D1 from local state, the same data
 *   `npm run dev` serves, and computes the report with the worker's own code.
 * - `--target https://…`: asks the deployed worker (`GET /admin/experiments/:id/report`) with the
 *   admin token in TESSERA_ADMIN_TOKEN (needs the `read` scope).
 * `holdout` as the experiment reports the global holdout alone.
 */
import { readPointer, readVersion } from '../../shared/publish/store.ts';
import {
  experimentReport,
  type Report,
  type ReportOptions,
} from '../../shared/experiments/report.ts';
import { Channel } from '../../shared/schema/channel.ts';
import { CliError } from '../lib/errors.ts';
import { withLocalEnv } from '../lib/local-env.ts';
import { formatReport } from '../lib/report-format.ts';

async function localReport(id: string, options: ReportOptions): Promise<Report> {
  return withLocalEnv(async (env) => {
    const pointer = await readPointer(env.CONTENT);
    const live = { bundle: pointer && (await readVersion(env.CONTENT, pointer.version)) };
    if (!live.bundle)
      throw new CliError(
        'no bundle is live in local state: run `npm run seed` (or `npm run dev`) first',
      );
    let report: Report | undefined;
    try {
      report = await experimentReport(env.DB, live.bundle, id, options);
    } catch (error) {
      throw new CliError(
        `reading local D1 failed (${(error as Error).message}); \`npm run dev\` applies the migrations first`,
      );
    }
    if (!report) {
      const known = ['holdout', ...(live.bundle.experiments ?? []).map((e) => e.id)].join(', ');
      throw new CliError(
        `no experiment "${id}" in live bundle ${live.bundle.version} (known: ${known})`,
      );
    }
    return report;
  });
}

async function remoteReport(id: string, target: string, options: ReportOptions): Promise<Report> {
  const token = process.env.TESSERA_ADMIN_TOKEN;
  if (!token)
    throw new CliError(
      'set TESSERA_ADMIN_TOKEN to an admin token with the "read" scope to report from a deployed worker',
    );
  let url: URL;
  try {
    url = new URL(`/admin/experiments/${encodeURIComponent(id)}/report`, target);
    if (options.channel) url.searchParams.set('channel', options.channel);
  } catch {
    throw new CliError(
      `--target must be "local" or a URL such as https://shop.example.com, got "${target}"`,
    );
  }
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const message =
      (body as { error?: { message?: string } } | undefined)?.error?.message ?? res.statusText;
    throw new CliError(`${url.origin} answered ${res.status}: ${message}`);
  }
  return body as Report;
}

export async function report(
  id: string | undefined,
  target: string,
  json: boolean,
  log: (l: string) => void,
  options: ReportOptions = {},
): Promise<void> {
  if (!id)
    throw new CliError(
      'usage: tessera report <experiment> [--channel <channel>] [--target local|<url>] [--json]',
    );
  if (options.channel !== undefined && !Channel.safeParse(options.channel).success)
    throw new CliError(
      `--channel "${options.channel}": expected web, app, email, server or a custom channel (lowercase letters, digits, dashes)`,
    );
  const result =
    target === 'local' ? await localReport(id, options) : await remoteReport(id, target, options);
  log(json ? JSON.stringify(result, null, 2) : formatReport(result));
}
