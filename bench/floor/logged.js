/** The runtime's floor with the decision record as a log line (worker.mjs). */
import { floorWorker } from './worker.mjs';

export default floorWorker({ record: 'line' });
