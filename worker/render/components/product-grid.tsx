import type { ProductGridProps } from '../../../shared/schema/components.ts';
import { formatPrice } from '../price.ts';
import { safeHref } from '../safe-url.ts';
import type { Fill } from '../text.ts';
import { ProductPicture } from './product-picture.tsx';

/** A card's id is its SKU, so a link such as `/collections/hiking#sku` lands on the card. */
const cardId = (sku: string) => (/^[A-Za-z0-9][\w.:-]*$/.test(sku) ? sku : undefined);

export function ProductGrid({ props, fill }: { props: ProductGridProps; fill: Fill }) {
  return (
    <div class="grid">
      <h2>{fill(props.title)}</h2>
      <ul>
        {props.products.map((p) => {
          const href = safeHref(p.href);
          return (
            <li id={cardId(p.sku)} data-sku={p.sku} class={`cat-${p.category ?? 'other'}`}>
              <div class="swatch">
                <ProductPicture product={p} />
              </div>
              {p.badge && <span class="badge">{fill(p.badge)}</span>}
              {href ? <a href={href}>{fill(p.name)}</a> : <span>{fill(p.name)}</span>}
              <span class="price">{formatPrice(p.price, p.currency)}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
