/**
 * The visitor worker as a deploy builds it (`wrangler deploy --dry-run`) checks its configuration
 * while its module evaluates, in workerd itself: a bad VISITOR_KEYS stops the worker before it
 * serves anything, with the message that says how to fix it — however much else is deferred to
 * first use for a faster cold start (docs/performance.md, cold start).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEYS, TEST_VISITOR_KEYS } from '../support/keys.ts';
import { ROOT, tempDir } from './run.ts';

const WORKERD = path.join(
  ROOT,
  'node_modules',
  '@cloudflare',
  'workerd-linux-64',
  'bin',
  'workerd',
);
let dir = '';

beforeAll(() => {
  dir = tempDir('startup');
  const built = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'wrangler'),
    ['deploy', '--dry-run', '--outdir', dir],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } },
  );
  expect(built.status, built.stderr).toBe(0);
}, 120_000);

/** Starts the built script in workerd with these vars; `workerd test` exits once it is up. */
function start(vars: Record<string, string>): string {
  const bindings = Object.entries(vars)
    .map(([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`)
    .join(', ');
  const config = path.join(dir, 'start.capnp');
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .w)]);
const w :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed "index.js")],
  compatibilityDate = "2026-04-20",
  bindings = [${bindings}],
);
`,
  );
  const run = spawnSync(WORKERD, ['test', config], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return run.stderr;
}

describe('the built visitor worker at start-up in workerd', () => {
  it('starts with good keys (and, having no test handler, says so)', () => {
    const out = start({ VISITOR_KEYS: TEST_VISITOR_KEYS, ADMIN_KEYS: TEST_ADMIN_KEYS });
    expect(out).toMatch(/No tests found/);
    expect(out).not.toMatch(/ConfigError/);
  });

  it('refuses to start with a bad VISITOR_KEYS, saying how to fix it', () => {
    const out = start({ VISITOR_KEYS: 'secret', ADMIN_KEYS: TEST_ADMIN_KEYS });
    expect(out).toMatch(/Uncaught Error: ConfigError: VISITOR_KEYS is not valid JSON/);
    expect(out).toMatch(/openssl rand -base64 48/);
    expect(out).not.toMatch(/No tests found/);
  });

  it('refuses to start without ADMIN_KEYS', () => {
    const out = start({ VISITOR_KEYS: TEST_VISITOR_KEYS });
    expect(out).toMatch(/ConfigError: ADMIN_KEYS is not set/);
  });
});
