/**
 * What a simulation scenario is: a seeded, bounded run that returns figures. `npm run simulate`
 * runs every scenario with its full number of runs and prints the figures; the test suite runs
 * a fast subset (test/experiments/simulation.test.ts) and asserts the ranges.
 */
export interface Figure {
  /** Stable key, e.g. `coverage.absolute`. */
  key: string;
  label: string;
  value: number;
  /** How to print it. */
  format: 'percent' | 'number' | 'pp' | 'width';
  /** Monte Carlo standard error of the value, when it is an estimated proportion. */
  se?: number;
  /** The range the value should fall in (for the full run). */
  target?: readonly [number, number];
}

export interface RunOptions {
  seed: number;
  runs: number;
  /** Called now and then with runs done (for a progress line). */
  progress?: (done: number) => void;
}

export interface Scenario {
  name: string;
  title: string;
  /** Runs for `npm run simulate`. */
  runs: number;
  run(o: RunOptions): Figure[];
}

export const percent = (
  key: string,
  label: string,
  p: { value: number; se: number },
  target?: readonly [number, number],
): Figure => ({
  key,
  label,
  value: p.value,
  se: p.se,
  format: 'percent',
  ...(target ? { target } : {}),
});

export const number = (key: string, label: string, value: number): Figure => ({
  key,
  label,
  value,
  format: 'number',
});
