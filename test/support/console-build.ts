/**
 * Global setup of the projects that run the control plane (`control`, `browser`): builds the
 * marketer console (cli/lib/console-build.ts) so control/console/assets.gen.js exists and is
 * current before any worker is bundled. Takes well under a second.
 */
import { buildConsole } from '../../cli/lib/console-build.ts';

export default async function setup(): Promise<void> {
  await buildConsole();
}
