/**
 * Review and publish: the draft's changes against what is live, in sentences with old → new
 * text (shared/publish/diff.ts, as `tessera diff` prints them), publish with the live pointer's
 * compare-and-swap (a conflict explained, the draft kept), then the history with one-click
 * rollback.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { diffBundles } from '../../../shared/publish/diff.ts';
import type { BundleBody } from '../../../shared/schema/bundle.ts';
import { ApiFailure, api, errorText } from './api.ts';

export interface AuditRecord {
  seq: number;
  at: string;
  by: string;
  action: 'publish' | 'rollback';
  from: string | null;
  to: string;
  summary: string;
}

const when = (iso: string) => new Date(iso).toLocaleString();

export function PublishPanel(p: {
  body: BundleBody;
  liveBody: BundleBody | undefined;
  liveVersion: string | null;
  problems: number;
  canPublish: boolean;
  publish: () => Promise<void>;
}) {
  const changes = diffBundles(p.liveBody, p.body);
  const [busy, setBusy] = useState(false);
  return (
    <section aria-labelledby="publish-title">
      <h2 id="publish-title">Review and publish</h2>
      <p class="muted">
        Compared with the live version <code>{p.liveVersion ?? 'none'}</code>.
      </p>
      {changes.length === 0 ? (
        <p>No changes yet: this draft is the same as what is live.</p>
      ) : (
        <ul class="changes">
          {changes.map((c) => (
            <li class={`change ${c.kind}`}>{c.text}</li>
          ))}
        </ul>
      )}
      {p.problems > 0 && (
        <p class="error" role="alert">
          Fix the {p.problems} problem(s) listed above before publishing.
        </p>
      )}
      <button
        type="button"
        class="primary"
        disabled={busy || !p.canPublish || p.problems > 0 || changes.length === 0}
        onClick={() => {
          setBusy(true);
          void p.publish().finally(() => setBusy(false));
        }}
      >
        {busy ? 'Publishing…' : 'Publish'}
      </button>
      {!p.canPublish && (
        <p class="muted">Your sign-in cannot publish (it lacks the publish scope).</p>
      )}
    </section>
  );
}

export function History(p: {
  liveVersion: string | null;
  refreshKey: number;
  canPublish: boolean;
  changed: () => void;
}) {
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api<{ records: AuditRecord[] }>('GET', '/admin/history?limit=20')
      .then((history) => setRecords(history.records))
      .catch((e: unknown) => setError(errorText(e)));
  }, [p.refreshKey, p.liveVersion]);

  const rollback = async (to: string, retried = false): Promise<void> => {
    setError('');
    // The live pointer moves at most once a second: right after a publish, wait that out first
    // rather than be refused (and retry once below should the clocks disagree).
    const sinceLast = records[0] ? Date.now() - Date.parse(records[0].at) : Infinity;
    if (!retried && sinceLast < 1100) {
      setMessage('Live changed a moment ago; rolling back in a second…');
      await new Promise((r) => setTimeout(r, 1100 - Math.max(0, sinceLast)));
    }
    try {
      await api('PUT', '/admin/live', { to, expected: p.liveVersion, action: 'rollback' });
      setMessage(`Rolled back: version ${to} is live again.`);
      p.changed();
    } catch (e) {
      if (e instanceof ApiFailure && e.code === 'too_soon' && !retried) {
        const wait = Number(e.details.retryAfterMs ?? 1000);
        setMessage('Live changed a moment ago; rolling back in a second…');
        await new Promise((r) => setTimeout(r, Math.min(wait, 5000) + 50));
        return rollback(to, true);
      }
      setError(errorText(e));
    }
  };
  const last = records[0];
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {message && (
        <p class="ok" role="status">
          {message}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {last?.from && last.to === p.liveVersion && p.canPublish && (
        <button type="button" onClick={() => void rollback(last.from!)}>
          Roll back the last change
        </button>
      )}
      <ol class="history">
        {records.map((r) => (
          <li key={r.seq}>
            <strong>{r.action === 'publish' ? 'Published' : 'Rolled back to'}</strong>{' '}
            <code>{r.to}</code> by {r.by}, {when(r.at)}
            {r.to === p.liveVersion && <span class="badge">live</span>}
            <br />
            <span class="muted">{r.summary}</span>
            {r.to !== p.liveVersion && p.canPublish && (
              <button type="button" class="quiet" onClick={() => void rollback(r.to)}>
                Make {r.to.slice(0, 8)} live again
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
