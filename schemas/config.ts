import { z } from "zod";
import { AccessConfig, checkAccess } from "./access.js";
import { MonitorConfig } from "./monitor.js";
import { Channel, Lang, MemberCode, SECRETARIAT_CODE } from "./protocol.js";
import { TrackingConfig } from "./tracking.js";
import { quotaReservations, Quotas } from "./quotas.js";

/** `config/alliance.json`: who the alliance is and the bounds every service enforces. */
export const MemberConfig = z.strictObject({
  code: MemberCode,
  country: z.strictObject({ en: z.string().min(1).max(100), native: z.string().min(1).max(100) }),
  ministry: z.string().min(1).max(200),
  lang: Lang,
});
export type MemberConfig = z.infer<typeof MemberConfig>;

export const ChannelConfig = z.strictObject({
  name: Channel,
  title: z.string().min(1).max(200),
});

export const Bounds = z.strictObject({
  maxBodyBytes: z.int().min(1024).max(8 * 1024 * 1024),
  maxDepth: z.int().min(4).max(256),
  skewSeconds: z.int().min(1).max(86_400),
  duplicateWindowSeconds: z.int().min(2).max(7 * 86_400),
  streamMaxAgeDays: z.int().min(1).max(36_500),
  replicas: z.union([z.literal(1), z.literal(3), z.literal(5)]),
});
export type Bounds = z.infer<typeof Bounds>;

export const SubscriberConfig = z.strictObject({
  maxDeliver: z.int().min(1).max(100),
  ackWaitSeconds: z.int().min(1).max(3600),
  /** Delays between redeliveries after a handler error; the last one repeats. */
  backoffSeconds: z.array(z.number().positive().max(3600)).min(1).max(20),
  maxAckPending: z.int().min(1).max(100_000),
  /**
   * Handlers running at once, across ordering keys (services/bus/consume/scheduler.ts); default
   * 32. The secretariat stream is always handled one message at a time.
   */
  concurrency: z.int().min(1).max(1024).optional(),
  /** What stays in order: `origin` (default), `subject` or `none` (docs/performance.md). */
  ordering: z.enum(["origin", "subject", "none"]).optional(),
});
export type SubscriberConfig = z.infer<typeof SubscriberConfig>;

/** v1.1 §1b.1: encryption keys rotate on an epoch; `alliance keys status` and the monitor say when one is due. */
export const EncryptionConfig = z.strictObject({
  rotationDays: z.int().min(1).max(3650).default(90),
});
export type EncryptionConfig = z.infer<typeof EncryptionConfig>;

export const AllianceConfig = z
  .strictObject({
    name: z.string().min(1).max(200),
    foundingMeeting: z.strictObject({ date: z.iso.date(), place: z.string().min(1) }),
    members: z.array(MemberConfig).min(1).max(200),
    secretariat: z.strictObject({ code: z.literal(SECRETARIAT_CODE), host: MemberCode }),
    channels: z.array(ChannelConfig).length(Channel.options.length),
    languages: z.array(Lang).min(1),
    bounds: Bounds,
    subscriber: SubscriberConfig,
    /** Optional: the stream-health monitor's sampling, HTTP and thresholds (schemas/monitor.ts). */
    monitor: MonitorConfig.prefault({}),
    /** Optional: who may read what through the broker (schemas/access.ts, docs/security.md). */
    access: AccessConfig.prefault({}),
    /** Optional: encryption-key rotation epoch (v1.1 §1b.1). */
    encryption: EncryptionConfig.prefault({}),
    /** Optional: request time limits (shortened for drills only) and receipts (schemas/tracking.ts, v1.1 §1b.4). */
    tracking: TrackingConfig.prefault({}),
    /** Optional: what the broker refuses beyond fair use (schemas/quotas.ts, docs/security.md). */
    quotas: Quotas.prefault({}),
  })
  .superRefine((config, ctx) => {
    const codes = config.members.map((m) => m.code);
    checkAccess(config.access, codes, ctx);
    codes.forEach((code, i) => {
      if (codes.indexOf(code) !== i) ctx.addIssue({ code: "custom", path: ["members", i, "code"], message: `member ${code} listed twice` });
    });
    if (!codes.includes(config.secretariat.host)) {
      ctx.addIssue({ code: "custom", path: ["secretariat", "host"], message: "the host must be a member" });
    }
    const named = new Set(config.channels.map((c) => c.name));
    if (named.size !== Channel.options.length) {
      ctx.addIssue({ code: "custom", path: ["channels"], message: `must name each of ${Channel.options.join(", ")} once` });
    }
    // Replay protection rests on this: a replay after the window must already be stale.
    if (config.bounds.duplicateWindowSeconds < 2 * config.bounds.skewSeconds) {
      ctx.addIssue({ code: "custom", path: ["bounds", "duplicateWindowSeconds"], message: "must be at least twice bounds.skewSeconds" });
    }
    checkQuotas(config, ctx);
    if (config.bounds.duplicateWindowSeconds > config.bounds.streamMaxAgeDays * 86_400) {
      ctx.addIssue({ code: "custom", path: ["bounds", "duplicateWindowSeconds"], message: "must not exceed the stream max age" });
    }
  });
export type AllianceConfig = z.infer<typeof AllianceConfig>;

/**
 * The fair share as a guarantee (docs/security.md, "Quotas"): each stream must hold every
 * member's full share, `maxMembers` of them, and the account the sum; otherwise one member within
 * its caps could fill a stream and the others' publishes would be refused.
 */
function checkQuotas(config: { members: readonly unknown[]; bounds: Bounds; quotas: Quotas }, ctx: z.RefinementCtx): void {
  const { quotas } = config;
  if (config.members.length > quotas.maxMembers) {
    ctx.addIssue({ code: "custom", path: ["quotas", "maxMembers"], message: `must be at least the ${config.members.length} members listed: the streams are sized for it` });
  }
  if (quotas.governanceMaxBodyBytes > config.bounds.maxBodyBytes) {
    ctx.addIssue({ code: "custom", path: ["quotas", "governanceMaxBodyBytes"], message: `must not exceed bounds.maxBodyBytes (${config.bounds.maxBodyBytes})` });
  }
  const { streams, account } = quotaReservations(config.bounds.maxBodyBytes, quotas, config.bounds.replicas);
  for (const need of [...streams, account]) {
    const have = quotas[need.field] as number;
    if (have < need.bytes) {
      ctx.addIssue({ code: "custom", path: ["quotas", need.field], message: `is ${have} bytes; must hold ${need.formula} = ${need.bytes} bytes (every member's full share, docs/security.md "Quotas")` });
    }
  }
}
export { Quotas };
