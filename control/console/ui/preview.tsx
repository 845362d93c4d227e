/**
 * The preview beside the editor: the draft as it is now, in an iframe of the site, as a segment,
 * a sample visitor, and a country, device, local time or referrer — with the render's trace in
 * plain language. The body goes to POST /admin/console/preview, which answers a signed link.
 */
import { h } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { DEVICE_CLASSES, REFERRER_CLASSES } from '../../../shared/schema/context-signals.ts';
import type { BundleBody } from '../../../shared/schema/bundle.ts';
import { api, errorText } from './api.ts';
import { contextLine, traceLines, type TraceJson } from './describe.ts';

interface PreviewAnswer {
  url: string;
  traceUrl: string;
  version: string;
}

export function Preview(p: { body: BundleBody; pagePath?: string | undefined }) {
  const [path, setPath] = useState(p.pagePath ?? p.body.pages[0]?.path ?? '/');
  const [segment, setSegment] = useState('');
  const [as, setAs] = useState('');
  const [country, setCountry] = useState('');
  const [device, setDevice] = useState('');
  const [hour, setHour] = useState('');
  const [referrer, setReferrer] = useState('');
  const [src, setSrc] = useState('');
  const [trace, setTrace] = useState<TraceJson | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const traceUrl = useRef('');

  const run = async () => {
    setBusy(true);
    setError('');
    setTrace(undefined);
    try {
      const context = {
        ...(country ? { country: country.toUpperCase() } : {}),
        ...(device ? { device } : {}),
        ...(hour !== '' ? { hour: Number(hour) } : {}),
        ...(referrer ? { referrer } : {}),
      };
      const answer = await api<PreviewAnswer>('POST', '/admin/console/preview', {
        body: p.body,
        target: {
          path,
          ...(segment ? { segment } : {}),
          ...(as ? { as } : {}),
          ...(Object.keys(context).length ? { context } : {}),
        },
      });
      traceUrl.current = answer.traceUrl;
      setSrc(answer.url);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  const loaded = async () => {
    if (!traceUrl.current) return;
    try {
      const res = await fetch(traceUrl.current, { credentials: 'same-origin' });
      if (res.ok) setTrace((await res.json()) as TraceJson);
      else setError(`the trace did not load (${res.status})`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <form
        class="preview-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <div class="field">
          <label for="pv-page">Page</label>
          <select id="pv-page" value={path} onChange={(e) => setPath(e.currentTarget.value)}>
            {p.body.pages.map((pg) => (
              <option value={pg.path.replace(/\*$/, '')}>{pg.title ?? pg.id}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pv-segment">As segment</label>
          <select
            id="pv-segment"
            value={segment}
            onChange={(e) => setSegment(e.currentTarget.value)}
          >
            <option value="">(anyone)</option>
            {p.body.segments.map((s) => (
              <option value={s.id}>{s.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pv-as">As persona (a sample profile)</label>
          <input
            id="pv-as"
            value={as}
            placeholder="c-1001"
            onInput={(e) => setAs(e.currentTarget.value.trim())}
          />
        </div>
        <div class="field">
          <label for="pv-country">Country</label>
          <input
            id="pv-country"
            value={country}
            maxLength={2}
            placeholder="DE"
            onInput={(e) => setCountry(e.currentTarget.value.trim())}
          />
        </div>
        <div class="field">
          <label for="pv-device">Device</label>
          <select id="pv-device" value={device} onChange={(e) => setDevice(e.currentTarget.value)}>
            <option value="">(as is)</option>
            {DEVICE_CLASSES.map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pv-hour">Local hour</label>
          <input
            id="pv-hour"
            type="number"
            min={0}
            max={23}
            value={hour}
            onInput={(e) => setHour(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="pv-referrer">Referrer</label>
          <select
            id="pv-referrer"
            value={referrer}
            onChange={(e) => setReferrer(e.currentTarget.value)}
          >
            <option value="">(as is)</option>
            {REFERRER_CLASSES.map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Loading…' : 'Show preview'}
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {trace && (
        <div class="trace" aria-live="polite">
          <h3>Why this content</h3>
          {contextLine(trace.context) && <p class="muted">{contextLine(trace.context)}</p>}
          <ul class="plain">
            {traceLines(trace).map((l) => (
              <li>{l}</li>
            ))}
          </ul>
        </div>
      )}
      {src && <iframe title="Preview of the draft" src={src} onLoad={() => void loaded()} />}
    </section>
  );
}
