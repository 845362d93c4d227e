/**
 * Product cards: every card has a picture (a constant inline drawing chosen from the product's
 * name, then its category) and the SKU as its id, so `/page#sku` links land on the card.
 */
import { describe, expect, it } from 'vitest';
import { drawingFor } from '../../worker/render/components/product-picture.tsx';
import { ProductGrid } from '../../worker/render/components/product-grid.tsx';
import { fillFor } from '../../worker/render/text.ts';
import { toHtml } from '../../worker/render/to-html.ts';

const product = (name: string, extra: { sku?: string; category?: string } = {}) => ({
  sku: extra.sku ?? 'sku-1',
  name,
  price: 10,
  currency: 'EUR',
  href: '/p',
  ...(extra.category ? { category: extra.category } : {}),
});

describe('drawingFor', () => {
  it('picks the drawing a word of the name names', () => {
    expect(drawingFor(product('Ridgeline Mid GTX Hiking Boot'))).toBe('boot');
    expect(drawingFor(product('Dreamer −5 °C Sleeping Bag'))).toBe('sleep');
    expect(drawingFor(product('Chalk Bag + 200 g Chalk'))).toBe('clip');
    expect(drawingFor(product('Fjell 38 L Daypack'))).toBe('pack');
    expect(drawingFor(product('Nimbus 2 Ultralight Tent'))).toBe('tent');
    expect(drawingFor(product('Featherlight Run Cap'))).toBe('cap');
  });

  it('falls back to the category, then to a mountain', () => {
    expect(drawingFor(product('Tempest Thing', { category: 'running' }))).toBe('shoe');
    expect(drawingFor(product('Gift card'))).toBe('peak');
  });
});

describe('ProductGrid', () => {
  it('gives every card a decorative picture and its SKU as id', () => {
    const html = toHtml(
      ProductGrid({
        props: {
          title: 'Picks',
          products: [product('Trek Poles', { sku: 'nw-poles' }), product('Odd', { sku: 'a b' })],
        },
        fill: fillFor(undefined),
      }),
    );
    expect(html.match(/<svg [^>]*aria-hidden="true"/g)).toHaveLength(2);
    expect(html).toContain('<li id="nw-poles" data-sku="nw-poles"');
    // A SKU that is not a valid id (it has a space) keeps the card, without the id.
    expect(html).toContain('<li data-sku="a b"');
  });
});
