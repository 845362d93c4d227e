/**
 * `tessera console [--port 8787] [--sub <you>] [--scope "read preview publish"] [--print]`: signs
 * you in to the local console. Mints a single-use sign-in link (10 minutes, signed with the dev
 * admin keys) and prints `http://127.0.0.1:<port>/console#link=…` — the token rides in the URL
 * fragment, which the browser never sends to a server — then opens it in your browser when it can
 * (not with --print, in CI, or without a desktop). The console exchanges the link once for a
 * bearer token it keeps in sessionStorage; never a cookie.
 *
 * A deployed console signs people in through Cloudflare Access (docs/console.md), so this
 * command is for the local dev server (`npm run dev`).
 */
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { Scope } from '../../shared/auth/claims.ts';
import { CONSOLE_LINK_TTL_SECONDS, signConsoleLink } from '../../shared/auth/console-link.ts';
import { adminKeyring } from '../lib/dev-keys.ts';
import { CliError } from '../lib/errors.ts';

export const CONSOLE_USAGE =
  'tessera console [--port 8787] [--sub <you@example.com>] [--scope "read preview publish"] [--print]';

const DEFAULT_SCOPES: Scope[] = ['read', 'preview', 'publish'];

export interface ConsoleOptions {
  port: string;
  sub?: string;
  scope?: string;
  print: boolean;
  now?: () => number;
}

function scopesOf(text: string | undefined): Scope[] {
  if (!text) return DEFAULT_SCOPES;
  const words = text.split(/[\s,]+/).filter(Boolean);
  const bad = words.filter((w) => !Scope.safeParse(w).success);
  if (bad.length)
    throw new CliError(
      `unknown scope ${bad.map((b) => `"${b}"`).join(', ')}: use read, preview, publish (and privacy, decide)\n  ${CONSOLE_USAGE}`,
    );
  return words.map((w) => Scope.parse(w));
}

/** Opens `url` with the desktop's opener; false when there is none (or it failed to start). */
function openInBrowser(url: string): boolean {
  if (
    process.env.CI ||
    (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
  )
    return false;
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

export async function consoleLink(o: ConsoleOptions): Promise<{ url: string; sub: string }> {
  if (!/^\d{1,5}$/.test(o.port))
    throw new CliError(`--port must be a port number\n  ${CONSOLE_USAGE}`);
  const sub = o.sub ?? `${userInfo().username}@localhost`;
  const nowSeconds = Math.floor((o.now ?? Date.now)() / 1000);
  const link = await signConsoleLink(await adminKeyring(), {
    sub,
    scopes: scopesOf(o.scope),
    jti: crypto.randomUUID().replaceAll('-', ''),
    nowSeconds,
  });
  return { url: `http://127.0.0.1:${o.port}/console#link=${link}`, sub };
}

export async function consoleCommand(o: ConsoleOptions, log: (l: string) => void): Promise<void> {
  const { url, sub } = await consoleLink(o);
  log(url);
  log(
    `  signs in ${sub} once, within ${CONSOLE_LINK_TTL_SECONDS / 60} minutes (is \`npm run dev\` running?)`,
  );
  if (!o.print && openInBrowser(url)) log('  opened it in your browser');
}
