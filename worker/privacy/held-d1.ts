/**
 * What D1 holds about a data subject, and its erasure:
 * - `events` (visitor_id, customer_id), `exposures` (unit_id = visitor id when sticky),
 *   `stitches` (visitor_id ↔ customer_id) and `dead_letters` (the message body names the ids);
 * - `decisions` / `decision_slots`, keyed by the visitor's pseudonym (a keyed hash, see
 *   worker/log/pseudonym.ts) — the caller passes the pseudonyms under every visitor key, so
 *   records written before a key rotation are found too.
 * A customer's anonymous visitor ids (from stitches and events) belong to the same person.
 */

export interface D1Subject {
  visitorIds: string[];
  customerId?: string;
  /** Pseudonyms of every visitor id, under every visitor key. */
  pseudonyms: string[];
}

const LIMIT = 1000;
const marks = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `?${i + from}`).join(', ');

/** Visitor ids the site's login linked to this customer. */
export async function linkedVisitors(db: D1Database, customerId: string): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT visitor_id AS v FROM stitches WHERE customer_id = ?1 UNION SELECT DISTINCT visitor_id FROM events WHERE customer_id = ?1')
    .bind(customerId)
    .all<{ v: string }>();
  return results.map((r) => r.v);
}

export interface HeldInD1 {
  events: unknown[];
  exposures: unknown[];
  stitches: unknown[];
  decisions: unknown[];
  deadLetters: number;
}

const needles = (s: D1Subject) => [...s.visitorIds.map((v) => `"visitorId":${JSON.stringify(v)}`), ...(s.customerId ? [`"customerId":${JSON.stringify(s.customerId)}`] : [])];

function statements(db: D1Database, s: D1Subject, verb: 'SELECT' | 'DELETE') {
  const v = s.visitorIds;
  const c = s.customerId ?? '\u0000none';
  const p = s.pseudonyms.length ? s.pseudonyms : ['\u0000none'];
  const n = needles(s);
  const nv = v.length ? v : ['\u0000none'];
  const sel = (cols: string) => (verb === 'SELECT' ? `SELECT ${cols}` : 'DELETE');
  const lim = verb === 'SELECT' ? ` LIMIT ${LIMIT}` : '';
  return {
    decisionSlots: db
      .prepare(`DELETE FROM decision_slots WHERE decision_id IN (SELECT id FROM decisions WHERE visitor IN (${marks(p.length)}))`)
      .bind(...p),
    decisions: db
      .prepare(`${sel('id, at, version, page, consent, profile, context, reasons')} FROM decisions WHERE visitor IN (${marks(p.length)})${verb === 'SELECT' ? ' ORDER BY at DESC' : ''}${lim}`)
      .bind(...p),
    events: db
      .prepare(`${sel('id, type, name, decision_id, slot, value, currency, at, received_at, body')} FROM events WHERE visitor_id IN (${marks(nv.length, 2)}) OR customer_id = ?1${verb === 'SELECT' ? ' ORDER BY at DESC' : ''}${lim}`)
      .bind(c, ...nv),
    exposures: db.prepare(`${sel('experiment, arm, at')} FROM exposures WHERE unit_id IN (${marks(nv.length)})${lim}`).bind(...nv),
    stitches: db.prepare(`${sel('visitor_id, customer_id, at')} FROM stitches WHERE visitor_id IN (${marks(nv.length, 2)}) OR customer_id = ?1${lim}`).bind(c, ...nv),
    deadLetters: db
      .prepare(`${verb === 'SELECT' ? 'SELECT count(*) AS n' : 'DELETE'} FROM dead_letters WHERE ${(n.length ? n : ['\u0000none']).map((_, i) => `instr(body, ?${i + 1}) > 0`).join(' OR ')}`)
      .bind(...(n.length ? n : ['\u0000none'])),
  };
}

export async function readHeldInD1(db: D1Database, s: D1Subject): Promise<HeldInD1> {
  const q = statements(db, s, 'SELECT');
  const [decisions, events, exposures, stitches, dead] = await db.batch<Record<string, unknown>>([q.decisions, q.events, q.exposures, q.stitches, q.deadLetters]);
  return {
    decisions: decisions?.results ?? [],
    events: events?.results ?? [],
    exposures: exposures?.results ?? [],
    stitches: stitches?.results ?? [],
    deadLetters: Number(dead?.results[0]?.n ?? 0),
  };
}

export interface ErasedInD1 {
  events: number;
  exposures: number;
  stitches: number;
  decisions: number;
  deadLetters: number;
}

/** One batch, so it is one transaction: all of it goes, or none and the caller retries. */
export async function eraseInD1(db: D1Database, s: D1Subject): Promise<ErasedInD1> {
  const q = statements(db, s, 'DELETE');
  const r = await db.batch([q.decisionSlots, q.decisions, q.events, q.exposures, q.stitches, q.deadLetters]);
  const changes = (i: number) => r[i]?.meta.changes ?? 0;
  return { decisions: changes(1), events: changes(2), exposures: changes(3), stitches: changes(4), deadLetters: changes(5) };
}
