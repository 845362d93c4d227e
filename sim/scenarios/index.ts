/** Every scenario `npm run simulate` runs, in order. */
import type { Scenario } from '../scenario.ts';
import { abCoverage } from './ab-coverage.ts';
import { banditCoverage } from './bandit-coverage.ts';
import { banditRegret } from './bandit-regret.ts';
import { minSample } from './min-sample.ts';
import { phaseSrm } from './phase-srm.ts';
import { revenueCoverage } from './revenue-coverage.ts';

export const SCENARIOS: readonly Scenario[] = [
  abCoverage,
  minSample,
  phaseSrm,
  banditCoverage,
  banditRegret,
  revenueCoverage,
];
