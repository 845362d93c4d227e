/**
 * Access and erasure cover what issue 5 stores in D1: events, exposures, stitches and dead
 * letters, found through the same pseudonyms the consumers compute, under every visitor key.
 */
import { createExecutionContext, createMessageBatch, env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { SITE } from '../support/site.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import { insertStatements } from '../../control/consumers/decisions.ts';
import { createControlWorker } from '../../control/index.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { publishTestBundle } from '../support/bundle.ts';
import { eventually } from '../support/eventually.ts';
import { customerPseudonym, visitorPseudonym } from '../support/pseudonyms.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

const ME = 'https://shop.test/privacy/me';
const asVisitor = async (sub: string, cid?: string) =>
  cookieHeader(await mintVisitorToken({ sub, cid }));
const admin = async (method: string, path: string) =>
  SITE.fetch(`https://shop.test/admin/privacy/${path}`, {
    method,
    headers: bearerHeader(await mintAdminToken({ scope: 'privacy' })),
  });

interface HeldBody {
  held: {
    events: { id: string }[];
    exposures: { decision_id: string; experiment: string }[];
    stitches: unknown[];
    deadLetters: { body: string }[];
    decisions: { id: string }[];
  };
}

const now = Date.now();
let seq = 0;
const uid = (prefix: string) => `${prefix}-${now.toString(36)}-${(seq++).toString(36)}`;

async function seedEvent(id: string, visitor: string, customer: string | null = null) {
  await env.DB.prepare(
    "INSERT INTO events (id, visitor_id, customer_id, type, at, received_at, processed, body) VALUES (?, ?, ?, 'page_view', ?, ?, 1, '{}')",
  )
    .bind(id, visitor, customer, now, now)
    .run();
}

async function seedExposure(decisionId: string, unit: string, sticky: boolean) {
  await env.DB.prepare(
    "INSERT INTO exposures (decision_id, experiment, arm, unit_id, sticky, at) VALUES (?, 'hero-ab', 'b', ?, ?, ?)",
  )
    .bind(decisionId, unit, sticky ? 1 : 0, now)
    .run();
}

async function seedStitch(visitor: string, customer: string) {
  await env.DB.prepare('INSERT INTO stitches (visitor_id, customer_id, at) VALUES (?, ?, ?)')
    .bind(visitor, customer, now)
    .run();
}

async function seedDecision(id: string, visitor: string) {
  const record = DecisionRecord.parse({
    id,
    at: new Date(now).toISOString(),
    version: '0123456789abcdef',
    page: 'home',
    visitor,
    consent: 'personal',
    profile: 'visitor',
    context: {},
    reasons: [],
    slots: [
      { slot: 'hero', variant: 'hero-default', level: 'default', reason: 'default:no_match' },
    ],
  });
  await env.DB.batch(insertStatements(env.DB, record));
}

async function seedDeadLetter(body: unknown) {
  await env.DB.prepare(
    "INSERT INTO dead_letters (queue, reason, body, at) VALUES ('tessera-events', 'test', ?, ?)",
  )
    .bind(JSON.stringify(body), now)
    .run();
}

const ids = async (sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<{ id: string }>()
  ).results
    .map((r) => r.id)
    .sort();

describe('a visitor’s events, end to end', () => {
  beforeEach(async () => {
    await publishTestBundle();
  });

  const post = async (sub: string, cid: string | undefined, events: unknown[]) =>
    SITE.fetch('https://shop.test/events', {
      method: 'POST',
      headers: { ...(await asVisitor(sub, cid)), 'content-type': 'text/plain' },
      body: JSON.stringify({ events }),
    });

  it('are shown by GET /privacy/me and erased by DELETE, with the stitch and both profiles', async () => {
    const [anonymous, loggedIn] = [uid('e-anon'), uid('e-in')];
    expect((await post('v-pe-1', undefined, [{ id: anonymous, type: 'page_view' }])).status).toBe(
      202,
    );
    await eventually(() => env.PROFILES.get(profileKeys.visitor('v-pe-1')));
    expect((await post('v-pe-1', 'c-pe-1', [{ id: loggedIn, type: 'page_view' }])).status).toBe(
      202,
    );
    await eventually(() => env.PROFILES.get(profileKeys.customer('c-pe-1')));

    const shown = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-pe-1', 'c-pe-1') })
    ).json<HeldBody>();
    expect(shown.held.events.map((e) => e.id).sort()).toEqual([anonymous, loggedIn].sort());
    expect(shown.held.stitches).toHaveLength(1);

    const res = await SITE.fetch(ME, {
      method: 'DELETE',
      headers: await asVisitor('v-pe-1', 'c-pe-1'),
    });
    expect(await res.json()).toMatchObject({
      erased: { profiles: 2, events: 2, stitches: 1 },
    });
    expect(await ids('SELECT id FROM events WHERE id IN (?, ?)', anonymous, loggedIn)).toEqual([]);
    const stitches = await env.DB.prepare(
      'SELECT count(*) AS n FROM stitches WHERE customer_id = ?',
    )
      .bind(await customerPseudonym('c-pe-1'))
      .first<number>('n');
    expect(stitches).toBe(0);
    expect(await env.PROFILES.get(profileKeys.visitor('v-pe-1'))).toBeNull();
    expect(await env.PROFILES.get(profileKeys.customer('c-pe-1'))).toBeNull();
  }, 30_000);
});

