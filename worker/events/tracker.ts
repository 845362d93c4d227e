/**
 * The tracker: a ~1.5 KB script served at /__tessera/t.js and referenced from every rendered
 * page. It sends a page view (with the page's decision id) and clicks inside personalized slots
 * (`data-tessera-slot`), batched every second and flushed when the page is hidden, and exposes
 * `tessera.track({ type: 'add_to_cart', sku, qty, category })` for the site's own code.
 *
 * While the page is open it posts with fetch (keepalive) and retries a batch once after a 503
 * (same event ids, so nothing is counted twice). On page hide it uses navigator.sendBeacon,
 * which cannot see the answer: events in that last beacon are lost if the queue is down then.
 */
import { hash32 } from '../../shared/experiments/hash.ts';

export const TRACKER_PATH = '/__tessera/t.js';

export const TRACKER_JS = `(function(){
var s=document.currentScript,d=s&&s.getAttribute('data-decision'),q=[],t=0,E='/events';
function uid(){return crypto.randomUUID?crypto.randomUUID():Date.now().toString(36)+Math.random().toString(36).slice(2,14)}
function post(ev,again){fetch(E,{method:'POST',body:JSON.stringify({events:ev}),keepalive:true,credentials:'same-origin',headers:{'content-type':'text/plain'}}).then(function(r){if(r.status===503&&again)setTimeout(function(){post(ev,false)},1000*(+r.headers.get('retry-after')||5))},function(){if(again)setTimeout(function(){post(ev,false)},5000)})}
function flush(beacon){clearTimeout(t);t=0;while(q.length){var ev=q.splice(0,50);if(!(beacon&&navigator.sendBeacon&&navigator.sendBeacon(E,JSON.stringify({events:ev}))))post(ev,true)}}
function track(e){e.id=e.id||uid();e.at=e.at||Date.now();if(d&&!e.decisionId)e.decisionId=d;e.path=e.path||location.pathname;q.push(e);if(!t)t=setTimeout(flush,1000)}
var pv={type:'page_view'},sku=s&&s.getAttribute('data-sku'),cat=s&&s.getAttribute('data-category');if(sku)pv.sku=sku;if(cat)pv.category=cat;track(pv);
document.addEventListener('click',function(e){var el=e.target&&e.target.closest&&e.target.closest('[data-tessera-slot]');if(el){var c={type:'click',slot:el.getAttribute('data-tessera-slot')},v=el.getAttribute('data-tessera-variant');if(v)c.variant=v;track(c)}},true);
addEventListener('pagehide',function(){flush(true)});
document.addEventListener('visibilitychange',function(){if(document.visibilityState==='hidden')flush(true)});
window.tessera={track:track};
})();`;

export const TRACKER_ETAG = `"t-${hash32(TRACKER_JS).toString(16)}"`;

/** Decision ids and nonces are hex and dashes: most values need no escaping at all. */
const escapeAttr = (v: string) =>
  /[&"<>]/.test(v)
    ? v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    : v;

const OPEN = `<script src="${TRACKER_PATH}" defer data-decision="`;

/** The script tag for the end of <body>; a CSP nonce is added when the page has one. */
export function trackerTag(o: {
  decisionId: string;
  nonce?: string;
  sku?: string;
  category?: string;
}): string {
  return (
    OPEN +
    escapeAttr(o.decisionId) +
    '"' +
    (o.sku ? ` data-sku="${escapeAttr(o.sku)}"` : '') +
    (o.category ? ` data-category="${escapeAttr(o.category)}"` : '') +
    (o.nonce ? ` nonce="${escapeAttr(o.nonce)}"` : '') +
    '></script>'
  );
}

export function trackerResponse(ifNoneMatch: string | null | undefined): Response {
  const headers = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': 'public, max-age=3600',
    etag: TRACKER_ETAG,
    'x-content-type-options': 'nosniff',
  };
  if (ifNoneMatch === TRACKER_ETAG) return new Response(null, { status: 304, headers });
  return new Response(TRACKER_JS, { headers });
}
