/**
 * Which local port the site answers on, for every command that targets it (`dev`, `preview`,
 * `decide`): `--port`, else `TESSERA_PORT`, else the port the running `tessera dev` session
 * recorded, else 8787. So `npm run dev -- --port 9000` and then `npx tessera preview --target
 * local` prints a link on :9000 without repeating the flag.
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './errors.ts';
import { LOCAL_STATE } from './paths.ts';

export const DEFAULT_PORT = '8787';

/** Where a running `tessera dev` notes its port (beside the local state it serves). */
export const DEV_PORT_FILE = path.join(LOCAL_STATE, '..', 'tessera-dev-port');

function checked(port: string, from: string): string {
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    throw new CliError(`${from} must be a port number (1–65535), got "${port}"`);
  return port;
}

/** The port `tessera dev` listens on: `--port`, else `TESSERA_PORT`, else 8787. */
export function devPort(flag: string | undefined, env = process.env): string {
  if (flag !== undefined) return checked(flag, '--port');
  if (env.TESSERA_PORT) return checked(env.TESSERA_PORT, 'TESSERA_PORT');
  return DEFAULT_PORT;
}

/** The port of the local site for other commands: as `devPort`, but a running session's wins over 8787. */
export function localPort(
  flag: string | undefined,
  env = process.env,
  file = DEV_PORT_FILE,
): string {
  if (flag !== undefined || env.TESSERA_PORT) return devPort(flag, env);
  try {
    return checked(readFileSync(file, 'utf8').trim(), file);
  } catch {
    return DEFAULT_PORT;
  }
}

/** Noted while `tessera dev` runs; forgotten when it stops. */
export function rememberDevPort(port: string, file = DEV_PORT_FILE): () => void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${port}\n`);
  return () => rmSync(file, { force: true });
}
