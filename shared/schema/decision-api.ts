/**
 * What the decision API accepts (`POST /v1/decisions`, `POST /v1/decisions/batch`,
 * `POST /v1/events`): the schemas the visitor-facing worker parses bodies with, the OpenAPI
 * document is generated from (shared/openapi/) and the `tessera decide` command builds.
 * Its answers are in decision-api-answers.ts (types only for the worker, so they cost it nothing).
 *
 * A caller names whom the decision is for (the subject), where it is shown (the channel), the
 * consent it holds for that person, what it knows about the moment (the context) and which slots
 * it wants — a page id for all of a page's slots, or a list of slot ids.
 */
import { VisitorIdPattern } from '../auth/token-names.ts';
import {
  atMostMaxAttributes,
  everyItemHasConsent,
  isFiniteNumber,
  isHttpUrl,
  isTimeZone,
  MAX_ATTRIBUTES,
  MAX_BATCH_ITEMS,
  MAX_SLOTS,
  namesSubject,
  notCookieAndIds,
  targetNamed,
} from './decision-api-rules.ts';

export {
  MAX_ATTRIBUTES,
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ITEMS,
  MAX_DECISION_BODY_BYTES,
  MAX_SLOTS,
} from './decision-api-rules.ts';
import { Id } from './bundle.ts';
import { Channel } from './channel.ts';
import { ConsentLevel } from './consent.ts';
import { CONTINENTS, DEVICE_CLASSES, OPERATING_SYSTEMS } from './context-signals.ts';
import { TrackedEvent, MAX_EVENTS_PER_BATCH } from './events.ts';
import * as z from './zod.ts';

const IdOf = (what: string) =>
  z
    .string()
    .check(
      z.regex(VisitorIdPattern, `${what}: 1–64 letters, digits, _ or - (as in the visitor cookie)`),
    );

/**
 * Whom the decision is for: the visitor id (the cookie's `sub`), a customer id (the cookie's
 * `cid`, the key of `profile:c:<id>`), both, or the raw value of the visitor cookie
 * `__Host-tsr_vid`, verified like a page verifies it.
 */
export const Subject = z
  .strictObject({
    visitorId: z.optional(IdOf('a visitor id')),
    customerId: z.optional(IdOf('a customer id')),
    cookie: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  })
  .check(
    z.refine(notCookieAndIds, {
      message: 'send either "cookie", or "visitorId" and/or "customerId" — not both',
    }),
    z.refine(namesSubject, {
      message: 'name the subject: "visitorId", "customerId" (or both), or "cookie"',
    }),
  );
export type Subject = z.infer<typeof Subject>;

const Utm = z.string().check(z.minLength(1), z.maxLength(100));

export const AttributeName = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
      'an attribute name: a letter, then letters, digits, _ or - (at most 64)',
    ),
  );
/** A custom attribute's value: a string of at most 200 characters, a finite number or a boolean. */
export const AttributeValue = z.union([
  z.string().check(z.maxLength(200)),
  z.number().check(z.refine(isFiniteNumber, 'a finite number')),
  z.boolean(),
]);

/**
 * What the caller knows about the moment of the decision. Each field becomes the context signal a
 * page request would give (`context.<name>` in rules), through the same code: `path`, `query`,
 * `utm` and `referrer` as the page URL and `Referer`; `userAgent` (or `device`/`os` directly) as
 * the device; `country`, `region`, `regionCode`, `city`, `continent`, `timezone` as Cloudflare's
 * geolocation; `locale` as `Accept-Language`. Omitted fields are absent signals (as on a page that
 * did not send them), except `device`: without `device` or `userAgent` it is `desktop`.
 */
