/**
 * Consent levels and the opt-in jurisdictions, as values (no zod here: the visitor worker uses
 * them at runtime). The schemas are in consent.ts.
 */
/** Ordered from least to most: `min` of two levels is the stricter one. */
export const CONSENT_LEVELS = ['none', 'contextual', 'personal'] as const;
/** Opt-in jurisdictions (GDPR and its relatives): the EU, the rest of the EEA, the UK and Switzerland. */
// prettier-ignore
export const OPT_IN_COUNTRIES = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT',
  'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', // EU
  'IS', 'LI', 'NO', // EEA
  'GB', 'CH',
] as const;
