/**
 * The Cloudflare Access team as an auxiliary worker of the `control` vitest project (see
 * worker.js). Imported by vitest.config.ts, which runs from the repository root.
 */
import { ACCESS_TEAM_WORKER } from './keys.ts';

export { ACCESS_TEAM_WORKER };

export const accessTeamWorker = {
  name: ACCESS_TEAM_WORKER,
  modules: true,
  scriptPath: 'test/support/access/worker.js',
  compatibilityDate: '2026-04-20',
};
