import { z } from "zod";
import { DIRECTIVE_LIMIT_SECONDS } from "./data/tracking.js";

/**
 * The `tracking` section of `config/alliance.json` (v1.1 §1b.4): the time limits a member's SDK
 * puts into the requests it signs, and its receipts. A limit may only shorten the directive's
 * (drills, the demo): receivers refuse a request whose signed limit exceeds the directive's.
 */
const limit = (max: number) => z.int().positive().max(max).optional();

export const TrackingConfig = z.strictObject({
  limitSeconds: z
    .strictObject({
      "urgent-direct": limit(DIRECTIVE_LIMIT_SECONDS["urgent-direct"]),
      urgent: limit(DIRECTIVE_LIMIT_SECONDS.urgent),
      standard: limit(DIRECTIVE_LIMIT_SECONDS.standard),
    })
    .prefault({}),
  /** Send a `received` receipt once the handler of an event addressed to this member succeeds. */
  autoReceipts: z.boolean().default(true),
  /** Seconds the recipients of a restricted event have to send a receipt before the monitor warns of it missing. */
  receiptDeadlineSeconds: z.int().positive().max(30 * 86_400).default(3_600),
  /** Seconds the recipients of a retract have to answer `retracted-applied` before the originator is alerted. */
  recallDeadlineSeconds: z.int().positive().max(30 * 86_400).default(3_600),
  /** A request is a `warn` at this share of its time limit, `critical` when overdue. */
  warnRatio: z.number().gt(0).lt(1).default(0.75),
  /**
   * The originator's sent log (the plaintext of its own sealed events, services/tracking/sent.ts):
   * what it keeps. An entry is dropped once its signed `time` is older than `maxAgeDays` (default:
   * the streams' `bounds.streamMaxAgeDays`, after which the stream no longer holds the event), and
   * the oldest go first beyond `maxEntries`. A dropped entry's event is then known to a rebuild by
   * its envelope only (no request subject or due time).
   */
  sentLog: z
    .strictObject({
      maxAgeDays: z.int().positive().max(36_500).optional(),
      maxEntries: z.int().positive().max(10_000_000).default(100_000),
    })
    .prefault({}),
});
export type TrackingConfig = z.infer<typeof TrackingConfig>;
