/**
 * The JetStream API and KV subjects that permissions name (nats-server 2.9 and later). Clients
 * send requests to these; a user may use an operation exactly when it may publish to its subject.
 * Stream and consumer names are whole tokens, so a permission names one or all (`*`), never a
 * prefix.
 */
const API = "$JS.API";

export const JsApi = {
  /** Account info; every JetStream client asks it when it starts. */
  info: `${API}.INFO`,
  streamInfo: (stream: string) => `${API}.STREAM.INFO.${stream}`,
  streamNames: `${API}.STREAM.NAMES`,
  streamList: `${API}.STREAM.LIST`,
  /** nats.js v3 against 2.9+: `CONSUMER.CREATE.<stream>.<name>[.<filter>]` for a named consumer. */
  consumerCreate: (stream: string, name: string) => [`${API}.CONSUMER.CREATE.${stream}.${name}`, `${API}.CONSUMER.CREATE.${stream}.${name}.>`],
  consumerInfo: (stream: string, name: string) => `${API}.CONSUMER.INFO.${stream}.${name}`,
  consumerNext: (stream: string, name: string) => `${API}.CONSUMER.MSG.NEXT.${stream}.${name}`,
  consumerDelete: (stream: string, name: string) => `${API}.CONSUMER.DELETE.${stream}.${name}`,
  consumerNames: (stream: string) => `${API}.CONSUMER.NAMES.${stream}`,
  consumerList: (stream: string) => `${API}.CONSUMER.LIST.${stream}`,
  /** Acks, naks, terms and in-progress signals of one consumer's deliveries. */
  ack: (stream: string, name: string) => `$JS.ACK.${stream}.${name}.>`,
  /** Direct get of the last value under a subject: KV reads, restricted by key. */
  directGetLast: (stream: string, subject: string) => `${API}.DIRECT.GET.${stream}.${subject}`,
  /** Get by payload (sequence or subject): cannot be restricted by key, so only whole streams. */
  msgGet: (stream: string) => `${API}.STREAM.MSG.GET.${stream}`,
  /** Everything under the API: the administrator's. */
  all: `${API}.>`,
} as const;

export const JsEvents = {
  advisories: "$JS.EVENT.ADVISORY.>",
  metrics: "$JS.EVENT.METRIC.>",
  all: "$JS.EVENT.>",
} as const;

export const Kv = {
  streamName: (bucket: string) => `KV_${bucket}`,
  keys: (bucket: string, keyPrefix: string) => `$KV.${bucket}.${keyPrefix}.>`,
  allKeys: (bucket: string) => `$KV.${bucket}.>`,
} as const;

/**
 * Operations no member, the secretariat or the monitor may ever request, denied explicitly as
 * well as left out of their allow lists: a later widening of an allow list cannot grant them.
 */
export const ADMIN_ONLY_API: readonly string[] = [
  `${API}.STREAM.CREATE.>`,
  `${API}.STREAM.UPDATE.>`,
  `${API}.STREAM.DELETE.>`,
  `${API}.STREAM.PURGE.>`,
  `${API}.STREAM.RESTORE.>`,
  `${API}.STREAM.SNAPSHOT.>`,
  `${API}.STREAM.MSG.DELETE.>`,
  `${API}.STREAM.PEER.REMOVE.>`,
  `${API}.STREAM.LEADER.STEPDOWN.>`,
  `${API}.CONSUMER.LEADER.STEPDOWN.>`,
  `${API}.CONSUMER.DURABLE.CREATE.>`,
  `${API}.ACCOUNT.>`,
  `${API}.SERVER.>`,
  `${API}.META.>`,
];
