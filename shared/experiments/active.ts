/** Whether an experiment runs at `now` (ms): inside its optional `[start, end)` window. Pure. */
import type { Experiment } from '../schema/experiment.ts';

export function isActive(e: Pick<Experiment, 'start' | 'end'>, now: number): boolean {
  return (!e.start || now >= Date.parse(e.start)) && (!e.end || now < Date.parse(e.end));
}
