/**
 * What a browser would build from an HTML string, reduced to what matters for injection:
 * the element sequence and every attribute. Parsed by the runtime's own HTMLRewriter (lol-html).
 */
export interface Shape {
  tags: string[];
  attributes: { tag: string; name: string; value: string }[];
  scripts: { nonce: string | null }[];
}

export async function shapeOf(html: string): Promise<Shape> {
  const shape: Shape = { tags: [], attributes: [], scripts: [] };
  const rewriter = new HTMLRewriter().on('*', {
    element(el) {
      shape.tags.push(el.tagName);
      for (const [name, value] of el.attributes)
        shape.attributes.push({ tag: el.tagName, name, value });
      if (el.tagName === 'script') shape.scripts.push({ nonce: el.getAttribute('nonce') });
    },
  });
  await rewriter.transform(new Response(html)).text();
  return shape;
}

/**
 * A URL attribute value a browser would navigate to without running anything. `data:,` (an empty
 * text/plain document) is the layout's icon link, which keeps browsers from requesting
 * /favicon.ico; only that exact value, never another data: URL.
 */
export function isInertUrl(value: string): boolean {
  if (value === 'data:,') return true;
  return /^(\/(?![/\\])|#|https?:\/\/)/i.test(value) && !/[\s\u0000-\u001f]/.test(value);
}
