/**
 * bench/floor/decided.ts making every page twice per request (the second answers): the second
 * call's cost is what the decision core itself costs once the request has run it once
 * (docs/performance.md, "A floor that decides").
 */
import { decidedFloor } from './decided.ts';

export default decidedFloor(2);
