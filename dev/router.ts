/**
 * The dev router: `npm run dev` and `npm run soak` run it first in their one `wrangler dev`
 * session, so the whole site answers on one local port, routed as production routes it
 * (control/wrangler.toml and wrangler.toml `routes`): the control plane's paths go to it, every
 * other request to the visitor-facing worker. Both are reached through service bindings.
 * Never deployed: in production Cloudflare's routes do this.
 *
 * Another worker joins the session by adding its config to DEV_CONFIGS (cli/lib/dev-session.ts)
 * and, if the router must reach it, a service binding in dev/wrangler.toml and a line here.
 */

interface RouterEnv {
  VISITOR: Fetcher;
  CONTROL: Fetcher;
}

/**
 * Production route patterns of the control plane, as paths (`*` matches any rest, even none; a
 * pattern without `*` matches that path only).
 */
export const CONTROL_ROUTES = ['/admin/*', '/console*', '/v1/openapi.json'] as const;

/** Whether production routes `pathname` to the control plane. */
export function isControlPath(pathname: string): boolean {
  return CONTROL_ROUTES.some((pattern) =>
    pattern.endsWith('*') ? pathname.startsWith(pattern.slice(0, -1)) : pathname === pattern,
  );
}

export default {
  fetch(request, env) {
    const { pathname } = new URL(request.url);
    return (isControlPath(pathname) ? env.CONTROL : env.VISITOR).fetch(request);
  },
} satisfies ExportedHandler<RouterEnv>;
