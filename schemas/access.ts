import { z } from "zod";
import { Channel, MemberCode, OriginCode } from "./protocol.js";

/**
 * A JetStream consumer name as the broker's permissions can name it: one subject token, so no
 * `.`, `*`, `>` or white space, and short enough for the KV keys built from it.
 */
export const ConsumerName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, "lowercase letters, digits, '-' and '_' (at most 48)");

/**
 * A consumer the administrator provisions for its owner. The owner may read through it and ack
 * its messages, and nothing else: members never create consumers themselves, because whoever may
 * create a consumer may point a push consumer's deliver subject at any subject of the account
 * (docs/security.md, "Why members do not create consumers").
 */
export const DeclaredConsumer = z.strictObject({
  /** The member code, or `sec`, whose identity reads through this consumer. */
  owner: OriginCode,
  /** Must start with `<owner>-` (docs/protocol.md, deployment rules). */
  name: ConsumerName,
  /** Which channels' streams get this consumer; each must be one the owner may read. */
  channels: z.array(Channel).min(1),
  /** Where a newly provisioned consumer starts; an existing one keeps its position. */
  startFrom: z.enum(["all", "new"]).default("new"),
});
export type DeclaredConsumer = z.infer<typeof DeclaredConsumer>;

/** Who may read what through the broker: the input of services/identity/permissions.ts. */
export const AccessConfig = z.strictObject({
  /** Channels a member may read; a member not listed reads every channel. */
  channels: z.record(MemberCode, z.array(Channel)).default({}),
  consumers: z.array(DeclaredConsumer).max(500).default([]),
  /**
   * Identities trusted to create short-lived reader consumers (`<code>-reader-<n>`) on the streams
   * they may read: `alliance tail` without --durable, reports and rebuilds. Creating a consumer
   * carries the push-delivery risk above, so the default is the secretariat alone.
   */
  readers: z.array(OriginCode).default(["sec"]),
  /** How many reader consumers one such identity may hold on one stream at once. */
  readerSlots: z.int().min(1).max(16).default(4),
  /** Members who may read the quarantine stream (everyone's rejections); the secretariat always may. */
  quarantineReaders: z.array(MemberCode).default([]),
  /** Key-value buckets the secretariat writes (created by the administrator; without the `KV_`). */
  secretariatBuckets: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).max(32).default([]),
});
export type AccessConfig = z.infer<typeof AccessConfig>;

/**
 * Checks the access section against the members it names; called from the config's refinement so
 * that a bad entry is reported with its path, like every other config error.
 */
export function checkAccess(access: AccessConfig, memberCodes: readonly string[], ctx: z.RefinementCtx): void {
  const known = new Set<string>([...memberCodes, "sec"]);
  const readable = (owner: string) => (owner === "sec" ? Channel.options : (access.channels[owner] ?? Channel.options));
  for (const code of Object.keys(access.channels)) {
    if (!known.has(code)) ctx.addIssue({ code: "custom", path: ["access", "channels", code], message: `${code} is not a member` });
  }
  const seen = new Set<string>();
  access.consumers.forEach((consumer, i) => {
    const path = ["access", "consumers", i];
    if (!known.has(consumer.owner)) ctx.addIssue({ code: "custom", path: [...path, "owner"], message: `${consumer.owner} is not a member` });
    if (!consumer.name.startsWith(`${consumer.owner}-`)) {
      ctx.addIssue({ code: "custom", path: [...path, "name"], message: `must start with "${consumer.owner}-", its owner's prefix` });
    }
    if (/-reader-[0-9]+$/.test(consumer.name)) ctx.addIssue({ code: "custom", path: [...path, "name"], message: "names ending -reader-<n> are kept for reader consumers" });
    if (seen.has(consumer.name)) ctx.addIssue({ code: "custom", path: [...path, "name"], message: `${consumer.name} declared twice` });
    seen.add(consumer.name);
    for (const channel of consumer.channels) {
      if (!readable(consumer.owner).includes(channel)) {
        ctx.addIssue({ code: "custom", path: [...path, "channels"], message: `${consumer.owner} may not read ${channel} (access.channels)` });
      }
    }
  });
  for (const [key, list] of [["readers", access.readers], ["quarantineReaders", access.quarantineReaders]] as const) {
    list.forEach((code, i) => {
      if (!known.has(code)) ctx.addIssue({ code: "custom", path: ["access", key, i], message: `${code} is not a member` });
    });
  }
}
