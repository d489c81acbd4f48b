export { openProcessedRecord, memoryProcessedRecord, PROCESSED_BUCKET } from "./idempotency.js";
export type { ProcessedRecord } from "./idempotency.js";
export { quarantineMessage, createQuarantineWriter, quarantineCopyId, encodeOriginalHeaders, decodeOriginalHeaders } from "./quarantine.js";
export type { QuarantineWriter, QuarantineWriterOptions } from "./quarantine.js";
export { MessageHold, HeldFor, HOLD_BACKOFF_MS } from "./hold.js";
export type { HoldHealth } from "./hold.js";
export { subscribe, LOCAL_WRITER } from "./subscriber.js";
export type { Handler, HandlerContext, Rejection, SubscribeDeps, Subscription } from "./subscriber.js";
