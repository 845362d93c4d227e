/**
 * The marketer console (Preact): sign in, then edit a draft kept on the server — pages and slots
 * at a glance, variants, rules and segments without JSON, a preview beside the editor, review
 * against live, publish, history with rollback, and experiments. Validation runs the same shared
 * code as `tessera validate` (shared/bundle/parse.ts), so the messages are the same.
 */
import { Fragment, h, render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describePath } from '../../../shared/bundle/issues.ts';
import { parseBundleBody } from '../../../shared/bundle/parse.ts';
import type { BundleBody } from '../../../shared/schema/bundle.ts';
import * as z from '../../../shared/schema/zod.ts';
import { ApiFailure, api, errorText, tokenStore } from './api.ts';
import { Overview, SegmentEditor, SlotEditor } from './content.tsx';
import { Experiments } from './experiments.tsx';
import { Preview } from './preview.tsx';
import { History, PublishPanel } from './publish.tsx';
import { SignIn, type Me } from './signin.tsx';
import './console.css';

// zod's compiled fast path probes `new Function`, which the console's CSP forbids (and Chromium
// reports as a console error even when caught): validate without it.
z.config({ jitless: true });

interface DraftSummary {
  id: string;
  title: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
  publishedVersion?: string;
}
interface Draft extends DraftSummary {
  body: BundleBody;
}
interface Live {
  version: string | null;
}
type View =
  | { kind: 'overview' }
  | { kind: 'slot'; id: string }
  | { kind: 'segments' }
  | { kind: 'experiments' }
  | { kind: 'publish' };

async function liveBundle(): Promise<{ version: string | null; body?: BundleBody }> {
  const live = await api<Live>('GET', '/admin/live');
  if (!live.version) return { version: null };
  const { version: _v, ...body } = await api<BundleBody & { version: string }>(
    'GET',
    `/admin/versions/${live.version}`,
  );
  return { version: live.version, body: body as BundleBody };
}

/** My newest unpublished draft, or a new one from live. */
async function openDraft(): Promise<Draft> {
  const { drafts } = await api<{ drafts: DraftSummary[] }>('GET', '/admin/drafts');
  const open = drafts.find((d) => !d.publishedVersion);
  if (open) return api<Draft>('GET', `/admin/drafts/${open.id}`);
  return api<Draft>('POST', '/admin/drafts', {});
}

