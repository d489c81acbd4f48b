import { sampleStreamInfo } from "../bus/admin/jetstream-sampling.js";
import type { ClusterInfo, ConsumerInfo, JetStreamManager, StreamInfo } from "../bus/core/nats-types.js";
import { channelSubject, QUARANTINE_TOKEN, StreamName } from "../bus/wire/subjects.js";
import type { ConsumerSample, ReplicaSample, Sample, StorageSample, StreamSample } from "./types.js";

/** The streams the monitor watches: the alliance's five, in the order the dashboard shows them. */
export const WATCHED_STREAMS: readonly string[] = Object.values(StreamName);

/**
 * The monitor's own quarantine reader names its consumers with this prefix; they are left out of
 * the picture (a reader is not a subscriber operators care about).
 */
export const MONITOR_CONSUMER_PREFIX = "alliance_monitor_";

/**
 * One sample of JetStream: stream info for each watched stream (the quarantine stream with its
 * per-subject counts, i.e. per reason) and the info of every consumer on it. Read-only requests.
 * A stream that is missing or fails is reported in `missing`; a dead connection throws.
 */
export async function collectSample(jsm: JetStreamManager, now: () => number = Date.now, options: { readonly serverMonitoringUrl?: string } = {}): Promise<Sample> {
  const streams: StreamSample[] = [];
  const consumers: ConsumerSample[] = [];
  const missing: { stream: string; error: string }[] = [];
  const results = await Promise.allSettled(WATCHED_STREAMS.map((name) => sampleStream(jsm, name)));
  results.forEach((result, i) => {
    const name = WATCHED_STREAMS[i]!;
    if (result.status === "fulfilled") {
      streams.push(result.value.stream);
      consumers.push(...result.value.consumers);
    } else {
      missing.push({ stream: name, error: (result.reason as Error).message });
    }
  });
  // Every stream failing means the connection or JetStream itself is gone: that is an error, not data.
  if (streams.length === 0 && missing.length > 0) throw new Error(`no stream could be read: ${missing[0]!.error}`);
  const storage = await sampleStorage(jsm, options.serverMonitoringUrl);
  return { at: now(), streams, consumers, missing, ...(storage ? { storage } : {}) };
}

/**
 * The account's storage from account info (every JetStream client may ask it), and the server's
 * from its monitoring port's /jsz when configured: with limits, the rules compare; without, they
 * still show the use. Either failing leaves the part out; it is never the sample's failure.
 */
async function sampleStorage(jsm: JetStreamManager, serverMonitoringUrl?: string): Promise<StorageSample | undefined> {
  const info = await jsm.getAccountInfo().catch(() => undefined);
  if (!info) return undefined;
  const account = { used: info.storage, limit: info.limits?.max_storage && info.limits.max_storage > 0 ? info.limits.max_storage : -1 };
  if (!serverMonitoringUrl) return { account };
  const jsz = await fetch(new URL("/jsz", serverMonitoringUrl), { signal: AbortSignal.timeout(2_000) })
    .then(async (r) => (await r.json()) as { storage?: number; reserved_storage?: number; config?: { max_storage?: number } })
    .catch(() => undefined);
  if (!jsz || typeof jsz.storage !== "number") return { account };
  const limit = jsz.config?.max_storage && jsz.config.max_storage > 0 ? jsz.config.max_storage : -1;
  return { account, server: { used: jsz.storage, limit, ...(typeof jsz.reserved_storage === "number" ? { reserved: jsz.reserved_storage } : {}) } };
}

async function sampleStream(jsm: JetStreamManager, name: string): Promise<{ stream: StreamSample; consumers: ConsumerSample[] }> {
  // Per-subject counts: quarantine's by reason, the others' by origin and kind, so that the rules
  // can name who fills a stream (subjects are `alliance.<channel>.<origin>.<kind>`).
  const isQuarantine = name === StreamName.quarantine;
  const channel = (Object.keys(StreamName) as (keyof typeof StreamName)[]).find((k) => StreamName[k] === name);
  const filter = isQuarantine ? channelSubject(QUARANTINE_TOKEN) : channel ? channelSubject(channel) : undefined;
  const { info, consumers: infos } = await sampleStreamInfo(jsm, name, filter);
  const consumers: ConsumerSample[] = [];
  for (const ci of infos) {
    if (ci.name.startsWith(MONITOR_CONSUMER_PREFIX)) continue;
    consumers.push(toConsumerSample(ci));
  }
  return { stream: toStreamSample(info), consumers };
}

export function toStreamSample(info: StreamInfo): StreamSample {
  const s = info.state;
  const hasMessages = s.messages > 0;
  return {
    name: info.config.name,
    messages: s.messages,
    bytes: s.bytes,
    firstSeq: s.first_seq,
    lastSeq: s.last_seq,
    ...(hasMessages && s.first_ts ? { firstTime: s.first_ts } : {}),
    ...(s.last_ts && s.last_seq > 0 ? { lastTime: s.last_ts } : {}),
    consumerCount: s.consumer_count,
    maxMsgs: info.config.max_msgs ?? -1,
    maxBytes: info.config.max_bytes ?? -1,
    maxMsgsPerSubject: info.config.max_msgs_per_subject ?? -1,
    replicas: info.config.num_replicas ?? 1,
    ...(info.cluster ? { cluster: toReplicaSample(info.cluster) } : {}),
    ...(s.subjects ? { subjects: { ...s.subjects } } : {}),
  };
}

export function toConsumerSample(ci: ConsumerInfo): ConsumerSample {
  // nats-server sends last_active as an RFC 3339 time, whatever the client's type says.
  const time = (value: unknown) => (typeof value === "string" && !value.startsWith("0001-") ? value : undefined);
  const lastDelivered = time(ci.delivered.last_active);
  const lastAck = time(ci.ack_floor.last_active);
  return {
    stream: ci.stream_name,
    name: ci.name,
    durable: Boolean(ci.config.durable_name),
    ...(ci.config.filter_subject ? { filterSubject: ci.config.filter_subject } : {}),
    ackPolicy: String(ci.config.ack_policy),
    pending: ci.num_pending,
    ackPending: ci.num_ack_pending,
    maxAckPending: ci.config.max_ack_pending ?? -1,
    redelivered: ci.num_redelivered,
    waiting: ci.num_waiting,
    deliveredStreamSeq: ci.delivered.stream_seq,
    deliveredConsumerSeq: ci.delivered.consumer_seq,
    ackFloorStreamSeq: ci.ack_floor.stream_seq,
    ackFloorConsumerSeq: ci.ack_floor.consumer_seq,
    created: ci.created,
    ...(lastDelivered ? { lastDelivered } : {}),
    ...(lastAck ? { lastAck } : {}),
    ...(ci.cluster ? { cluster: toReplicaSample(ci.cluster) } : {}),
  };
}

function toReplicaSample(cluster: ClusterInfo): ReplicaSample {
  return {
    ...(cluster.name ? { cluster: cluster.name } : {}),
    ...(cluster.leader ? { leader: cluster.leader } : {}),
    peers: (cluster.replicas ?? []).map((p) => ({
      name: p.name,
      current: p.current,
      offline: Boolean(p.offline),
      lag: p.lag ?? 0,
      activeSeconds: (p.active ?? 0) / 1e9,
    })),
  };
}
