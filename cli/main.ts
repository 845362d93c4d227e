/**
 * The `tessera` command line: marketers' and developers' tool for content, profiles and tokens.
 * Every failure prints one clear message (no stack trace) and exits non-zero.
 */
import { parseArgs } from 'node:util';
import { dev } from './commands/dev.ts';
import { profileImport, profilePut } from './commands/profile.ts';
import { seed } from './commands/seed.ts';
import { visitorToken } from './commands/token.ts';
import { CliError } from './lib/errors.ts';

const HELP = `tessera — edge personalization, from the command line

  tessera dev [--port 8787]                        seed local KV and serve the demo site
  tessera seed                                     publish content-variants/ + sample profiles to local KV
  tessera token visitor <id> [--cid <customerId>]  a visitor cookie value for the local dev keys
  tessera profile put <id> <file.json> --local     write one profile to local KV
  tessera profile import <file.ndjson> --local     write many profiles (all valid, or none)
`;

const log = (line: string) => console.log(line);

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      cid: { type: 'string' },
      local: { type: 'boolean', default: false },
      port: { type: 'string', default: '8787' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    log(HELP);
    return command || values.help ? 0 : 1;
  }
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'dev':
      return dev(values.port, log);
    case 'seed':
      await seed(log);
      return 0;
    case 'token visitor':
      log(await visitorToken(rest[0], values.cid));
      return 0;
    case 'profile put':
      await profilePut(rest[0], rest[1], values.local, log);
      return 0;
    case 'profile import':
      await profileImport(rest[0], values.local, log);
      return 0;
    default:
      throw new CliError(`unknown command "${positionals.join(' ')}"\n\n${HELP}`);
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof CliError) {
    console.error(`tessera: ${error.message}`);
    process.exitCode = error.exitCode;
  } else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`tessera: ${error.message}\n\n${HELP}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
