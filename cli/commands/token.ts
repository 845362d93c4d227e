/**
 * `tessera token visitor <id> [--cid <customerId>]`: a valid visitor cookie value for the local
 * dev keys (.dev.vars), so developers and the README's curl examples can act as any visitor.
 */
import { loadConfig, ConfigError } from '../../worker/config.ts';
import { keyringFor } from '../../worker/identity/keyring.ts';
import { VisitorIdPattern, signVisitorToken } from '../../worker/identity/visitor-token.ts';
import { devVars } from '../lib/dev-vars.ts';
import { CliError } from '../lib/errors.ts';

export const USAGE = 'tessera token visitor <visitorId> [--cid <customerId>]';

export async function visitorToken(id: string | undefined, cid: string | undefined, now = Date.now()): Promise<string> {
  if (!id) throw new CliError(`missing visitor id. Usage: ${USAGE}`);
  for (const [what, value] of [['visitor id', id], ['customer id', cid]] as const) {
    if (value !== undefined && !VisitorIdPattern.test(value)) {
      throw new CliError(`${what} "${value}" must be 1–64 letters, digits, "_" or "-"`);
    }
  }
  let config;
  try {
    config = loadConfig(devVars());
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const ring = await keyringFor(config.visitorKeys);
  return signVisitorToken(ring, { sub: id, ...(cid ? { cid } : {}) }, Math.floor(now / 1000));
}
