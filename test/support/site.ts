/**
 * The whole site as production routes it (dev/router.ts): control-plane paths (/admin/*) to the
 * control plane's handler, everything else to the visitor worker's — both the real exported
 * workers, called directly with this project's bindings (no mock of the runtime). Tests use it
 * where one flow crosses the workers; in the control project its page views and events reach the
 * control plane's consumers through the real queues.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { createControlWorker } from '../../control/index.ts';
import { isControlPath } from '../../dev/router.ts';
import { createWorker } from '../../worker/index.ts';

export interface Site {
  /** Like SELF.fetch, but routed to either worker; resolves once the request's waitUntil work is done. */
  fetch(
    input: string | Request,
    init?: RequestInit,
    bindings?: Partial<Cloudflare.Env>,
  ): Promise<Response>;
}

/**
 * The request as an HTTP client sends it: a body of known length carries Content-Length (a
 * Request built in the test does not, and the routes check it before reading).
 */
async function asSent(request: Request): Promise<Request<unknown, IncomingRequestCfProperties>> {
  type Incoming = Request<unknown, IncomingRequestCfProperties>;
  if (!request.body || request.headers.has('content-length')) return request as Incoming;
  const body = await request.arrayBuffer();
  const headers = new Headers(request.headers);
  headers.set('content-length', String(body.byteLength));
  return new Request(request, { body, headers }) as Incoming;
}

/** Fresh isolate state for both workers (no cached bundle), like a cold start. */
export function createSite(): Site {
  const visitor = createWorker();
  const control = createControlWorker();
  return {
    async fetch(input, init, bindings = {}) {
      const request = await asSent(new Request(input, init));
      const ctx = createExecutionContext();
      const to = { ...env, ...bindings };
      const res = isControlPath(new URL(request.url).pathname)
        ? await control.fetch(request, to, ctx)
        : await visitor.fetch!(request, to, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    },
  };
}

/** One site per test file, warm across its tests like SELF. */
export const SITE: Site = createSite();
