/**
 * Marketer text may greet the visitor: `Welcome back, {{traits.firstName|friend}}`. The value
 * comes from the profile (untrusted) and is returned as plain text; JSX escapes it on output.
 */
import { PLACEHOLDER } from '../../shared/bundle/placeholders.ts';
import type { Profile } from '../../shared/schema/profile.ts';

const MAX_TRAIT_CHARS = 80;

export type Fill = (text: string) => string;

export function fillFor(profile: Profile | undefined): Fill {
  return (text) => {
    if (!text.includes('{{')) return text;
    return text.replace(PLACEHOLDER, (_all, key: string, fallback: string | undefined) => {
      const value = profile && Object.hasOwn(profile.traits, key) ? profile.traits[key] : undefined;
      if (typeof value === 'string' && value.trim()) return value.trim().slice(0, MAX_TRAIT_CHARS);
      if (typeof value === 'number') return String(value);
      return (fallback ?? '').trim();
    });
  };
}
