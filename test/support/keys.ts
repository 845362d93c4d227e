/**
 * Test-only visitor keys. Two keys so rotation is exercised: the first signs, both verify.
 */
export const NEW_KID = 'test-2026-11';
export const OLD_KID = 'test-2026-05';
export const NEW_SECRET = 'bGWeNm99JHhVGD2aPwH86RjewS2ITbKmadUzBkkBIMJ6uxxF';
export const OLD_SECRET = '5mvHPrBM1tYssUib2KUvSKG89Hlz/s1Z/ArzExFYCZdiB2hL';
export const TEST_VISITOR_KEYS = JSON.stringify({ [NEW_KID]: NEW_SECRET, [OLD_KID]: OLD_SECRET });
export const ADMIN_KID = 'test-admin';
export const ADMIN_SECRET = 'VeQ+zZwXwWm4DPZDYDkPzSgNl7JslTebTJV+hSZGu82ezZFO';
export const TEST_ADMIN_KEYS = JSON.stringify({ [ADMIN_KID]: ADMIN_SECRET });
