/**
 * The decision API's limits and the refinements its schemas (decision-api.ts) use, as values and
 * named functions (no zod here: the visitor worker runs the validators generated from those
 * schemas, which call these same functions through checks.ts).
 */

export const MAX_ATTRIBUTES = 20;
export const MAX_SLOTS = 50;
/** Most subjects one batch call decides (an email send is split into calls of this size). */
export const MAX_BATCH_ITEMS = 100;
/** Body size limits, enforced while reading (Content-Length is not trusted). */
export const MAX_DECISION_BODY_BYTES = 32 * 1024;
export const MAX_BATCH_BODY_BYTES = 512 * 1024;

interface SubjectFields {
  visitorId?: string;
  customerId?: string;
  cookie?: string;
}

/** A subject is named by its cookie, or by its ids — not both. */
export const notCookieAndIds = (s: SubjectFields): boolean =>
  !(s.cookie !== undefined && (s.visitorId ?? s.customerId) !== undefined);

/** A subject names someone: a cookie, a visitor id or a customer id. */
export const namesSubject = (s: SubjectFields): boolean =>
  (s.cookie ?? s.visitorId ?? s.customerId) !== undefined;

export const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'android-app:';
  } catch {
    return false;
  }
};

export const isFiniteNumber = (n: number): boolean => Number.isFinite(n);

export const atMostMaxAttributes = (a: Record<string, unknown>): boolean =>
  Object.keys(a).length <= MAX_ATTRIBUTES;

/** The slots are named: a page, slot ids or a path. */
export const targetNamed = (r: {
  page?: string;
  slots?: string[];
  context?: { path?: string };
}): boolean => r.page !== undefined || r.slots !== undefined || r.context?.path !== undefined;

/** Every item of a batch has a consent level, its own or the batch's. */
export const everyItemHasConsent = (b: {
  consent?: string;
  items: { consent?: string }[];
}): boolean => b.consent !== undefined || b.items.every((i) => i.consent !== undefined);
