/**
 * Test-only visitor keys. Two keys so rotation is exercised: the first signs, both verify.
 */
export const NEW_KID = 'test-2026-11';
export const OLD_KID = 'test-2026-05';
export const NEW_SECRET = 'test-only-new-visitor-key-0123456789abcdef';
export const OLD_SECRET = 'test-only-old-visitor-key-0123456789abcdef';
export const TEST_VISITOR_KEYS = JSON.stringify({ [NEW_KID]: NEW_SECRET, [OLD_KID]: OLD_SECRET });
export const ADMIN_KID = 'test-admin';
export const ADMIN_SECRET = 'test-only-admin-key-0123456789abcdefghij';
export const TEST_ADMIN_KEYS = JSON.stringify({ [ADMIN_KID]: ADMIN_SECRET });
