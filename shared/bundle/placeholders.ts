/**
 * `{{traits.firstName|friend}}` placeholders in marketer text: the one pattern the renderer fills
 * (worker/render/text.ts) and the CLI checks (cli/lib/content.ts). Pure.
 */
import type { Issue } from './issues.ts';

/** `{{traits.<key>}}` or `{{traits.<key>|<fallback>}}`; group 1 is the key, group 2 the fallback. */
export const PLACEHOLDER = /\{\{\s*traits\.([A-Za-z0-9_]{1,64})\s*(?:\|([^{}]{0,80}))?\}\}/g;

export interface Placeholders {
  /** Each well-formed placeholder's trait key and fallback, in order. */
  traits: { key: string; fallback: string | undefined; text: string }[];
  /** Text that looks like a placeholder but is not one (it would reach the page as written). */
  malformed: string[];
}

export function placeholdersIn(text: string): Placeholders {
  const found: Placeholders = { traits: [], malformed: [] };
  if (!text.includes('{{') && !text.includes('}}')) return found;
  for (const m of text.matchAll(PLACEHOLDER))
    found.traits.push({ key: m[1]!, fallback: m[2]?.trim(), text: m[0] });
  // What is left once the good ones are gone must hold no braces at all.
  for (const m of text.replace(PLACEHOLDER, ' ').matchAll(/\{\{[^{}]{0,80}\}?\}?|\}\}/g))
    found.malformed.push(m[0]);
  return found;
}

/** Props that are never filled (links, ids, codes): placeholders there are not checked. */
const NOT_TEXT = new Set(['href', 'sku', 'currency', 'category', 'tone']);

function eachText(
  value: unknown,
  path: (string | number)[],
  visit: (text: string, path: (string | number)[]) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => eachText(v, [...path, i], visit));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      if (!NOT_TEXT.has(k)) eachText(v, [...path, k], visit);
}

const list = (keys: Iterable<string>, max = 8) => {
  const all = [...keys].sort();
  return all.length > max ? `${all.slice(0, max).join(', ')}, …` : all.join(', ') || 'none';
};

/**
 * Checks every placeholder in the slots' variant text.
 * - errors: text that looks like a placeholder but is not one (`{{trait.firstName}}`,
 *   `{{traits.first name}}`, an unclosed `{{`): visitors would see it as written.
 * - warnings: a placeholder naming a trait no sample profile has (`{{traits.fristName}}`). Only a
 *   warning: traits come from the CRM, which may send ones the samples lack, and the fallback
 *   renders in the meantime — but a misspelt key would show the fallback to everyone, forever.
 * `knownTraits`: the trait keys of the sample profiles (the profile schema's traits are free-form).
 */
export function checkPlaceholders(
  body: { slots: readonly { variants: readonly { props: unknown }[] }[] },
  knownTraits: ReadonlySet<string>,
): { errors: Issue[]; warnings: Issue[] } {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  body.slots.forEach((slot, s) =>
    slot.variants.forEach((variant, v) =>
      eachText(variant.props, ['slots', s, 'variants', v, 'props'], (text, path) => {
        const { traits, malformed } = placeholdersIn(text);
        for (const bad of malformed)
          errors.push({
            path,
            message:
              'looks like a placeholder but is not one, so visitors would see it as written: write {{traits.<name>}} or {{traits.<name>|fallback}}, e.g. {{traits.firstName|friend}}',
            found: JSON.stringify(bad),
          });
        for (const t of traits)
          if (!knownTraits.has(t.key))
            warnings.push({
              path,
              message:
                `${t.text} names a trait no sample profile has (known: ${list(knownTraits)}); ` +
                `visitors see ${t.fallback ? `"${t.fallback}"` : 'nothing'} there unless the CRM sends "${t.key}". ` +
                'Check the spelling, or add the trait to a sample profile in profiles/',
            });
      }),
    ),
  );
  return { errors, warnings };
}
