/**
 * The decision API's own bundle (plain data, for workerd and Node tests alike): rules that read
 * every kind of input a caller can describe (profile traits, segments, affinities, next-best
 * offers, device, country, time of day, referrer and UTM, locale, path, channel, custom
 * attributes), a page with shared offers, a slot A/B test, a page experiment and a holdout — so
 * "the API and the page agree" is tested where they could differ.
 */
import type { BundleInput } from '../../shared/schema/bundle.ts';

const link = (label: string, href: string) => ({ label, href });

export function decisionBundleBody(overrides: Partial<BundleInput> = {}): BundleInput {
  return {
    schemaVersion: 1,
    site: { name: 'API Shop', lang: 'en' },
    segments: [
      { id: 'vip', name: 'VIP', source: 'profile' },
      { id: 'hikers', name: 'Hikers', when: { field: 'affinities.hiking', op: 'gte', value: 0.6 } },
    ],
    pages: [
      {
        id: 'home',
        path: '/',
        title: 'Home',
        slots: ['bar', 'hero', 'offer-a', 'offer-b', 'cta'],
        uniqueOffers: true,
      },
      { id: 'deals', path: '/deals', title: 'Deals', slots: ['hero', 'cta'] },
      { id: 'mail', path: '/mail', title: 'Newsletter', slots: ['grid'] },
    ],
    slots: [
      {
        id: 'bar',
        component: 'announcement-bar',
        default: 'bar-default',
        variants: [
          { id: 'bar-default', props: { text: 'Free returns', nav: [link('Deals', '/deals')] } },
          { id: 'bar-night', props: { text: 'Night owl deals' } },
          { id: 'bar-weekend', props: { text: 'Weekend sale' } },
          { id: 'bar-de', props: { text: 'Kostenloser Versand', link: link('Mehr', '/de') } },
          { id: 'bar-email', props: { text: 'Thanks for reading, {{traits.firstName|reader}}' } },
        ],
        rules: [
          {
            id: 'email-bar',
            when: { field: 'context.channel', op: 'eq', value: 'email' },
            variant: 'bar-email',
          },
          {
            id: 'german',
            when: {
              any: [
                { field: 'context.language', op: 'eq', value: 'de' },
                { field: 'context.country', op: 'in', value: ['DE', 'AT', 'CH'] },
              ],
            },
            variant: 'bar-de',
          },
          {
            id: 'night',
            when: { field: 'context.hour', op: 'gte', value: 22 },
            variant: 'bar-night',
          },
          {
            id: 'weekend',
            when: { field: 'context.weekend', op: 'eq', value: true },
            variant: 'bar-weekend',
          },
        ],
      },
      {
        id: 'hero',
        component: 'hero',
        default: 'hero-default',
        variants: [
          {
            id: 'hero-default',
            props: { headline: 'Gear for every trail', cta: link('Shop', '/shop') },
          },
          {
            id: 'hero-greet',
            props: {
              eyebrow: 'Hi {{traits.firstName|there}}',
              headline: 'Welcome back, {{traits.firstName|friend}}',
              cta: link('Your picks', 'https://shop.example.com/picks'),
            },
          },
          { id: 'hero-hiking', tags: ['hiking'], props: { headline: 'Trails await' } },
          { id: 'hero-running', tags: ['running'], props: { headline: 'Run further' } },
          { id: 'hero-mobile', props: { headline: 'Shop on the go' } },
          { id: 'hero-social', props: { headline: 'Seen it on Instagram?' } },
          { id: 'hero-spring', props: { headline: 'Spring campaign' } },
          { id: 'hero-app', props: { headline: 'App exclusive' } },
          { id: 'hero-beta', props: { headline: 'Beta tester pick' } },
        ],
        rules: [
          {
            id: 'beta',
            when: { field: 'attributes.beta', op: 'eq', value: true },
            variant: 'hero-beta',
          },
          { id: 'vip-greet', when: { segment: 'vip' }, variant: 'hero-greet' },
          {
            id: 'pro-greet',
            when: { field: 'traits.plan', op: 'eq', value: 'pro' },
            variant: 'hero-greet',
          },
          { id: 'hikers', when: { segment: 'hikers' }, variant: 'hero-hiking' },
          {
            id: 'app',
            when: { field: 'context.channel', op: 'eq', value: 'app' },
            variant: 'hero-app',
          },
          {
            id: 'spring',
            when: { field: 'context.utmCampaign', op: 'eq', value: 'spring' },
            variant: 'hero-spring',
          },
          {
            id: 'social',
            when: { field: 'context.referrer', op: 'eq', value: 'social' },
            variant: 'hero-social',
          },
          {
            id: 'mobile',
            when: { field: 'context.device', op: 'in', value: ['mobile', 'tablet'] },
            variant: 'hero-mobile',
          },
        ],
      },
      {
        id: 'offer-a',
        component: 'cta-banner',
        default: 'a-plain',
        variants: [
          { id: 'a-plain', props: { headline: 'Join us', button: link('Join', '/join') } },
          {
            id: 'a-sale',
            offer: 'sale',
            props: { headline: 'Sale: 20 % off', button: link('Shop the sale', '/sale') },
          },
          {
            id: 'a-ship',
            offer: 'ship',
            props: { headline: 'Free shipping', button: link('Details', '/shipping') },
          },
        ],
        rules: [
          {
            id: 'a-sale-new',
            when: { field: 'context.returning', op: 'eq', value: false },
            variant: 'a-sale',
          },
          {
            id: 'a-ship-paths',
            when: { field: 'context.path', op: 'startsWith', value: '/' },
            variant: 'a-ship',
          },
        ],
      },
      {
        id: 'offer-b',
        component: 'cta-banner',
        default: 'b-plain',
        variants: [
          { id: 'b-plain', props: { headline: 'Our story', button: link('Read', '/story') } },
          {
            id: 'b-sale',
            offer: 'sale',
            props: { headline: 'Sale on now', button: link('See the sale', '/sale') },
          },
          {
            id: 'b-ship',
            offer: 'ship',
            props: { headline: 'Ships free', button: link('How', '/shipping') },
          },
        ],
        rules: [
          { id: 'b-sale-all', when: { field: 'context.device', op: 'exists' }, variant: 'b-sale' },
          { id: 'b-ship-all', when: { field: 'context.device', op: 'exists' }, variant: 'b-ship' },
        ],
      },
      {
        id: 'cta',
        component: 'cta-banner',
        default: 'cta-default',
        variants: [
          { id: 'cta-default', props: { headline: 'Sign up', button: link('Sign up', '/signup') } },
          {
            id: 'cta-loyal',
            props: {
              headline: 'Thanks, {{traits.firstName|friend}}',
              button: link('Perks', '/perks'),
            },
          },
          { id: 'cta-test', props: { headline: 'Try the test', button: link('Try', '/try') } },
          { id: 'cta-mobile', props: { headline: 'Get the app', button: link('Get it', '/app') } },
        ],
        rules: [
          {
            id: 'loyal',
            when: { field: 'behavior.purchases', op: 'gte', value: 3 },
            variant: 'cta-loyal',
          },
          {
            id: 'email-ref',
            when: { field: 'context.referrer', op: 'eq', value: 'email' },
            variant: 'cta-mobile',
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
              title: 'Picked for {{traits.firstName|you}}',
              products: [
                { sku: 'tent', name: 'Tent', price: 199, currency: 'EUR', href: '/p/tent' },
                {
                  sku: 'boots',
                  name: 'Boots',
                  price: 129,
                  currency: 'EUR',
                  href: 'https://shop.example.com/p/boots',
                },
              ],
            },
          },
          {
            id: 'grid-boots',
            props: {
              title: 'Boots for {{traits.firstName|you}}',
              products: [
                { sku: 'boots', name: 'Boots', price: 129, currency: 'EUR', href: '/p/boots' },
              ],
            },
          },
        ],
      },
    ],
    holdout: { share: 0.1, salt: 'api-holdout' },
    experiments: [
      {
        id: 'cta-ab',
        type: 'ab',
        scope: { slot: 'cta' },
        arms: [{ id: 'control' }, { id: 'test', variant: 'cta-test' }],
        traffic: 0.8,
      },
      {
        id: 'mail-page',
        type: 'ab',
        scope: { page: 'mail' },
        arms: [{ id: 'control' }, { id: 'boots', variants: { grid: 'grid-boots' } }],
      },
    ],
    ...overrides,
  };
}
