/**
 * Behavioural events: what `POST /events` accepts (from the tracker script or the site's own
 * code) and what travels on the EVENTS queue to the consumer.
 */
import * as z from 'zod';
import { ConsentLevel } from './consent.ts';

/** Client-generated, so a retried beacon carries the same id and is counted once. */
export const EventId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, '8–64 letters, digits, _ or - (e.g. a UUID)');
const Sku = z.string().min(1).max(64);
const Category = z.string().min(1).max(64);

const base = {
  id: EventId,
  /** Client time in ms since the epoch; clamped by the server to the last 24 hours. */
  at: z.number().int().nonnegative().optional(),
  /** The page's decision id (X-Tessera-Decision), linking the event to what was shown. */
  decisionId: z.string().min(1).max(64).optional(),
  path: z.string().max(512).optional(),
};

export const TrackedEvent = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('page_view'),
    sku: Sku.optional(),
    category: Category.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('click'),
    slot: z.string().min(1).max(64),
    variant: z.string().max(64).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('add_to_cart'),
    sku: Sku,
    qty: z.number().int().min(1).max(99).default(1),
    category: Category.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('purchase'),
    value: z.number().nonnegative().max(1e9),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"'),
    orderId: z.string().min(1).max(64).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('custom'),
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)'),
    props: z
      .record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean()]))
      .optional(),
  }),
]);
export type TrackedEvent = z.infer<typeof TrackedEvent>;
export type EventType = TrackedEvent['type'];

export const MAX_EVENTS_PER_BATCH = 50;
export const MAX_EVENTS_BODY_BYTES = 64 * 1024;

export const EventBatch = z.strictObject({
  events: z
    .array(TrackedEvent)
    .min(1, 'send at least one event')
    .max(MAX_EVENTS_PER_BATCH, `at most ${MAX_EVENTS_PER_BATCH} events per request`),
});

/**
 * The consent levels under which an event is queued at all: at `none` nothing is stored, so
 * `POST /events` queues nothing (docs/privacy.md).
 */
export const EventConsent = ConsentLevel.exclude(['none']);
export type EventConsent = z.infer<typeof EventConsent>;

/** One EVENTS queue message: one event plus who sent it (from the verified cookie) and when. */
export const EventMessage = z.object({
  v: z.literal(1),
  /**
   * The request's consent level: `personal` updates the profile (and stitches); `contextual`
   * stores the event under the visitor's pseudonym only and never carries a customer id.
   * Messages queued before the field existed were all treated as `personal`.
   */
  consent: EventConsent.default('personal'),
  visitorId: z.string().min(1).max(128),
  customerId: z.string().min(1).max(128).optional(),
  receivedAt: z.number().int().nonnegative(),
  event: TrackedEvent,
});
export type EventMessage = z.infer<typeof EventMessage>;
