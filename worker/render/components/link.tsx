import { safeHref } from '../safe-url.ts';
import type { Fill } from '../text.ts';

/** A link whose URL passed the safety check; otherwise nothing at all. */
export function SafeLink(props: {
  link: { label: string; href: string } | undefined;
  fill: Fill;
  class?: string;
}) {
  const href = safeHref(props.link?.href);
  if (!props.link || !href) return null;
  return (
    <a class={props.class} href={href}>
      {props.fill(props.link.label)}
    </a>
  );
}
