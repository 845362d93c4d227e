/**
 * `tessera pull` (cli/commands/pull.ts) against a local target (real miniflare KV and D1 through
 * the platform proxy): a version or a console draft written back into a content folder that is a
 * git work tree; uncommitted edits refused without --force; only what changed is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLink } from '../../cli/commands/console.ts';
import { publish } from '../../cli/commands/publish.ts';
import { pull } from '../../cli/commands/pull.ts';
import { buildBundle } from '../../cli/lib/content.ts';
import { adminKeyring } from '../../cli/lib/dev-keys.ts';
import { applyLocalMigrations } from '../../cli/lib/local-migrations.ts';
import { WRANGLER_TOML } from '../../cli/lib/paths.ts';
import type { TargetOptions } from '../../cli/lib/target.ts';
import { verifyConsoleLink } from '../../shared/auth/console-link.ts';
import { createDraft } from '../../shared/drafts/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import type { BundleBody } from '../../shared/schema/bundle.ts';
import { editJson, readJson } from './content-copy.ts';
import { fixtureContent } from './fixture-content.ts';
import { tempDir } from './run.ts';

const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.email=t@test', '-c', 'user.name=t', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
};

function repo(): string {
  const dir = fixtureContent();
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'content');
  return dir;
}

const quiet = () => {};

describe('tessera pull --target local', () => {
  let dispose: () => Promise<void>;
  let o: TargetOptions & { local: NonNullable<TargetOptions['local']> };
  let clock = Date.UTC(2026, 10, 23, 9, 0, 0);

  beforeAll(async () => {
    const { getPlatformProxy } = await import('wrangler');
    const proxy = await getPlatformProxy<{ CONTENT: KVNamespace; DB: D1Database }>({
      configPath: WRANGLER_TOML,
      persist: { path: tempDir('pull-state') },
    });
    dispose = proxy.dispose;
    await applyLocalMigrations(proxy.env.DB);
    o = { port: '8787', local: { CONTENT: proxy.env.CONTENT, DB: proxy.env.DB }, now: () => clock };
  }, 60_000);
  afterAll(() => dispose?.());

  /** Live = the fixture with the hero's default headline changed (what someone did in the console). */
  async function publishEdited(headline: string): Promise<string> {
    const source = repo();
    editJson(source, 'slots/hero.json', (s) => {
      (s.variants as { props: { headline: string } }[])[0]!.props.headline = headline;
    });
    clock += 1000;
    await publish(source, 'local', false, o, quiet);
    const built = await buildBundle(source);
    if (!built.ok) throw new Error('fixture invalid');
    return built.bundle.version;
  }

  it('writes live back, only the files that changed, and the folder builds to the live version', async () => {
    const version = await publishEdited('Pulled from live');
    const dir = repo();
    const lines: string[] = [];
    const result = await pull(dir, 'local', { force: false }, o, (l) => void lines.push(l));
    expect(result.written).toEqual(['slots/hero.json']);
    expect(result.removed).toEqual([]);
    expect(lines[0]).toBe(
      `pulled version ${version} (live) from local into ${path.relative(process.cwd(), dir)}`,
    );
    expect(lines[1]).toMatch(/wrote {3}.*slots\/hero\.json$/);
    const hero = readJson(dir, 'slots/hero.json');
    expect(hero.$schema).toBe('../schema/slot.schema.json');
    expect((hero.variants as { props: { headline: string } }[])[0]!.props.headline).toBe(
      'Pulled from live',
    );
    const rebuilt = await buildBundle(dir);
    expect(rebuilt.ok && rebuilt.bundle.version).toBe(version);
    // The untouched files keep their text.
    expect(git(dir, 'status', '--porcelain')).toBe(' M slots/hero.json\n');
  });

  it('refuses to overwrite uncommitted edits, naming them, and --force overwrites them', async () => {
    await publishEdited('Forced');
    const dir = repo();
    writeFileSync(
      path.join(dir, 'pages', 'home.json'),
      '{"id":"home","path":"/","slots":["hero"]}\n',
    );
    await expect(pull(dir, 'local', { force: false }, o, quiet)).rejects.toThrow(
      /uncommitted edits \(pages\/home\.json\).*--force/,
    );
    expect(readJson(dir, 'slots/hero.json').variants).not.toContainEqual(
      expect.objectContaining({ props: { headline: 'Forced' } }),
    );
    const result = await pull(dir, 'local', { force: true }, o, quiet);
    expect(result.written.sort()).toEqual(['pages/home.json', 'slots/hero.json']);
    expect(readJson(dir, 'pages/home.json').title).toBe('Home');
  });

  it('writes a draft (anyone’s) and removes files of things the draft no longer has', async () => {
    const built = await buildBundle(repo());
    if (!built.ok) throw new Error('fixture invalid');
    const { version: _v, ...body } = built.bundle;
    const draftBody = structuredClone(body) as BundleBody;
    draftBody.pages = draftBody.pages.filter((p) => p.id !== 'sale');
    draftBody.segments.push({
      id: 'runners',
      name: 'Runners',
      when: { segment: 'vip' },
    } as BundleBody['segments'][number]);
    await createDraft(
      o.local.DB,
      {
        id: 'draftpull01',
        owner: 'rosa@shop.test',
        title: 'Spring',
        baseVersion: null,
        body: draftBody,
      },
      clock,
    );
    const dir = repo();
    const lines: string[] = [];
    const result = await pull(
      dir,
      'local',
      { force: false, draft: 'draftpull01' },
      o,
      (l) => void lines.push(l),
    );
    expect(lines[0]).toMatch(
      /^pulled draft draftpull01 "Spring" by rosa@shop\.test \(revision 1\) into /,
    );
    expect(result.written).toEqual(['segments.json']);
    expect(result.removed).toEqual(['pages/sale.json']);
    expect(existsSync(path.join(dir, 'pages', 'sale.json'))).toBe(false);
    expect(readFileSync(path.join(dir, 'segments.json'), 'utf8')).toContain('"runners"');
  });

  it('refuses a draft that is not a valid bundle yet, writing nothing', async () => {
    await createDraft(
      o.local.DB,
      {
        id: 'draftbroken1',
        owner: 'rosa@shop.test',
        title: 'WIP',
        baseVersion: null,
        body: { slots: 'x' },
      },
      clock,
    );
    const dir = repo();
    await expect(
      pull(dir, 'local', { force: false, draft: 'draftbroken1' }, o, quiet),
    ).rejects.toThrow(/not a valid bundle yet.*nothing was written/);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('names an unknown draft or version', async () => {
    const dir = repo();
    await expect(
      pull(dir, 'local', { force: false, draft: 'nosuchdraft' }, o, quiet),
    ).rejects.toThrow('no draft "nosuchdraft" on local');
    await expect(
      pull(dir, 'local', { force: false, what: '0123456789abcdef' }, o, quiet),
    ).rejects.toThrow('no version "0123456789abcdef" on local');
  });

  it('pulls a stored version that is not live', async () => {
    const source = repo();
    editJson(source, 'site.json', (s) => void ((s.site as { name: string }).name = 'Stored Only'));
    const built = await buildBundle(source);
    if (!built.ok) throw new Error('fixture invalid');
    const { version, ...body } = built.bundle;
    await uploadVersion(o.local.CONTENT, body);
    const dir = repo();
    const result = await pull(dir, 'local', { force: false, what: version }, o, quiet);
    expect(result.written).toEqual(['site.json']);
    expect((readJson(dir, 'site.json').site as { name: string }).name).toBe('Stored Only');
  });
});

