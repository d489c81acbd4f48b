export { openProcessedRecord, memoryProcessedRecord, PROCESSED_BUCKET, processedBucket, ownerOfConsumer } from "./idempotency.js";
export type { ProcessedRecord } from "./idempotency.js";
export { quarantineMessage } from "./quarantine.js";
export { subscribe } from "./subscriber.js";
export type { Handler, HandlerContext, Rejection, SubscribeDeps, Subscription } from "./subscriber.js";
