/**
 * Reads the profile for an identity: the known customer's profile when the cookie carries a
 * `cid` (preferred), else the anonymous visitor's. Every profile passes the schema before it
 * may drive a decision (data-quality gate); a bad or slow one means "no profile" plus a reason.
 */
import type { Profile } from '../../shared/schema/profile.ts';
import { Profile as profileGate } from '../../shared/schema/validators.gen.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import type { Reason } from '../../shared/reasons.ts';
import type { ProfileFault } from '../decide/types.ts';
import { withDeadline } from '../../shared/data/deadline.ts';

export interface ProfileRead {
  profile?: Profile;
  /** Which key answered. */
  source?: 'customer' | 'visitor';
  reasons: Reason[];
}

type One = { profile?: Profile; reason?: Reason };

async function readOne(kv: KVNamespace, key: string, deadlineMs: number): Promise<One> {
  const read = await withDeadline(() => kv.get(key, 'text'), deadlineMs);
  if (!read.ok) return { reason: read.cause === 'timeout' ? 'profile.timeout' : 'profile.error' };
  if (read.value === null) return {};
  let json: unknown;
  try {
    json = JSON.parse(read.value);
  } catch {
    return { reason: 'profile.invalid_json' };
  }
  // The data-quality gate: the validator generated from the `Profile` schema (accepts and
  // refuses exactly what `Profile.safeParse` does: test/cli/validators.test.ts), so a profile
  // that fails the schema never drives a decision.
  const parsed = profileGate(json);
  return parsed.success ? { profile: parsed.data } : { reason: 'profile.schema' };
}

/**
 * `isNew`: the visitor id was minted by this very request, so no pipeline can have written its
 * profile yet; the anonymous read is skipped (a KV round trip saved on every first visit).
 */
export async function readProfile(
  kv: KVNamespace,
  ids: { visitorId: string; customerId?: string; isNew?: boolean },
  deadlineMs: number,
): Promise<ProfileRead> {
  const [customer, visitor] = await Promise.all([
    ids.customerId
      ? readOne(kv, profileKeys.customer(ids.customerId), deadlineMs)
      : Promise.resolve<One>({}),
    ids.isNew
      ? Promise.resolve<One>({})
      : readOne(kv, profileKeys.visitor(ids.visitorId), deadlineMs),
  ]);
  const reasons = [customer.reason, visitor.reason].filter((r): r is Reason => r !== undefined);
  if (customer.profile) return { profile: customer.profile, source: 'customer', reasons };
  if (visitor.profile) return { profile: visitor.profile, source: 'visitor', reasons };
  return { reasons };
}

/**
 * A preview persona's profile (`persona:<id>`; issue 13 #6): a sample profile kept apart from
 * every real visitor's, so previewing "as" someone can never show a real person's data.
 */
export async function readPersona(
  kv: KVNamespace,
  personaId: string,
  deadlineMs: number,
): Promise<ProfileRead> {
  const one = await readOne(kv, profileKeys.persona(personaId), deadlineMs);
  if (one.profile) return { profile: one.profile, source: one.profile.kind, reasons: [] };
  return { reasons: one.reason ? [one.reason] : [] };
}

const FAULTS = new Set<string>([
  'profile.invalid_json',
  'profile.schema',
  'profile.timeout',
  'profile.error',
]);

/** Why a read produced no profile (for the decision's fallback cause); undefined when it did. */
export function profileFault(read: ProfileRead): ProfileFault | undefined {
  if (read.profile) return undefined;
  const fault = read.reasons.find((r): r is Exclude<ProfileFault, 'profile.none'> => FAULTS.has(r));
  return fault ?? 'profile.none';
}
