/**
 * The debug trace of one render: the context signals as resolved, and per slot the variant
 * shown, the rung that answered, why, and every candidate the ladder proposed. Pure data; the
 * JSON view returns it as is and panel.tsx renders it into the page.
 */
import type { CandidateTrace, Decision, Level, RequestContext } from '../decide/types.ts';

export interface SlotTrace {
  slot: string;
  component: string;
  /** What the visitor saw ('' when the slot rendered empty). */
  variant: string;
  /** What decide chose (differs from `variant` only when rendering had to fall back). */
  decided: string;
  level: Level;
  reason: string;
  rule?: string;
  segments?: string[];
  offer?: string;
  fallback?: string[];
  candidates: CandidateTrace[];
}

export interface Trace {
  decisionId: string;
  version: string;
  page: { id: string; path: string };
  profile: 'customer' | 'visitor' | 'none';
  reasons: string[];
  context: RequestContext;
  slots: SlotTrace[];
}

export function slotTrace(d: Decision, shown: string): SlotTrace {
  const { candidates = [], variant, ...rest } = d;
  return { ...rest, variant: shown, decided: variant, candidates };
}

export interface TraceInput {
  decisionId: string;
  version: string;
  page: { id: string; path: string };
  profile: Trace['profile'];
  reasons: readonly string[];
  context: RequestContext;
  decisions: readonly Decision[];
  /** The variant each slot actually showed, in decision order. */
  shown: readonly string[];
}

export function traceOf(t: TraceInput): Trace {
  return {
    decisionId: t.decisionId,
    version: t.version,
    page: t.page,
    profile: t.profile,
    reasons: [...new Set(t.reasons)],
    context: t.context,
    slots: t.decisions.map((d, i) => slotTrace(d, t.shown[i] ?? '')),
  };
}
