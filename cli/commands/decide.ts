/**
 * `tessera decide`: ask the decision API what a subject gets, as an app, an email renderer or a
 * server would — for developers trying the API and checking a visitor's slots.
 *
 *   tessera decide --as v-runner [--cid c-1001] [--page home | --page /deals] [--slots hero,cta]
 *                  [--channel email] [--consent personal] [--context '{"country":"DE"}']
 *                  [--dry-run] [--html] [--json] [--target local|https://…] [--port 8787]
 *
 * `--target local` (the default) calls the dev server (`npm run dev`) with a `decide` token
 * minted from the dev keys; `--target https://…` calls that site with the token in
 * TESSERA_DECIDE_TOKEN (or TESSERA_ADMIN_TOKEN), which needs the `decide` scope.
 */
import { signAdminToken } from '../../shared/auth/admin-token.ts';
import { ApiError, DecisionAnswer } from '../../shared/schema/decision-api-answers.ts';
import type { DecisionRequestInput } from '../../shared/schema/decision-api.ts';
import * as z from '../../shared/schema/zod.ts';
import { adminKeyring } from '../lib/dev-keys.ts';
import { CliError } from '../lib/errors.ts';

export interface DecideOptions {
  as?: string | undefined;
  cid?: string | undefined;
  /** A page id, or a path (starting with `/`). */
  page?: string | undefined;
  slots?: string | undefined;
  channel?: string | undefined;
  consent?: string | undefined;
  context?: string | undefined;
  dryRun: boolean;
  html: boolean;
  json: boolean;
  target: string;
  port: string;
}

export const DECIDE_USAGE =
  'tessera decide --as <visitorId> [--cid <customerId>] [--page <id>|<path>] [--slots a,b] [--channel web|app|email|server|<name>] [--consent personal|contextual|none] [--context <json>] [--dry-run] [--html] [--json] [--target local|<url>]';

/** The request body the options describe (pure, so it is tested without a server). */
export function decisionBody(o: DecideOptions): DecisionRequestInput {
  if (!o.as && !o.cid) {
    throw new CliError(
      `name the subject with --as <visitorId> and/or --cid <customerId>\n  ${DECIDE_USAGE}`,
    );
  }
  let context: Record<string, unknown> = {};
  if (o.context !== undefined) {
    try {
      context = z.record(z.string(), z.unknown()).parse(JSON.parse(o.context));
    } catch {
      throw new CliError(
        `--context: expected a JSON object such as '{"country":"DE","device":"mobile"}'`,
      );
    }
  }
  const page = o.page ?? '/';
  const slots = o.slots
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    subject: { ...(o.as ? { visitorId: o.as } : {}), ...(o.cid ? { customerId: o.cid } : {}) },
    channel: o.channel ?? 'web',
    consent: (o.consent ?? 'personal') as DecisionRequestInput['consent'],
    ...(page.startsWith('/') ? { context: { path: page, ...context } } : { page, context }),
    ...(slots?.length ? { slots } : {}),
    dryRun: o.dryRun,
    html: o.html,
  } as DecisionRequestInput;
}

async function endpoint(o: DecideOptions): Promise<{ url: URL; token: string }> {
  if (o.target === 'local') {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const token = await signAdminToken(await adminKeyring(), {
      sub: 'cli:decide',
      scopes: ['decide'],
      nowSeconds,
      ttlSeconds: 300,
    });
    return { url: new URL('/v1/decisions', `http://127.0.0.1:${o.port}`), token };
  }
  let base: URL;
  try {
    base = new URL(o.target);
  } catch {
    throw new CliError(
      `--target "${o.target}" is neither "local" nor a URL such as https://shop.example.com`,
    );
  }
  if (base.protocol !== 'https:' && !['127.0.0.1', 'localhost'].includes(base.hostname)) {
    throw new CliError(
      `--target ${o.target}: tokens are only sent over https (http is allowed for 127.0.0.1 and localhost)`,
    );
  }
  const token = process.env.TESSERA_DECIDE_TOKEN ?? process.env.TESSERA_ADMIN_TOKEN;
  if (!token) {
    throw new CliError(
      'set TESSERA_DECIDE_TOKEN to a token with the "decide" scope for this site (for a local dev server, `npx tessera token admin --scope decide` prints one)',
    );
  }
  return { url: new URL('/v1/decisions', base), token };
}

const pad = (s: string, n: number) => s.padEnd(n);

/** The answer as lines for a terminal. */
export function formatDecision(a: DecisionAnswer): string[] {
  const head = [
    `decision ${a.decisionId}`,
    `bundle ${a.version}`,
    `page ${a.page ?? '(slots)'}`,
    `channel ${a.channel}`,
    `consent ${a.consent}`,
    `profile ${a.profile}`,
    ...(a.holdout ? [`holdout: ${a.holdout}`] : []),
  ].join(' · ');
  const lines = [a.dryRun ? `${head} — dry run, nothing logged` : head];
  if (a.reasons.length) lines.push(`reasons: ${a.reasons.join(', ')}`);
  const w = (f: (s: (typeof a.slots)[number]) => string) =>
    Math.max(...a.slots.map((s) => f(s).length), 4);
  const [ws, wv, wl] = [w((s) => s.slot), w((s) => s.variant || '(empty)'), w((s) => s.level)];
  for (const s of a.slots) {
    const extra = [
      s.experiment ? `experiment ${s.experiment.id}/${s.experiment.arm}` : '',
      s.fallback?.length ? `fallback ${s.fallback.join(', ')}` : '',
    ].filter(Boolean);
    lines.push(
      `  ${pad(s.slot, ws)}  ${pad(s.variant || '(empty)', wv)}  ${pad(s.level, wl)}  ${s.reason}${extra.length ? `  (${extra.join('; ')})` : ''}`,
    );
    if (s.html) lines.push(`    ${s.html}`);
  }
  return lines;
}

export async function decide(o: DecideOptions, log: (line: string) => void): Promise<void> {
  const body = decisionBody(o);
  const { url, token } = await endpoint(o);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new CliError(
      `cannot reach ${url.origin}: ${(error as Error).message}${o.target === 'local' ? ' — is `npm run dev` running? (or pass --target https://…)' : ''}`,
    );
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = ApiError.safeParse(json);
    throw new CliError(
      e.success
        ? `${url.origin} refused (${res.status} ${e.data.error.code}): ${e.data.error.message}`
        : `${url.origin} answered ${res.status} without a decision`,
    );
  }
  const answer = DecisionAnswer.safeParse(json);
  if (!answer.success)
    throw new CliError(`${url.origin} answered 200 with something that is not a decision`);
  if (o.json) log(JSON.stringify(answer.data, null, 2));
  else for (const line of formatDecision(answer.data)) log(line);
}