function App() {
  const [me, setMe] = useState<Me | undefined>();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [body, setBody] = useState<BundleBody | undefined>();
  const [live, setLive] = useState<{ version: string | null; body?: BundleBody }>({
    version: null,
  });
  const [view, setView] = useState<View>({ kind: 'overview' });
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [historyKey, setHistoryKey] = useState(0);
  const dirty = useRef(false);
  const saving = useRef<Promise<Draft | undefined>>(Promise.resolve(undefined));
  const draftRef = useRef<Draft | undefined>(undefined);
  draftRef.current = draft;
  const bodyRef = useRef<BundleBody | undefined>(undefined);
  bodyRef.current = body;

  const load = async () => {
    setError('');
    try {
      const [d, l] = await Promise.all([openDraft(), liveBundle()]);
      setDraft(d);
      setBody(d.body);
      setLive(l);
      dirty.current = false;
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => {
    if (me) void load();
  }, [me]);

  /** Saves the body over the revision we hold; saves queue one after another. */
  const save = (): Promise<Draft | undefined> => {
    saving.current = saving.current.then(async () => {
      const d = draftRef.current;
      const b = bodyRef.current;
      if (!d || !b || !dirty.current) return d;
      dirty.current = false;
      setStatus('Saving…');
      try {
        const saved = await api<Draft>('PUT', `/admin/drafts/${d.id}`, {
          body: b,
          revision: d.revision,
        });
        const next = { ...saved, body: b };
        draftRef.current = next;
        setDraft(next);
        setStatus(`Draft saved ${new Date(saved.updatedAt).toLocaleTimeString()}`);
        return next;
      } catch (e) {
        dirty.current = true;
        setStatus('');
        setError(errorText(e));
        return undefined;
      }
    });
    return saving.current;
  };

  // Saved a moment after the last edit.
  const timer = useRef<number | undefined>(undefined);
  const edit = (change: (b: BundleBody) => void) => {
    setBody((b) => {
      if (!b) return b;
      const next = structuredClone(b);
      change(next);
      return next;
    });
    dirty.current = true;
    setStatus('Unsaved changes');
    clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void save(), 1200);
  };

  const checked = useMemo(() => (body ? parseBundleBody(body) : undefined), [body]);
  const issues = checked && !checked.ok ? checked.issues : [];
  const errors = useMemo(() => {
    const m = new Map<string, string>();
    for (const i of issues) {
      const key = i.path.join('.');
      if (!m.has(key)) m.set(key, i.message);
    }
    return m;
  }, [issues]);

  const publish = async () => {
    setError('');
    clearTimeout(timer.current);
    const d = await save();
    if (!d) return;
    try {
      const res = await api<{ version: string }>('POST', `/admin/drafts/${d.id}/publish`, {
        revision: d.revision,
        expected: live.version,
      });
      setStatus(`Published version ${res.version}: it is live.`);
      setHistoryKey((k) => k + 1);
      // The published draft is done; further edits go into a new one, from what is live now.
      await load();
    } catch (e) {
      setError(
        e instanceof ApiFailure && e.code === 'conflict'
          ? `${e.message} (Your draft is saved.)`
          : errorText(e),
      );
      if (e instanceof ApiFailure && e.code === 'conflict') setLive(await liveBundle());
    }
  };

  if (!me) return <SignIn onSignedIn={setMe} />;
  const canPublish = me.scopes.includes('publish');
  const nav = (v: View, label: string) => {
    const selected = JSON.stringify(v) === JSON.stringify(view);
    return (
      <button
        type="button"
        class={selected ? 'nav selected' : 'nav'}
        aria-current={selected ? 'page' : undefined}
        onClick={() => setView(v)}
      >
        {label}
      </button>
    );
  };
  const pagePath =
    view.kind === 'slot'
      ? body?.pages.find((pg) => pg.slots.includes(view.id))?.path.replace(/\*$/, '')
      : undefined;

  // Results need the width more than a preview of the draft does.
  const wide = view.kind === 'experiments';
  return (
    <div class={wide ? 'shell wide' : 'shell'}>
      <header class="top">
        <h1>Tessera console</h1>
        <p class="status" role="status" aria-live="polite">
          {status}
        </p>
        <p class="who">
          {me.sub}{' '}
          <button
            type="button"
            class="quiet"
            onClick={() => {
              tokenStore.clear();
              setMe(undefined);
            }}
          >
            Sign out
          </button>
        </p>
      </header>
      <nav class="side" aria-label="Console">
        {nav({ kind: 'overview' }, 'Pages and slots')}
        {body && (
          <ul class="plain slot-nav" aria-label="Slots">
            {body.slots.map((s) => (
              <li key={s.id}>{nav({ kind: 'slot', id: s.id }, s.id)}</li>
            ))}
          </ul>
        )}
        {nav({ kind: 'segments' }, 'Segments')}
        {nav({ kind: 'experiments' }, 'Experiments')}
        {nav({ kind: 'publish' }, 'Review and publish')}
      </nav>
      <main class="work" id="main">
        {error && (
          <p class="error" role="alert">
            {error}{' '}
            <button type="button" class="quiet" onClick={() => void load()}>
              Reload
            </button>
          </p>
        )}
        {draft && (
          <p class="muted draft-line">
            Draft “{draft.title}”, revision {draft.revision}, last saved by {draft.updatedBy}
          </p>
        )}
        {issues.length > 0 && body && (
          <div class="problems" role="region" aria-label="Problems">
            <h2>{issues.length} problem(s) to fix before publishing</h2>
            <ul>
              {issues.slice(0, 20).map((i) => (
                <li>
                  <code>{describePath(body, i.path) || 'bundle'}</code>: {i.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {!body ? (
          !error && <p class="boot">Opening your draft…</p>
        ) : view.kind === 'overview' ? (
          <Overview body={body} open={(id) => setView({ kind: 'slot', id })} />
        ) : view.kind === 'slot' ? (
          <SlotEditor key={view.id} body={body} slotId={view.id} edit={edit} errors={errors} />
        ) : view.kind === 'segments' ? (
          <SegmentEditor body={body} edit={edit} errors={errors} />
        ) : view.kind === 'experiments' ? (
          <Experiments
            body={body}
            edit={edit}
            live={new Set((live.body?.experiments ?? []).map((e) => e.id))}
          />
        ) : (
          <>
            <PublishPanel
              body={body}
              liveBody={live.body}
              liveVersion={live.version}
              problems={issues.length}
              canPublish={canPublish}
              publish={publish}
            />
            <History
              liveVersion={live.version}
              refreshKey={historyKey}
              canPublish={canPublish}
              changed={() => {
                setStatus('');
                void liveBundle().then(setLive);
              }}
            />
          </>
        )}
      </main>
      {!wide && (
        <aside class="side-preview">
          {body && <Preview key={pagePath} body={body} pagePath={pagePath} />}
        </aside>
      )}
    </div>
  );
}

const root = document.getElementById('app');
if (root) {
  // The page's "Loading…" line goes first: Preact would otherwise adopt it as its own first <p>.
  root.replaceChildren();
  render(<App />, root);
}
