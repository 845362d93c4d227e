/**
 * The tracker, as the browser runs it (served at /__tessera/t.js; worker/routes/tracker.ts). This
 * file is browser code: `npm run build:tracker` (scripts/build-tracker.ts) bundles it with esbuild
 * into script.gen.ts, the string the worker serves; a test keeps the two in step. Type-checked
 * with the DOM library (tsconfig.tracker.json), linted like the rest.
 *
 * It sends a page view (with the page's decision id) and clicks inside personalized slots
 * (`data-tessera-slot`), batched every second and flushed when the page is hidden, and exposes
 * `tessera.track({ type: 'add_to_cart', sku, qty, category })` for the site's own code.
 *
 * While the page is open it posts with fetch (keepalive) and retries a batch once after a 503
 * (same event ids, so nothing is counted twice). On page hide it uses navigator.sendBeacon,
 * which cannot see the answer: events in that last beacon are lost if the queue is down then.
 */

/** An event as the site's code or the tracker builds it; POST /events checks it (shared/schema/events.ts). */
interface TrackedEvent {
  type: string;
  id?: string;
  at?: number;
  decisionId?: string;
  path?: string;
  [field: string]: unknown;
}

declare global {
  interface Window {
    tessera: { track(event: TrackedEvent): void };
  }
}

const ENDPOINT = '/events';
/** At most this many events per request (POST /events takes up to 50). */
const PER_REQUEST = 50;

const script = document.currentScript;
const decision = script?.getAttribute('data-decision');
const queue: TrackedEvent[] = [];
let timer: ReturnType<typeof setTimeout> | 0 = 0;

function uid(): string {
  return crypto.randomUUID
    ? crypto.randomUUID()
    : Date.now().toString(36) + Math.random().toString(36).slice(2, 14);
}

function post(events: TrackedEvent[], retry: boolean): void {
  const again = (seconds: number) => setTimeout(() => post(events, false), seconds * 1000);
  fetch(ENDPOINT, {
    method: 'POST',
    body: JSON.stringify({ events }),
    keepalive: true,
    credentials: 'same-origin',
    // text/plain: no CORS preflight, as sendBeacon sends it.
    headers: { 'content-type': 'text/plain' },
  }).then(
    (res) => {
      if (res.status === 503 && retry) again(Number(res.headers.get('retry-after')) || 5);
    },
    () => {
      if (retry) again(5);
    },
  );
}

function flush(beacon?: boolean): void {
  clearTimeout(timer);
  timer = 0;
  while (queue.length) {
    const events = queue.splice(0, PER_REQUEST);
    const sent =
      beacon && navigator.sendBeacon && navigator.sendBeacon(ENDPOINT, JSON.stringify({ events }));
    if (!sent) post(events, true);
  }
}

function track(event: TrackedEvent): void {
  event.id = event.id || uid();
  event.at = event.at || Date.now();
  if (decision && !event.decisionId) event.decisionId = decision;
  event.path = event.path || location.pathname;
  queue.push(event);
  if (!timer) timer = setTimeout(flush, 1000);
}

const view: TrackedEvent = { type: 'page_view' };
const sku = script?.getAttribute('data-sku');
const category = script?.getAttribute('data-category');
if (sku) view.sku = sku;
if (category) view.category = category;
track(view);

document.addEventListener(
  'click',
  (e) => {
    const target = e.target as Element | null;
    const slot = target?.closest?.('[data-tessera-slot]');
    if (!slot) return;
    const click: TrackedEvent = { type: 'click', slot: slot.getAttribute('data-tessera-slot') };
    const variant = slot.getAttribute('data-tessera-variant');
    if (variant) click.variant = variant;
    track(click);
  },
  true,
);
addEventListener('pagehide', () => flush(true));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') flush(true);
});
window.tessera = { track };

export {};
