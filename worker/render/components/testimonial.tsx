import type { TestimonialProps } from '../../../shared/schema/components.ts';
import type { Fill } from '../text.ts';

export function Testimonial({ props, fill }: { props: TestimonialProps; fill: Fill }) {
  return (
    <figure class="testimonial">
      {props.rating !== undefined && (
        // role="img": a paragraph's role may not be named, and the stars alone read as symbols.
        <p class="rating" role="img" aria-label={`${props.rating} out of 5`}>
          {'★'.repeat(props.rating) + '☆'.repeat(5 - props.rating)}
        </p>
      )}
      <blockquote>{fill(props.quote)}</blockquote>
      <figcaption>
        {fill(props.author)}
        {props.role && <span>, {fill(props.role)}</span>}
      </figcaption>
    </figure>
  );
}
