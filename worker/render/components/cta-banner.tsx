import type { CtaBannerProps } from '../../../shared/schema/components.ts';
import type { Fill } from '../text.ts';
import { SafeLink } from './link.tsx';

export function CtaBanner({ props, fill }: { props: CtaBannerProps; fill: Fill }) {
  return (
    <div class={`cta tone-${props.tone}`}>
      <h2>{fill(props.headline)}</h2>
      {props.body && <p>{fill(props.body)}</p>}
      <SafeLink link={props.button} fill={fill} class="button" />
    </div>
  );
}
