/**
 * `tessera decide`: the request it builds from its flags, how it prints an answer, and — against
 * a real local site (both workers behind the dev router, as `npm run dev` runs them, on a
 * temporary state seeded with the decision API's own fixture bundle) — that what it prints is
 * what the page shows the same visitor, that errors come back precise, and that the site serves
 * its OpenAPI document.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionBody, formatDecision, type DecideOptions } from '../../cli/commands/decide.ts';
import { visitorToken } from '../../cli/commands/token.ts';
import { devVars } from '../../cli/lib/dev-vars.ts';
import { OPENAPI_FILE } from '../../cli/lib/paths.ts';
import { putBundleLocal } from '../../cli/commands/seed.ts';
import { withLocalEnv } from '../../cli/lib/local-env.ts';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { bundleVersion } from '../../shared/bundle/version.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { DecisionAnswer } from '../../shared/schema/decision-api-answers.ts';
import { decisionBundleBody } from '../support/decision-bundle.ts';
import { startDevSession } from '../support/dev-session.ts';
import { runCli, tempDir } from './run.ts';

const options = (o: Partial<DecideOptions> = {}): DecideOptions => ({
  dryRun: false,
  html: false,
  json: false,
  target: 'local',
  port: '8787',
  ...o,
});

/**
 * GET, once more if the pooled keep-alive socket was closed by the dev server while the CLI ran
 * (undici: "other side closed", UND_ERR_SOCKET); the failed socket is dropped, so the retry opens
 * a new one. Any other failure, and a second one, still fail the test.
 */
async function getOnFreshSocket(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url);
  }
}

describe('tessera decide: the request', () => {
  it('names the subject, the page by id or path, the slots, channel and consent', () => {
    expect(
      decisionBody(options({ as: 'v-1', cid: 'c-1', page: 'home', slots: 'hero, cta' })),
    ).toEqual({
      subject: { visitorId: 'v-1', customerId: 'c-1' },
      channel: 'web',
      consent: 'personal',
      page: 'home',
      context: {},
      slots: ['hero', 'cta'],
      dryRun: false,
      html: false,
    });
    expect(
      decisionBody(
        options({
          cid: 'c-1',
          page: '/deals',
          channel: 'email',
          consent: 'none',
          dryRun: true,
          context: '{"country":"DE"}',
        }),
      ),
    ).toMatchObject({
      subject: { customerId: 'c-1' },
      channel: 'email',
      consent: 'none',
      context: { path: '/deals', country: 'DE' },
      dryRun: true,
    });
  });

  it('refuses without a subject, and a context that is not a JSON object', () => {
    expect(() => decisionBody(options())).toThrow('--as <visitorId> and/or --cid');
    expect(() => decisionBody(options({ as: 'v-1', context: '[1]' }))).toThrow('--context');
  });

  it('prints one line per slot: variant, rung, reason, experiment', () => {
    const lines = formatDecision({
      decisionId: 'd-1',
      version: '0123456789abcdef',
      channel: 'email',
      page: 'home',
      consent: 'personal',
      profile: 'visitor',
      dryRun: true,
      reasons: [],
      slots: [
        {
          slot: 'hero',
          component: 'hero',
          variant: 'hero-greet',
          level: 'segment',
          reason: 'rule:vip',
          props: {},
        },
        {
          slot: 'cta',
          component: 'cta-banner',
          variant: 'cta-test',
          level: 'experiment',
          reason: 'experiment:cta-ab:test',
          experiment: { id: 'cta-ab', arm: 'test' },
          props: {},
        },
      ],
    });
    expect(lines[0]).toContain('dry run, nothing logged');
    expect(lines[1]).toMatch(/^ {2}hero +hero-greet +segment +rule:vip$/);
    expect(lines[2]).toMatch(
      /^ {2}cta +cta-test +experiment +experiment:cta-ab:test +\(experiment cta-ab\/test\)$/,
    );
  });
});

describe('tessera decide against a local site', () => {
  const state = tempDir('decide-state');
  let url = '';
  let port = '';
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const prev = process.env.TESSERA_LOCAL_STATE;
    process.env.TESSERA_LOCAL_STATE = path.join(state, 'v3');
    try {
      await withLocalEnv(async (env) => {
        const parsed = parseBundleBody(decisionBundleBody());
        if (!parsed.ok) throw new Error('fixture bundle invalid');
        await putBundleLocal(
          env,
          { ...parsed.body, version: await bundleVersion(parsed.body) },
          'test',
        );
        await env.PROFILES.put(
          profileKeys.visitor('v-cli'),
          JSON.stringify({ id: 'v-cli', traits: { firstName: 'Cleo', plan: 'pro' } }),
        );
      });
    } finally {
      process.env.TESSERA_LOCAL_STATE = prev;
    }
    // The keys the CLI mints its tokens and cookies with.
    const keys = devVars();
    const site = await startDevSession({
      state,
      secrets: { VISITOR_KEYS: keys.VISITOR_KEYS!, ADMIN_KEYS: keys.ADMIN_KEYS! },
      vars: { POINTER_TTL_MS: '0' },
    });
    ({ url, stop } = site);
    port = String(site.port);
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });

  it('prints, slot by slot, what the page shows the same visitor', async () => {
    const r = await runCli([
      'decide',
      '--as',
      'v-cli',
      '--page',
      'home',
      '--dry-run',
      '--json',
      // The page's local hour and weekday come from the request's cf, which miniflare fills in
      // with its fallback (timezone America/Chicago): give the API the same, or the fixture's
      // night and weekend rules make the two differ at some hours of the day.
      '--context',
      JSON.stringify({ timezone: 'America/Chicago' }),
      '--port',
      port,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const answer = DecisionAnswer.parse(JSON.parse(r.stdout));
    expect(answer.dryRun).toBe(true);
    const cookie = await visitorToken('v-cli', undefined);
    const page = await (
      await fetch(`${url}/`, { headers: { cookie: `__Host-tsr_vid=${cookie}` } })
    ).text();
    const shown = [
      ...page.matchAll(/data-tessera-slot="([^"]+)" data-tessera-variant="([^"]*)"/g),
    ].map((m) => [m[1], m[2]]);
    expect(answer.slots.map((s) => [s.slot, s.variant])).toEqual(shown);
    expect(answer.slots.find((s) => s.slot === 'hero')!.props.headline).toBe('Welcome back, Cleo');

    const table = await runCli([
      'decide',
      '--as',
      'v-cli',
      '--slots',
      'hero',
      '--channel',
      'app',
      '--port',
      port,
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/channel app/);
    expect(table.stdout).toMatch(/^ {2}hero +hero-\S+ +\w+ +\S+/m);
  }, 60_000);

  it('says precisely what the site refused, and exits 1', async () => {
    const r = await runCli(['decide', '--as', 'v-cli', '--page', 'nope', '--port', port]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused (422 unknown_page)');
    expect(r.stderr).toContain('pages: home, deals, mail');
    const remote = await runCli(['decide', '--as', 'v-cli', '--target', url], {
      TESSERA_DECIDE_TOKEN: '',
      TESSERA_ADMIN_TOKEN: '',
    });
    expect(remote.code).toBe(1);
    const missing = await runCli(['decide', '--as', 'v-cli', '--target', url], {
      TESSERA_DECIDE_TOKEN: 'x.y.z',
    });
    expect(missing.stderr).toContain('refused (401 invalid_token)');
  }, 60_000);

  it('serves the OpenAPI document at GET /v1/openapi.json through the router', async () => {
    const res = await getOnFreshSocket(`${url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });
});
