import { describe, expect, it } from 'vitest';
import { compile } from '../../worker/decide/compile.ts';
import type { Decision } from '../../worker/decide/types.ts';
import { renderSlot } from '../../worker/render/slot.tsx';
import { fillFor } from '../../worker/render/text.ts';
import { buildTestBundle } from '../support/bundle.ts';

async function heroSlot() {
  const bundle = await buildTestBundle();
  return compile(bundle).slots.get('hero')!;
}
const decision = (variant: string): Decision => ({
  slot: 'hero',
  component: 'hero',
  variant,
  level: 'segment',
  reason: 'rule:x',
});

describe('per-slot render fallback', () => {
  it('renders the decided variant', async () => {
    const out = renderSlot(await heroSlot(), decision('hero-running'), fillFor(undefined));
    expect(out.variant).toBe('hero-running');
    expect(out.reason).toBeUndefined();
    expect(out.html).toContain('Run further');
  });

  it('falls back to the slot default when the decided variant is missing', async () => {
    const out = renderSlot(await heroSlot(), decision('hero-gone'), fillFor(undefined));
    expect(out.variant).toBe('hero-default');
    expect(out.reason).toBe('slot.variant_missing');
    expect(out.html).toContain('Gear for every trail');
  });

  it('falls back to the slot default when the variant throws while rendering', async () => {
    const slot = await heroSlot();
    const broken = slot.slot.variants.find((v) => v.id === 'hero-running')!;
    Object.defineProperty(broken.props, 'headline', {
      get: () => {
        throw new Error('boom');
      },
    });
    const out = renderSlot(slot, decision('hero-running'), fillFor(undefined));
    expect(out.variant).toBe('hero-default');
    expect(out.reason).toBe('slot.render_error');
  });

  it('renders an empty slot (keeping its reserved space) when even the default cannot render', async () => {
    const slot = await heroSlot();
    const def = slot.slot.variants.find((v) => v.id === 'hero-default')!;
    Object.defineProperty(def.props, 'headline', {
      get: () => {
        throw new Error('boom');
      },
    });
    const out = renderSlot(slot, decision('hero-default'), fillFor(undefined));
    expect(out.variant).toBe('');
    expect(out.reason).toBe('slot.render_error');
    expect(out.html).toContain('data-tessera-slot="hero"');
    expect(out.html).toContain('class="slot slot-hero"');
  });
});
