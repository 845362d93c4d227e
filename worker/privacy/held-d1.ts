/**
 * What D1 holds about a data subject, and its erasure: decision records (`decisions`,
 * `decision_slots`), keyed by the visitor's pseudonym (a keyed hash, worker/log/pseudonym.ts).
 * The caller passes the pseudonyms of every visitor id under every visitor key, so records
 * written before a key rotation are found too.
 */

export interface D1Subject {
  /** Pseudonyms of every visitor id, under every visitor key. */
  pseudonyms: string[];
}

const LIMIT = 1000;
const NONE = '\u0000none';
const marks = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `?${i + from}`).join(', ');

export interface HeldInD1 {
  decisions: unknown[];
}

export interface ErasedInD1 {
  decisions: number;
}

function keyed(s: D1Subject) {
  const p = s.pseudonyms.length ? s.pseudonyms : [NONE];
  return { p, in: `(${marks(p.length)})` };
}

export async function readHeldInD1(db: D1Database, s: D1Subject): Promise<HeldInD1> {
  const k = keyed(s);
  const decisions = await db
    .prepare(`SELECT id, at, version, page, consent, profile, context, reasons FROM decisions WHERE visitor IN ${k.in} ORDER BY at DESC LIMIT ${LIMIT}`)
    .bind(...k.p)
    .all();
  return { decisions: decisions.results };
}

/** One batch, so one transaction: all of it goes, or none and the caller retries. */
export async function eraseInD1(db: D1Database, s: D1Subject): Promise<ErasedInD1> {
  const k = keyed(s);
  const [, decisions] = await db.batch([
    db.prepare(`DELETE FROM decision_slots WHERE decision_id IN (SELECT id FROM decisions WHERE visitor IN ${k.in})`).bind(...k.p),
    db.prepare(`DELETE FROM decisions WHERE visitor IN ${k.in}`).bind(...k.p),
  ]);
  return { decisions: decisions?.meta.changes ?? 0 };
}
