/**
 * The local development keyrings (from .dev.vars, else .dev.vars.example), for tokens the CLI
 * mints itself: visitor cookies, admin tokens and preview links against `--target local`.
 */
import { ConfigError, loadConfig, type Config } from '../../shared/config.ts';
import { keyringFor, type Keyring } from '../../shared/auth/keyring.ts';
import { devVars } from './dev-vars.ts';
import { CliError } from './errors.ts';

/** The dev keys as the worker will check them at start-up; a CliError that says what to do. */
export function devConfig(): Config {
  try {
    return loadConfig(devVars());
  } catch (error) {
    if (error instanceof ConfigError)
      throw new CliError(
        `${error.message}\nIf .dev.vars was written from an older .dev.vars.example, delete it: ` +
          '`npm run dev` writes a fresh one.',
      );
    throw error;
  }
}

export const visitorKeyring = (): Promise<Keyring> => keyringFor(devConfig().visitorKeys);
export const adminKeyring = (): Promise<Keyring> => keyringFor(devConfig().adminKeys);
