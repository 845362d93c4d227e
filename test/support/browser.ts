/**
 * The one way browser tests get a Chromium, on any machine `npm ci` ran on:
 *
 * 1. `CHROMIUM_PATH`, when set (it must name an executable: a typo fails loudly, not silently
 *    falls back);
 * 2. a system Chromium or Chrome at a usual path (`/usr/bin/chromium`, …);
 * 3. otherwise the Chromium that ships inside the `@sparticuz/chromium` npm package (brotli
 *    compressed), unpacked once per package version into `node_modules/.cache/` — written to a
 *    temporary name and renamed, so test runs starting together never launch a half-written file.
 *
 * Never a browser downloaded at run time (`npx playwright install`): this machine and CI reach
 * only the npm registry. The browser is driven by playwright-core.
 */
import { accessSync, constants, createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
];

/**
 * For a root, sandboxless, headless run on a machine whose network is closed: without the
 * background-networking flags Chromium keeps trying to reach Google's services at every start.
 * playwright-core gives every launch a fresh, empty user-data-dir of its own.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The Chromium inside @sparticuz/chromium, unpacked on first use (≈ 3 s, 190 MB). */
async function packagedChromium(): Promise<string> {
  const require = createRequire(import.meta.url);
  // The package's main file lives in build/cjs/; its compressed binaries in bin/.
  const pkgDir = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..');
  const { version } = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = path.join(ROOT, 'node_modules', '.cache', 'tessera-chromium', version);
  const binary = path.join(dir, 'chromium');
  if (isExecutable(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await pipeline(
      createReadStream(path.join(pkgDir, 'bin', 'chromium.br')),
      createBrotliDecompress({ chunkSize: 2 ** 21 }),
      createWriteStream(partial, { mode: 0o755 }),
    );
    await rename(partial, binary);
  } finally {
    await rm(partial, { force: true });
  }
  return binary;
}

/** Where the Chromium for this run is (see the module comment for the order). */
export async function chromiumPath(): Promise<string> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!isExecutable(chosen))
      throw new Error(
        `CHROMIUM_PATH=${chosen} is not an executable file. Unset it to use the Chromium ` +
          'that npm ci installs (@sparticuz/chromium), or point it at a Chrome/Chromium binary.',
      );
    return chosen;
  }
  const system = SYSTEM_PATHS.find((p) => existsSync(p) && isExecutable(p));
  return system ?? packagedChromium();
}

/** A headless Chromium for one test file; close it in `afterAll`. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_ARGS });
}
