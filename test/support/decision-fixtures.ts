/**
 * The decision API's own fixtures for workerd tests: its bundle (decision-bundle.ts), a token,
 * a worker with recording queues, and a call helper.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { BanditStore } from '../../worker/data/bandit-store.ts';
import { BundleStore } from '../../shared/data/bundle-store.ts';
import { createApp } from '../../worker/index.ts';
import { mintAdminToken } from './admin.ts';
import { recordingQueue } from './faults.ts';
import { useTokenClock } from './tokens.ts';

export { decisionBundleBody } from './decision-bundle.ts';

/** A token with the given scopes (default `decide`), minted like the CLI's. */
export const decideToken = (scope = 'decide') => mintAdminToken({ scope, sub: 'mailer@test' });

export interface ApiWorker {
  /** What the worker put on the DECISIONS queue (decision records) and the EVENTS queue. */
  decisions: unknown[];
  events: unknown[];
  clock: { now: number };
  fetch(path: string, init?: RequestInit, bindings?: Partial<Cloudflare.Env>): Promise<Response>;
  /** POST a JSON body to the API with a `decide` token (or the given one, or none: null). */
  post(path: string, body: unknown, token?: string | null): Promise<Response>;
}

/** A worker app with its own clock and ids, whose queues record what they are sent. */
export function apiWorker(startMs = Date.UTC(2026, 10, 23, 10, 0, 0)): ApiWorker {
  const clock = { now: startMs };
  let ids = 0;
  useTokenClock(() => clock.now);
  const app = createApp({
    store: new BundleStore(),
    bandits: new BanditStore(),
    now: () => clock.now,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  });
  const decisions = recordingQueue(env.DECISIONS);
  const events = recordingQueue(env.EVENTS);
  const fetch = async (path: string, init: RequestInit = {}, bindings = {}) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`https://shop.test${path}`, init),
      { ...env, DECISIONS: decisions.queue, EVENTS: events.queue, ...bindings },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };
  return {
    decisions: decisions.sent,
    events: events.sent,
    clock,
    fetch,
    async post(path, body, token) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token !== null) headers.authorization = `Bearer ${token ?? (await decideToken())}`;
      return fetch(path, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
  };
}
