/**
 * The audit trail: every publish and rollback, newest first (who, when, from → to, summary).
 */
import * as z from '../schema/zod.ts';

export const AuditRecord = z.object({
  seq: z.number().check(z.int()),
  /** ISO time of the move. */
  at: z.string(),
  /** The admin token's `sub` (or `local:<user>` for --target local). */
  by: z.string(),
  action: z.enum(['publish', 'rollback']),
  from: z.nullable(z.string()),
  to: z.string(),
  summary: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

const Row = z.object({
  seq: z.number().check(z.int()),
  at: z.number(),
  by: z.string(),
  action: z.enum(['publish', 'rollback']),
  from_version: z.nullable(z.string()),
  to_version: z.string(),
  summary: z.string(),
});

export const MAX_HISTORY = 200;

export async function listHistory(db: D1Database, limit = 50): Promise<AuditRecord[]> {
  const n = Math.min(Math.max(1, Math.floor(limit)), MAX_HISTORY);
  const { results } = await db
    .prepare(
      'SELECT seq, at, by, action, from_version, to_version, summary FROM publish_audit ORDER BY seq DESC LIMIT ?1',
    )
    .bind(n)
    .all();
  return results.map((r) => {
    const row = Row.parse(r);
    return {
      seq: row.seq,
      at: new Date(row.at).toISOString(),
      by: row.by,
      action: row.action,
      from: row.from_version,
      to: row.to_version,
      summary: row.summary,
    };
  });
}

/**
 * Where `rollback` without a version goes: the version that was live before the current one
 * (the `from` of the latest move that made it live). Pure.
 */
export function rollbackTarget(history: AuditRecord[], current: string | null): string | undefined {
  const latest = history.find((r) => r.to === current);
  return latest?.from ?? undefined;
}
