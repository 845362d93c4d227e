import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff } from '../../cli/commands/diff.ts';
import { history, rollback } from '../../cli/commands/history.ts';
import { preview } from '../../cli/commands/preview.ts';
import { publish, refused } from '../../cli/commands/publish.ts';
import { WRANGLER_TOML } from '../../cli/lib/paths.ts';
import { withTarget, type TargetOptions } from '../../cli/lib/target.ts';
import { copyContent, editJson, readJson } from './content-copy.ts';
import { tempDir, tessera, runCli } from './run.ts';

const version = (out: string) => /version ([0-9a-f]{16})/.exec(out)?.[1];

/** Captures what a command prints. */
function capture() {
  const lines: string[] = [];
  return { log: (l: string) => void lines.push(l), text: () => lines.join('\n') };
}

/**
 * The commands run in this process against one platform proxy (real miniflare KV and D1 in a
 * temporary folder) — the same local target `--target local` opens per command — because
 * starting a proxy per command costs seconds. One test runs the real binary end to end.
 */
describe('tessera publish / diff / history / rollback / preview --target local', () => {
  const dir = copyContent();
  let dispose: () => Promise<void>;
  /** Moves only when a test says so: the one-move-per-second rule is exercised without sleeping. */
  let clock = Date.UTC(2026, 10, 23, 9, 0, 0);
  const later = () => void (clock += 1000);
  let o: TargetOptions;

  beforeAll(async () => {
    const { getPlatformProxy } = await import('wrangler');
    const proxy = await getPlatformProxy<{
      CONTENT: KVNamespace;
      DB: D1Database;
      PROFILES: KVNamespace;
    }>({
      configPath: WRANGLER_TOML,
      persist: { path: tempDir('publish-state') },
    });
    dispose = proxy.dispose;
    o = {
      port: '8787',
      local: { CONTENT: proxy.env.CONTENT, DB: proxy.env.DB, PROFILES: proxy.env.PROFILES },
      now: () => clock,
    };
  }, 60_000);
  afterAll(() => dispose?.());

  let first: string | undefined;
  let second: string | undefined;

  it('publishes, printing the version and what changed', async () => {
    const out = capture();
    await publish(dir, 'local', false, o, out.log);
    first = version(out.text());
    expect(out.text()).toMatch(
      /^published version [0-9a-f]{16} to local \(was nothing\)\n {2}\+ first publish/,
    );
  });

  it('dry-run uploads but leaves live alone; diff then says what would change, in words', async () => {
    later();
    editJson(
      dir,
      'site.json',
      (s) => void ((s.site as Record<string, unknown>).name = 'Renamed for the test'),
    );
    const dry = capture();
    await publish(dir, 'local', true, o, dry.log);
    expect(dry.text()).toContain(`live stays ${first}`);
    const d = capture();
    await diff(dir, 'live', 'local', o, d.log);
    expect(d.text()).toContain(`live on local ${first} → working copy`);
    expect(d.text()).toMatch(/~ site settings changed \(name: ".+" → "Renamed for the test"\)/);
  });

  it('publishes the change, naming the version it replaced', async () => {
    const out = capture();
    await publish(dir, 'local', false, o, out.log);
    second = version(out.text());
    expect(second).not.toBe(first);
    expect(out.text()).toContain(`(was ${first})`);
    expect(out.text()).toMatch(/~ site settings changed \(name: ".+" → "Renamed for the test"\)/);
  });

  it('treats publishing the live version again as a no-op', async () => {
    const out = capture();
    await publish(dir, 'local', false, o, out.log);
    expect(out.text()).toBe(`version ${second} is already live on local; nothing to publish`);
  });

  it('explains a conflict when someone else published meanwhile', async () => {
    const result = await withTarget('local', o, (t) => t.move(first!, first!, 'publish'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(refused(result).message).toBe(
      `conflict: live is ${second}, not ${first}: someone else published meanwhile; review \`tessera diff\` and try again. Nothing was changed.`,
    );
  });

  it('refuses a second move within a second, saying when to retry', async () => {
    clock += 1;
    await expect(rollback(undefined, 'local', o, () => {})).rejects.toThrow(
      /moved less than a second ago; retry in \d+ ms\. Nothing was changed/,
    );
  });

  it('rolls back to the previous version without uploading; history shows who, when and what', async () => {
    later();
    const out = capture();
    await rollback(undefined, 'local', o, out.log, dir);
    expect(out.text()).toContain(`rolled back local to version ${first} (was ${second})`);
    // The working copy still holds what was just rolled back: the next publish would restore it.
    expect(out.text()).toContain(`still holds version ${second}, the one you just rolled back`);
    const h = capture();
    await history('local', 20, o, h.log);
    const lines = h
      .text()
      .split('\n')
      .filter((l) => /^\d{4}-/.test(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`rollback\\s+${second} → ${first}\\s+by local:`));
    expect(lines[1]).toMatch(new RegExp(`publish\\s+${first} → ${second}`));
    expect(h.text()).toMatch(/site settings changed \(name: ".+" → "Renamed for the test"\)/);
  });

  it('rolls back to a named version, and refuses one that was never uploaded', async () => {
    later();
    const out = capture();
    await rollback(second, 'local', o, out.log, dir);
    expect(out.text()).toContain(`rolled back local to version ${second}`);
    expect(out.text()).not.toContain('still holds'); // live now matches the working copy
    await expect(rollback('ffffffffffffffff', 'local', o, () => {})).rejects.toThrow(
      'version ffffffffffffffff is not stored',
    );
  });

  it('prints a preview link for the working copy without making it live', async () => {
    editJson(
      dir,
      'site.json',
      (s) => void ((s.site as Record<string, unknown>).name = 'Preview only'),
    );
    const out = capture();
    await preview(dir, 'local', { page: '/', live: false }, o, out.log);
    expect(out.text()).toMatch(
      /^http:\/\/127\.0\.0\.1:8787\/__tessera\/preview\?token=[\w-]+\.[\w-]+\.[\w-]+\n\(expires /,
    );
    const d = capture();
    await diff(dir, 'live', 'local', o, d.log);
    expect(d.text()).toContain(`live on local ${second}`);
  });

  it('refuses a preview of a page the bundle does not have, listing the pages it has', async () => {
    await expect(
      preview(dir, 'local', { page: '/no-such-page', live: false }, o, () => {}),
    ).rejects.toThrow(
      /--page "\/no-such-page" is not a page of your working copy \(its pages: \/,/,
    );
    await expect(
      preview(dir, 'local', { page: '/no-such-page', live: true }, o, () => {}),
    ).rejects.toThrow('--page "/no-such-page" is not a page of the live version on local');
  });

  it('refuses a preview as a persona that does not exist', async () => {
    await expect(
      preview(dir, 'local', { page: '/', as: 'v-nobody-zz', live: false }, o, () => {}),
    ).rejects.toThrow('--as "v-nobody-zz": local has no preview persona with that id');
  });

  it('explains a preview of an undeclared segment', async () => {
    await expect(
      preview(dir, 'local', { page: '/', segment: 'zz-nobody', live: false }, o, () => {}),
    ).rejects.toThrow('--segment "zz-nobody" is not declared in segments.json');
  });

  it('names an experiment added to the working copy in diff, publish and history', async () => {
    // A slot no experiment of the copied content touches yet, and two of its variants.
    const taken = readdirSync(path.join(dir, 'experiments')).map(
      (f) => (readJson(dir, `experiments/${f}`).scope as { slot?: string }).slot,
    );
    const slot = readdirSync(path.join(dir, 'slots'))
      .map((f) => readJson(dir, `slots/${f}`) as { id: string; variants: { id: string }[] })
      .find((s) => !taken.includes(s.id) && s.variants.length >= 2)!;
    writeFileSync(
      path.join(dir, 'experiments', 'trial-test.json'),
      JSON.stringify({
        $schema: '../schema/experiment.schema.json',
        id: 'trial-test',
        scope: { slot: slot.id },
        arms: [{ id: 'control' }, { id: 'other', variant: slot.variants[1]!.id }],
      }),
    );
    const added = `experiment "trial-test" added (A/B test on slot "${slot.id}": control vs other)`;
    const d = capture();
    await diff(dir, 'live', 'local', o, d.log);
    expect(d.text()).toContain(`+ ${added}`);
    later();
    const out = capture();
    await publish(dir, 'local', false, o, out.log);
    expect(out.text()).toContain(`+ ${added}`);
    const h = capture();
    await history('local', 1, o, h.log);
    expect(h.text()).toContain(added);

    // Moving traffic is a change with a new phase, in the same words everywhere.
    editJson(dir, 'experiments/trial-test.json', (e) => void (e.traffic = 0.5));
    const changed = capture();
    await diff(dir, 'live', 'local', o, changed.log);
    expect(changed.text()).toContain(
      '~ experiment "trial-test" changed (traffic: 1 → 0.5) — starts a new phase',
    );
  });
});

describe('the tessera binary', () => {
  it('publishes to a fresh local state end to end', () => {
    const r = tessera(['publish', '--target', 'local', '--dir', copyContent()], {
      TESSERA_LOCAL_STATE: tempDir('bin-state'),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^published version [0-9a-f]{16} to local \(was nothing\)/);
  }, 60_000);

  it('refuses to publish invalid content and exits non-zero', () => {
    const bad = copyContent();
    const slot = readdirSync(path.join(bad, 'slots')).sort()[0]!;
    editJson(bad, `slots/${slot}`, (s) => void (s.default = 'zz-no-such-variant'));
    const r = tessera(['publish', '--target', 'local', '--dir', bad], {
      TESSERA_LOCAL_STATE: tempDir('bad-state'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `content-variants/slots/${slot.replace('.', '\\.')}:\\d+:\\d+ › default: default variant "zz-no-such-variant"`,
      ),
    );
    expect(r.stderr).toContain('nothing was built or published');
  });

  it('asks for a target', async () => {
    const r = await runCli(['publish']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing --target: use --target local');
  });

  it('explains a missing TESSERA_ADMIN_TOKEN for a remote target', async () => {
    const r = await runCli(['history', '--target', 'https://shop.example.com'], {
      TESSERA_ADMIN_TOKEN: '',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('TESSERA_ADMIN_TOKEN is not set');
  });

  it('refuses to send an admin token over plain http to another host', async () => {
    const r = await runCli(['history', '--target', 'http://shop.example.com'], {
      TESSERA_ADMIN_TOKEN: 'x',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('admin tokens are only sent over https');
  });

  it('rejects a target that is neither local nor a URL', async () => {
    const r = await runCli(['history', '--target', 'production']);
    expect(r.stderr).toContain('--target "production" is neither "local" nor a URL');
  });

  it('prints an admin token for the dev keys with the requested scopes', async () => {
    const r = await runCli(['token', 'admin', '--scope', 'publish,read']);
    expect(r.code).toBe(0);
    const payload = JSON.parse(
      Buffer.from(r.stdout.trim().split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: 'tessera', aud: 'tessera-admin', scope: 'publish read' });
  });

  it('explains an unknown admin scope', async () => {
    const r = await runCli(['token', 'admin', '--scope', 'root']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expected publish, read, preview, privacy or decide');
  });
});
