/**
 * The control plane answers every error as the one JSON body (docs/errors.md): an unknown
 * route, a body of the wrong type, and a store that fails unexpectedly — a JSON 500 with an id
 * the log line carries, never a stack.
 */
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ErrorBody } from '../../shared/schema/api-error.ts';
import { adminInit } from '../support/admin.ts';
import { downD1 } from '../support/faults.ts';
import { SITE } from '../support/site.ts';

afterEach(() => vi.restoreAllMocks());

describe('control-plane errors', () => {
  it('answers a D1 failure nobody expected with a JSON 500 and a logged error id', async () => {
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
    const res = await SITE.fetch('https://shop.test/admin/history', await adminInit('GET'), {
      DB: downD1(env.DB),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: 'internal_error', id: expect.any(String) });
    expect(JSON.stringify(error)).not.toContain('D1_ERROR');
    expect(logged.some((l) => l.includes(error.id!) && l.includes('D1_ERROR'))).toBe(true);
  });

  it('answers an unknown admin path and a wrong media type in the same body', async () => {
    const missing = await SITE.fetch('https://shop.test/admin/nothing', await adminInit('GET'));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('not_found');
    const init = await adminInit('PUT');
    const wrongType = await SITE.fetch('https://shop.test/admin/live', {
      ...init,
      headers: { ...(init.headers as Record<string, string>), 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as ErrorBody).error.code).toBe('unsupported_media_type');
  });
});
