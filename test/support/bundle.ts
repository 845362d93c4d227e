/**
 * A small bundle for worker tests: two pages, pipeline and bundle-defined segments, and one
 * slot per component kind, each with rules on every rung of the ladder.
 */
import { env } from 'cloudflare:test';
import { bundleText, bundleVersion } from '../../shared/bundle/version.ts';
import { parseBundleBody } from '../../shared/bundle/parse.ts';
import { contentKeys, profileKeys } from '../../shared/kv-keys.ts';
import type { Bundle, BundleBody, BundleInput } from '../../shared/schema/bundle.ts';
import type { ProfileInput } from '../../shared/schema/profile.ts';

export function testBundleBody(overrides: Partial<BundleInput> = {}): BundleInput {
  return {
    schemaVersion: 1,
    site: { name: 'Test Shop', lang: 'en' },
    segments: [
      { id: 'vip', name: 'VIP customers', source: 'profile' },
      {
        id: 'runners',
        name: 'Runners',
        when: { field: 'affinities.running', op: 'gte', value: 0.5 },
      },
    ],
    pages: [
      { id: 'home', path: '/', title: 'Home', slots: ['banner', 'hero', 'grid', 'quote', 'cta'] },
      { id: 'deals', path: '/deals', title: 'Deals', slots: ['banner', 'cta'] },
    ],
    slots: [
      {
        id: 'banner',
        component: 'announcement-bar',
        default: 'banner-default',
        variants: [
          { id: 'banner-default', props: { text: 'Free returns for 30 days' } },
          {
            id: 'banner-vip',
            props: {
              text: 'VIP: free express shipping',
              link: { label: 'Details', href: '/deals' },
            },
          },
        ],
        rules: [{ id: 'vip-banner', when: { segment: 'vip' }, variant: 'banner-vip' }],
      },
      {
        id: 'hero',
        component: 'hero',
        default: 'hero-default',
        variants: [
          { id: 'hero-default', props: { headline: 'Gear for every trail' } },
          { id: 'hero-running', tags: ['running'], props: { headline: 'Run further' } },
          { id: 'hero-greeting', props: { headline: 'Welcome back, {{traits.firstName|friend}}' } },
          { id: 'hero-mobile', props: { headline: 'Shop on the go' } },
        ],
        rules: [
          {
            id: 'pro-greeting',
            when: { field: 'traits.plan', op: 'eq', value: 'pro' },
            variant: 'hero-greeting',
          },
          {
            id: 'mobile-hero',
            when: { field: 'context.device', op: 'eq', value: 'mobile' },
            variant: 'hero-mobile',
          },
        ],
      },
      {
        id: 'grid',
        component: 'product-grid',
        default: 'grid-default',
        variants: [
          {
            id: 'grid-default',
            props: {
              title: 'Bestsellers',
              products: [
                { sku: 'tent-1', name: 'Tent', price: 199, currency: 'EUR', href: '/p/tent-1' },
              ],
            },
          },
          {
            id: 'grid-runners',
            props: {
              title: 'For runners',
              products: [
                {
                  sku: 'shoe-1',
                  name: 'Trail shoe',
                  price: 129,
                  currency: 'EUR',
                  href: '/p/shoe-1',
                },
              ],
            },
          },
        ],
        rules: [{ id: 'runner-grid', when: { segment: 'runners' }, variant: 'grid-runners' }],
      },
      {
        id: 'quote',
        component: 'testimonial',
        default: 'quote-default',
        variants: [
          { id: 'quote-default', props: { quote: 'Great gear.', author: 'Sam', rating: 5 } },
        ],
      },
      {
        id: 'cta',
        component: 'cta-banner',
        default: 'cta-default',
        variants: [
          {
            id: 'cta-default',
            props: { headline: 'Join the club', button: { label: 'Sign up', href: '/join' } },
          },
          {
            id: 'cta-de',
            props: { headline: 'Willkommen', button: { label: 'Los', href: '/join' } },
          },
        ],
        rules: [
          {
            id: 'de-cta',
            when: { field: 'context.country', op: 'eq', value: 'DE' },
            variant: 'cta-de',
          },
        ],
      },
    ],
    ...overrides,
  };
}

/** Validates like a publish would, and names the result by its content hash. */
/** The test bundle with the hero's default headline replaced: distinct versions for publishing tests. */
export function withHeadline(headline: string): BundleInput {
  const body = testBundleBody();
  body.slots.find((s) => s.id === 'hero')!.variants[0]!.props = { headline };
  return body;
}

export async function buildTestBundle(body: BundleInput = testBundleBody()): Promise<Bundle> {
  const parsed = parseBundleBody(body);
  if (!parsed.ok) throw new Error(`test bundle invalid: ${JSON.stringify(parsed.issues)}`);
  return { ...parsed.body, version: await bundleVersion(parsed.body) };
}

/**
 * Stores `body` as it is — no schema, no integrity check — under the version its content hashes
 * to, and points live at it: what a writer that skipped publishing's checks would leave in KV
 * (the visitor worker's read-side checks are what stand between such bytes and a page).
 */
export async function storeUncheckedBundle(
  body: Record<string, unknown>,
  kv: KVNamespace = env.CONTENT,
): Promise<Bundle> {
  const bundle = {
    ...body,
    version: await bundleVersion(body as unknown as BundleBody),
  } as unknown as Bundle;
  await kv.put(contentKeys.bundle(bundle.version), bundleText(bundle));
  await kv.put(
    contentKeys.pointer(),
    JSON.stringify({ version: bundle.version, updatedAt: new Date().toISOString(), by: 'test' }),
  );
  return bundle;
}

/** Stores the bundle, then points live at it. */
export async function publishTestBundle(
  body?: BundleInput,
  kv: KVNamespace = env.CONTENT,
): Promise<Bundle> {
  const bundle = await buildTestBundle(body);
  await kv.put(contentKeys.bundle(bundle.version), bundleText(bundle));
  await kv.put(
    contentKeys.pointer(),
    JSON.stringify({ version: bundle.version, updatedAt: new Date().toISOString(), by: 'test' }),
  );
  return bundle;
}

export async function putVisitorProfile(id: string, profile: Partial<ProfileInput>): Promise<void> {
  await env.PROFILES.put(profileKeys.visitor(id), JSON.stringify({ id, ...profile }));
}

export async function putCustomerProfile(
  id: string,
  profile: Partial<ProfileInput>,
): Promise<void> {
  await env.PROFILES.put(
    profileKeys.customer(id),
    JSON.stringify({ id, kind: 'customer', ...profile }),
  );
}
