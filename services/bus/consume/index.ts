export { openProcessedRecord, memoryProcessedRecord, PROCESSED_BUCKET } from "./idempotency.js";
export type { ProcessedRecord } from "./idempotency.js";
export { quarantineMessage } from "./quarantine.js";
export { subscribe, DEFAULT_CONCURRENCY, DEFAULT_READ_AHEAD } from "./subscriber.js";
export type { OrderingKey } from "./scheduler.js";
export type { Handler, HandlerContext, Rejection, SubscribeDeps, Subscription } from "./subscriber.js";
