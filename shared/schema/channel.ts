/**
 * Where a decision is shown: `web` (Tessera's own and origin pages, the browser tracker), or
 * what a decision API caller names — `app`, `email`, `server`, or a custom channel such as
 * `call-centre` or `kiosk`. Recorded with every decision, exposure and event, so reports can
 * be split by channel, and readable by rules as `context.channel`.
 */
import * as z from './zod.ts';

export { BUILT_IN_CHANNELS, WEB } from './channels.ts';

export const Channel = z
  .string()
  .check(
    z.regex(
      /^[a-z][a-z0-9-]{0,31}$/,
      'web, app, email, server, or a custom channel of lowercase letters, digits and dashes (at most 32, starting with a letter), e.g. "call-centre"',
    ),
  );
export type Channel = z.infer<typeof Channel>;
