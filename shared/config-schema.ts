/**
 * The schemas of the env strings the configuration is read from. config.ts checks them with the
 * validators generated from these (shared/schema/validators.gen.ts), so the visitor worker, which
 * loads the configuration, ships no zod.
 */
import * as z from './schema/zod.ts';
import { dict } from './schema/dict.ts';

/** VISITOR_KEYS, ADMIN_KEYS: key id → secret. */
export const KeyMap = dict(z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/)), z.string());

const Millis = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(60_000)), fallback);

export const KvDeadlineMs = Millis(75);
export const PointerTtlMs = Millis(5_000);
