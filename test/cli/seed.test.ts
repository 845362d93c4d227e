import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../cli/lib/content.ts';
import { withLocalEnv } from '../../cli/lib/local-env.ts';
import { contentKeys, profileKeys } from '../../shared/kv-keys.ts';
import { readVersion } from '../../shared/publish/store.ts';
import { FIXTURE_CONTENT, copyContent } from './content-copy.ts';
import { tempDir, runCli } from './run.ts';

describe('tessera seed', () => {
  it('makes local KV look like a live site: the bundle under its version, the pointer, the sample profiles', async () => {
    const state = tempDir('seed');
    const dir = copyContent();
    const r = await runCli(['seed', '--dir', dir], { TESSERA_LOCAL_STATE: state });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const built = await buildBundle(dir);
    if (!built.ok) throw new Error('the fixture content must be valid');
    expect(r.stdout).toContain(`bundle ${built.bundle.version} is live`);

    const prev = process.env.TESSERA_LOCAL_STATE;
    process.env.TESSERA_LOCAL_STATE = state;
    try {
      await withLocalEnv(async (env) => {
        const pointer = await env.CONTENT.get<{ version: string }>(contentKeys.pointer(), 'json');
        expect(pointer?.version).toBe(built.bundle.version);
        // Stored whole (in parts: shared/bundle/version.ts) under the version its bytes hash to.
        const stored = await readVersion(env.CONTENT, built.bundle.version);
        expect(stored).toEqual(built.bundle);
        expect(stored?.pages.length).toBeGreaterThanOrEqual(3);
        expect(await env.PROFILES.get(profileKeys.visitor('v-runner'))).not.toBeNull();
        expect(await env.PROFILES.get(profileKeys.customer('c-1001'))).not.toBeNull();
        // The same samples as preview personas (previews never read a real visitor's profile).
        expect(await env.PROFILES.get(profileKeys.persona('v-runner'))).not.toBeNull();
      });
    } finally {
      process.env.TESSERA_LOCAL_STATE = prev;
    }
  });

  it('builds the same version from the same content', async () => {
    const [a, b] = await Promise.all([buildBundle(FIXTURE_CONTENT), buildBundle(copyContent())]);
    expect(a.ok && b.ok && a.bundle.version === b.bundle.version).toBe(true);
  });
});
