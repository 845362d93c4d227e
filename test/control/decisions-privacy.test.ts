/**
 * What the decision API stores about a customer it was given alone (`subject: {customerId}`)
 * sits under the customer's own pseudonym: an access request by that customer id shows it and an
 * erasure removes it — decision records, exposures and events, at consent personal and contextual.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { customerPseudonymInput, pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { DecisionAnswer } from '../../shared/schema/decision-api-answers.ts';
import { publishTestBundle, putCustomerProfile, testBundleBody } from '../support/bundle.ts';
import { decideToken } from '../support/decision-fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { SITE } from '../support/site.ts';

beforeAll(async () => {
  await publishTestBundle(
    testBundleBody({
      holdout: { share: 0.5, salt: 'privacy-holdout', goal: { event: 'click' }, windowHours: 24 },
    }),
  );
  await putCustomerProfile('c-gone', { traits: { firstName: 'Gone' } });
  await putCustomerProfile('c-stays', { traits: { firstName: 'Stays' } });
});

async function post(path: string, body: unknown, scope = 'decide') {
  return SITE.fetch(`https://shop.test${path}`, {
    method: path.startsWith('/admin') ? 'DELETE' : 'POST',
    headers: {
      authorization: `Bearer ${await decideToken(scope)}`,
      'content-type': 'application/json',
    },
    ...(path.startsWith('/admin') ? {} : { body: JSON.stringify(body) }),
  });
}

const count = async (sql: string, unit: string) =>
  (await env.DB.prepare(sql).bind(unit).first<{ n: number }>())!.n;

async function held(unit: string) {
  return {
    decisions: await count('SELECT COUNT(*) AS n FROM decisions WHERE visitor = ?', unit),
    exposures: await count('SELECT COUNT(*) AS n FROM exposures WHERE unit_id = ?', unit),
    events: await count('SELECT COUNT(*) AS n FROM events WHERE visitor_id = ?', unit),
  };
}

async function seed(customerId: string) {
  for (const consent of ['personal', 'contextual'] as const) {
    const res = await post('/v1/decisions', {
      subject: { customerId },
      channel: 'email',
      consent,
      page: 'home',
    });
    expect(res.status).toBe(200);
    DecisionAnswer.parse(await res.json());
    const events = await post('/v1/events', {
      subject: { customerId },
      channel: 'email',
      consent,
      events: [{ id: `open-${customerId}-${consent}`, type: 'custom', name: 'email_open' }],
    });
    expect(events.status).toBe(202);
  }
  const unit = await pseudonym(
    await pseudonymKey(loadConfig(env).visitorKeys),
    customerPseudonymInput(customerId),
  );
  await eventually(async () => {
    const h = await held(unit);
    return h.decisions === 2 && h.exposures === 2 && h.events === 2 ? h : undefined;
  });
  return unit;
}

describe('a customer decided alone by the decision API', () => {
  it('is erased with the customer: decisions, exposures and events', async () => {
    const gone = await seed('c-gone');
    const stays = await seed('c-stays');
    const access = await SITE.fetch('https://shop.test/admin/privacy/customers/c-gone', {
      headers: { authorization: `Bearer ${await decideToken('privacy')}` },
    });
    expect(access.status).toBe(200);
    const shown = JSON.stringify(await access.json());
    expect(shown).toContain('email_open');

    const erased = await post('/admin/privacy/customers/c-gone', undefined, 'privacy');
    expect(erased.status).toBe(200);
    expect(await held(gone)).toEqual({ decisions: 0, exposures: 0, events: 0 });
    expect(await held(stays)).toEqual({ decisions: 2, exposures: 2, events: 2 });
  }, 30_000);
});
