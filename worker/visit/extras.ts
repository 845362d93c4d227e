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

/** A counted visit carries the tracker, except at consent `none`. */
const carriesTracker = (mode: VisitMode, consent: ConsentLevel) =>
  mode.tracks && consent !== 'none';

/**
 * Whether `pageExtras` puts anything at the end of <body> for this visit (the panel once its
 * trace is there): known before any decision, without building the HTML.
 */
export const addsToBodyEnd = (mode: VisitMode, consent: ConsentLevel): boolean =>
  carriesTracker(mode, consent) || mode.preview !== undefined || mode.debug === 'html';

export function pageExtras(
  mode: VisitMode,
  p: { nonce: string; decisionId: string; version: string; consent: ConsentLevel; trace?: Trace },
): PageExtras {
  const tracker = carriesTracker(mode, p.consent)
    ? trackerTag({ decisionId: p.decisionId, nonce: p.nonce })
    : '';
  const ribbon = mode.preview ? previewRibbon(mode.preview, p.version) : '';
  const panel = p.trace && mode.debug === 'html' ? renderTracePanel(p.trace) : '';
  return { head: mode.preview ? previewHead() : '', bodyEnd: ribbon + tracker + panel };
}