export const DecisionContext = z.strictObject({
  /** The page path the decision is for (`context.path`; defaults to the page's own path). */
  path: z.optional(
    z
      .string()
      .check(z.regex(/^\/[^?#\s]{0,1023}$/, 'a path such as "/" or "/deals" (no query, no #)')),
  ),
  /** The raw query string without `?` (`context.query`); `utm` is appended to it. */
  query: z.optional(z.string().check(z.maxLength(512))),
  utm: z.optional(
    z.strictObject({
      source: z.optional(Utm),
      medium: z.optional(Utm),
      campaign: z.optional(Utm),
      term: z.optional(Utm),
      content: z.optional(Utm),
    }),
  ),
  /** The referring URL (`context.referrer` class and `context.referrerHost`). */
  referrer: z.optional(
    z
      .string()
      .check(z.maxLength(2048), z.refine(isHttpUrl, 'an http(s) URL (or android-app://<package>)')),
  ),
  device: z.optional(z.enum(DEVICE_CLASSES)),
  os: z.optional(z.enum(OPERATING_SYSTEMS)),
  /** A browser user agent, classified exactly as a page's (ignored for what `device`/`os` give). */
  userAgent: z.optional(z.string().check(z.maxLength(512))),
  country: z.optional(
    z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as "DE"')),
  ),
  region: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  regionCode: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  city: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  continent: z.optional(z.enum(CONTINENTS)),
  /** IANA time zone, e.g. `Europe/Berlin`: gives `context.hour`, `weekday` and `weekend`. */
  timezone: z.optional(
    z
      .string()
      .check(z.maxLength(64), z.refine(isTimeZone, 'an IANA time zone such as "Europe/Berlin"')),
  ),
  /** A language tag such as `de-CH` (`context.language`, `context.locale`). */
  locale: z.optional(
    z
      .string()
      .check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'a language tag such as "de-CH"')),
  ),
  /** Overrides `context.returning` (default: true — a named subject has been seen before). */
  returning: z.optional(z.boolean()),
  /**
   * Custom attributes, readable in rules as `attributes.<name>` (pages have none): at most 20,
   * each a string (≤ 200 characters), a finite number or a boolean. Never stored.
   */
  attributes: z.optional(
    z
      .record(AttributeName, AttributeValue)
      .check(z.refine(atMostMaxAttributes, `at most ${MAX_ATTRIBUTES} attributes`)),
  ),
});
export type DecisionContext = z.infer<typeof DecisionContext>;

const Slots = z
  .array(Id)
  .check(
    z.minLength(1, 'name at least one slot'),
    z.maxLength(MAX_SLOTS, `at most ${MAX_SLOTS} slots`),
  );

/** Which slots, and how the answer is delivered: shared by the single and the batch form. */
const what = {
  /** Where the decision is shown; recorded with it, readable in rules as `context.channel`. */
  channel: Channel,
  /** A bundle page id: all of its slots, decided exactly as that page decides them. */
  page: z.optional(Id),
  /** Slot ids: with `page`, a subset of its slots; without, these slots in this order. */
  slots: z.optional(Slots),
  /** Answer exactly as a real call would, but log nothing and count nothing (QA, previews). */
  dryRun: z._default(z.boolean(), false),
  /** Include each slot's rendered HTML (the same markup a page shows). */
  html: z._default(z.boolean(), false),
};

const TARGET_MESSAGE = 'name the slots: "page" (a page id), "slots" (slot ids) or "context.path"';

export const DecisionRequest = z
  .strictObject({
    subject: Subject,
    /** The consent level the caller holds for this person: the same rules as a page's. */
    consent: ConsentLevel,
    ...what,
    context: z._default(DecisionContext, {}),
  })
  .check(z.refine(targetNamed, { message: TARGET_MESSAGE, path: ['slots'] }));
export type DecisionRequest = z.infer<typeof DecisionRequest>;
export type DecisionRequestInput = z.input<typeof DecisionRequest>;

export const BatchItem = z.strictObject({
  subject: Subject,
  /** This person's consent; defaults to the batch's `consent`. */
  consent: z.optional(ConsentLevel),
  /** Merged over the batch's context: fields given here win; `attributes` and `utm` merge by key. */
  context: z.optional(DecisionContext),
});
export type BatchItem = z.infer<typeof BatchItem>;

export const DecisionBatchRequest = z
  .strictObject({
    ...what,
    /** The default consent level for items that do not name their own. */
    consent: z.optional(ConsentLevel),
    context: z._default(DecisionContext, {}),
    items: z
      .array(BatchItem)
      .check(
        z.minLength(1, 'send at least one item'),
        z.maxLength(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per call`),
      ),
  })
  .check(
    z.refine(targetNamed, { message: TARGET_MESSAGE, path: ['slots'] }),
    z.refine(everyItemHasConsent, {
      message: 'every item needs a consent level: set "consent" on the batch or on each item',
      path: ['consent'],
    }),
  );
export type DecisionBatchRequest = z.infer<typeof DecisionBatchRequest>;

/** Server-side events: what POST /events takes from a browser, for a subject the caller names. */
export const ServerEventsRequest = z.strictObject({
  subject: Subject,
  consent: ConsentLevel,
  channel: Channel,
  events: z
    .array(TrackedEvent)
    .check(
      z.minLength(1, 'send at least one event'),
      z.maxLength(MAX_EVENTS_PER_BATCH, `at most ${MAX_EVENTS_PER_BATCH} events per request`),
    ),
});
export type ServerEventsRequest = z.infer<typeof ServerEventsRequest>;
