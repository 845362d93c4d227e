/**
 * The visits the micro-benchmarks time (in Node and inside workerd): a known visitor on the
 * standard page, the worst case (nothing matches, every rule runs) and a known visitor inside
 * the experiments on /exp. Fixed clock, deterministic visitor ids.
 */
import type { Bundle } from '../shared/schema/bundle.ts';
import { Profile } from '../shared/schema/profile.ts';
import { contextFor, decideOnly, type Visit } from './pipeline.ts';
import { banditSnapshot, profile, slotIdsOf } from './workload.ts';

export const NOW = Date.parse('2026-11-23T10:00:00Z');
export const NOW_S = Math.floor(NOW / 1000);
export const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
export const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';

/** The first of `bv-1`, `bv-2`, … for which `keep` holds (deterministic). */
function visitorWhere(keep: (id: string) => boolean): string {
  for (let i = 1; ; i++) if (keep(`bv-${i}`)) return `bv-${i}`;
}

export function visits(bundle: Bundle) {
  const page = bundle.pages[0]!;
  const exp = bundle.pages.find((p) => p.path === '/exp') ?? page;
  const snapshot = banditSnapshot();
  const base = { bundle, now: NOW, snapshot, country: 'DE' };
  const withId = (
    v: Omit<Visit, 'visitorId'>,
    keep: (o: ReturnType<typeof decideOnly>) => boolean,
  ): Visit => {
    const visitorId = visitorWhere((id) => keep(decideOnly({ ...v, visitorId: id })));
    return { ...v, visitorId };
  };
  const personalized = (o: ReturnType<typeof decideOnly>) => !o.holdout;
  const known = withId(
    {
      ...base,
      page,
      profile: Profile.parse(profile(1, slotIdsOf(bundle))),
      context: contextFor({
        path: page.path,
        userAgent: MOBILE_UA,
        country: 'DE',
        returning: true,
        now: NOW,
      }),
    },
    personalized,
  );
  // No profile, a desktop from a country no rule names: nothing matches, every rule runs.
  const worst = withId(
    {
      ...base,
      page,
      country: 'JP',
      context: contextFor({
        path: page.path,
        userAgent: DESKTOP_UA,
        country: 'JP',
        returning: false,
        now: NOW,
      }),
    },
    personalized,
  );
  // /exp: a known visitor who is in an arm (exposures in the record); only with experiments.
  const inExperiment = () =>
    withId(
      {
        ...known,
        page: exp,
        context: contextFor({
          path: exp.path,
          userAgent: MOBILE_UA,
          country: 'DE',
          returning: true,
          now: NOW,
        }),
      },
      (o) => !o.holdout && o.exposures.length > 0,
    );
  return { known, worst, inExperiment };
}

/** The request-context input both micro-benchmarks (Node and workerd) time. */
export const BENCH_REQUEST = {
  path: '/?utm_source=news',
  userAgent: MOBILE_UA,
  country: 'DE',
  returning: true,
  now: NOW,
} as const;
