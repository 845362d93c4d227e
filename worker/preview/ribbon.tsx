/** The preview ribbon: always visible, says what is being previewed and how to leave. */
import { toHtml } from '../render/to-html.ts';
import { PREVIEW_PATH } from './session.ts';
import type { PreviewSession } from '../../shared/auth/preview-token.ts';

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
    // Styled by class from the page's nonce'd stylesheet: the CSP allows no inline style attributes.
    <div data-tessera-preview="" role="status" class="tessera-preview">
      <span>{`PREVIEW · not live · ${parts.join(' · ')}`}</span>
      <a href={`${PREVIEW_PATH}/exit`}>Exit preview</a>
    </div>,
  );
}
