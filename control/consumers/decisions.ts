/**
 * The DECISIONS queue consumer: validates each message, writes the batch to D1 in one
 * transaction (`db.batch`), and acknowledges per message. If the batch fails, each record is
 * retried on its own so one bad record cannot hold back the rest; a record D1 still rejects is
 * retried with backoff (and after `max_retries` lands in the dead-letter queue). A message that
 * is not a decision record can never succeed, so it is logged and acknowledged.
 */
import { DecisionRecord } from '../../shared/schema/decision-record.ts';
import { exposureStatements, type ExposureFields } from './exposures.ts';

export const DECISIONS_QUEUE = 'tessera-decisions';

const INSERT_DECISION =
  'INSERT OR IGNORE INTO decisions (id, at, version, page, visitor, consent, profile, context, reasons, debug, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_SLOT =
  'INSERT OR IGNORE INTO decision_slots (decision_id, position, slot, variant, level, reason, rule, segments, offer, fallback) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

const json = (v: unknown[] | undefined) => (v?.length ? JSON.stringify(v) : null);

export function insertStatements(db: D1Database, r: DecisionRecord): D1PreparedStatement[] {
  const decision = db
    .prepare(INSERT_DECISION)
    .bind(
      r.id,
      r.at,
      r.version,
      r.page,
      r.visitor,
      r.consent,
      r.profile,
      JSON.stringify(r.context),
      JSON.stringify(r.reasons),
      r.debug ? 1 : 0,
      r.channel,
    );
  const slots = r.slots.map((s, i) =>
    db
      .prepare(INSERT_SLOT)
      .bind(
        r.id,
        i,
        s.slot,
        s.variant,
        s.level,
        s.reason,
        s.rule ?? null,
        json(s.segments),
        s.offer ?? null,
        json(s.fallback),
      ),
  );
  return [decision, ...slots, ...exposureStatements(db, exposureFields(r))];
}

/**
 * The record's experiment assignment as `exposures` rows (issue 5). A debug render never counts
 * (issue 12): the worker sends its record without arms, and this drops any it still carries.
 */
export function exposureFields(r: DecisionRecord): ExposureFields {
  if (r.debug)
    return {
      decisionId: r.id,
      unitId: r.visitor,
      sticky: r.sticky,
      at: Date.parse(r.at),
      channel: r.channel,
      exposures: [],
    };
  return {
    decisionId: r.id,
    channel: r.channel,
    // Sticky units are the visitor's pseudonym, which events (./events.ts) store too.
    unitId: r.sticky ? r.visitor : r.id,
    sticky: r.sticky,
    at: Date.parse(r.at),
    ...(r.holdout
      ? {
          holdout: {
            measured: true,
            held: r.holdout === 'holdout',
            ...(r.holdoutPhase ? { phase: r.holdoutPhase } : {}),
          },
        }
      : {}),
    exposures: (r.experiments ?? []).map((e) => ({
      experiment: e.id,
      arm: e.arm,
      ...(e.epoch ? { epoch: e.epoch } : {}),
      ...(e.phase ? { phase: e.phase } : {}),
    })),
  };
}

/** 10 s, 20 s, 40 s, … capped at 5 minutes. */
export const retryDelay = (attempts: number) => Math.min(300, 10 * 2 ** Math.max(0, attempts - 1));

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function consumeDecisions(
  batch: MessageBatch<unknown>,
  db: D1Database,
): Promise<void> {
  const valid: { msg: Message<unknown>; record: DecisionRecord }[] = [];
  for (const msg of batch.messages) {
    const parsed = DecisionRecord.safeParse(msg.body);
    if (parsed.success) valid.push({ msg, record: parsed.data });
    else {
      console.error(
        JSON.stringify({
          event: 'tessera.decision.rejected',
          message: msg.id,
          issues: parsed.error.issues.slice(0, 5),
        }),
      );
      msg.ack();
    }
  }
  if (valid.length === 0) return;
  try {
    await db.batch(valid.flatMap((v) => insertStatements(db, v.record)));
    for (const v of valid) v.msg.ack();
    return;
  } catch (error) {
    console.error(
      JSON.stringify({
        event: 'tessera.decision.batch_failed',
        size: valid.length,
        error: errorText(error),
      }),
    );
  }
  for (const { msg, record } of valid) {
    try {
      await db.batch(insertStatements(db, record));
      msg.ack();
    } catch (error) {
      console.error(
        JSON.stringify({
          event: 'tessera.decision.insert_failed',
          id: record.id,
          attempts: msg.attempts,
          error: errorText(error),
        }),
      );
      msg.retry({ delaySeconds: retryDelay(msg.attempts) });
    }
  }
}
