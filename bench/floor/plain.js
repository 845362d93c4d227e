/** The runtime's floor without the decision record (worker.mjs). */
import { floorWorker } from './worker.mjs';

export default floorWorker({ record: undefined });
