import { z } from "zod";

/**
 * The `monitor` section of `config/alliance.json`: how often the stream-health monitor samples
 * JetStream, where it serves HTTP, and the thresholds of its health rules. Every field has a
 * default, so a config without the section is valid.
 */

/** A threshold pair; `warn` must not exceed `critical`. */
function levels(value: z.ZodNumber, defaults: { warn: number; critical: number }) {
  return z
    .strictObject({ warn: value, critical: value })
    .refine((t) => t.warn <= t.critical, { message: "warn must not exceed critical", path: ["warn"] })
    .default(defaults);
}

const Ratio = z.number().gt(0).max(1);

export const MonitorThresholds = z.strictObject({
  /** Messages a consumer has not yet been delivered (its lag). */
  consumerPending: levels(z.int().min(1), { warn: 1_000, critical: 10_000 }),
  /** Unacknowledged deliveries as a share of the consumer's max_ack_pending. */
  ackPendingRatio: levels(Ratio, { warn: 0.8, critical: 0.95 }),
  /** Seconds a consumer with work to do has acknowledged nothing. */
  stalledSeconds: levels(z.number().positive().max(86_400), { warn: 60, critical: 300 }),
  /** Messages quarantined per minute, over the last minute. */
  quarantinePerMinute: levels(z.number().positive(), { warn: 5, critical: 50 }),
  /** A stream's messages or bytes as a share of its configured limit (streams without one are skipped). */
  streamUsageRatio: levels(Ratio, { warn: 0.8, critical: 0.95 }),
  /**
   * Seconds a replica may go unheard from by its leader before it counts as offline: nats-server
   * 2.9 keeps a killed peer listed as merely "not current", with its silence growing.
   */
  replicaSilentSeconds: z.number().positive().max(3_600).default(10),
  /** How long a max-deliveries or quorum-lost advisory keeps its rule raised. */
  advisoryWindowSeconds: z.number().positive().max(86_400).default(300),
});
export type MonitorThresholds = z.infer<typeof MonitorThresholds>;

export const MonitorConfig = z.strictObject({
  /** Seconds between two samples of JetStream. */
  collectIntervalSeconds: z.number().min(0.1).max(300).default(3),
  /** Rates are taken over this many seconds of samples (smooths a bursty publisher). */
  rateWindowSeconds: z.number().min(1).max(3_600).default(15),
  /** Minutes of samples kept in memory for the dashboard's charts. */
  historyMinutes: z.int().min(1).max(120).default(10),
  http: z
    .strictObject({
      /** 127.0.0.1 by default: operators expose it on purpose (0.0.0.0 in a container). */
      host: z.string().min(1).default("127.0.0.1"),
      port: z.int().min(0).max(65_535).default(8080),
    })
    .prefault({}),
  thresholds: MonitorThresholds.prefault({}),
  /**
   * The nats-server's monitoring endpoint (`http://host:8222`), for the server's JetStream storage
   * (`/jsz`) beside the account's; without it the storage rule watches the account only.
   */
  serverMonitoringUrl: z.url().optional(),
});
export type MonitorConfig = z.infer<typeof MonitorConfig>;
