import type { AnnouncementBarProps } from '../../../shared/schema/components.ts';
import type { Fill } from '../text.ts';
import { SafeLink } from './link.tsx';

export function AnnouncementBar({ props, fill }: { props: AnnouncementBarProps; fill: Fill }) {
  return (
    <div class={`announce tone-${props.tone}`}>
      <p>
        {fill(props.text)} <SafeLink link={props.link} fill={fill} />
      </p>
      {props.nav.length > 0 && (
        <nav>
          {props.nav.map((link) => (
            <SafeLink link={link} fill={fill} />
          ))}
        </nav>
      )}
    </div>
  );
}
