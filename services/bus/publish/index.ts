export { createPublisher } from "./publisher.js";
export type { Publisher, PublisherDeps, PublishReceipt, PublishInput } from "./publisher.js";
export { newHeaders } from "./raw.js";
export { createSealer, recipientKeys, resolveGroup } from "./seal.js";
export type { GroupDirectory, SealingDeps } from "./seal.js";
