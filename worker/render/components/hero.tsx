import type { HeroProps } from '../../../shared/schema/components.ts';
import type { Fill } from '../text.ts';
import { SafeLink } from './link.tsx';

export function Hero({ props, fill }: { props: HeroProps; fill: Fill }) {
  return (
    <div class={`hero tone-${props.tone}`}>
      {props.eyebrow && <p class="eyebrow">{fill(props.eyebrow)}</p>}
      <h1>{fill(props.headline)}</h1>
      {props.subhead && <p class="subhead">{fill(props.subhead)}</p>}
      <SafeLink link={props.cta} fill={fill} class="button" />
    </div>
  );
}
