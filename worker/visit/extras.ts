/**
 * What a mode adds to a page, wherever its shell comes from: trusted HTML for the end of <head>
 * and of <body>. A counted visit gets the tracker (not at consent `none`: without the visitor
 * cookie there is nobody to attribute events to); a preview gets noindex and its ribbon; a debug
 * render with `?tessera_debug=1` gets the trace panel.
 */
import type { ConsentLevel } from '../../shared/schema/consent.ts';
import { renderTracePanel } from '../debug/panel.tsx';
import type { Trace } from '../debug/trace.ts';
import { trackerTag } from '../tracker/tag.ts';
import { previewHead, previewRibbon } from '../preview/apply.ts';
import type { VisitMode } from './mode.ts';

export interface PageExtras {
  head: string;
  bodyEnd: string;
}

/**
 * A counted visit carries the tracker, except at consent `none`: known before any decision,
 * without building the HTML. Only an ordinary visit tracks, so a view never has both the tracker
 * and a preview's ribbon or a debug panel.
 */
export const carriesTracker = (mode: VisitMode, consent: ConsentLevel) =>
  mode.tracks && consent !== 'none';

/** What a view puts at the end of <head> (a preview's noindex): known before any decision. */
export const headExtras = (mode: VisitMode) => (mode.preview ? previewHead() : '');

/**
 * Whether a view gets a preview's ribbon or a debug render's trace panel at the end of <body>
 * (the panel once its trace is made): known before any decision, without building the HTML.
 */
export const decoratesBody = (mode: VisitMode) =>
  mode.preview !== undefined || mode.debug === 'html';

export function pageExtras(
  mode: VisitMode,
  p: { nonce: string; decisionId: string; version: string; consent: ConsentLevel; trace?: Trace },
): PageExtras {
  const tracker = carriesTracker(mode, p.consent)
    ? trackerTag({ decisionId: p.decisionId, nonce: p.nonce })
    : '';
  const ribbon = mode.preview ? previewRibbon(mode.preview, p.version) : '';
  const panel = p.trace && mode.debug === 'html' ? renderTracePanel(p.trace) : '';
  return { head: headExtras(mode), bodyEnd: ribbon + tracker + panel };
}
