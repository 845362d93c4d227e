/**
 * The decision API's answer to the read phase's "who is this, and what did they consent to?"
 * (visit/read.ts `Who`), from the caller's body instead of a browser's cookies:
 *
 *   consent      the level the caller holds for this person, with the page's reason codes
 *   none         no identifier is read at all (the subject is ignored, as a page ignores its
 *                cookie): a throwaway id for this one decision, defaults everywhere
 *   visitorId    that visitor (and `customerId`, when given, as a logged-in cookie's `cid`)
 *   customerId   that customer alone: their profile; assignment and the log use the customer's
 *                own unit (`customer:<id>`, whose pseudonym is the one erasure looks for)
 *   cookie       verified exactly as a page verifies it; one a page would replace is a 422
 */
import { verifyVisitorToken } from '../../shared/auth/visitor-token.ts';
import type { ConsentLevel } from '../../shared/schema/consent.ts';
import type { Subject } from '../../shared/schema/decision-api.ts';
import type { Identity } from '../identity/visitor.ts';
import { customerPseudonymInput } from '../../shared/privacy/pseudonym.ts';
import type { Reason } from '../../shared/reasons.ts';
import type { Who } from '../visit/read.ts';
import { ApiProblem } from './errors.ts';

const CONSENT_REASONS: Record<ConsentLevel, Reason[]> = {
  none: ['consent.none'],
  contextual: ['consent.contextual'],
  personal: [],
};

/** `where`: the subject's path in the body, for the error message (`subject`, `items.3.subject`). */
export function apiWho(subject: Subject, consent: ConsentLevel, where: string): Who {
  return {
    consent: () => ({ level: consent, reasons: CONSENT_REASONS[consent] }),
    async identify(level, ring, nowSeconds, newId) {
      if (level === 'none') {
        return {
          identity: { visitorId: newId(), isNew: true, ephemeral: true },
          clearCookie: false,
        };
      }
      let identity: Identity;
      if (subject.cookie !== undefined) {
        const verified = await verifyVisitorToken(ring, subject.cookie, nowSeconds);
        if (!verified.ok) {
          throw new ApiProblem(
            422,
            'invalid_subject',
            `${where}.cookie: not a valid visitor cookie (${verified.failure}); a page would treat this person as new — send their visitorId instead if you know it`,
          );
        }
        const { sub, cid } = verified.claims;
        identity = { visitorId: sub, isNew: false, ...(cid ? { customerId: cid } : {}) };
      } else if (subject.visitorId !== undefined) {
        identity = {
          visitorId: subject.visitorId,
          isNew: false,
          ...(subject.customerId ? { customerId: subject.customerId } : {}),
        };
      } else {
        const customerId = subject.customerId!;
        // `isNew` here only skips reading an anonymous profile no one can have written.
        identity = { visitorId: customerPseudonymInput(customerId), customerId, isNew: true };
      }
      return { identity, clearCookie: false };
    },
  };
}