describe('events and exposures under the visitor’s pseudonyms', () => {
  it('are found under an older visitor key too, and nobody else’s are touched', async () => {
    const [mine, old, theirs] = [uid('e-mine'), uid('e-old'), uid('e-theirs')];
    await seedEvent(mine, await visitorPseudonym('v-pe-rot'));
    await seedEvent(old, await visitorPseudonym('v-pe-rot', 1));
    await seedEvent(theirs, await visitorPseudonym('v-pe-other'));
    const shown = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-pe-rot') })
    ).json<HeldBody>();
    expect(shown.held.events.map((e) => e.id).sort()).toEqual([mine, old].sort());

    const res = await SITE.fetch(ME, { method: 'DELETE', headers: await asVisitor('v-pe-rot') });
    expect(await res.json()).toMatchObject({ erased: { events: 2 } });
    expect(await ids('SELECT id FROM events WHERE id IN (?, ?, ?)', mine, old, theirs)).toEqual([
      theirs,
    ]);
  });

  it('erases sticky exposures by the visitor’s pseudonym and per-request ones through their decisions', async () => {
    const me = await visitorPseudonym('v-pe-exp');
    const [sticky, perRequest, theirs] = [uid('d-sticky'), uid('d-per-request'), uid('d-theirs')];
    await seedExposure(sticky, me, true);
    await seedDecision(perRequest, me);
    await seedExposure(perRequest, perRequest, false); // unit = the decision id
    await seedExposure(theirs, await visitorPseudonym('v-pe-exp-other'), true);

    const shown = await (await admin('GET', 'visitors/v-pe-exp')).json<HeldBody>();
    expect(shown.held.exposures.map((e) => e.decision_id).sort()).toEqual(
      [sticky, perRequest].sort(),
    );
    const res = await admin('DELETE', 'visitors/v-pe-exp');
    expect(await res.json()).toMatchObject({ erased: { exposures: 2, decisions: 1 } });
    const left = await ids(
      'SELECT decision_id AS id FROM exposures WHERE decision_id IN (?, ?, ?)',
      sticky,
      perRequest,
      theirs,
    );
    expect(left).toEqual([theirs]);
  });
});

describe('a customer’s erasure', () => {
  it('takes their events and stitches, and what their stitched visitors did anonymously — not what such a visitor did as someone else', async () => {
    const v = await visitorPseudonym('v-pe-shared');
    const [c, other] = [await customerPseudonym('c-pe-9'), await customerPseudonym('c-pe-other')];
    await seedStitch(v, c);
    await seedStitch(v, other);
    const [anonymous, asCustomer, elsewhere, asOther] = [
      uid('e-anon'),
      uid('e-cust'),
      uid('e-elsewhere'),
      uid('e-other'),
    ];
    await seedEvent(anonymous, v);
    await seedEvent(asCustomer, v, c);
    await seedEvent(elsewhere, await visitorPseudonym('v-pe-phone'), c);
    await seedEvent(asOther, v, other);
    const decision = uid('d-shared');
    await seedDecision(decision, v);
    await seedExposure(decision, v, true);

    const shown = await (await admin('GET', 'customers/c-pe-9')).json<HeldBody>();
    expect(shown.held.events.map((e) => e.id).sort()).toEqual(
      [anonymous, asCustomer, elsewhere].sort(),
    );
    expect(shown.held.decisions.map((d) => d.id)).toEqual([decision]);

    const res = await admin('DELETE', 'customers/c-pe-9');
    expect(await res.json()).toMatchObject({
      erased: { events: 3, stitches: 1, decisions: 1, exposures: 1 },
    });
    expect(
      await ids(
        'SELECT id FROM events WHERE id IN (?, ?, ?, ?)',
        anonymous,
        asCustomer,
        elsewhere,
        asOther,
      ),
    ).toEqual([asOther]);
    const stitches = await env.DB.prepare('SELECT customer_id FROM stitches WHERE visitor_id = ?')
      .bind(v)
      .all<{ customer_id: string }>();
    expect(stitches.results).toEqual([{ customer_id: other }]);
  });
});

