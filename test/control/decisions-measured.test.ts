/**
 * A decision API call is measured like a page view, by channel, through the real queues and
 * consumers into D1: its decision record and exposures carry the channel, server-side events
 * carry theirs, experiment and holdout reports split by channel — and a dry run leaves nothing.
 */
import { env } from 'cloudflare:test';
import { SITE } from '../support/site.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { experimentReport } from '../../shared/experiments/report.ts';
import { DecisionAnswer } from '../../shared/schema/decision-api-answers.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import { pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { decideToken } from '../support/decision-fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

let bundle: Bundle;
beforeAll(async () => {
  bundle = await publishTestBundle(
    testBundleBody({
      holdout: { share: 0.01, salt: 'channels-holdout', goal: { event: 'click' }, windowHours: 24 },
      experiments: [
        {
          id: 'hero-channels',
          scope: { slot: 'hero' },
          arms: [{ id: 'a' }, { id: 'b', variant: 'hero-running' }],
          goal: { event: 'click' },
          windowHours: 24,
        },
      ],
    }),
  );
});

async function call(path: string, body: unknown) {
  return SITE.fetch(`https://shop.test${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await decideToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const unitOf = async (visitorId: string) =>
  pseudonym(await pseudonymKey(loadConfig(env).visitorKeys), visitorId);

const row = <T>(sql: string, ...binds: unknown[]) =>
  eventually(() =>
    env.DB.prepare(sql)
      .bind(...binds)
      .first<T>(),
  );

describe('a decision API call in D1', () => {
  it('is recorded with its channel, its exposures too, and its events count in the channel’s report', async () => {
    const dry = DecisionAnswer.parse(
      await (
        await call('/v1/decisions', {
          subject: { visitorId: 'v-mail-1' },
          channel: 'email',
          consent: 'personal',
          page: 'home',
          dryRun: true,
        })
      ).json(),
    );
    const res = await call('/v1/decisions', {
      subject: { visitorId: 'v-mail-1' },
      channel: 'email',
      consent: 'personal',
      page: 'home',
    });
    expect(res.status).toBe(200);
    const answer = DecisionAnswer.parse(await res.json());
    const unit = await unitOf('v-mail-1');

    const decision = await row<{ channel: string; page: string; visitor: string }>(
      'SELECT channel, page, visitor FROM decisions WHERE id = ?',
      answer.decisionId,
    );
    expect(decision).toEqual({ channel: 'email', page: 'home', visitor: unit });
    const slots = await env.DB.prepare(
      'SELECT slot, variant FROM decision_slots WHERE decision_id = ? ORDER BY position',
    )
      .bind(answer.decisionId)
      .all<{ slot: string; variant: string }>();
    expect(slots.results).toEqual(answer.slots.map((s) => ({ slot: s.slot, variant: s.variant })));
    const exposures = await env.DB.prepare(
      'SELECT experiment, arm, channel FROM exposures WHERE decision_id = ? ORDER BY experiment',
    )
      .bind(answer.decisionId)
      .all<{ experiment: string; arm: string; channel: string }>();
    const hero = answer.slots.find((s) => s.slot === 'hero')!;
    expect(exposures.results).toEqual([
      { experiment: '_holdout', arm: answer.holdout!, channel: 'email' },
      ...(hero.experiment
        ? [{ experiment: 'hero-channels', arm: hero.experiment.arm, channel: 'email' }]
        : []),
    ]);
    // The dry run, answered before the real call, left nothing behind.
    expect(dry.slots.map((s) => s.variant)).toEqual(answer.slots.map((s) => s.variant));
    for (const table of ['decisions WHERE id', 'exposures WHERE decision_id']) {
      const n = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} = ?`)
        .bind(dry.decisionId)
        .first<{ n: number }>();
      expect(n?.n, table).toBe(0);
    }

    // A click in the email, reported by the mail server, and a web visitor who does not click.
    const posted = await call('/v1/events', {
      subject: { visitorId: 'v-mail-1' },
      channel: 'email',
      consent: 'personal',
      events: [
        {
          id: `click-${answer.decisionId}`,
          type: 'click',
          slot: 'hero',
          decisionId: answer.decisionId,
        },
      ],
    });
    expect(posted.status).toBe(202);
    const event = await row<{ channel: string; visitor_id: string }>(
      'SELECT channel, visitor_id FROM events WHERE id = ?',
      `click-${answer.decisionId}`,
    );
    expect(event).toEqual({ channel: 'email', visitor_id: unit });

    const page = await SITE.fetch('https://shop.test/', {
      headers: cookieHeader(await mintVisitorToken({ sub: 'v-web-1' })),
    });
    const pageDecision = page.headers.get('x-tessera-decision')!;
    await row('SELECT channel FROM decisions WHERE id = ? AND channel = ?', pageDecision, 'web');

    const report = (channel?: string) =>
      experimentReport(env.DB, bundle, '_holdout', channel ? { channel } : {});
    const sides = async (channel?: string) =>
      Object.fromEntries(
        (await report(channel))!.arms.map((a) => [a.arm, [a.exposures, a.conversions]]),
      );
    const emailSide = answer.holdout!;
    const webSide = (await env.DB.prepare(
      "SELECT arm FROM exposures WHERE decision_id = ? AND experiment = '_holdout'",
    )
      .bind(pageDecision)
      .first<{ arm: string }>())!.arm;
    const expectSide = (counts: Record<string, number[]>, side: string, n: number[]) =>
      expect(counts[side]).toEqual(n);
    expectSide(await sides('email'), emailSide, [1, 1]);
    expectSide(await sides('web'), webSide, [1, 0]);
    const all = await report();
    expect(all!.channels).toEqual(['email', 'web']);
    expect(all!.channel).toBeUndefined();
    expect((await report('email'))!.channel).toBe('email');
    expect(await sides('app')).toEqual({ holdout: [0, 0], personalized: [0, 0] });
  }, 30_000);
});

describe('GET /admin/experiments/:id/report?channel=', () => {
  it('narrows the report to a channel, and refuses a malformed one', async () => {
    const headers = { authorization: `Bearer ${await decideToken('read')}` };
    const ok = await SITE.fetch(
      'https://shop.test/admin/experiments/holdout/report?channel=email',
      {
        headers,
      },
    );
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { channel?: string }).channel).toBe('email');
    const bad = await SITE.fetch(
      'https://shop.test/admin/experiments/holdout/report?channel=E-Mail',
      {
        headers,
      },
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_channel');
  });
});
