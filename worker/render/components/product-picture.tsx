/**
 * A product card's picture: a small line drawing chosen from the product's name (then its
 * category), drawn inline as SVG. Inline, so a card costs no request (the CSP allows none to
 * other hosts) and nothing loads late to shift the layout; the box's size is fixed by CSS.
 * Decorative: the product's name next to it says what it is.
 */
import type { ProductGridProps } from '../../../shared/schema/components.ts';

type Product = ProductGridProps['products'][number];

/** Paths in a 64 × 48 box, stroked by the stylesheet (`.pic path`). */
const DRAWINGS = {
  boot: 'M16 6h14v20l14 5c6 2 8 5 8 9v2H16zM16 36h36M22 12h8M22 18h8',
  shoe: 'M6 26c9 0 15-5 19-9l7 6c5 3 14 5 22 7 3 1 4 4 4 6H6zM6 36h52M30 20l-4 4M36 24l-3 3',
  pack: 'M18 42V18a14 12 0 0 1 28 0v24zM23 28h18v10H23zM28 6h8M24 16h16',
  jacket: 'M24 6 12 12 6 36h8l2-12v20h32V24l2 12h8l-6-24-12-6-8 8zM32 14v30',
  top: 'M24 8 12 14l4 8 6-3v23h20V19l6 3 4-8-12-6c-2 3-5 5-8 5s-6-2-8-5z',
  cap: 'M12 32a20 18 0 0 1 40 0zM52 32h8M32 14v-2',
  poles: 'M22 4l8 40M42 4l-8 40M19 10h7M38 10h7',
  bottle: 'M28 4h8v6l4 4v30H24V14l4-4zM24 24h16',
  light: 'M32 4v6M18 10l4 4M46 10l-4 4M22 22h20v20H22zM26 22a6 6 0 0 1 12 0',
  tent: 'M6 42 32 8l26 34zM32 8v34M24 42l8-12 8 12',
  sleep: 'M8 16h40a8 8 0 0 1 0 16H8zM8 24h34M48 16v16',
  stove: 'M20 22h24v16H20zM16 38h32M26 22c0-6 6-8 6-14 0 6 6 8 6 14',
  rope: 'M16 24a16 10 0 1 0 32 0 16 10 0 1 0-32 0M22 24a10 6 0 1 0 20 0 10 6 0 1 0-20 0M46 28l8 12',
  clip: 'M28 6h8a8 8 0 0 1 8 8v20a8 8 0 0 1-8 8h-8a8 8 0 0 1-8-8V14a8 8 0 0 1 8-8zM20 22l8-10',
  aid: 'M14 12h36v28H14zM32 18v16M24 26h16M26 12V8h12v4',
  peak: 'M4 42l18-26 10 14 8-10 20 22zM18 22l4 4 4-4',
} as const;

type Drawing = keyof typeof DRAWINGS;

/** First match wins: a word of the product's name, then its category. */
const BY_NAME: [RegExp, Drawing][] = [
  [/boot/i, 'boot'],
  [/shoe|sneaker|trainer/i, 'shoe'],
  [/sleeping|\bmat\b|quilt/i, 'sleep'],
  [/harness|quickdraw|carabiner|chalk|belay/i, 'clip'],
  [/pack|bag\b|vest/i, 'pack'],
  [/jacket|shell|parka|coat|fleece/i, 'jacket'],
  [/tee|shirt|tights|sock|trouser|pant|short|glove|layer/i, 'top'],
  [/cap\b|hat\b|beanie/i, 'cap'],
  [/pole/i, 'poles'],
  [/flask|bottle|bladder|hydration/i, 'bottle'],
  [/\btent|shelter|tarp/i, 'tent'],
  [/lamp|lantern|torch/i, 'light'],
  [/stove|cook|pot\b/i, 'stove'],
  [/rope/i, 'rope'],
  [/first[- ]aid|kit\b/i, 'aid'],
];
const BY_CATEGORY: Record<string, Drawing> = {
  hiking: 'boot',
  running: 'shoe',
  camping: 'tent',
  climbing: 'clip',
};

export function drawingFor(product: Pick<Product, 'name' | 'category'>): Drawing {
  for (const [pattern, drawing] of BY_NAME) if (pattern.test(product.name)) return drawing;
  return BY_CATEGORY[product.category ?? ''] ?? 'peak';
}

export function ProductPicture({ product }: { product: Product }) {
  const drawing = drawingFor(product);
  return (
    <svg
      class={`pic pic-${drawing}`}
      viewBox="0 0 64 48"
      width="64"
      height="48"
      aria-hidden="true"
      focusable="false"
    >
      <path d={DRAWINGS[drawing]} />
    </svg>
  );
}
