/** The preview ribbon: always visible, says what is being previewed and how to leave. */
import { toHtml } from '../render/to-html.ts';
import { PREVIEW_PATH } from './session.ts';
import type { PreviewSession } from './token.ts';

const STYLE =
  'position:fixed;left:0;right:0;bottom:0;z-index:2147483647;background:#5b21b6;color:#fff;' +
  'font:600 14px/1.4 system-ui,sans-serif;padding:8px 16px;display:flex;justify-content:space-between;gap:16px';

export function previewRibbon(session: PreviewSession, shownVersion: string): string {
  const parts = [
    `version ${shownVersion}`,
    session.version && session.version !== shownVersion
      ? `(${session.version} unavailable, showing live)`
      : '',
    session.segment ? `segment “${session.segment}”` : '',
    session.as ? `as visitor ${session.as}` : '',
  ].filter(Boolean);
  return toHtml(
    <div data-tessera-preview="" role="status" style={STYLE}>
      <span>{`PREVIEW · not live · ${parts.join(' · ')}`}</span>
      <a href={`${PREVIEW_PATH}/exit`} style="color:#fff">
        Exit preview
      </a>
    </div>,
  );
}
