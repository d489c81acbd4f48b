export { createPublisher } from "./publisher.js";
export type { Publisher, PublisherDeps, PublishInput, PublishReceipt } from "./publisher.js";
export { createSealer, recipientKeys, resolveGroup } from "./seal.js";
export type { GroupDirectory, SealingDeps } from "./seal.js";
