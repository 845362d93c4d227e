/** Names and patterns the tokens and their claim schemas (claims.ts) share; no zod, no jose. */

export const VisitorIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A token meant for something else (the admin API, the site's own APIs) is not a visitor cookie,
 * even when it is signed with the same key: a foreign `aud` (or an `aud` list) fails the claims.
 * Our own cookies and the site's login cookies carry no `aud`, or this one.
 */
export const VISITOR_AUDIENCE = 'tessera-visitor';

export const SCOPES = ['publish', 'read', 'preview', 'privacy', 'decide'] as const;

export const ARMS_AUDIENCE = 'tessera-arms';
