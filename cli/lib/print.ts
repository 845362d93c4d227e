/** How publishing results read at the terminal. */
import type { Change } from '../../shared/publish/diff.ts';
import type { AuditRecord } from '../../shared/publish/history.ts';

const MARK: Record<Change['kind'], string> = {
  added: '+',
  removed: '-',
  changed: '~',
  reordered: '↕',
};

export function changeLines(changes: Change[]): string[] {
  if (changes.length === 0) return ['  (no changes)'];
  return changes.map((c) => `  ${MARK[c.kind]} ${c.text}`);
}

export const short = (version: string | null) => version ?? 'nothing';

export function historyLines(records: AuditRecord[]): string[] {
  if (records.length === 0) return ['nothing published yet'];
  return records.map(
    (r) =>
      `${r.at}  ${r.action.padEnd(8)}  ${short(r.from)} → ${r.to}  by ${r.by}\n    ${r.summary}`,
  );
}
