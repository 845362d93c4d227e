/** How much `POST /events` takes (no zod here: the visitor worker checks sizes with these). */
export const MAX_EVENTS_PER_BATCH = 50;

export const MAX_EVENTS_BODY_BYTES = 64 * 1024;
