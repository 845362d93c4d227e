/** The runtime's floor with the decision record as a batched queue send (worker.mjs). */
import { floorWorker } from './worker.mjs';

export default floorWorker({ record: 'queue' });
