/**
 * Builds the decision record of one render (shared/schema/decision-record.ts). Pure apart from
 * the pseudonym, which the caller computes (it is async and happens in waitUntil).
 */
import type { DecisionRecord, SlotRecord } from '../../shared/schema/decision-record.ts';
import type { Decision, RequestContext } from '../decide/types.ts';
import type { Outcome } from '../experiments/assign.ts';

/**
 * Context signals kept in the log: enough to explain and analyse a decision, nothing that
 * narrows a visitor down (no city, no raw query, no search terms, no referring URL host).
 */
export const SUMMARY_SIGNALS = [
  'path',
  'device',
  'os',
  'country',
  'region',
  'continent',
  'hour',
  'weekday',
  'referrer',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'language',
  'returning',
  'visitCount',
] as const;

export function contextSummary(context: RequestContext): DecisionRecord['context'] {
  const out: DecisionRecord['context'] = {};
  for (const name of SUMMARY_SIGNALS) {
    const value = context[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[name] = value;
  }
  return out;
}

export function slotRecord(d: Decision, shown: string): SlotRecord {
  return {
    slot: d.slot,
    variant: shown,
    level: d.level,
    reason: d.reason,
    ...(d.rule ? { rule: d.rule } : {}),
    ...(d.segments?.length ? { segments: d.segments } : {}),
    ...(d.offer ? { offer: d.offer } : {}),
    ...(d.fallback?.length ? { fallback: d.fallback } : {}),
  };
}

export interface RecordParts {
  id: string;
  now: number;
  version: string;
  page: string;
  visitor: string;
  consent: string;
  profile: DecisionRecord['profile'];
  context: RequestContext;
  reasons: readonly string[];
  debug: boolean;
  /** Decisions with the variant each slot actually rendered. */
  slots: { decision: Decision; shown: string }[];
  /** Holdout and experiment assignment of this render (issue 5). */
  experiments?: {
    outcome: Pick<Outcome, 'holdout' | 'exposures' | 'holdoutPhase'>;
    measuresHoldout: boolean;
    sticky: boolean;
  };
}

export function decisionRecord(p: RecordParts): DecisionRecord {
  return {
    id: p.id,
    at: new Date(p.now).toISOString(),
    version: p.version,
    page: p.page,
    // The channel is a context signal (`web` for pages, the caller's for the decision API).
    channel: typeof p.context.channel === 'string' ? p.context.channel : 'web',
    visitor: p.visitor,
    consent: p.consent,
    profile: p.profile,
    context: contextSummary(p.context),
    reasons: [...new Set(p.reasons)],
    debug: p.debug,
    slots: p.slots.map((s) => slotRecord(s.decision, s.shown)),
    ...(p.experiments?.outcome.exposures.length
      ? {
          experiments: p.experiments.outcome.exposures.map((e) => ({
            id: e.experiment,
            arm: e.arm,
            ...(e.epoch ? { epoch: e.epoch } : {}),
            ...(e.phase ? { phase: e.phase } : {}),
          })),
        }
      : {}),
    ...(p.experiments?.measuresHoldout
      ? {
          holdout: p.experiments.outcome.holdout ? ('holdout' as const) : ('personalized' as const),
          ...(p.experiments.outcome.holdoutPhase
            ? { holdoutPhase: p.experiments.outcome.holdoutPhase }
            : {}),
        }
      : {}),
    sticky: p.experiments?.sticky ?? true,
  };
}
