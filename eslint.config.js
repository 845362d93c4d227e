/**
 * The linter (`npm run lint`, part of `npm run check`): the module graph and the habits the
 * type checker cannot see. test/cli/lint.test.ts lints a deliberate violation of each rule.
 *
 * - no `any` without an `// any: why` comment (tessera/explained-any);
 * - zod only through shared/schema/zod.ts (zod/mini), Hono only from hono/tiny in worker code
 *   (the visitor worker's script budget: classic zod is ~19 KiB gzip, full hono ~3 KiB more);
 * - no import cycles;
 * - the folders stay in their layers: the two workers import nothing of each other, shared/
 *   imports neither, the CLI never imports the worker;
 * - the pure decision folders import no Workers API, no Node API, no I/O module, and read no
 *   clock, randomness or network: time and randomness come in as arguments.
 *
 * Type-aware rules are left out on purpose: `tsc --noEmit` already runs in `npm test`, and the
 * linter stays a few seconds on two cores.
 */
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import explainedAny from './scripts/lint/explained-any.js';

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts'];

/** Code that ends up in a worker script (or may): the size rules apply here. */
const WORKER_CODE = ['worker/**', 'control/**', 'shared/**', 'dev/**'];

/** Folders whose code is a pure function of its arguments (STYLE.md: pure core, I/O at the edges). */
export const PURE_FOLDERS = [
  'worker/decide/**',
  'worker/experiments/**',
  'worker/context/**',
  'worker/render/**',
  'shared/bundle/**',
  'shared/experiments/**',
];
/** The D1 readers of the experiment reports: I/O beside the math they feed (stats.ts, counting.ts). */
const PURE_EXCEPTIONS = ['shared/experiments/arm-stats.ts', 'shared/experiments/report.ts'];

const SIZE_PATHS = [
  ...['zod', 'zod/v4', 'zod/classic', 'zod/v4/classic'].map((name) => ({
    name,
    message:
      'Import zod through shared/schema/zod.ts (zod/mini): classic zod is ~19 KiB gzip more.',
  })),
  {
    name: 'hono',
    importNames: ['Hono'],
    allowTypeImports: true,
    message:
      'Build Hono from hono/tiny: the full `hono` preset ships three more routers (~3 KiB gzip).',
  },
];

/**
 * The visitor worker ships no zod (docs/performance.md, "Script size"): it validates with the
 * validators generated from the schemas (shared/schema/validators.gen.ts, `npm run
 * build:validators`). So nothing under worker/ imports zod, or a module that defines zod schemas,
 * at runtime; `import type` is fine (types flow from the schemas). The zod-free modules of
 * shared/schema/ are listed: a new one goes here when the worker needs its values.
 */
const NO_RUNTIME_ZOD = [
  {
    group: ['zod', 'zod/*', '**/schema/zod.ts', '**/shared/config-schema.ts', '**/auth/claims.ts'],
    allowTypeImports: true,
    message:
      'The visitor worker ships no zod: use the generated validator (shared/schema/validators.gen.ts; add the schema to runtime-schemas.ts and run npm run build:validators), or `import type`.',
  },
  {
    group: [
      '**/shared/schema/*',
      ...[
        'validators.gen.ts',
        'validate.ts',
        'checks.ts',
        'dict-values.ts',
        'consent-levels.ts',
        'channels.ts',
        'event-limits.ts',
        'origin-paths.ts',
        'experiment-rules.ts',
        'decision-api-rules.ts',
        'context-signals.ts',
      ].map((file) => `!**/shared/schema/${file}`),
    ],
    allowTypeImports: true,
    message:
      'This module defines zod schemas: the visitor worker imports their types only (`import type`), its values from a zod-free module (origin-paths.ts, channels.ts, …), and validates with shared/schema/validators.gen.ts.',
  },
];

