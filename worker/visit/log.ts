/**
 * Phase 5 — log: the decision record leaves after the response (in `waitUntil`), so hashing the
 * visitor id and the queue send never delay it. The mode says whether a record is sent at all
 * (never for a preview or a dry run) and whether it carries exposures (only a counted visit's:
 * a debug render is logged, flagged `debug`, but never reaches the experiment tables).
 */
import type { HmacKey } from '../../shared/config.ts';
import type { RequestContext } from '../decide/types.ts';
import { pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { decisionRecord } from '../log/record.ts';
import { shipDecision } from '../log/ship.ts';
import type { Reason } from '../../shared/reasons.ts';
import type { RenderedSlot } from '../render/slot.tsx';
import type { Choice } from './choose.ts';
import type { VisitMode } from './mode.ts';
import type { VisitIO, VisitRead } from './read.ts';

export interface LogInput {
  mode: VisitMode;
  decisionId: string;
  /** The request's start, ms since the epoch. */
  now: number;
  version: string;
  pageId: string;
  read: Pick<VisitRead, 'consent' | 'identity' | 'profileSource'>;
  context: RequestContext;
  choice: Choice;
  rendered: readonly RenderedSlot[];
  reasons: readonly Reason[];
}

export interface LogSink {
  queue: Queue;
  /** The decision log's durable fallback when the queue fails (worker/log/ship.ts). */
  db: D1Database;
  visitorKeys: HmacKey[];
  waitUntil(promise: Promise<unknown>): void;
  /** Waits between send retries (real time unless a test passes its own). */
  sleep?: (ms: number) => Promise<void>;
  /** Waits for company before the record's batch leaves (real time unless a test passes its own). */
  linger?: () => Promise<void>;
}

/** A request's sink: its DECISIONS queue and D1 fallback, its waitUntil, the visit's keys. */
export function logSink(
  env: { DECISIONS: Queue; DB: D1Database },
  ctx: { waitUntil(promise: Promise<unknown>): void },
  io: Pick<VisitIO, 'config' | 'sleep' | 'linger'>,
): LogSink {
  return {
    queue: env.DECISIONS,
    db: env.DB,
    visitorKeys: io.config.visitorKeys,
    waitUntil: (p) => ctx.waitUntil(p),
    ...(io.sleep ? { sleep: io.sleep } : {}),
    ...(io.linger ? { linger: io.linger } : {}),
  };
}

export function logVisit(sink: LogSink, v: LogInput): void {
  if (!v.mode.logs) return;
  sink.waitUntil(
    (async () => {
      const visitor = await pseudonym(
        await pseudonymKey(sink.visitorKeys),
        v.read.identity.visitorId,
      );
      const record = decisionRecord({
        id: v.decisionId,
        now: v.now,
        version: v.version,
        page: v.pageId,
        visitor,
        consent: v.read.consent.level,
        profile: v.read.profileSource,
        context: v.context,
        reasons: v.reasons,
        debug: v.mode.debug !== undefined,
        slots: v.choice.decisions.map((decision, i) => ({
          decision,
          shown: v.rendered[i]?.variant ?? '',
        })),
        experiments: v.mode.counts
          ? {
              outcome: v.choice,
              measuresHoldout: v.choice.measuresHoldout,
              sticky: v.choice.sticky,
            }
          : {
              outcome: { holdout: false, exposures: [] },
              measuresHoldout: false,
              sticky: v.choice.sticky,
            },
      });
      await shipDecision(sink, record);
    })().catch((error: unknown) =>
      console.error(
        JSON.stringify({
          event: 'tessera.decision.log_failed',
          id: v.decisionId,
          error: String(error),
        }),
      ),
    ),
  );
}
