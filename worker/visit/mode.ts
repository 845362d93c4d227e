/**
 * How one visit is treated, resolved once at the start of the request instead of being checked
 * all through the handler. A mode says what it overrides in the read phase (a preview's version,
 * visitor and forced segment), whether experiments apply to the choice, whether a decision record
 * is sent, whether exposures count, and what the response adds.
 *
 *   mode       experiments   record         exposures   tracker   response
 *   visit      yes           yes            yes         yes       private, no-store
 *   debug      yes (shown)   yes, debug     never       no        no-store + trace
 *   preview    no (ladder)   never          never       no        no-store, noindex, ribbon
 *   dry-run    yes           never          never       no        (no page: the decision API)
 *
 * Debug and preview combine (a preview with the trace panel); the stricter setting wins.
 * Pure: the caller verifies the preview cookie and the debug token and passes the results.
 */
import type { PreviewSession } from '../../shared/auth/preview-token.ts';
import type { DebugMode } from '../debug/access.ts';
import { PREVIEW_HEADERS } from '../preview/apply.ts';

export interface VisitMode {
  /** What this visit is, for logs and tests; behaviour follows the fields below, not the name. */
  kind: 'visit' | 'debug' | 'preview' | 'dry-run';
  /** Read overrides: another bundle version, a chosen visitor, a forced segment, full consent. */
  preview?: PreviewSession;
  /** The admin trace asked for (`?tessera_debug=1` → 'html', `json`), verified by the caller. */
  debug?: DebugMode;
  /** The holdout and experiment arms apply (a preview shows QA the ladder itself). */
  experiments: boolean;
  /** A decision record leaves the request (debug renders are logged, flagged `debug`). */
  logs: boolean;
  /** The record carries holdout and experiment exposures: this render counts in reports. */
  counts: boolean;
  /** The page carries the tracker (page views and clicks → POST /events). */
  tracks: boolean;
  /** Headers that replace the page's own (cache-control, robots). */
  headers: Readonly<Record<string, string>>;
}

export interface ModeInput {
  preview?: PreviewSession;
  debug?: DebugMode;
  /** The decision API's `dryRun`: answer exactly as a real call would, record nothing. */
  dryRun?: boolean;
}

const NO_STORE = { 'cache-control': 'no-store' } as const;

export function visitMode({ preview, debug, dryRun }: ModeInput): VisitMode {
  const kind = dryRun ? 'dry-run' : preview ? 'preview' : debug ? 'debug' : 'visit';
  const counted = kind === 'visit';
  return {
    kind,
    ...(preview ? { preview } : {}),
    ...(debug ? { debug } : {}),
    experiments: !preview,
    logs: kind === 'visit' || kind === 'debug',
    counts: counted,
    tracks: counted,
    headers: preview ? PREVIEW_HEADERS : debug ? NO_STORE : {},
  };
}

/** An ordinary page view: everything applies, everything is recorded. */
export const VISIT: VisitMode = visitMode({});
