/**
 * `tessera seed [--dir <folder>]`: makes local KV look like a live site: builds the bundle from
 * `content-variants/` (or another content folder), publishes it locally through the same code as `tessera publish`
 * (stored under its version, then the live pointer), and writes the sample profiles. Idempotent.
 */
import path from 'node:path';
import { movePointer } from '../../shared/publish/move.ts';
import { readLive } from '../../shared/publish/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { Profile } from '../../shared/schema/profile.ts';
import { buildBundle, formatIssues } from '../lib/content.ts';
import { CliError } from '../lib/errors.ts';
import { withLocalEnv } from '../lib/local-env.ts';
import { applyLocalMigrations } from '../lib/local-migrations.ts';
import { CONTENT_DIR } from '../lib/paths.ts';
import { profileKey, sampleProfiles } from '../lib/profiles.ts';
import { profileKeys } from '../../shared/kv-keys.ts';

/** Uploads the bundle, then moves the live pointer to it from whatever is live now. */
export async function putBundleLocal(
  env: VisitorBindings,
  bundle: Bundle,
  by: string,
): Promise<void> {
  await applyLocalMigrations(env.DB);
  const { version: _version, ...body } = bundle;
  const up = await uploadVersion(env.CONTENT, body);
  if (!up.ok) throw new CliError(`bundle rejected: ${up.issues.map((i) => i.message).join('; ')}`);
  const store = { kv: env.CONTENT, db: env.DB };
  const live = await readLive(store);
  const moved = await movePointer(
    store,
    { to: up.bundle.version, expected: live.version, by, action: 'publish' },
    Date.now(),
  );
  if (!moved.ok) throw new CliError(`could not make ${up.bundle.version} live: ${moved.message}`);
}

export async function putProfiles(env: VisitorBindings, profiles: Profile[]): Promise<void> {
  for (const profile of profiles)
    await env.PROFILES.put(profileKey(profile), JSON.stringify(profile));
}

/** The same sample profiles as preview personas (`persona:<id>`): what `tessera preview --as` renders. */
export async function putPersonas(env: VisitorBindings, profiles: Profile[]): Promise<void> {
  await Promise.all(
    profiles.map((p) => env.PROFILES.put(profileKeys.persona(p.id), JSON.stringify(p))),
  );
}

/** Seeds from `dir` (content-variants/ by default): its bundle, and the profiles in its profiles/. */
export async function seed(log: (line: string) => void, dir = CONTENT_DIR): Promise<void> {
  const built = await buildBundle(dir);
  if (!built.ok)
    throw new CliError(
      `${path.basename(dir)}/ is not valid, nothing seeded:\n${formatIssues(built.issues)}`,
    );
  const profiles = sampleProfiles(path.join(dir, 'profiles'));
  await withLocalEnv(async (env) => {
    await putBundleLocal(env, built.bundle, 'tessera seed');
    await putProfiles(env, profiles);
    await putPersonas(env, profiles);
  });
  log(
    `seeded local KV: bundle ${built.bundle.version} is live, ${profiles.length} sample profiles (also as preview personas)`,
  );
}
