/**
 * The debug trace as an HTML panel at the end of the page. Everything in it is escaped by JSX
 * (context values come from request headers); no scripts, no inline styles.
 */
import { toHtml } from '../render/to-html.ts';
import type { Trace } from './trace.ts';

const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v));

export function renderTracePanel(trace: Trace): string {
  return toHtml(
    <aside class="tessera-debug" id="tessera-debug" data-tessera-debug={trace.decisionId}>
      <h2>Tessera debug trace</h2>
      <p>
        {`decision ${trace.decisionId} · bundle ${trace.version} · page ${trace.page.id} · profile ${trace.profile}`}
        {trace.reasons.length ? ` · reasons ${trace.reasons.join(', ')}` : ''}
      </p>
      {trace.slots.map((s) => (
        <details open data-tessera-debug-slot={s.slot}>
          <summary>{`${s.slot}: ${s.variant || '(empty)'} — ${s.level}, ${s.reason}`}</summary>
          <dl>
            {s.rule && (
              <>
                <dt>rule</dt>
                <dd>{s.rule}</dd>
              </>
            )}
            {s.segments && (
              <>
                <dt>segments</dt>
                <dd>{s.segments.join(', ')}</dd>
              </>
            )}
            {s.offer && (
              <>
                <dt>offer</dt>
                <dd>{s.offer}</dd>
              </>
            )}
            {s.fallback && (
              <>
                <dt>fell back because</dt>
                <dd>{s.fallback.join(', ')}</dd>
              </>
            )}
            {s.decided !== s.variant && (
              <>
                <dt>decided</dt>
                <dd>{s.decided}</dd>
              </>
            )}
          </dl>
          <table>
            <thead>
              <tr>
                <th>candidate</th>
                <th>level</th>
                <th>reason</th>
                <th>offer</th>
                <th>status</th>
              </tr>
            </thead>
            <tbody>
              {s.candidates.map((c) => (
                <tr data-status={c.status}>
                  <td>{c.variant}</td>
                  <td>{c.level}</td>
                  <td>{c.reason}</td>
                  <td>{c.offer ?? ''}</td>
                  <td>{c.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
      <details>
        <summary>context signals</summary>
        <dl>
          {Object.entries(trace.context).map(([name, value]) => (
            <>
              <dt>{name}</dt>
              <dd>{show(value)}</dd>
            </>
          ))}
        </dl>
      </details>
    </aside>,
  );
}
