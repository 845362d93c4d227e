/**
 * The marketer console in Chromium, on a site of its own (both workers behind the dev router, as
 * `npm run dev` runs them; a temporary state; this file's own content): sign in with a
 * `tessera console` link → change a headline → add a variant with a rule for a segment → preview
 * as that segment and as a German mobile visitor → publish → the live page changed → roll back →
 * it changed back. No console errors on the way (CSP violations included), no serious axe-core
 * violations, screenshots at desktop and tablet size in .test-results/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../cli/lib/paths.ts';
import {
  openConsole,
  seriousAxeViolations,
  startConsoleSite,
  type ConsoleSite,
} from './console-site.ts';

const RESULTS = path.join(ROOT, '.test-results');

/** This file's own site: one page, a hero with a rule for German mobile visitors, a VIP segment. */
const BODY = {
  schemaVersion: 1,
  site: { name: 'Console Test Shop', lang: 'en' },
  segments: [
    { id: 'vip', name: 'VIP customers', source: 'profile' },
    {
      id: 'runners',
      name: 'Runners',
      when: { field: 'affinities.running', op: 'gte', value: 0.5 },
    },
  ],
  pages: [{ id: 'home', path: '/', title: 'Home', slots: ['hero'] }],
  slots: [
    {
      id: 'hero',
      component: 'hero',
      default: 'hero-default',
      variants: [
        { id: 'hero-default', name: 'Everyone', props: { headline: 'Gear for every trail' } },
        {
          id: 'hero-de-mobile',
          name: 'German phones',
          props: { headline: 'Ausrüstung für unterwegs' },
        },
      ],
      rules: [
        {
          id: 'de-mobile',
          when: {
            all: [
              { field: 'context.country', op: 'eq', value: 'DE' },
              { field: 'context.device', op: 'eq', value: 'mobile' },
            ],
          },
          variant: 'hero-de-mobile',
        },
      ],
    },
  ],
};

describe('the marketer console in Chromium', () => {
  let site: ConsoleSite;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  let explainFailure = () => {};

  const livePage = async () => (await fetch(`${site.url}/`)).text();
  const frame = () => page.frameLocator('iframe[title="Preview of the draft"]');

  beforeAll(async () => {
    site = await startConsoleSite({ body: BODY });
    ({ browser, page, problems, explainFailure } = await openConsole(site, 'rosa@shop.test'));
    mkdirSync(RESULTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  it('takes a marketer from sign-in to a published change and back', async () => {
    explainFailure();
    expect(await livePage()).toContain('Gear for every trail');
    // The sign-in link left the address bar.
    expect(page.url()).toBe(`${site.url}/console`);
    await page.getByRole('banner').getByText('rosa@shop.test').waitFor();
    // Rules in plain language on the overview.
    await page
      .getByText('Visitors whose country is "DE" and whose device is "mobile" see')
      .waitFor();

    // Change a headline.
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('button', { name: 'hero', exact: true })
      .click();
    const headline = page.getByLabel('Headline', { exact: true });
    await headline.fill('');
    // Validated as `tessera validate` does: the same message, the variant named by its id.
    const problemList = page.getByRole('region', { name: 'Problems' });
    await problemList.getByText('slot "hero" › variant "hero-default" › props.headline').waitFor();
    expect(await headline.getAttribute('aria-invalid')).toBe('true');
    await headline.fill('Gear for every season');
    await problemList.waitFor({ state: 'detached' });

    // Add a variant, with a rule for a segment.
    await page.getByLabel('New variant id').fill('hero-vip');
    await page.getByRole('button', { name: 'Add variant' }).click();
    await page.getByRole('heading', { name: 'Variant hero-vip' }).waitFor();
    await page.getByLabel('Headline', { exact: true }).fill('Welcome back, VIP');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByText('Visitors in VIP customers see Welcome back, VIP').first().waitFor();
    await page
      .getByRole('status')
      .getByText(/Draft saved/)
      .waitFor();

    // Preview as that segment…
    await page.getByLabel('As segment').selectOption('vip');
    await page.getByRole('button', { name: 'Show preview' }).click();
    await frame().getByText('Welcome back, VIP').waitFor();
    await page.getByText(/Hero: rule-\d+ rule matched → hero-vip/).waitFor();
    await page.getByText('Holdout: no').waitFor();
    // …and as a German mobile visitor.
    await page.getByLabel('As segment').selectOption('');
    await page.getByLabel('Country').fill('DE');
    await page.getByLabel('Device').selectOption('mobile');
    await page.getByRole('button', { name: 'Show preview' }).click();
    await frame().getByText('Ausrüstung für unterwegs').waitFor();
    await page.getByText('Hero: de-mobile rule matched → hero-de-mobile').waitFor();
    await page.getByText(/As seen with country DE, device mobile/).waitFor();
    // Nobody else sees the draft.
    expect(await livePage()).toContain('Gear for every trail');

    await page.screenshot({ path: path.join(RESULTS, 'console-desktop.png'), fullPage: false });

    // Review the change against live, then publish.
    await page.getByRole('button', { name: 'Review and publish' }).click();
    await page.getByText('"Gear for every trail" → "Gear for every season"').waitFor();
    await page.getByText(/variant "hero-vip" added/).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText(/Published version [0-9a-f]{16}: it is live\./).waitFor();
    await expect.poll(livePage, { timeout: 15_000 }).toContain('Gear for every season');

    // Roll back in one click: the page changes back.
    await page.getByRole('button', { name: 'Roll back the last change' }).click();
    await page.getByText(/Rolled back: version [0-9a-f]{16} is live again\./).waitFor();
    await expect.poll(livePage, { timeout: 15_000 }).toContain('Gear for every trail');
    expect(await livePage()).not.toContain('Gear for every season');
    await page
      .getByText(/Published .* by rosa@shop\.test/)
      .first()
      .waitFor();

    expect(problems).toEqual([]);
  });

  it('has no serious accessibility violations (axe-core) and is usable on a tablet', async () => {
    explainFailure();
    const audit = () => seriousAxeViolations(page);
    await page.getByRole('button', { name: 'Pages and slots' }).click();
    expect(await audit()).toEqual([]);
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('button', { name: 'hero', exact: true })
      .click();
    expect(await audit()).toEqual([]);
    await page.getByRole('button', { name: 'Experiments' }).click();
    expect(await audit()).toEqual([]);

    // A tablet in landscape and portrait: nothing wider than the screen; the editor still works by keyboard.
    for (const viewport of [
      { width: 1024, height: 768 },
      { width: 768, height: 1024 },
    ]) {
      await page.setViewportSize(viewport);
      await page
        .getByRole('navigation', { name: 'Console' })
        .getByRole('button', { name: 'hero', exact: true })
        .click();
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
    }
    await page.screenshot({ path: path.join(RESULTS, 'console-tablet.png') });
    await page.getByLabel('New variant id').focus();
    await page.keyboard.type('hero-keys');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Variant hero-keys' }).waitFor();
    expect(problems).toEqual([]);
  });
});
