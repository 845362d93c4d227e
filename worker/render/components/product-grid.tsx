import type { ProductGridProps } from '../../../shared/schema/components.ts';
import { formatPrice } from '../price.ts';
import { safeHref } from '../safe-url.ts';
import type { Fill } from '../text.ts';

export function ProductGrid({ props, fill }: { props: ProductGridProps; fill: Fill }) {
  return (
    <div class="grid">
      <h2>{fill(props.title)}</h2>
      <ul>
        {props.products.map((p) => {
          const href = safeHref(p.href);
          return (
            <li data-sku={p.sku}>
              <div class="swatch" aria-hidden="true"></div>
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
