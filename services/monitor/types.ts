/**
 * What the monitor knows, in two layers: raw samples as JetStream reported them (collect.ts), and
 * the status view operators read (/api/status, `alliance status`, /metrics), derived from a short
 * history of samples. Plain data throughout: it crosses HTTP as JSON unchanged.
 */

export const Level = { Ok: "ok", Warn: "warn", Critical: "critical" } as const;
export type Level = (typeof Level)[keyof typeof Level];

const ORDER: Record<Level, number> = { ok: 0, warn: 1, critical: 2 };

/** The worse of the levels; `ok` for none. */
export function worst(levels: Iterable<Level>): Level {
  let result: Level = Level.Ok;
  for (const level of levels) if (ORDER[level] > ORDER[result]) result = level;
  return result;
}

/** 0 ok, 1 warn, 2 critical: the value of the health gauges. */
export function levelValue(level: Level): number {
  return ORDER[level];
}

export interface PeerSample {
  readonly name: string;
  readonly current: boolean;
  readonly offline: boolean;
  /** Operations behind the leader. */
  readonly lag: number;
  readonly activeSeconds: number;
}

export interface ReplicaSample {
  readonly cluster?: string;
  /** The RAFT leader; undefined on a clustered stream means no leader (no quorum). */
  readonly leader?: string;
  readonly peers: readonly PeerSample[];
}

export interface StreamSample {
  readonly name: string;
  readonly messages: number;
  readonly bytes: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstTime?: string;
  readonly lastTime?: string;
  readonly consumerCount: number;
  /** Configured limits; -1 or 0 when unlimited. */
  readonly maxMsgs: number;
  readonly maxBytes: number;
  /** The per-subject cap (one origin's one kind; one writer's one reason in quarantine); absent or ≤ 0 when none. */
  readonly maxMsgsPerSubject?: number;
  readonly replicas: number;
  readonly cluster?: ReplicaSample;
  /** Messages per subject, when asked for (the quarantine stream: one subject per reason). */
  readonly subjects?: Readonly<Record<string, number>>;
}

export interface ConsumerSample {
  readonly stream: string;
  readonly name: string;
  readonly durable: boolean;
  readonly filterSubject?: string;
  readonly ackPolicy: string;
  readonly pending: number;
  readonly ackPending: number;
  readonly maxAckPending: number;
  readonly redelivered: number;
  readonly waiting: number;
  readonly deliveredStreamSeq: number;
  readonly deliveredConsumerSeq: number;
  readonly ackFloorStreamSeq: number;
  readonly ackFloorConsumerSeq: number;
  readonly created: string;
  readonly lastDelivered?: string;
  readonly lastAck?: string;
  readonly cluster?: ReplicaSample;
}

/** Storage used against a limit; `limit` -1 when there is none. */
export interface StorageUse {
  readonly used: number;
  readonly limit: number;
  /** What stream limits have reserved of it (the server's view), when known. */
  readonly reserved?: number;
}

/** The alliance account's JetStream storage, and the server's when its monitoring port is known. */
export interface StorageSample {
  readonly account: StorageUse;
  readonly server?: StorageUse;
}

/** One look at JetStream. `at` is the monitor's clock, in milliseconds. */
export interface Sample {
  readonly at: number;
  readonly storage?: StorageSample;
  readonly streams: readonly StreamSample[];
  readonly consumers: readonly ConsumerSample[];
  /** Streams that could not be read (missing, or the request failed), with why. */
  readonly missing: readonly { readonly stream: string; readonly error: string }[];
}

export interface QuarantineExample {
  readonly seq: number;
  readonly time: string;
  /** Who wrote the entry: the writer token of its subject, which broker permissions enforce. */
  readonly writer: string;
  readonly reason: string;
  readonly detail: string;
  readonly claimedOrigin: string;
  readonly originalSubject: string;
  readonly consumer: string;
  readonly bytes: number;
}

/** Quarantine as read incrementally from its stream (counts since the first retained message). */
export interface QuarantineTally {
  readonly read: number;
  readonly lastSeq: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly byOrigin: Readonly<Record<string, number>>;
  /** By writer: who stored each copy (from the subject, never a header). */
  readonly byWriter: Readonly<Record<string, number>>;
  readonly byReasonOrigin: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * By writer, the origins its copies claim (from the original subject it recorded: its word):
   * whose messages fill a writer's quarantine subjects (the quota rule, rules.ts).
   */
  readonly byWriterOrigin?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly latest: readonly QuarantineExample[];
  /** Messages quarantined within the recent window, by the time the stream stored them. */
  readonly recent: readonly { readonly at: number; readonly reason: string; readonly origin: string }[];
}

export interface AdvisoryEvent {
  readonly kind: string;
  readonly time: string;
  readonly at: number;
  readonly stream?: string;
  readonly consumer?: string;
  readonly detail: string;
}

export interface AdvisoryTally {
  /** Counts per `kind` and stream/consumer since the monitor started. */
  readonly counts: readonly { readonly kind: string; readonly stream: string; readonly consumer: string; readonly count: number }[];
  readonly latest: readonly AdvisoryEvent[];
}
