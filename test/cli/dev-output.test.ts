/**
 * What `tessera dev` prints (one ready line, no offline stack trace) and which port the commands
 * that target the local site use. The offline lines are wrangler 4.86's, captured on a machine
 * without internet (`unshare -n`).
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OFFLINE_NOTE, offlineFilter, readyLine } from '../../cli/lib/dev-output.ts';
import { devPort, localPort, rememberDevPort } from '../../cli/lib/dev-port.ts';

const OFFLINE = [
  '[wrangler:warn] Unable to fetch the `Request.cf` object! Falling back to a default placeholder...',
  'Error: getaddrinfo EAI_AGAIN workers.cloudflare.com',
  '    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26)',
  '    at GetAddrInfoReqWrap.callbackTrampoline (node:internal/async_hooks:130:17)',
];

const run = (lines: string[]) => {
  const filter = offlineFilter();
  return lines.map((l) => filter.next(l)).filter((l) => l !== undefined);
};

describe('tessera dev output', () => {
  it('says "offline" once instead of wrangler’s warning and stack trace, for each worker', () => {
    expect(run([...OFFLINE, 'next line', ...OFFLINE])).toEqual([OFFLINE_NOTE, 'next line']);
  });

  it('passes every other line through, a real error’s stack included', () => {
    const crash = [
      '✘ [ERROR] boom',
      'TypeError: x is not a function',
      '    at handler (worker/index.ts:3:1)',
    ];
    expect(run(crash)).toEqual(crash);
  });

  it('prints one ready line with the URL, then the next commands on the port in use', () => {
    const [ready, next, ...more] = readyLine('9000', '8788').split('\n');
    expect(ready).toMatch(/^ready: http:\/\/127\.0\.0\.1:9000 /);
    expect(next).toContain('npx tessera preview --page / --target local --port 9000');
    expect(next).toContain('npx tessera decide --as v-runner --port 9000');
    expect(more).toEqual([]);
    expect(readyLine('8787', '8788')).not.toContain('--port');
  });
});

describe('the local port', () => {
  it('is --port, else TESSERA_PORT, else 8787 for tessera dev', () => {
    expect(devPort('9000', {})).toBe('9000');
    expect(devPort(undefined, { TESSERA_PORT: '9100' })).toBe('9100');
    expect(devPort(undefined, {})).toBe('8787');
    expect(() => devPort('http://x', {})).toThrow('--port must be a port number');
  });

  it('follows the running tessera dev for the other commands, and forgets it when dev stops', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tessera-port-')), 'nested', 'port');
    expect(localPort(undefined, {}, file)).toBe('8787');
    const forget = rememberDevPort('9200', file);
    expect(readFileSync(file, 'utf8')).toBe('9200\n');
    expect(localPort(undefined, {}, file)).toBe('9200');
    expect(localPort('9300', {}, file)).toBe('9300');
    expect(localPort(undefined, { TESSERA_PORT: '9400' }, file)).toBe('9400');
    forget();
    expect(existsSync(file)).toBe(false);
    expect(localPort(undefined, {}, file)).toBe('8787');
  });
});