describe('a customer’s browsers in KV (the stitch index)', () => {
  beforeEach(async () => {
    await publishTestBundle();
  });

  const post = async (sub: string, cid: string | undefined, category: string) =>
    SITE.fetch('https://shop.test/events', {
      method: 'POST',
      headers: { ...(await asVisitor(sub, cid)), 'content-type': 'text/plain' },
      body: JSON.stringify({ events: [{ id: uid('e-ix'), type: 'page_view', category }] }),
    });
  const indexed = (key: string) => env.PROFILES.get(key);

  it('lets an admin erasure by customer id reach the anonymous profile of every browser they logged in from', async () => {
    // Two browsers browse anonymously, then log in as the same customer; a third never does.
    const browsers = ['v-ix-laptop', 'v-ix-phone', 'v-ix-stranger'];
    for (const browser of browsers)
      expect((await post(browser, undefined, 'tents')).status).toBe(202);
    await eventually(async () =>
      (await Promise.all(browsers.map((b) => env.PROFILES.get(profileKeys.visitor(b))))).every(
        (p) => p !== null,
      )
        ? true
        : undefined,
    );
    for (const browser of ['v-ix-laptop', 'v-ix-phone'])
      expect((await post(browser, 'c-ix', 'boots')).status).toBe(202);
    await eventually(async () =>
      (await indexed('stitch:c:c-ix:v:v-ix-laptop')) &&
      (await indexed('stitch:c:c-ix:v:v-ix-phone'))
        ? true
        : undefined,
    );

    const shown = await (
      await admin('GET', 'customers/c-ix')
    ).json<{
      held: { profiles: { stitched: Record<string, { id: string } | null> } };
    }>();
    expect(Object.keys(shown.held.profiles.stitched).sort()).toEqual(['v-ix-laptop', 'v-ix-phone']);
    expect(shown.held.profiles.stitched['v-ix-phone']?.id).toBe('v-ix-phone');

    const res = await admin('DELETE', 'customers/c-ix');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ erased: { profiles: 3, stitches: 2 } });
    for (const browser of ['v-ix-laptop', 'v-ix-phone']) {
      expect(await env.PROFILES.get(profileKeys.visitor(browser))).toBeNull();
      expect(await indexed(`stitch:c:c-ix:v:${browser}`)).toBeNull();
      expect(await indexed(`stitch:v:${browser}:c:c-ix`)).toBeNull();
    }
    expect(await env.PROFILES.get(profileKeys.customer('c-ix'))).toBeNull();
    expect(await env.PROFILES.get(profileKeys.visitor('v-ix-stranger'))).not.toBeNull();
  }, 30_000);

  it('indexes a link made before the index existed the next time the pair is seen', async () => {
    // The D1 stitch exists (an older consumer wrote it), the KV index entry does not.
    await seedStitch(await visitorPseudonym('v-ix-old'), await customerPseudonym('c-ix-old'));
    expect((await post('v-ix-old', 'c-ix-old', 'maps')).status).toBe(202);
    await eventually(() => indexed('stitch:c:c-ix-old:v:v-ix-old'));
    expect(await indexed('stitch:v:v-ix-old:c:c-ix-old')).not.toBeNull();
  });

  it('is erased with a visitor erased on their own, leaving the customer’s profile', async () => {
    expect((await post('v-ix-solo', 'c-ix-solo', 'maps')).status).toBe(202);
    await eventually(() => indexed('stitch:v:v-ix-solo:c:c-ix-solo'));
    const res = await admin('DELETE', 'visitors/v-ix-solo');
    expect(res.status).toBe(200);
    expect(await indexed('stitch:v:v-ix-solo:c:c-ix-solo')).toBeNull();
    expect(await indexed('stitch:c:c-ix-solo:v:v-ix-solo')).toBeNull();
    expect(await env.PROFILES.get(profileKeys.customer('c-ix-solo'))).not.toBeNull();
  });
});

