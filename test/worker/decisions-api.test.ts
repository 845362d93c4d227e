/**
 * POST /v1/decisions: what a server gets for a subject, and that it is logged like a page view
 * with its channel (dry runs never). Bad input of every kind is a precise 4xx in one shape, and
 * a rejected call logs nothing.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bundle } from '../../shared/schema/bundle.ts';
import {
  ApiError,
  DecisionAnswer,
  type SlotAnswer,
} from '../../shared/schema/decision-api-answers.ts';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import type { DecisionRequestInput } from '../../shared/schema/decision-api.ts';
import { publishTestBundle, putCustomerProfile, putVisitorProfile } from '../support/bundle.ts';
import {
  apiWorker,
  decideToken,
  decisionBundleBody,
  type ApiWorker,
} from '../support/decision-fixtures.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';
import { mintAdminToken } from '../support/admin.ts';

let bundle: Bundle;
let api: ApiWorker;

beforeAll(async () => {
  bundle = await publishTestBundle(decisionBundleBody({ holdout: undefined }));
  await putVisitorProfile('v-ada', {
    traits: { firstName: 'Ada', plan: 'pro' },
    behavior: { visits: 4, pageViews: 9, purchases: 5 },
  });
  await putCustomerProfile('c-77', {
    traits: { firstName: 'Grace' },
    affinities: { hiking: 0.9 },
  });
});

beforeEach(() => {
  api = apiWorker();
});

const ask = (extra: Partial<DecisionRequestInput> = {}): DecisionRequestInput => ({
  subject: { visitorId: 'v-ada' },
  channel: 'email',
  consent: 'personal',
  page: 'home',
  ...extra,
});

async function decide(body: unknown, token?: string | null) {
  const res = await api.post('/v1/decisions', body, token);
  return { res, json: (await res.json()) as unknown };
}

async function answer(body: unknown): Promise<DecisionAnswer> {
  const { res, json } = await decide(body);
  expect(res.status, JSON.stringify(json)).toBe(200);
  return DecisionAnswer.parse(json);
}

async function refused(body: unknown, status: number, code: string, token?: string | null) {
  const { res, json } = await decide(body, token);
  expect(res.status, JSON.stringify(json)).toBe(status);
  const error = ApiError.parse(json).error;
  expect(error.code).toBe(code);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(api.decisions).toEqual([]);
  return error;
}

const slot = (a: DecisionAnswer, id: string): SlotAnswer => a.slots.find((s) => s.slot === id)!;

describe('POST /v1/decisions', () => {
  it('answers every slot of the page with variant, component, level, reason and filled props', async () => {
    const a = await answer(ask());
    expect(a).toMatchObject({ version: bundle.version, channel: 'email', page: 'home' });
    expect(a.consent).toBe('personal');
    expect(a.profile).toBe('visitor');
    expect(a.slots.map((s) => s.slot)).toEqual(['bar', 'hero', 'offer-a', 'offer-b', 'cta']);
    expect(slot(a, 'hero')).toMatchObject({
      component: 'hero',
      variant: 'hero-greet',
      level: 'segment',
      reason: 'rule:pro-greet',
      rule: 'pro-greet',
      props: {
        eyebrow: 'Hi Ada',
        headline: 'Welcome back, Ada',
        cta: { label: 'Your picks', href: 'https://shop.example.com/picks' },
        tone: 'primary',
      },
    });
    expect(slot(a, 'bar')).toMatchObject({
      variant: 'bar-email',
      level: 'cohort',
      reason: 'rule:email-bar',
      props: { text: 'Thanks for reading, Ada' },
    });
    expect(slot(a, 'hero').html).toBeUndefined();
  });

  it('gives the rendered HTML of each slot on request, the markup a page shows', async () => {
    const a = await answer(ask({ html: true, slots: ['hero'] }));
    const html = slot(a, 'hero').html!;
    expect(html).toContain('data-tessera-slot="hero"');
    expect(html).toContain('data-tessera-variant="hero-greet"');
    expect(html).toContain('Welcome back, Ada');
    const page = await (
      await api.fetch('/', { headers: cookieHeader(await mintVisitorToken({ sub: 'v-ada' })) })
    ).text();
    // The page's hero is the web's (no email bar rule applies to the hero): the same section.
    expect(page).toContain(html);
  });

  it('escapes trait values in HTML and leaves them as plain text in props', async () => {
    await putVisitorProfile('v-xss', {
      traits: { firstName: '<img src=x onerror=alert(1)>', plan: 'pro' },
    });
    const a = await answer(ask({ subject: { visitorId: 'v-xss' }, html: true, slots: ['hero'] }));
    const hero = slot(a, 'hero');
    expect(hero.props.headline).toBe('Welcome back, <img src=x onerror=alert(1)>');
    expect(hero.html).not.toContain('<img');
    expect(hero.html).toContain('&lt;img');
  });

  it('decides only the named slots of a page, exactly as the whole page decides them', async () => {
    const first = { subject: { visitorId: 'v-new-1' }, context: { returning: false } } as const;
    const full = await answer(ask(first));
    const part = await answer(ask({ ...first, slots: ['offer-b'] }));
    expect(part.slots).toEqual([slot(full, 'offer-b')]);
    // Offers are unique on the page: offer-a took the sale, so offer-b fell to its next candidate.
    expect(slot(full, 'offer-a').variant).toBe('a-sale');
    expect(slot(part, 'offer-b')).toMatchObject({
      variant: 'b-ship',
      fallback: ['profile.none', 'offer_taken:b-sale'],
    });
  });

  it('decides a list of slots without a page, in the order asked, with no shared offers', async () => {
    const a = await answer(ask({ page: undefined, slots: ['offer-b', 'hero'] }));
    expect(a.page).toBeNull();
    expect(a.slots.map((s) => [s.slot, s.variant])).toEqual([
      ['offer-b', 'b-sale'],
      ['hero', 'hero-greet'],
    ]);
  });

  it('finds the page by context.path when no page or slots are named', async () => {
    const a = await answer(ask({ page: undefined, context: { path: '/deals' } }));
    expect(a.page).toBe('deals');
    expect(a.slots.map((s) => s.slot)).toEqual(['hero', 'cta']);
  });

  it("decides a customer alone from the customer's profile", async () => {
    const a = await answer(ask({ subject: { customerId: 'c-77' }, slots: ['hero'] }));
    expect(a.profile).toBe('customer');
    expect(slot(a, 'hero')).toMatchObject({
      variant: 'hero-hiking',
      level: 'individual',
      reason: 'affinity:hiking',
    });
  });

  it('reads a visitor cookie the way a page does, customer id included', async () => {
    const cookie = await mintVisitorToken({ sub: 'v-unknown', cid: 'c-77' });
    const a = await answer(ask({ subject: { cookie }, slots: ['hero'] }));
    expect(a.profile).toBe('customer');
    expect(slot(a, 'hero').variant).toBe('hero-hiking');
  });

  it('lets rules read the channel and custom attributes', async () => {
    const app = await answer(
      ask({ channel: 'app', subject: { visitorId: 'v-x' }, slots: ['hero'] }),
    );
    expect(slot(app, 'hero')).toMatchObject({ variant: 'hero-app', level: 'cohort' });
    const beta = await answer(
      ask({
        slots: ['hero'],
        subject: { visitorId: 'v-x' },
        context: { attributes: { beta: true } },
      }),
    );
    expect(slot(beta, 'hero')).toMatchObject({ variant: 'hero-beta', reason: 'rule:beta' });
  });

  it('turns the described context into the signals a page would get', async () => {
    const ctx = (context: DecisionRequestInput['context']) =>
      answer(ask({ subject: { visitorId: 'v-x' }, slots: ['hero', 'bar'], context }));
    expect(slot(await ctx({ utm: { campaign: 'Spring' } }), 'hero').variant).toBe('hero-spring');
    expect(slot(await ctx({ referrer: 'https://l.instagram.com/x' }), 'hero').variant).toBe(
      'hero-social',
    );
    expect(
      slot(
        await ctx({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile/15E148' }),
        'hero',
      ).variant,
    ).toBe('hero-mobile');
    expect(slot(await ctx({ device: 'tablet' }), 'hero').variant).toBe('hero-mobile');
    expect(slot(await ctx({}), 'hero').variant).toBe('hero-default');
    expect(slot(await ctx({ locale: 'de-CH' }), 'bar').variant).toBe('bar-email');
  });

  it('gives defaults everywhere at consent none, reading no profile', async () => {
    const a = await answer(ask({ consent: 'none' }));
    expect(a.consent).toBe('none');
    expect(a.profile).toBe('none');
    expect(a.reasons).toContain('consent.none');
    for (const s of a.slots) {
      expect(s.level).toBe('default');
      expect(s.reason).toBe('default:consent');
      expect(s.experiment).toBeUndefined();
    }
    expect(slot(a, 'bar').props).toEqual({
      text: 'Free returns',
      nav: [{ label: 'Deals', href: '/deals' }],
      tone: 'neutral',
    });
  });

  it('uses no profile at consent contextual, but still the context and experiments', async () => {
    const a = await answer(ask({ consent: 'contextual', slots: ['hero', 'cta'] }));
    expect(a.profile).toBe('none');
    expect(a.reasons).toContain('consent.contextual');
    expect(slot(a, 'hero').variant).not.toBe('hero-greet');
  });

  it('names the experiment arm a subject is in', async () => {
    const arms = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const a = await answer(ask({ subject: { visitorId: `v-arm-${i}` }, slots: ['cta'] }));
      const cta = slot(a, 'cta');
      if (cta.experiment) {
        expect(cta.experiment.id).toBe('cta-ab');
        arms.set(cta.experiment.arm, (arms.get(cta.experiment.arm) ?? 0) + 1);
        if (cta.experiment.arm === 'test')
          expect(cta).toMatchObject({
            variant: 'cta-test',
            level: 'experiment',
            reason: 'experiment:cta-ab:test',
          });
      }
    }
    expect([...arms.keys()].sort()).toEqual(['control', 'test']);
  });

  it('sends the decision record a page view sends, with its channel', async () => {
    const a = await answer(ask({ slots: ['hero', 'cta'] }));
    expect(api.decisions).toHaveLength(1);
    const record = DecisionRecord.parse(api.decisions[0]);
    expect(record).toMatchObject({
      id: a.decisionId,
      channel: 'email',
      page: 'home',
      consent: 'personal',
      profile: 'visitor',
    });
    expect(record.slots.map((s) => [s.slot, s.variant])).toEqual(
      a.slots.map((s) => [s.slot, s.variant]),
    );
  });

  it('logs nothing and counts nothing on a dry run, and answers the same', async () => {
    const dry = await answer(ask({ dryRun: true }));
    expect(api.decisions).toEqual([]);
    const real = await answer(ask());
    expect(dry.dryRun).toBe(true);
    expect(dry.slots.map((s) => [s.variant, s.experiment])).toEqual(
      real.slots.map((s) => [s.variant, s.experiment]),
    );
    expect(api.decisions).toHaveLength(1);
  });

  it('is never cached and names the decision and version in headers', async () => {
    const { res, json } = await decide(ask());
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-tessera-decision')).toBe((json as DecisionAnswer).decisionId);
    expect(res.headers.get('x-tessera-version')).toBe(bundle.version);
  });
});

describe('POST /v1/decisions refuses', () => {
  it('a call without a token (401), and never reads a cookie instead', async () => {
    const cookie = await mintVisitorToken({ sub: 'v-ada' });
    const res = await api.fetch('/v1/decisions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cookieHeader(cookie) },
      body: JSON.stringify(ask()),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(ApiError.parse(await res.json()).error.code).toBe('missing_token');
    await refused(ask(), 401, 'missing_token', null);
  });

  it('a forged, expired or foreign token (401)', async () => {
    await refused(
      ask(),
      401,
      'invalid_token',
      await mintAdminToken({ scope: 'decide', secret: 'x'.repeat(40) }),
    );
    await refused(ask(), 401, 'expired_token', await mintAdminToken({ scope: 'decide', exp: 1 }));
    await refused(ask(), 401, 'invalid_token', await mintVisitorToken({ sub: 'v-ada' }));
  });

  it('a token without the decide scope (403)', async () => {
    const e = await refused(
      ask(),
      403,
      'insufficient_scope',
      await decideToken('publish read preview privacy'),
    );
    expect(e.message).toContain('"decide"');
  });

  it('a body that is not JSON, or not sent as JSON', async () => {
    await refused('{"subject":', 400, 'invalid_json');
    const res = await api.fetch('/v1/decisions', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${await decideToken()}` },
      body: JSON.stringify(ask()),
    });
    expect(res.status).toBe(415);
  });

  it('a body over 32 KiB (413)', async () => {
    await refused({ ...ask(), context: { query: 'x'.repeat(40_000) } }, 413, 'body_too_large');
  });

  it('each malformed field, naming where it is', async () => {
    const cases: [unknown, string][] = [
      [{ ...ask(), subject: undefined }, 'subject'],
      [{ ...ask(), subject: {} }, 'subject'],
      [{ ...ask(), subject: { visitorId: 'v 1' } }, 'subject.visitorId'],
      [{ ...ask(), subject: { visitorId: 'v-1', cookie: 'x' } }, 'subject'],
      [{ ...ask(), channel: 'E-Mail' }, 'channel'],
      [{ ...ask(), channel: undefined }, 'channel'],
      [{ ...ask(), consent: 'full' }, 'consent'],
      [{ ...ask(), page: undefined }, 'slots'],
      [{ ...ask(), slots: [] }, 'slots'],
      [{ ...ask(), context: { country: 'de' } }, 'context.country'],
      [{ ...ask(), context: { timezone: 'Mars/Olympus' } }, 'context.timezone'],
      [{ ...ask(), context: { path: 'deals' } }, 'context.path'],
      [{ ...ask(), context: { referrer: 'javascript:alert(1)' } }, 'context.referrer'],
      [{ ...ask(), context: { attributes: { '1bad': 1 } } }, 'context.attributes.1bad'],
      [{ ...ask(), context: { attributes: { n: { deep: 1 } } } }, 'context.attributes.n'],
      [{ ...ask(), context: { colour: 'red' } }, 'context'],
      [{ ...ask(), dryRun: 'yes' }, 'dryRun'],
      [{ ...ask(), extra: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const e = await refused(body, 400, 'invalid_request');
      expect(e.issues?.[0]?.path.join('.'), JSON.stringify(body)).toBe(path);
      expect(e.message).toContain(': ');
    }
  });

  it('an unknown page or slot (422), naming what the bundle has', async () => {
    expect((await refused(ask({ page: 'nope' }), 422, 'unknown_page')).message).toContain(
      'pages: home, deals, mail',
    );
    expect(
      (await refused(ask({ page: undefined, context: { path: '/nowhere' } }), 422, 'unknown_page'))
        .message,
    ).toContain('no page at "/nowhere"');
    expect((await refused(ask({ slots: ['grid'] }), 422, 'unknown_slot')).message).toContain(
      'slot "grid" is not on page "home"',
    );
    expect(
      (await refused(ask({ page: undefined, slots: ['hero', 'nope'] }), 422, 'unknown_slot'))
        .message,
    ).toContain('no slot "nope"');
  });

  it('a visitor cookie a page would not accept (422)', async () => {
    const expired = await mintVisitorToken({ sub: 'v-ada', iat: 1000, exp: 2000 });
    const e = await refused(ask({ subject: { cookie: expired } }), 422, 'invalid_subject');
    expect(e.message).toContain('expired');
    await refused(ask({ subject: { cookie: 'garbage' } }), 422, 'invalid_subject');
  });

  it('other methods and paths under /v1 with JSON, never a page', async () => {
    const get = await api.fetch('/v1/decisions');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const nope = await api.fetch('/v1/nope', { method: 'POST' });
    expect(nope.status).toBe(404);
    expect(ApiError.parse(await nope.json()).error.code).toBe('not_found');
  });
});

describe('without a published bundle', () => {
  it('answers 503 and logs nothing', async () => {
    const res = await api.fetch(
      '/v1/decisions',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await decideToken()}`,
        },
        body: JSON.stringify(ask()),
      },
      { CONTENT: emptyKv() },
    );
    expect(res.status).toBe(503);
    expect(ApiError.parse(await res.json()).error.code).toBe('no_live_bundle');
    expect(api.decisions).toEqual([]);
  });
});

function emptyKv(): KVNamespace {
  return { get: async () => null } as unknown as KVNamespace;
}
