import { readFileSync } from 'node:fs';
import path from 'node:path';
import { jwtVerify, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseDevVars } from '../../cli/lib/dev-vars.ts';
import { ROOT, runCli } from './run.ts';

const devKeys = JSON.parse(
  parseDevVars(readFileSync(path.join(ROOT, '.dev.vars.example'), 'utf8')).VISITOR_KEYS!,
) as Record<string, string>;
const [kid, secret] = Object.entries(devKeys)[0]!;

describe('tessera token visitor', () => {
  it('prints a cookie value the worker accepts: HS256, dev kid, sub and cid', async () => {
    const r = await runCli(['token', 'visitor', 'v-runner', '--cid', 'c-1001']);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
    });
    expect(payload.sub).toBe('v-runner');
    expect(payload.cid).toBe('c-1001');
    expect(payload.exp! - payload.iat!).toBeGreaterThan(300 * 24 * 3600);
  });

  it('explains a missing id', async () => {
    const r = await runCli(['token', 'visitor']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing visitor id\. Usage: tessera token visitor/);
  });

  it('refuses an id that is not a visitor id', async () => {
    const r = await runCli(['token', 'visitor', 'bad id!']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('visitor id "bad id!" must be 1–64 letters, digits, "_" or "-"');
  });

  it('rejects unknown commands and flags with the help text', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const flag = await runCli(['token', 'visitor', 'v-1', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--bogus'/);
  });
});
