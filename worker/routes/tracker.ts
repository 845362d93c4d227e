/**
 * `GET /__tessera/t.js`: the tracker (worker/tracker/script.ts, bundled by esbuild into
 * script.gen.ts at build time), cached an hour by browsers and revalidated by its ETag.
 */
import { hash32 } from '../../shared/experiments/hash.ts';
import { TRACKER_JS } from '../tracker/script.gen.ts';

export { TRACKER_PATH } from '../tracker/tag.ts';

export const TRACKER_ETAG = `"t-${hash32(TRACKER_JS).toString(16)}"`;

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
