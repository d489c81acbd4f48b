export { createPublisher } from "./publisher.js";
export type { Publisher, PublisherDeps, PublishReceipt } from "./publisher.js";
export { newHeaders } from "./raw.js";
