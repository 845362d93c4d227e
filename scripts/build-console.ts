/** `npm run build:console`: builds the marketer console into control/console/assets.gen.js. */
import { buildConsole } from '../cli/lib/console-build.ts';

const out = await buildConsole();
console.log(
  `console ${out.hash}: script ${(out.jsBytes / 1024).toFixed(1)} KiB, styles ${(out.cssBytes / 1024).toFixed(1)} KiB` +
    (out.written ? '' : ' (unchanged)'),
);
