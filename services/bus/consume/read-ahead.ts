/**
 * Read-ahead in delivery order, one item at a time: `schedule` (scheduler.ts) with one key and one
 * slot. Kept under its own name for the callers and tests that want exactly that.
 */
export { readAhead, type Prepared } from "./scheduler.js";
