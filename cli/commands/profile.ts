/**
 * `tessera profile put <id> <file.json> --local` and `tessera profile import <file.ndjson> --local`:
 * write profiles to local KV through the same schema the worker enforces.
 */
import { CliError } from '../lib/errors.ts';
import { withLocalEnv } from '../lib/local-env.ts';
import { readNdjson, readProfileFile } from '../lib/profiles.ts';
import { putProfiles } from './seed.ts';

export const USAGE =
  'tessera profile put <id> <file.json> --local | tessera profile import <file.ndjson> --local';

function requireLocal(local: boolean): void {
  if (!local) {
    throw new CliError(
      'only --local is supported: production profiles are written by your data pipeline ' +
        '(e.g. `wrangler kv bulk put --binding PROFILES --env production`). Add --local to write to local KV.',
    );
  }
}

export async function profilePut(
  id: string | undefined,
  file: string | undefined,
  local: boolean,
  log: (l: string) => void,
) {
  if (!id || !file) throw new CliError(`Usage: ${USAGE}`);
  requireLocal(local);
  const profile = readProfileFile(file, id);
  await withLocalEnv((env) => putProfiles(env, [profile]));
  log(`wrote ${profile.kind} profile "${profile.id}" to local KV`);
}

export async function profileImport(
  file: string | undefined,
  local: boolean,
  log: (l: string) => void,
) {
  if (!file) throw new CliError(`Usage: ${USAGE}`);
  requireLocal(local);
  const profiles = readNdjson(file);
  await withLocalEnv((env) => putProfiles(env, profiles));
  log(`imported ${profiles.length} profiles to local KV`);
}
