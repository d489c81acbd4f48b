export { ensureConsumer, consumerConfig } from "./consumer.js";
export type { ConsumerSpec, StartFrom } from "./consumer.js";
export { readStream } from "./read-stream.js";
export { listQuarantine, describeQuarantined } from "./quarantine-report.js";
export type { QuarantineEntry, QuarantineSelector } from "./quarantine-report.js";
export type { ReadStreamOptions } from "./read-stream.js";
export { provisionStreams, desiredStreams, STREAM_MAX_MSG_BYTES } from "./streams.js";
export type { ProvisionOutcome } from "./streams.js";
