/**
 * The local development keyrings (from .dev.vars, else .dev.vars.example), for tokens the CLI
 * mints itself: visitor cookies, admin tokens and preview links against `--target local`.
 */
import { ConfigError, loadConfig, type Config } from '../../shared/config.ts';
import { keyringFor, type Keyring } from '../../shared/auth/keyring.ts';
import { devVars } from './dev-vars.ts';
import { CliError } from './errors.ts';

function devConfig(): Config {
  try {
    return loadConfig(devVars());
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

export const visitorKeyring = (): Promise<Keyring> => keyringFor(devConfig().visitorKeys);
export const adminKeyring = (): Promise<Keyring> => keyringFor(devConfig().adminKeys);
