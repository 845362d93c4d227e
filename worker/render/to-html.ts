/** Renders a hono JSX tree to a string synchronously (our components are all synchronous). */
import type { JSX } from 'hono/jsx/jsx-runtime';
export function toHtml(el: JSX.Element): string {
  // hono types a JSX node as an escaped string; at run time it is a node whose toString renders.
  const out: unknown = (el as object).toString();
  if (typeof out !== 'string') throw new Error('component rendered asynchronously');
  return out;
}