const IO_PATTERNS = [
  {
    group: ['cloudflare:*', 'node:*'],
    message: 'A pure decision folder uses no Workers or Node API: take the value as an argument.',
  },
  {
    regex: '^hono(/(?!jsx(/|$)|html$).*)?$',
    message:
      'A pure decision folder handles no HTTP: routes do (only hono/jsx and hono/html render).',
  },
  {
    group: [
      '**/data/*',
      '**/routes/*',
      '**/api/*',
      '**/http/*',
      '**/log/*',
      '**/visit/*',
      '**/origin/*',
      '**/publish/*',
      '**/consumers/*',
      '**/soak/*',
      '**/kv-keys.ts',
      '**/config.ts',
    ],
    message: 'A pure decision folder imports no I/O module: the caller reads, this folder decides.',
  },
];

const WORKERS_TYPES = [
  'KVNamespace',
  'D1Database',
  'Queue',
  'R2Bucket',
  'Fetcher',
  'ExecutionContext',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      '.wrangler/**',
      '.test-results/**',
      '.soak/**',
      'content-variants/**',
      'demo-origin/public/**',
      'docs/**',
      // Generated: `wrangler types` (checked by test/cli/env-types.test.ts) and esbuild output.
      '**/*.gen.ts',
      '**/*.gen.d.ts',
      '**/worker-configuration.d.ts',
      // Deliberate violations, linted one by one by test/cli/lint.test.ts.
      'test/fixtures/lint/**',
    ],
  },
  {
    files: [...TS, '**/*.js', '**/*.mjs'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    plugins: {
      '@typescript-eslint': tseslint.plugin,
      'import-x': importX,
      tessera: { rules: { 'explained-any': explainedAny } },
    },
    settings: {
      'import-x/resolver-next': [
        importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] }),
      ],
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
    },
    rules: {
      'tessera/explained-any': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './control',
              from: './worker',
              message: 'The two workers share code through shared/ only.',
            },
            {
              target: './worker',
              from: './control',
              message: 'The two workers share code through shared/ only.',
            },
            {
              target: './shared',
              from: ['./worker', './control', './cli'],
              message: 'shared/ sits below the workers and the CLI: it imports none of them.',
            },
            {
              target: './cli',
              from: './worker',
              message: 'The CLI takes what it needs from shared/, never the worker’s internals.',
            },
          ],
        },
      ],
    },
  },
  {
    files: WORKER_CODE,
    rules: { 'no-restricted-imports': ['error', { paths: SIZE_PATHS }] },
  },
  {
    files: ['worker/**'],
    ignores: PURE_FOLDERS,
    rules: { 'no-restricted-imports': ['error', { paths: SIZE_PATHS, patterns: NO_RUNTIME_ZOD }] },
  },
  {
    files: PURE_FOLDERS,
    ignores: PURE_EXCEPTIONS,
    rules: {
      'no-restricted-imports': ['error', { paths: SIZE_PATHS, patterns: IO_PATTERNS }],
      'no-restricted-globals': [
        'error',
        ...['fetch', 'caches', 'setTimeout', 'setInterval', 'navigator', 'console'].map((name) => ({
          name,
          message: 'A pure decision folder does no I/O and keeps no timers: the caller does.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Take `now` as an argument (time is injected).',
        },
        {
          object: 'Math',
          property: 'random',
          message: 'Take a seed or a hash (randomness is injected).',
        },
        {
          object: 'crypto',
          property: 'randomUUID',
          message: 'Take ids as arguments (randomness is injected).',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: '`new Date()` reads the clock: take `now` as an argument.',
        },
      ],
      '@typescript-eslint/no-restricted-types': [
        'error',
        {
          types: Object.fromEntries(
            WORKERS_TYPES.map((name) => [
              name,
              { message: 'A pure decision folder takes data, not a binding.' },
            ]),
          ),
        },
      ],
    },
  },
  {
    // The pure folders under worker/: their I/O rules and the no-zod rule together.
    files: PURE_FOLDERS.filter((glob) => glob.startsWith('worker/')),
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: SIZE_PATHS, patterns: [...IO_PATTERNS, ...NO_RUNTIME_ZOD] },
      ],
    },
  },
  {
    // The console's JSX compiles to calls of the imported `h` (tsconfig.console.json): a local
    // named `h` silently broke every element under it (the bandit chart crashed on "g is not a
    // function"). No shadowing in the console's browser code.
    files: ['control/console/ui/**/*.{ts,tsx}'],
    rules: { 'no-shadow': 'error' },
  },
);
