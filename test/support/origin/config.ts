/**
 * The origin-mode tests' origin server as an auxiliary worker of the `worker` vitest project
 * (see worker.js). Imported by vitest.config.ts, which runs from the repository root.
 */
export const TEST_ORIGIN = 'tessera-test-origin';

export const testOriginWorker = {
  name: TEST_ORIGIN,
  modules: true,
  scriptPath: 'test/support/origin/worker.js',
  compatibilityDate: '2026-04-20',
};
