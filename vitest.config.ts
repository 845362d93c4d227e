/**
 * Projects: `worker` runs the visitor-facing worker's tests inside workerd (its own
 * wrangler.toml: real miniflare KV, D1, queue producers; SELF is the visitor worker);
 * `control` runs the control plane's inside workerd (control/wrangler.toml: SELF is the control
 * plane, which consumes the queues — plus the visitor worker's producers, so a test can run the
 * visitor worker's handler and watch its decision records and events reach the consumers through
 * real queues); `cli` runs the marketer/developer CLI in Node; `sim` runs the fast subset of the
 * seeded simulations in Node; `browser` loads the demo site in Chromium. Both workerd projects
 * share test/support/.
 */
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { experimental_readRawConfig } from 'wrangler';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { TEST_ADMIN_KEYS, TEST_VISITOR_KEYS } from './test/support/keys.ts';
import { ACCESS_TEAM_WORKER, accessTeamWorker } from './test/support/access/config.ts';
import { TEST_ORIGIN, testOriginWorker } from './test/support/origin/config.ts';

const testBindings = async () => ({
  TEST_MIGRATIONS: await readD1Migrations('./migrations'),
  VISITOR_KEYS: TEST_VISITOR_KEYS,
  ADMIN_KEYS: TEST_ADMIN_KEYS,
  // Generous deadline so a busy CI machine never trips it; the deadline tests set their own.
  KV_DEADLINE_MS: '2000',
  POINTER_TTL_MS: '0',
  // Tests name their origin in the bundle (site.origin.url), not through wrangler.toml's dev value.
  ORIGIN_URL: '',
});

/**
 * The control plane's queue consumers as control/wrangler.toml declares them, but delivering at
 * once: the production batch timeout (2 s) would only make every test that waits for a consumer
 * wait 2 s more. Batching stays real (size, retries, dead-letter queue).
 */
function immediateQueueConsumers() {
  type Consumer = {
    queue: string;
    max_batch_size?: number;
    max_retries?: number;
    dead_letter_queue?: string;
  };
  const { rawConfig } = experimental_readRawConfig({ config: './control/wrangler.toml' });
  const consumers = (rawConfig.queues?.consumers ?? []) as Consumer[];
  return Object.fromEntries(
    consumers.map((c) => [
      c.queue,
      {
        maxBatchSize: c.max_batch_size,
        maxBatchTimeout: 0,
        maxRetries: c.max_retries,
        deadLetterQueue: c.dead_letter_queue,
      },
    ]),
  );
}

/**
 * The suite runs in two halves. First the CLI, one file at a time: its tests drive wrangler's
 * platform proxy, whose synchronous round trips into workerd failed an internal miniflare
 * assertion under load (docs/testing.md), and the type check and the browser tests' demo site
 * start beside it anyway. Then the simulations, the browser and the workerd projects, two files
 * at a time: one file alone left a core idle (a workerd test is one thread; a browser test waits
 * on wrangler dev and Chromium), and none of them uses the platform proxy
 * (test/support/local-d1.ts). A workerd project given two workers runs two workerd instances,
 * each with its own storage.
 */
const secondHalf = { sequence: { groupOrder: 1 }, maxWorkers: 2 };

/**
 * The workerd projects: one workerd per project, shared by its test files (`isolate: false`), each
 * file starting from empty storage (test/support/fresh-storage.ts). A workerd per file (vitest's
 * default) spent more time starting workerd and loading modules than running tests.
 */
const workerd = {
  isolate: false,
  setupFiles: ['./test/support/fresh-storage.ts'],
  // A test's speed is the benchmark's business (npm run bench), never asserted here: on a shared
  // 2-core machine a render-heavy test can take several times its idle time.
  testTimeout: 30_000,
  hookTimeout: 30_000,
  ...secondHalf,
};

/**
 * The order projects' files are handed to the workers (vitest's own is alphabetical). The CLI
 * first, alone (the first half); then the simulation beside the first browser file (the demo
 * site has started in the background meanwhile), the rest of the browser tests, and the workerd
 * projects, whose many short files end the run. Within a project, vitest's order (slowest or
 * largest first).
 */
const PROJECT_ORDER = ['cli', 'sim', 'browser', 'control', 'worker'];
class ProjectOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => PROJECT_ORDER.indexOf(f.project.name);
    // Array.prototype.sort is stable: vitest's order within a project is kept.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    silent: 'passed-only',
    // One file at a time in the first half (the CLI); see secondHalf for the rest.
    maxWorkers: 1,
    sequence: { sequencer: ProjectOrder },
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
    projects: [
      {
        plugins: [
          // D1 migrations are read in Node and applied inside workerd by test/support/fresh-storage.ts.
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: await testBindings(),
              // Origin mode: the worker's outbound fetches reach a real origin worker, as in production.
              outboundService: TEST_ORIGIN,
              workers: [testOriginWorker],
            },
          })),
        ],
        test: {
          name: 'worker',
          include: [
            'test/worker/**/*.test.ts',
            'test/decide/**/*.test.ts',
            'test/experiments/**/*.test.ts',
            'test/revenue/**/*.test.ts',
          ],
          ...workerd,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './control/wrangler.toml' },
            miniflare: {
              bindings: await testBindings(),
              // The visitor worker's producers (wrangler.toml), for tests that run its handler here.
              queueProducers: {
                DECISIONS: { queueName: 'tessera-decisions' },
                EVENTS: { queueName: 'tessera-events' },
              },
              // The console's Cloudflare Access sign-in fetches the team's keys: a test team serves them.
              outboundService: ACCESS_TEAM_WORKER,
              workers: [accessTeamWorker],
              queueConsumers: immediateQueueConsumers(),
            },
          })),
        ],
        test: {
          name: 'control',
          include: ['test/control/**/*.test.ts'],
          ...workerd,
          // The control plane imports the built console (control/console/assets.gen.js).
          globalSetup: ['./test/support/console-build.ts'],
        },
      },
      {
        test: {
          name: 'cli',
          include: ['test/cli/**/*.test.ts'],
          environment: 'node',
          // Files share their Node process (wrangler, tsx-loaded CLI modules load once, not per
          // file); each test leaves process.env and the console as it found them (test/cli/run.ts).
          isolate: false,
          setupFiles: ['./test/cli/setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The fast subset of the seeded simulations (sim/): pure code, so Node runs it quickly.
        test: {
          name: 'sim',
          include: ['test/sim/**/*.test.ts'],
          environment: 'node',
          ...secondHalf,
          testTimeout: 60_000,
        },
      },
      {
        // Chromium from npm (test/support/browser.ts) against one wrangler dev server for all
        // browser test files (test/support/browser-site.ts; tests wait for it with demoSite(), test/support/demo-site.ts).
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          ...secondHalf,
          environment: 'node',
          // A file's runner goes on to the next browser file (playwright-core, axe-core and
          // html-validate are imported once per runner, not once per file); each file still
          // launches its own Chromium and closes it.
          isolate: false,
          globalSetup: ['./test/support/console-build.ts', './test/support/browser-site.ts'],
          testTimeout: 60_000,
          // A file's beforeAll waits for the shared site, which starts in the background
          // (demoSite(): at most 3 minutes) before doing its own work.
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
