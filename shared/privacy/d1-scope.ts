/**
 * Which D1 rows belong to a data subject: one WHERE clause per table, shared by access (SELECT)
 * and erasure (DELETE) so the two can never disagree. Pure: SQL text and its parameters out.
 *
 * D1 holds pseudonyms, never ids (shared/privacy/pseudonym.ts): the caller passes the subject's
 * pseudonyms under every configured visitor key, so rows written before a key rotation match.
 *
 * - visitor rows: keyed by the visitor's pseudonym (`decisions.visitor`, `events.visitor_id`,
 *   `exposures.unit_id` when sticky, `stitches.visitor_id`), plus exposures of the subject's
 *   decisions whatever their unit (per-request units are decision ids);
 * - customer rows: `events.customer_id`, `stitches.customer_id`;
 * - a customer named alone by the decision API (`/v1/*`) is its own unit: its decision records,
 *   exposures and events carry the customer pseudonym where a visitor's would be, so the
 *   customer pseudonyms count as visitor pseudonyms too;
 * - a customer's stitched visitors: the visitor pseudonyms `stitches` links to the customer
 *   count as the subject's for decisions and exposures, and for their events that carry no
 *   customer id (their anonymous browsing, merged into the customer's profile when stitched).
 *   Events such a visitor sent while logged in as someone else stay that person's;
 * - dead letters: undeliverable messages naming the subject — event messages carry the raw
 *   visitor and customer ids, decision records the visitor's pseudonym.
 *
 * Erasure must delete `stitches` last: the other clauses look the stitched visitors up there.
 */

export interface D1Subject {
  /** Pseudonyms of the visitor id, under every visitor key. */
  visitors: string[];
  /** Pseudonyms of the customer id (`customer:<id>`), under every visitor key. */
  customers: string[];
  /** The ids themselves, as they appear inside dead-letter bodies. */
  raw: { visitorId?: string; customerId?: string };
}

export interface Where {
  sql: string;
  params: string[];
}

/** Every table holding a subject's rows, in erasure order: children before parents, `stitches` last. */
export const D1_TABLES = [
  'exposures',
  'decision_slots',
  'decisions',
  'events',
  'dead_letters',
  'stitches',
] as const;
export type D1Table = (typeof D1_TABLES)[number];

/** Collects parameters as numbered placeholders (`?1`, `?2`, …) in order of appearance. */
class Clause {
  readonly params: string[] = [];

  in(column: string, values: readonly string[]): string {
    if (values.length === 0) return '0';
    const marks = values.map((v) => {
      this.params.push(v);
      return `?${this.params.length}`;
    });
    return `${column} IN (${marks.join(', ')})`;
  }

  contains(column: string, needle: string): string {
    this.params.push(needle);
    return `instr(${column}, ?${this.params.length}) > 0`;
  }
}

function where(build: (c: Clause) => string): Where {
  const clause = new Clause();
  const sql = build(clause);
  return { sql, params: clause.params };
}

const stitched = (c: Clause, s: D1Subject) =>
  `SELECT visitor_id FROM stitches WHERE ${c.in('customer_id', s.customers)}`;

/** Pseudonyms that stand where a visitor's would: the visitor's, and the customer as its own unit. */
const units = (s: D1Subject) => [...s.visitors, ...s.customers];

/** The subject's visitor pseudonyms, direct or stitched to their customer id. */
const anyVisitor = (c: Clause, s: D1Subject, column: string) =>
  s.customers.length
    ? `(${c.in(column, units(s))} OR ${column} IN (${stitched(c, s)}))`
    : c.in(column, s.visitors);

const decisionIds = (c: Clause, s: D1Subject) =>
  `SELECT id FROM decisions WHERE ${anyVisitor(c, s, 'visitor')}`;

/** JSON.stringify writes `"name":"value"` with no blanks; ids are [A-Za-z0-9_-], never escaped. */
const field = (name: string, value: string) => `"${name}":"${value}"`;

export function subjectScope(s: D1Subject): Record<D1Table, Where> {
  return {
    exposures: where(
      (c) => `${anyVisitor(c, s, 'unit_id')} OR decision_id IN (${decisionIds(c, s)})`,
    ),
    decision_slots: where((c) => `decision_id IN (${decisionIds(c, s)})`),
    decisions: where((c) => anyVisitor(c, s, 'visitor')),
    events: where((c) => {
      const own = `${c.in('visitor_id', units(s))} OR ${c.in('customer_id', s.customers)}`;
      return s.customers.length
        ? `${own} OR (customer_id IS NULL AND visitor_id IN (${stitched(c, s)}))`
        : own;
    }),
    dead_letters: where((c) => {
      const needles = [
        ...(s.raw.visitorId ? [field('visitorId', s.raw.visitorId)] : []),
        ...(s.raw.customerId ? [field('customerId', s.raw.customerId)] : []),
        ...units(s).map((p) => field('visitor', p)),
      ].map((n) => c.contains('body', n));
      if (s.customers.length) {
        needles.push(
          `EXISTS (SELECT 1 FROM stitches st WHERE ${c.in('st.customer_id', s.customers)} ` +
            `AND instr(body, '"visitor":"' || st.visitor_id || '"') > 0)`,
        );
      }
      return needles.length ? needles.join(' OR ') : '0';
    }),
    stitches: where(
      (c) => `${c.in('visitor_id', s.visitors)} OR ${c.in('customer_id', s.customers)}`,
    ),
  };
}
