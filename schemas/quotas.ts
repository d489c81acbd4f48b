import { z } from "zod";
import { kindsPublishableBy } from "./governance/common.js";
import { PriorityKind } from "./protocol.js";

/**
 * The `quotas` section of `config/alliance.json`: what the broker itself refuses, so that one
 * member cannot fill the alliance's storage or bury the others' messages (docs/security.md,
 * "Quotas"). Every limit is enforced by nats-server 2.9 with its own means and generated from here
 * into the stream configs (services/bus/admin/streams.ts) and the accounts config
 * (services/identity/server-config.ts). Every field has a default, and the defaults satisfy the
 * fair-share rule that config validation checks (`quotaReservations`, schemas/config.ts): every
 * stream holds `maxMembers` members' full shares, so that no member within its caps can fill one.
 */
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const Bytes = z.int().min(1024 * 1024).max(2 ** 50);
const Count = z.int().min(1).max(10_000_000);

export const Quotas = z.strictObject({
  /**
   * Members the streams' reservations are sized for (the founding members and those still to be
   * admitted). Config validation refuses fewer than `members`; an admission beyond it is refused
   * by the host's credential step (services/identity/admit.ts) until the operator raises it and
   * the stream sizes with it.
   */
  maxMembers: z.int().min(1).max(200).default(12),
  /**
   * Room for headers above the body bound (bounds.maxBodyBytes) in a stream's max_msg_size. A body
   * slightly over the bound still reaches subscribers and is quarantined as evidence (check 1);
   * anything larger is refused at the broker.
   */
  headerAllowanceBytes: z.int().min(1024).max(MiB).default(16 * KiB),
  /** Bytes each priority channel's stream may hold; beyond, new messages are refused (discard new). */
  channelStreamMaxBytes: Bytes.default(25 * GiB),
  /**
   * Messages one member may hold on one subject of a priority channel (one kind of one channel,
   * `alliance.<channel>.<code>.<kind>`) within the streams' max age; beyond, its new ones are
   * refused, nobody else's are.
   */
  channelPerSubjectMaxMsgs: Count.default(1_000),
  /**
   * The largest governance body (`alliance.secretariat.>`): the governance stream's max_msg_size
   * is this plus `headerAllowanceBytes`. Smaller than bounds.maxBodyBytes, so that one member's
   * stored junk ahead of a vote is small enough for the secretariat to refuse in time
   * (docs/security.md, "Governance under flood"); the founding declaration in five languages is
   * about 8 KiB.
   */
  governanceMaxBodyBytes: z.int().min(4 * KiB).max(MiB).default(32 * KiB),
  /** Bytes the governance stream may hold. It has no age limit: it is the record. */
  governanceStreamMaxBytes: Bytes.default(1_280 * MiB),
  /**
   * Messages one member may ever put on one governance subject (`alliance.secretariat.<code>.<kind>`).
   * New ones are refused beyond it; nothing already recorded is ever discarded.
   */
  governancePerSubjectMaxMsgs: Count.default(200),
  /** Bytes the quarantine stream may hold. */
  quarantineStreamMaxBytes: Bytes.default(7 * GiB),
  /** Copies kept per quarantine subject: one writer's one reason (`alliance.quarantine.<writer>.<reason>`). */
  quarantinePerSubjectMaxMsgs: Count.default(100),
  /**
   * Bytes each owner's processed-record bucket (`ALLIANCE_PROCESSED_<owner>`) may hold; its owner
   * alone writes it, and beyond it only that owner's new records are refused.
   */
  processedBucketMaxBytes: Bytes.default(256 * MiB),
  /**
   * The account's room for the KV buckets with no byte limit of their own (the secretariat's views,
   * the tracking views: a fixed number of keys each, written by their owner only).
   */
  kvHeadroomBytes: Bytes.default(GiB),
  /**
   * The alliance account's JetStream file storage: the server is never filled beyond it. Stream
   * limits are reserved against it, so it must hold the five streams' max bytes, the processed
   * buckets and the KV headroom, once per replica (a replicated stream reserves its max_bytes on
   * each replica); the servers' max_file_store is derived from it. The default holds three replicas.
   */
  accountMaxFileBytes: Bytes.default(270 * GiB),
  /** The alliance account's JetStream memory storage. */
  accountMaxMemoryBytes: Bytes.default(256 * MiB),
  /** Connections the alliance account accepts, all identities together (2.9 has no per-user cap). */
  accountMaxConnections: z.int().min(1).max(1_000_000).default(1_000),
  /** Subscriptions per connection (nats-server `max_subscriptions`, a per-connection limit). */
  maxSubscriptionsPerConnection: z.int().min(16).max(1_000_000).default(1_000),
});
export type Quotas = z.infer<typeof Quotas>;

/**
 * The largest message the servers carry (their max_payload, natsd/server.ts): the upper bound of
 * every stream's max_msg_size, which the config's body bounds plus header allowance set below it.
 */
export const STREAM_MAX_MSG_BYTES = 1024 * 1024;

/** Headers a quarantine copy adds to the original (reason, detail, origin, subject, writer). */
export const QUARANTINE_HEADER_BYTES = 8 * 1024;

/**
 * The reason codes a writer may quarantine under, one subject each (`alliance.quarantine.<writer>.<reason>`):
 * services/bus/wire/reasons.ts defines them; test/unit/quotas-config.test.ts keeps this count equal.
 */
export const QUARANTINE_REASON_COUNT = 18;

