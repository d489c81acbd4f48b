import type { TrackingPanel } from "./tracking-rules.js";
import type { AdvisoryTally, ConsumerSample, Level, QuarantineExample, StreamSample } from "./types.js";

/**
 * The status operators read: what /api/status returns, what `alliance status` prints and what
 * /metrics exports. Built by status.ts from samples; plain JSON.
 */

export interface MemberName {
  readonly code: string;
  readonly en: string;
  /** The country's own name, in its own script (Arabic for ae, bh, ma). */
  readonly native: string;
}

export interface ConsumerView extends ConsumerSample {
  readonly key: string;
  /** The member the consumer reads for, when its name starts with a member code (`fr-crime-desk`). */
  readonly member?: string;
  readonly backlog: number;
  readonly catchUpRate?: number;
  readonly deliverRate?: number;
  /** Seconds until the backlog is gone at the current catch-up rate. */
  readonly etaSeconds?: number;
  /** Seconds without an acknowledgement while there is work; 0 when idle or keeping up. */
  readonly stalledSeconds: number;
  readonly lastActive?: string;
  readonly level: Level;
}

export interface StreamView extends StreamSample {
  readonly channel: string;
  readonly title: string;
  readonly publishRate?: number;
  readonly lastMessageAgeSeconds?: number;
  readonly level: Level;
  readonly consumers: readonly ConsumerView[];
}

export const Rule = {
  Collector: "collector",
  StreamMissing: "stream-missing",
  StreamLimits: "stream-limits",
  Storage: "storage",
  Replicas: "replicas",
  ConsumerLag: "consumer-lag",
  AckPending: "ack-pending",
  ConsumerStalled: "consumer-stalled",
  QuarantineRate: "quarantine-rate",
  MaxDeliveries: "max-deliveries",
  QuorumLost: "quorum-lost",
  // v1.1 §1b.4 (tracking-rules.ts).
  RequestOverdue: "request-overdue",
  ReceiptsMissing: "receipts-missing",
  RecallPending: "recall-pending",
  // v1.1 §1b.1 (key-rotation.ts).
  EncKeyRotation: "enc-key-rotation",
  // The monitor's own status could not be built from what it read (service.ts).
  StatusBuild: "status-build",
} as const;
export type Rule = (typeof Rule)[keyof typeof Rule];

/** One rule's verdict on one thing, with a sentence an operator can act on. */
export interface Check {
  readonly rule: Rule;
  readonly level: Level;
  readonly message: string;
  readonly stream?: string;
  readonly consumer?: string;
  readonly member?: string;
  /** The measured value the thresholds were applied to, when there is one. */
  readonly value?: number;
}

export interface QuarantineView {
  /** Messages retained in the quarantine stream, per reason (from its per-subject counts). */
  readonly retainedByReason: Readonly<Record<string, number>>;
  readonly retained: number;
  /** Counted from the messages' headers, read incrementally since the first retained one. */
  readonly byReason: Readonly<Record<string, number>>;
  readonly byOrigin: Readonly<Record<string, number>>;
  /** Who wrote the entries, from their subjects (the broker enforces each writer's prefix). */
  readonly byWriter: Readonly<Record<string, number>>;
  readonly byReasonOrigin: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly read: number;
  readonly lastMinute: number;
  readonly latest: readonly QuarantineExample[];
}

export interface Status {
  readonly at: string;
  readonly overall: Level;
  readonly collector: {
    readonly ok: boolean;
    readonly intervalSeconds: number;
    /** Minutes of history the charts show. */
    readonly historyMinutes: number;
    readonly lastSampleAt?: string;
    readonly error?: string;
  };
  readonly streams: readonly StreamView[];
  readonly missing: readonly { readonly stream: string; readonly error: string }[];
  readonly quarantine: QuarantineView;
  readonly advisories: AdvisoryTally;
  /** Every rule's verdict, worst first; `ok` ones included (the metrics export them too). */
  readonly checks: readonly Check[];
  readonly members: readonly MemberName[];
  /** v1.1 requests and receipts, from the members' tracking views; absent when none are published. */
  readonly tracking?: TrackingPanel;
}
