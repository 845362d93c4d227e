/**
 * The one `Cache-Control` value for answers that are about one request or one person (errors,
 * admin and privacy answers, preview redirects, personalized pages): stored by no cache at all.
 */
export const NO_STORE = 'no-store';
