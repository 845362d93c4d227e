/**
 * The context signals of a decision API call, built by the very function that builds a page's
 * (context/request-context.ts) from the request the caller describes: the path, query and UTM
 * tags as the URL on the site's own host, the referrer, user agent and locale as headers, the
 * place and time zone as Cloudflare's geolocation. So a caller that describes a page request
 * gets that page request's signals, normalised the same way. Pure.
 */
import type { Channel } from '../../shared/schema/channel.ts';
import type { DecisionContext } from '../../shared/schema/decision-api.ts';
import { requestContext } from '../context/request-context.ts';
import { attributeKey, type RequestContext } from '../decide/types.ts';
import type { VisitRead } from '../visit/read.ts';

const UTM_PARAMS = [
  ['source', 'utm_source'],
  ['medium', 'utm_medium'],
  ['campaign', 'utm_campaign'],
  ['term', 'utm_term'],
  ['content', 'utm_content'],
] as const;

/** The page URL the caller describes, on `origin` (the host the API was called on). */
export function describedUrl(origin: string, c: DecisionContext, path: string): URL {
  const url = new URL(origin);
  // Set, not resolved against the origin: "//host" must stay a path, never become a host.
  url.pathname = path;
  const utm = UTM_PARAMS.flatMap(([key, param]) =>
    c.utm?.[key] === undefined ? [] : [`${param}=${encodeURIComponent(c.utm[key])}`],
  );
  const query = [c.query ?? '', ...utm].filter(Boolean).join('&');
  if (query) url.search = query;
  return url;
}

export interface ApiContextInput {
  context: DecisionContext;
  channel: Channel;
  /** The path decided for: `context.path`, else the page's. */
  path: string;
  /** Origin of the API request: the site's host, so a same-site referrer is `internal`. */
  origin: string;
  read: Pick<VisitRead, 'identity' | 'profile'>;
  /** ms since the epoch. */
  now: number;
}

export function apiContext(input: ApiContextInput): RequestContext {
  const { context: c, read } = input;
  const headers = new Headers();
  if (c.userAgent) headers.set('user-agent', c.userAgent);
  if (c.referrer) headers.set('referer', c.referrer);
  if (c.locale) headers.set('accept-language', c.locale);
  const visits = read.profile?.behavior.visits;
  const signals = requestContext({
    url: describedUrl(input.origin, c, input.path),
    headers,
    cf: {
      country: c.country,
      region: c.region,
      regionCode: c.regionCode,
      city: c.city,
      continent: c.continent,
      timezone: c.timezone,
    },
    now: input.now,
    // A page's test: a verified visitor (not a throwaway id) or a profile with visits.
    returning: c.returning ?? (!read.identity.ephemeral || (visits ?? 0) > 0),
    ...(visits !== undefined ? { profileVisits: visits } : {}),
  });
  const out: RequestContext = { ...signals, channel: input.channel };
  // No user agent is a bot to a page; a server describing a person without one means no device.
  if (c.device) out.device = c.device;
  else if (!c.userAgent) out.device = 'desktop';
  if (c.os) out.os = c.os;
  for (const [name, value] of Object.entries(c.attributes ?? {})) out[attributeKey(name)] = value;
  return out;
}
