/**
 * Issue 12, item 6: debug renders are never counted. A `?tessera_debug=json|1` render is logged
 * (flagged `debug`) so support can find it, but it never reaches the experiment tables — the
 * trace may show the arm the visitor is in, and the report must not see that view.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SITE } from '../support/site.ts';
import { insertStatements } from '../../control/consumers/decisions.ts';
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import type { Trace } from '../../worker/debug/trace.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { eventually } from '../support/eventually.ts';
import { cookieHeader, mintVisitorToken } from '../support/tokens.ts';

/** Everyone is measured: a holdout (either side logs an exposure) and an A/B test on the hero. */
const measured = testBundleBody({
  holdout: { share: 0.5, salt: 'debug-uncounted' },
  experiments: [
    {
      id: 'hero-ab',
      type: 'ab',
      scope: { slot: 'hero' },
      arms: [{ id: 'control' }, { id: 'b', variant: 'hero-running' }],
    },
  ],
});

async function view(visitor: string, query = '', headers: Record<string, string> = {}) {
  const res = await SITE.fetch(`https://shop.test/${query}`, {
    headers: { ...cookieHeader(await mintVisitorToken({ sub: visitor })), ...headers },
  });
  const body = await res.text();
  const id = res.headers.get('x-tessera-decision')!;
  const row = await eventually(() =>
    env.DB.prepare('SELECT debug FROM decisions WHERE id = ?').bind(id).first<{ debug: number }>(),
  );
  const exposures = await env.DB.prepare('SELECT experiment FROM exposures WHERE decision_id = ?')
    .bind(id)
    .all<{ experiment: string }>();
  return { res, body, debug: row.debug, exposures: exposures.results.map((r) => r.experiment) };
}

describe('debug renders and the experiment tables', () => {
  it('a JSON trace is logged as debug and adds no exposure, while a plain view of the same visitor does', async () => {
    await publishTestBundle(measured);
    const read = bearerHeader(await mintAdminToken({ scope: 'read' }));
    const debugged = await view('v-debug-json', '?tessera_debug=json', read);
    expect(debugged.res.headers.get('content-type')).toContain('application/json');
    expect(debugged.debug).toBe(1);
    expect(debugged.exposures).toEqual([]);
    // The trace still says which side and arm this visitor is on: it is the visitor's page.
    const trace = JSON.parse(debugged.body) as Trace;
    expect(trace.slots.map((s) => s.slot)).toContain('hero');

    const plain = await view('v-debug-json');
    expect(plain.debug).toBe(0);
    expect(plain.exposures).toContain('_holdout');
  }, 30_000);

  it('an in-page trace is logged as debug, adds no exposure and carries no tracker', async () => {
    await publishTestBundle(measured);
    const read = bearerHeader(await mintAdminToken({ scope: 'read' }));
    const debugged = await view('v-debug-html', '?tessera_debug=1', read);
    expect(debugged.body).toContain('<aside class="tessera-debug"');
    expect(debugged.body).not.toContain('/__tessera/t.js');
    expect(debugged.debug).toBe(1);
    expect(debugged.exposures).toEqual([]);
  }, 30_000);

  it('the decision-log consumer writes no exposure for a record flagged debug, whatever it carries', async () => {
    const record = DecisionRecord.parse({
      id: 'debug-with-arms',
      at: new Date().toISOString(),
      version: '0123456789abcdef',
      page: 'home',
      visitor: '0123456789abcdef0123456789abcdef',
      profile: 'none',
      context: {},
      reasons: [],
      debug: true,
      slots: [],
      experiments: [{ id: 'hero-ab', arm: 'b' }],
      holdout: 'personalized',
    });
    await env.DB.batch(insertStatements(env.DB, record));
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM exposures WHERE decision_id = ?')
      .bind(record.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});
