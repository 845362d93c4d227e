/**
 * The slot contract in origin HTML: an element carrying `data-tessera-slot="<slot id>"`.
 *
 *   <div class="promo" data-tessera-slot="journal-hero">…the origin's own markup…</div>
 *
 * Tessera replaces the element's content with the slot's variant and adds
 * `data-tessera-variant` / `data-tessera-level`; the element itself (its tag, classes, size) is
 * the origin's and stays. The origin's content is the fallback: whenever Tessera cannot decide
 * or render the slot, it is left byte for byte as sent.
 *
 * Why an attribute and not a `<tessera-slot>` element: it works in every HTML context (inside
 * `<ul>`, `<table>`, `<picture>`, where the parser would move an unknown element out), needs no
 * CSS (a custom element is `display: inline` until styled), keeps the origin's own wrapper and
 * its layout, and is the same attribute Tessera's own pages and the tracker's click attribution
 * already use. Never `esi:` tags.
 *
 * Refused, keeping the origin's markup (each with a reason in the trace and the log):
 *   slot.unknown   the id is not one of the page's slots
 *   slot.nested    inside another slot (the outer one wins; its content is replaced anyway)
 *   slot.inert     inside `<template>` (cloned by scripts later, never shown as such); slots
 *                  inside `<noscript>` are raw text to the parser and are never seen at all
 *   slot.void      on an element that cannot have content (`<img>`, `<input>`, …)
 *   slot.render_error / slot.variant_missing   the chosen variant could not be rendered
 *   kept           Tessera could not decide (no bundle, no such page slot decided)
 */
export const SLOT_ATTR = 'data-tessera-slot';

export type SlotOutcome =
  | 'filled'
  | 'kept'
  | 'slot.unknown'
  | 'slot.nested'
  | 'slot.inert'
  | 'slot.void'
  | 'slot.variant_missing'
  | 'slot.render_error';

export interface SlotFill {
  /** Trusted HTML for the element's content. */
  html: string;
  variant: string;
  level: string;
}

/**
 * The inner HTML of a section rendered by render/slot.tsx (`<section …>inner</section>`):
 * origin pages keep their own element and take only the content. Attribute values in the
 * opening tag are escaped, so its first `>` ends it.
 */
export function sectionInner(section: string): string {
  const open = section.indexOf('>');
  return section.endsWith('</section>') && open >= 0
    ? section.slice(open + 1, -'</section>'.length)
    : section;
}

/**
 * Characters outside ASCII as numeric references: correct in a document of any ASCII-compatible
 * encoding (windows-1252, Shift_JIS, …), where raw UTF-8 bytes would show as mojibake. Used when
 * the origin's Content-Type does not say the document is UTF-8.
 */
export const asciiHtml = (html: string) =>
  html.replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`);
