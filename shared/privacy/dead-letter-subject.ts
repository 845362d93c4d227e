/**
 * Whose a dead letter is (issue 13 #4): the sender named by the message's own top-level fields,
 * as the pseudonyms D1 stores — never anything found deeper in the body, where a visitor's free
 * text (an event's `props`) could name someone else.
 *
 * - an event message carries the sender's raw `visitorId` (from their verified cookie) and, when
 *   logged in, `customerId`: both are hashed here;
 * - a decision record carries `visitor`, already the pseudonym;
 * - anything else names nobody (NULL columns: shown to no data subject).
 */
import { VisitorIdPattern } from '../auth/visitor-token.ts';
import { customerPseudonymInput, pseudonym } from './pseudonym.ts';

export interface DeadLetterSubject {
  visitor: string | null;
  customer: string | null;
}

const PSEUDONYM = /^[0-9a-f]{32}$/;

const field = (body: unknown, name: string): string | undefined => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  if (!Object.hasOwn(body, name)) return undefined;
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
};

export async function deadLetterSubject(body: unknown, key: CryptoKey): Promise<DeadLetterSubject> {
  const visitorId = field(body, 'visitorId');
  const customerId = field(body, 'customerId');
  const recorded = field(body, 'visitor');
  const visitor =
    visitorId !== undefined && VisitorIdPattern.test(visitorId)
      ? await pseudonym(key, visitorId)
      : recorded !== undefined && PSEUDONYM.test(recorded)
        ? recorded
        : null;
  const customer =
    customerId !== undefined && VisitorIdPattern.test(customerId)
      ? await pseudonym(key, customerPseudonymInput(customerId))
      : null;
  return { visitor, customer };
}