describe('dead letters', () => {
  it('naming the visitor (an event message) or their pseudonym (a decision record) are shown and erased', async () => {
    const event = { id: uid('e-dead'), type: 'page_view' };
    await seedDeadLetter({ v: 1, visitorId: 'v-pe-dl', receivedAt: now, event });
    await seedDeadLetter({ id: uid('d-dead'), visitor: await visitorPseudonym('v-pe-dl', 1) });
    // A longer id that starts with theirs is someone else.
    await seedDeadLetter({ v: 1, visitorId: 'v-pe-dl2', receivedAt: now, event });

    const shown = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-pe-dl') })
    ).json<HeldBody>();
    expect(shown.held.deadLetters).toHaveLength(2);
    const res = await SITE.fetch(ME, { method: 'DELETE', headers: await asVisitor('v-pe-dl') });
    expect(await res.json()).toMatchObject({ erased: { deadLetters: 2 } });
    const left = await env.DB.prepare(
      "SELECT body FROM dead_letters WHERE instr(body, 'v-pe-dl') > 0",
    ).all<{ body: string }>();
    expect(left.results.map((r) => JSON.parse(r.body).visitorId)).toEqual(['v-pe-dl2']);
  });

  /** Through the real dead-letter consumer: an envelope from our consumers, and a bare message. */
  async function deadLetter(...bodies: unknown[]) {
    const batch = createMessageBatch(
      'tessera-dead-letter',
      bodies.map((body, i) => ({ id: uid(`m-dl${i}`), timestamp: new Date(), attempts: 1, body })),
    );
    await createControlWorker().queue(batch, env, createExecutionContext());
  }

  /** An event whose free-form props name someone else, as a visitor can send (issue 13 #4). */
  const planted = (sender: string, victim: string) => ({
    v: 1,
    visitorId: sender,
    receivedAt: now,
    event: {
      id: uid('e-plant'),
      type: 'warp',
      props: { visitorId: victim, note: `"visitorId":"${victim}"`, visitor: victim },
    },
  });

  it('are matched by the sender the consumer stored, never by text planted in the body', async () => {
    await deadLetter(
      {
        tesseraDeadLetter: 1,
        queue: 'tessera-events',
        reason: 'schema: event.type',
        body: planted('v-dl-attacker', 'v-dl-victim'),
      },
      planted('v-dl-attacker', 'v-dl-victim'),
    );
    const stored = await env.DB.prepare(
      "SELECT visitor, customer FROM dead_letters WHERE instr(body, 'v-dl-attacker') > 0",
    ).all<{ visitor: string | null; customer: string | null }>();
    const attacker = await visitorPseudonym('v-dl-attacker');
    expect(stored.results).toEqual([
      { visitor: attacker, customer: null },
      { visitor: attacker, customer: null },
    ]);

    const victim = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-dl-victim') })
    ).json<HeldBody>();
    expect(victim.held.deadLetters).toEqual([]);
    const erased = await SITE.fetch(ME, {
      method: 'DELETE',
      headers: await asVisitor('v-dl-victim'),
    });
    expect(await erased.json()).toMatchObject({ erased: { deadLetters: 0 } });

    const sender = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-dl-attacker') })
    ).json<HeldBody>();
    expect(sender.held.deadLetters).toHaveLength(2);
  });

  it('store the customer a logged-in sender named, and an admin request by customer id finds them', async () => {
    await deadLetter({ ...planted('v-dl-member', 'v-dl-other'), customerId: 'c-dl-member' });
    const row = await env.DB.prepare(
      "SELECT visitor, customer FROM dead_letters WHERE instr(body, 'c-dl-member') > 0",
    ).first<{ visitor: string; customer: string }>();
    expect(row).toEqual({
      visitor: await visitorPseudonym('v-dl-member'),
      customer: await customerPseudonym('c-dl-member'),
    });
    const held = await (await admin('GET', 'customers/c-dl-member')).json<HeldBody>();
    expect(held.held.deadLetters).toHaveLength(1);
  });

  it('written before the subject columns are matched on top-level fields only', async () => {
    // Rows from before migrations/0007 carry no subject columns.
    await seedDeadLetter(planted('v-dl-old-sender', 'v-dl-old-victim'));
    const victim = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-dl-old-victim') })
    ).json<HeldBody>();
    expect(victim.held.deadLetters).toEqual([]);
    const sender = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-dl-old-sender') })
    ).json<HeldBody>();
    expect(sender.held.deadLetters).toHaveLength(1);
  });

  it('that name nobody at their top level are shown to nobody', async () => {
    await deadLetter('not json at all', [1, 2, 3], { props: { visitorId: 'v-dl-nobody' } });
    const held = await (
      await SITE.fetch(ME, { headers: await asVisitor('v-dl-nobody') })
    ).json<HeldBody>();
    expect(held.held.deadLetters).toEqual([]);
  });
});
