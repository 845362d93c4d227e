/**
 * The one error vocabulary (shared/http/): what every JSON app answers for an ApiError, for a
 * body that is too large, of the wrong type, not JSON or not valid, and for anything unexpected.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hono } from 'hono/tiny';
import { HTTPException } from 'hono/http-exception';
import { ApiError, ERROR_STATUS } from '../../shared/http/errors.ts';
import { jsonBody, readJson } from '../../shared/http/json-body.ts';
import { asJsonApi } from '../../shared/http/on-error.ts';
import type { ErrorBody } from '../../shared/schema/api-error.ts';
import * as z from '../../shared/schema/zod.ts';

const Order = z.strictObject({ sku: z.string(), qty: z.number().check(z.int(), z.gte(1)) });

function app() {
  const a = asJsonApi(new Hono());
  a.post('/orders', jsonBody({ maxBytes: 100 }), async (c) => c.json(await readJson(c, Order)));
  a.get('/conflict', () => {
    throw new ApiError('conflict', 'moved meanwhile', {
      details: { current: 'v2' },
      headers: { 'x-extra': '1' },
    });
  });
  a.get('/boom', () => {
    throw new Error('secret internals at /srv/app.ts:12');
  });
  a.get('/hono', () => {
    throw new HTTPException(415, { message: 'nope' });
  });
  return a;
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  app().request('/orders', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

afterEach(() => vi.restoreAllMocks());

describe('the one error body', () => {
  it('carries the code, the message and the details of an ApiError, never cached', async () => {
    const res = await app().request('/conflict');
    expect(res.status).toBe(ERROR_STATUS.conflict);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-extra')).toBe('1');
    expect(await res.json()).toEqual({
      error: { code: 'conflict', message: 'moved meanwhile', current: 'v2' },
    });
  });

  it('turns an unexpected error into a JSON 500 with an id that the log line carries, and no stack', async () => {
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
    const res = await app().request('/boom');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('application/json');
    const text = await res.text();
    expect(text).not.toContain('secret internals');
    expect(text).not.toContain('.ts:');
    const error = (JSON.parse(text) as ErrorBody).error;
    expect(error.code).toBe('internal_error');
    expect(error.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain(error.id!);
    const line = JSON.parse(logged.find((l) => l.includes(error.id!))!) as Record<string, string>;
    expect(line).toMatchObject({ event: 'tessera.error', id: error.id, path: '/boom' });
    expect(line.error).toContain('secret internals');
  });

  it('answers an unknown route with not_found, and maps hono’s own exceptions to a code', async () => {
    const missing = await app().request('/nowhere');
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ code: 'not_found' });
    const hono = await app().request('/hono');
    expect(hono.status).toBe(415);
    expect(await errorOf(hono)).toMatchObject({ code: 'unsupported_media_type' });
  });
});

describe('the one JSON body reader', () => {
  it('parses and checks a valid body', async () => {
    const res = await post(JSON.stringify({ sku: 'a', qty: 2 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sku: 'a', qty: 2 });
  });

  it('refuses another media type with 415 before reading', async () => {
    const res = await post('sku=a', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(await errorOf(res)).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('refuses a body over the limit with 413, whether declared or only found while reading', async () => {
    const declared = await post(JSON.stringify({ sku: 'x'.repeat(200), qty: 1 }));
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toMatchObject({ code: 'body_too_large', limit: 100 });
    const bytes = new TextEncoder().encode(JSON.stringify({ sku: 'x'.repeat(200), qty: 1 }));
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16) controller.enqueue(bytes.slice(i, i + 16));
        controller.close();
      },
    });
    const res = await app().request('/orders', {
      method: 'POST',
      body: streamed,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    expect(res.status).toBe(413);
  });

  it('says where JSON breaks: line and column', async () => {
    const res = await post('{\n  "sku": "a",\n  "qty": 2,\n}');
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/line 4/);
  });

  it('lists every schema problem as { path, message, found }', async () => {
    const res = await post(JSON.stringify({ sku: 7, qty: 0 }));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.issues).toEqual([
      { path: 'sku', message: expect.any(String), found: '7' },
      { path: 'qty', message: expect.any(String), found: '0' },
    ]);
    expect(error.message).toContain('sku:');
  });
});
