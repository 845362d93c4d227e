/**
 * Exposures as D1 rows: what the decision log consumer writes for every page view that put a
 * visitor in an experiment arm or measured the holdout. Reports and the bandit cron read them.
 */

import { HOLDOUT_EXPERIMENT } from '../../shared/schema/experiment.ts';

export { HOLDOUT_EXPERIMENT };

/** One experiment arm a page view put the unit in (a decision record's `experiments` entry). */
export interface ArmExposure {
  experiment: string;
  arm: string;
  /** The experiment's current phase (shared/experiments/phase.ts), recorded with the exposure. */
  phase?: string;
  /** Bandits: the allocation epoch the arm was drawn in. */
  epoch?: string;
  /** Slots the experiment covered on the page (the page path knows them; not stored). */
  slots?: string[];
}

export interface ExposureFields {
  decisionId: string;
  /**
   * Who was assigned: the visitor's pseudonym (shared/privacy/pseudonym.ts; D1 never holds raw ids),
   * or the decision id when assignment was per request.
   */
  unitId: string;
  sticky: boolean;
  /** ms since the epoch */
  at: number;
  /** Where the decision was shown (shared/schema/channel.ts); default `web`. */
  channel?: string;
  /** Whether the bundle had a holdout (share > 0) and whether this visitor was in it. */
  holdout?: { measured: boolean; held: boolean; phase?: string };
  exposures: ArmExposure[];
}

export function exposureStatements(db: D1Database, f: ExposureFields): D1PreparedStatement[] {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO exposures (decision_id, experiment, arm, unit_id, sticky, epoch, at, phase, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const channel = f.channel ?? 'web';
  const rows = f.exposures.map((e) =>
    insert.bind(
      f.decisionId,
      e.experiment,
      e.arm,
      f.unitId,
      f.sticky ? 1 : 0,
      e.epoch ?? null,
      f.at,
      e.phase ?? null,
      channel,
    ),
  );
  if (f.holdout?.measured) {
    rows.push(
      insert.bind(
        f.decisionId,
        HOLDOUT_EXPERIMENT,
        f.holdout.held ? 'holdout' : 'personalized',
        f.unitId,
        f.sticky ? 1 : 0,
        null,
        f.at,
        f.holdout.phase ?? null,
        channel,
      ),
    );
  }
  return rows;
}