/** Each stream's max_msg_size: the body bound plus headers (a little over the bound still arrives and is quarantined, check 1). */
export function streamMessageSizes(maxBodyBytes: number, quotas: Pick<Quotas, "headerAllowanceBytes" | "governanceMaxBodyBytes">): { channel: number; governance: number; quarantine: number } {
  const channel = Math.min(maxBodyBytes + quotas.headerAllowanceBytes, STREAM_MAX_MSG_BYTES);
  const governance = Math.min(Math.min(quotas.governanceMaxBodyBytes, maxBodyBytes) + quotas.headerAllowanceBytes, channel);
  // A quarantine copy is the original message (of any stream) with the reason's headers added.
  return { channel, governance, quarantine: Math.max(channel, governance) + QUARANTINE_HEADER_BYTES };
}

/**
 * What the file store adds to each message beyond its headers and payload (a record header, the
 * subject, a checksum; nats-server 2.9 counts them in a stream's bytes): rounded up, for the
 * longest subject of the layout.
 */
export const STORED_MESSAGE_OVERHEAD_BYTES = 128;

/** One line of the fair-share arithmetic: who × subjects each × messages per subject × message size. */
export interface Reservation {
  readonly field: keyof Quotas;
  readonly bytes: number;
  readonly formula: string;
}

/**
 * What each stream must hold so that every member's full share fits (docs/security.md, "Quotas"):
 * a member within its per-subject caps can then never fill a stream the others publish to. Each
 * subject is one origin's one kind (one writer's one reason in quarantine), refused per subject
 * when full, and the permissions name every subject, so a member's share is exactly
 * subjects × cap × max message size.
 */
export function quotaReservations(maxBodyBytes: number, quotas: Quotas, replicas = 1): { streams: Reservation[]; account: Reservation } {
  const sizes = streamMessageSizes(maxBodyBytes, quotas);
  const size = { channel: sizes.channel + STORED_MESSAGE_OVERHEAD_BYTES, governance: sizes.governance + STORED_MESSAGE_OVERHEAD_BYTES, quarantine: sizes.quarantine + STORED_MESSAGE_OVERHEAD_BYTES };
  const m = quotas.maxMembers;
  const priorityKinds = PriorityKind.options.length;
  const memberGov = kindsPublishableBy("member").length;
  const secGov = kindsPublishableBy("secretariat").length;
  const channel = m * priorityKinds * quotas.channelPerSubjectMaxMsgs * size.channel;
  const governance = (m * memberGov + secGov) * quotas.governancePerSubjectMaxMsgs * size.governance;
  // Writers: every member and the secretariat.
  const quarantine = (m + 1) * QUARANTINE_REASON_COUNT * quotas.quarantinePerSubjectMaxMsgs * size.quarantine;
  const streams: Reservation[] = [
    { field: "channelStreamMaxBytes", bytes: channel, formula: `maxMembers ${m} × ${priorityKinds} kinds × channelPerSubjectMaxMsgs ${quotas.channelPerSubjectMaxMsgs} × (${sizes.channel} + ${STORED_MESSAGE_OVERHEAD_BYTES}) bytes` },
    { field: "governanceStreamMaxBytes", bytes: governance, formula: `(maxMembers ${m} × ${memberGov} member kinds + ${secGov} secretariat kinds) × governancePerSubjectMaxMsgs ${quotas.governancePerSubjectMaxMsgs} × (${sizes.governance} + ${STORED_MESSAGE_OVERHEAD_BYTES}) bytes` },
    { field: "quarantineStreamMaxBytes", bytes: quarantine, formula: `(maxMembers ${m} + the secretariat) × ${QUARANTINE_REASON_COUNT} reasons × quarantinePerSubjectMaxMsgs ${quotas.quarantinePerSubjectMaxMsgs} × (${sizes.quarantine} + ${STORED_MESSAGE_OVERHEAD_BYTES}) bytes` },
  ];
  // A replicated stream reserves its max_bytes on each of its replicas, all in the account.
  const total = replicas * (3 * quotas.channelStreamMaxBytes + quotas.governanceStreamMaxBytes + quotas.quarantineStreamMaxBytes + m * quotas.processedBucketMaxBytes + quotas.kvHeadroomBytes);
  return {
    streams,
    account: { field: "accountMaxFileBytes", bytes: total, formula: `${replicas === 1 ? "" : `bounds.replicas ${replicas} × (`}3 × channelStreamMaxBytes + governanceStreamMaxBytes + quarantineStreamMaxBytes + maxMembers ${m} × processedBucketMaxBytes + kvHeadroomBytes${replicas === 1 ? "" : ")"}` },
  };
}

/**
 * A server's JetStream max_file_store: it holds one replica of every stream, so the account's
 * limit divided by the replicas (a single server: the whole limit), twice: re-enabling JetStream
 * for the account (`alliance recover resync-usage`, docs/operations.md "After a flood") reserves its
 * limit again before the old reservation is released, and with room for only one the account
 * stays disabled (seen on nats-server 2.9.10, test/integration/quotas.test.ts). A reservation, not
 * disk: only what is stored is written. Generated for the local servers (services/natsd/server.ts);
 * config/nats/cluster-*.conf is checked against it (test/unit/quotas-config.test.ts).
 */
export function serverMaxFileStoreBytes(quotas: Pick<Quotas, "accountMaxFileBytes">, replicas = 1): number {
  return 2 * Math.ceil(quotas.accountMaxFileBytes / replicas);
}
