import { z } from "zod";

/**
 * The `quotas` section of `config/alliance.json`: what the broker itself refuses, so that one
 * member cannot fill the alliance's storage or bury the others' messages (docs/security.md,
 * "Quotas"). Every limit is enforced by nats-server 2.9 with its own means and generated from here
 * into the stream configs (services/bus/admin/streams.ts) and the accounts config
 * (services/identity/server-config.ts). Every field has a default.
 */
const MiB = 1024 * 1024;
const Bytes = z.int().min(1024 * 1024).max(2 ** 50);
const Count = z.int().min(1).max(10_000_000);

export const Quotas = z.strictObject({
  /**
   * Room for headers above the body bound (bounds.maxBodyBytes) in a stream's max_msg_size. A body
   * slightly over the bound still reaches subscribers and is quarantined as evidence (check 1);
   * anything larger is refused at the broker.
   */
  headerAllowanceBytes: z.int().min(1024).max(MiB).default(16 * 1024),
  /** Bytes each priority channel's stream may hold; beyond, new messages are refused (discard new). */
  channelStreamMaxBytes: Bytes.default(768 * MiB),
  /**
   * Messages one member may hold on one subject of a priority channel (one kind of one channel,
   * `alliance.<channel>.<code>.<kind>`); beyond, its new ones are refused, nobody else's are.
   */
  channelPerSubjectMaxMsgs: Count.default(100_000),
  /** Bytes the governance stream may hold. It has no age limit: it is the record. */
  governanceStreamMaxBytes: Bytes.default(512 * MiB),
  /**
   * Messages one member may ever put on one governance subject (`alliance.secretariat.<code>.<kind>`).
   * New ones are refused beyond it; nothing already recorded is ever discarded.
   */
  governancePerSubjectMaxMsgs: Count.default(10_000),
  /** Bytes the quarantine stream may hold. */
  quarantineStreamMaxBytes: Bytes.default(512 * MiB),
  /** Messages kept per quarantine subject (per writer and reason once subjects name the writer). */
  quarantinePerSubjectMaxMsgs: Count.default(10_000),
  /**
   * The alliance account's JetStream file storage: the server is never filled beyond it. Stream
   * limits are reserved against it, so it must hold the five streams' max bytes and the KV buckets,
   * and fit in the server's max_file_store (4 GB for the local servers, 20 GB in compose).
   */
  accountMaxFileBytes: Bytes.default(3_840 * MiB),
  /** The alliance account's JetStream memory storage. */
  accountMaxMemoryBytes: Bytes.default(256 * MiB),
  /** Connections the alliance account accepts, all identities together (2.9 has no per-user cap). */
  accountMaxConnections: z.int().min(1).max(1_000_000).default(1_000),
  /** Subscriptions per connection (nats-server `max_subscriptions`, a per-connection limit). */
  maxSubscriptionsPerConnection: z.int().min(16).max(1_000_000).default(1_000),
});
export type Quotas = z.infer<typeof Quotas>;
