/**
 * A small content folder of the tests' own (never the demo in content-variants/, which marketers
 * edit): one page, a hero slot with a rule, a segment, an A/B experiment, a holdout and a sample
 * profile. Written to a fresh temporary `content-variants/` folder on every call.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './run.ts';

const FILES: Record<string, unknown> = {
  'site.json': {
    schemaVersion: 1,
    site: { name: 'Fixture Shop', lang: 'en' },
    holdout: { share: 0.05, salt: 'fixture-holdout', goal: { event: 'purchase' } },
  },
  'segments.json': { segments: [{ id: 'vip', name: 'VIP customers', source: 'profile' }] },
  'pages/home.json': { id: 'home', path: '/', title: 'Home', slots: ['hero'] },
  'pages/sale.json': { id: 'sale', path: '/sale', title: 'Sale', slots: ['hero'] },
  'slots/hero.json': {
    id: 'hero',
    component: 'hero',
    default: 'hero-default',
    variants: [
      { id: 'hero-default', props: { headline: 'Welcome, {{traits.firstName|friend}}' } },
      {
        id: 'hero-vip',
        props: { headline: 'VIP early access', cta: { label: 'Shop the sale', href: '/sale' } },
      },
    ],
    rules: [{ id: 'vip-first', when: { segment: 'vip' }, variant: 'hero-vip' }],
  },
  'experiments/hero-test.json': {
    id: 'hero-test',
    name: 'Which hero sells more?',
    scope: { slot: 'hero' },
    arms: [{ id: 'control' }, { id: 'vip-look', variant: 'hero-vip' }],
    goal: { event: 'purchase' },
  },
  'profiles/v-fixture.json': { id: 'v-fixture', traits: { firstName: 'Fi' } },
};

export function fixtureContent(): string {
  const dir = path.join(tempDir('fixture-content'), 'content-variants');
  for (const [file, json] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), `${JSON.stringify(json, null, 2)}\n`);
  }
  return dir;
}
