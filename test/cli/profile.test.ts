import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileKeys } from '../../shared/kv-keys.ts';
import { withLocalEnv } from '../../cli/lib/local-env.ts';
import { tempDir, runCli } from './run.ts';

const state = tempDir('state');
const files = tempDir('profiles');
const env = { TESSERA_LOCAL_STATE: state };
const file = (name: string, content: string) => {
  const p = path.join(files, name);
  writeFileSync(p, content);
  return p;
};

async function stored(key: string): Promise<unknown> {
  const prev = process.env.TESSERA_LOCAL_STATE;
  process.env.TESSERA_LOCAL_STATE = state;
  try {
    return await withLocalEnv((e) => e.PROFILES.get(key, 'json'));
  } finally {
    process.env.TESSERA_LOCAL_STATE = prev;
  }
}

describe('tessera profile', () => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.TESSERA_LOCAL_STATE;
  });
  afterAll(() => {
    process.env.TESSERA_LOCAL_STATE = saved;
  });

  it('puts one valid profile into local KV, normalized by the schema', async () => {
    const f = file('ok.json', JSON.stringify({ traits: { firstName: 'Ada' }, segments: ['vip'] }));
    const r = await runCli(['profile', 'put', 'v-ada', f, '--local'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote visitor profile "v-ada"');
    const p = (await stored(profileKeys.visitor('v-ada'))) as {
      id: string;
      segments: string[];
      behavior: { visits: number };
    };
    expect(p.id).toBe('v-ada');
    expect(p.segments).toEqual(['vip']);
    expect(p.behavior.visits).toBe(0);
  });

  it('names the file, the field and the problem for an invalid profile, and writes nothing', async () => {
    const f = file(
      'bad.json',
      JSON.stringify({ scores: { churnRisk: 3 }, affinities: { running: 'high' } }),
    );
    const r = await runCli(['profile', 'put', 'v-bad', f, '--local'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f} at scores.churnRisk:`);
    expect(r.stderr).toContain(`${f} at affinities.running:`);
    expect(await stored(profileKeys.visitor('v-bad'))).toBeNull();
  });

  it('reports JSON syntax errors and id mismatches clearly', async () => {
    const broken = await runCli(
      ['profile', 'put', 'v-x', file('broken.json', '{"traits": '), '--local'],
      env,
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json:1:\d+: invalid JSON/);
    const mismatch = await runCli(
      ['profile', 'put', 'v-x', file('other.json', '{"id":"v-y"}'), '--local'],
      env,
    );
    expect(mismatch.stderr).toContain(
      'the file\'s id "v-y" differs from the id given on the command line ("v-x")',
    );
  });

  it('requires --local and explains where production profiles come from', async () => {
    const r = await runCli(['profile', 'put', 'v-ada', file('x.json', '{}')], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('only --local is supported');
  });

  it('imports NDJSON all-or-nothing, with line numbers for every bad line', async () => {
    const bad = file(
      'bad.ndjson',
      [
        JSON.stringify({ id: 'v-n1' }),
        '{oops',
        JSON.stringify({ id: 'v-n3', scores: { churnRisk: -1 } }),
        JSON.stringify({ id: 'v-n1' }),
      ].join('\n'),
    );
    const r = await runCli(['profile', 'import', bad, '--local'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing imported');
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:2:\\d+: invalid JSON`));
    expect(r.stderr).toContain(`${bad}:3 at scores.churnRisk`);
    expect(r.stderr).toContain(`${bad}:4: duplicate profile "v-n1" (first on line 1)`);
    expect(await stored(profileKeys.visitor('v-n1'))).toBeNull();

    const good = file(
      'good.ndjson',
      [JSON.stringify({ id: 'v-g1' }), '', JSON.stringify({ id: 'c-g2', kind: 'customer' })].join(
        '\n',
      ),
    );
    const ok = await runCli(['profile', 'import', good, '--local'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('imported 2 profiles');
    expect(await stored(profileKeys.customer('c-g2'))).toMatchObject({
      id: 'c-g2',
      kind: 'customer',
    });
  });
});
