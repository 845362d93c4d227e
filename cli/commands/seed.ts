/**
 * `tessera seed`: makes local KV look like a live site: builds the bundle from
 * `content-variants/`, stores it under its version, points `pointer:live` at it, and writes
 * the sample profiles. Idempotent.
 */
import { contentKeys } from '../../shared/kv-keys.ts';
import type { Bundle, Pointer } from '../../shared/schema/bundle.ts';
import type { Profile } from '../../shared/schema/profile.ts';
import type { Env } from '../../worker/env.ts';
import { buildBundle, formatIssues } from '../lib/content.ts';
import { CliError } from '../lib/errors.ts';
import { withLocalEnv } from '../lib/local-env.ts';
import { PROFILES_DIR } from '../lib/paths.ts';
import { profileKey, sampleProfiles } from '../lib/profiles.ts';

/** Writes the bundle, then the pointer (never the other way round). */
export async function putBundleLocal(env: Env, bundle: Bundle, by: string): Promise<void> {
  await env.CONTENT.put(contentKeys.bundle(bundle.version), JSON.stringify(bundle));
  const pointer: Pointer = { version: bundle.version, updatedAt: new Date().toISOString(), by };
  await env.CONTENT.put(contentKeys.pointer(), JSON.stringify(pointer));
}

export async function putProfiles(env: Env, profiles: Profile[]): Promise<void> {
  for (const profile of profiles) await env.PROFILES.put(profileKey(profile), JSON.stringify(profile));
}

export async function seed(log: (line: string) => void): Promise<void> {
  const built = await buildBundle();
  if (!built.ok) throw new CliError(`content-variants/ is not valid, nothing seeded:\n${formatIssues(built.issues)}`);
  const profiles = sampleProfiles(PROFILES_DIR);
  await withLocalEnv(async (env) => {
    await putBundleLocal(env, built.bundle, 'tessera seed');
    await putProfiles(env, profiles);
  });
  log(`seeded local KV: bundle ${built.bundle.version} is live, ${profiles.length} sample profiles`);
}
