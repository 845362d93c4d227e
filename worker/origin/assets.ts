/**
 * The slots' stylesheet on origin pages: its path and its tag (served by
 * worker/routes/stylesheet.ts).
 */

export const STYLESHEET_PATH = '/__tessera/s.css';

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** The stylesheet link, first inside an origin page's <body> (worker/origin/rewrite.ts). */
export const stylesheetTag = (nonce: string | undefined) =>
  `<link rel="stylesheet" href="${STYLESHEET_PATH}"${nonce ? ` nonce="${attr(nonce)}"` : ''}>`;
