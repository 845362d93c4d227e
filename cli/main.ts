/**
 * The `tessera` command line: marketers' and developers' tool for content, profiles and tokens.
 * Every failure prints one clear message (no stack trace) and exits non-zero.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { consoleCommand } from './commands/console.ts';
import { decide, DECIDE_USAGE } from './commands/decide.ts';
import { dev } from './commands/dev.ts';
import { diff } from './commands/diff.ts';
import { history, rollback } from './commands/history.ts';
import { preview } from './commands/preview.ts';
import { publish } from './commands/publish.ts';
import { pull } from './commands/pull.ts';
import { writeOpenApi } from './commands/openapi.ts';
import { writeSchemas } from './commands/schema.ts';
import { build, validate } from './commands/validate.ts';
import { profileImport, profilePut } from './commands/profile.ts';
import { report } from './commands/report.ts';
import { attribution, maturity, roi } from './commands/insights.ts';
import { seed } from './commands/seed.ts';
import { adminToken, visitorToken } from './commands/token.ts';
import { devPort, localPort } from './lib/dev-port.ts';
import { CliError } from './lib/errors.ts';
import { CONTENT_DIR } from './lib/paths.ts';

const HELP = `tessera — edge personalization, from the command line

  tessera dev [--port 8787]                        seed local KV and serve the demo site (prints "ready: <url>")
  tessera seed [--dir <folder>]                    publish content-variants/ + sample profiles to local KV
  tessera token visitor <id> [--cid <customerId>]  a visitor cookie value for the local dev keys
  tessera profile put <id> <file.json> --local     write one profile to local KV
  tessera profile import <file.ndjson> --local     write many profiles (all valid, or none)
  tessera token admin --scope <publish|read|preview|privacy|decide>  an admin bearer token for the local dev keys

Decisions for other channels (the decision API; README "Decisions for other channels"):
  tessera decide --as <visitorId> [--cid <customerId>] [--page <id>|<path>] [--slots a,b]
         [--channel web|app|email|server|<name>] [--consent personal|contextual|none]
         [--context '{"country":"DE"}'] [--dry-run] [--html] [--json] [--target local|<url>]
                                                   what this subject gets, variant by variant, and why
  tessera openapi [--out docs/openapi.json]        regenerate the API's OpenAPI 3.1 document

Experiments:
  tessera report <experiment|holdout> [--channel <channel>] [--target local|<url>] [--json]
                                                   exposures, conversions, lift with 95% CI, SRM, revenue
  tessera attribution [--days 30] [--target local|<url>] [--json]
                                                   which level, rule, variant, arm preceded revenue (observational)
  tessera roi [--costs costs.json] [--target local|<url>] [--json]
                                                   ROI and payback month from the holdout's revenue and your costs
  tessera maturity [--days 30] [--target local|<url>] [--json]
                                                   stage 1-3 per dimension of the maturity matrix, and the next step

Publishing (content-variants/, or --dir <folder>):
  tessera validate                                 check every file; each problem names file, path, expected, found
  tessera build [--out bundle.json]                the content-addressed bundle; prints its version
  tessera schema                                   regenerate content-variants/schema/*.schema.json
  tessera diff [--against live|<version>] [--target local|<url>]   what a publish would change
  tessera publish --target local|<url> [--dry-run] validate, upload, then make it live
  tessera history --target local|<url> [--limit 20]              who published what, when
  tessera rollback [version] --target local|<url>  put the previous (or named) version back live
  tessera preview --page / [--segment <id>] [--as <persona>] [--live] --target local|<url>
                                                   a signed, short-lived link to see it in a browser
  tessera pull [live|<version>] [--draft <id>] --target local|<url> [--force]
                                                   write a version or a console draft into content-variants/

The console (docs/console.md):
  tessera console [--port 8787] [--sub <you>] [--scope "read preview publish"] [--print]
                                                   sign in to the local console (opens a single-use link)

--target local acts on the dev server's local state; --target https://… uses the admin API
with the token in TESSERA_ADMIN_TOKEN.
--port (or TESSERA_PORT) is where the local site answers: \`dev\` serves there, and \`preview\` and
\`decide\` link to it; without it they follow the running \`tessera dev\` (default 8787).
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
      port: { type: 'string' },
      dir: { type: 'string' },
      target: { type: 'string' },
      against: { type: 'string', default: 'live' },
      'dry-run': { type: 'boolean', default: false },
      out: { type: 'string' },
      limit: { type: 'string', default: '20' },
      page: { type: 'string', default: '/' },
      segment: { type: 'string' },
      as: { type: 'string' },
      live: { type: 'boolean', default: false },
      scope: { type: 'string' },
      slots: { type: 'string' },
      channel: { type: 'string' },
      consent: { type: 'string' },
      context: { type: 'string' },
      html: { type: 'boolean', default: false },
      sub: { type: 'string' },
      ttl: { type: 'string' },
      json: { type: 'boolean', default: false },
      days: { type: 'string' },
      costs: { type: 'string' },
      draft: { type: 'string' },
      force: { type: 'boolean', default: false },
      print: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    log(HELP);
    return command || values.help ? 0 : 1;
  }
  const dir = values.dir ? path.resolve(values.dir) : CONTENT_DIR;
  const targetOptions = { port: localPort(values.port) };
  const target = values.target;
  switch (command) {
    case 'validate':
      await validate(dir, log);
      return 0;
    case 'build':
      await build(dir, values.out, log);
      return 0;
    case 'schema':
      writeSchemas(dir, log);
      return 0;
    case 'diff':
      await diff(dir, values.against, target ?? 'local', targetOptions, log);
      return 0;
    case 'publish':
      await publish(dir, target ?? '', values['dry-run'], targetOptions, log);
      return 0;
    case 'history':
      await history(target ?? '', Number(values.limit) || 20, targetOptions, log);
      return 0;
    case 'rollback':
      await rollback(sub, target ?? '', targetOptions, log, dir);
      return 0;
    case 'preview':
      await preview(
        dir,
        target ?? '',
        { page: values.page, segment: values.segment, as: values.as, live: values.live },
        targetOptions,
        log,
      );
      return 0;
    case 'report':
      await report(
        sub,
        target ?? 'local',
        values.json,
        log,
        values.channel ? { channel: values.channel } : {},
      );
      return 0;
    case 'pull':
      await pull(
        dir,
        target ?? '',
        {
          ...(sub ? { what: sub } : {}),
          ...(values.draft ? { draft: values.draft } : {}),
          force: values.force,
        },
        targetOptions,
        log,
      );
      return 0;
    case 'console':
      if (sub) throw new CliError(`unexpected "${sub}": tessera console takes only options`);
      await consoleCommand(
        {
          port: targetOptions.port,
          print: values.print,
          ...(values.sub ? { sub: values.sub } : {}),
          ...(values.scope ? { scope: values.scope } : {}),
        },
        log,
      );
      return 0;
    case 'openapi':
      writeOpenApi(values.out, log);
      return 0;
    case 'attribution':
    case 'roi':
    case 'maturity': {
      if (sub) throw new CliError(`unexpected "${sub}": tessera ${command} takes options only`);
      const o = {
        target: target ?? 'local',
        json: values.json,
        ...(values.days !== undefined ? { days: values.days } : {}),
        ...(values.costs !== undefined ? { costs: values.costs } : {}),
      };
      await { attribution, roi, maturity }[command](o, log);
      return 0;
    }
    case 'decide':
      if (sub) throw new CliError(`unexpected "${sub}"\n  ${DECIDE_USAGE}`);
      await decide(
        {
          as: values.as,
          cid: values.cid,
          page: values.page,
          slots: values.slots,
          channel: values.channel,
          consent: values.consent,
          context: values.context,
          dryRun: values['dry-run'],
          html: values.html,
          json: values.json,
          target: target ?? 'local',
          port: targetOptions.port,
        },
        log,
      );
      return 0;
  }
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'dev':
      return dev(devPort(values.port), log);
    case 'seed':
      await seed(log, dir);
      return 0;
    case 'token admin':
      log(await adminToken(values.scope, values.sub, values.ttl));
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

/**
 * One command line, start to finish: the exit code it ends with. A mistake the user can fix
 * prints one `tessera: …` line on stderr (no stack trace); anything else is a bug and throws.
 * `cli/tessera.mjs` runs it for the binary; tests call it in-process (test/cli/run.ts).
 */
export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`tessera: ${error.message}`);
      return error.exitCode;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`tessera: ${error.message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
}