describe('tessera console', () => {
  it('prints a local link whose fragment carries a single-use sign-in token for the dev keys', async () => {
    const now = Date.UTC(2026, 10, 23, 9, 0, 0);
    const { url, sub } = await consoleLink({
      port: '8799',
      sub: 'rosa@shop.test',
      print: true,
      now: () => now,
    });
    expect(sub).toBe('rosa@shop.test');
    const match = /^http:\/\/127\.0\.0\.1:8799\/console#link=(.+)$/.exec(url);
    expect(match).not.toBeNull();
    const verified = await verifyConsoleLink(await adminKeyring(), match![1]!, now / 1000 + 60);
    expect(verified.ok && verified.link.sub).toBe('rosa@shop.test');
    expect(verified.ok && verified.link.scopes).toEqual(['read', 'preview', 'publish']);
    const later = await verifyConsoleLink(await adminKeyring(), match![1]!, now / 1000 + 11 * 60);
    expect(later).toMatchObject({ ok: false, code: 'expired_token' });
  });

  it('refuses an unknown scope and a bad port', async () => {
    await expect(consoleLink({ port: '8787', scope: 'read admin', print: true })).rejects.toThrow(
      'unknown scope "admin"',
    );
    await expect(consoleLink({ port: 'eighty', print: true })).rejects.toThrow(
      '--port must be a port number',
    );
  });
});
