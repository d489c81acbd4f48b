import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerConfig, type ConsumerInfo, type JetStreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { SubscriberConfig } from "../../../schemas/config.js";
import { AllianceError, ErrorCode } from "../core/errors.js";

/** Where a new consumer starts: the whole retained history, or only what arrives from now on. */
export type StartFrom = "all" | "new";

export interface ConsumerSpec {
  readonly stream: string;
  /** A durable name survives restarts; without one, the server forgets the consumer when idle. */
  readonly durable?: string;
  readonly filterSubject?: string;
  /**
   * For a consumer without a durable name: the names it may take (an identity's reader pool,
   * docs/security.md). Without them the server names it, which only an unrestricted user may use.
   */
  readonly readerNames?: readonly string[];
  readonly startFrom: StartFrom;
  readonly settings: SubscriberConfig;
}

/** An ephemeral consumer is deleted by the server after this long without a pull. */
const EPHEMERAL_INACTIVE_MS = 5 * 60_000;

export function consumerConfig(spec: ConsumerSpec): Partial<ConsumerConfig> {
  return {
    ack_policy: AckPolicy.Explicit,
    deliver_policy: spec.startFrom === "all" ? DeliverPolicy.All : DeliverPolicy.New,
    ack_wait: nanos(spec.settings.ackWaitSeconds * 1000),
    // Unlimited: the subscriber counts deliveries itself and quarantines at `maxDeliver`. With a
    // server-side limit a last delivery lost to an ack timeout, or nakked because a copy could not
    // be stored, would never come back: neither handled nor quarantined (protocol Appendix D.6).
    max_deliver: -1,
    max_ack_pending: spec.settings.maxAckPending,
    ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
    ...(spec.durable ? { durable_name: spec.durable } : { inactive_threshold: nanos(EPHEMERAL_INACTIVE_MS) }),
  };
}

/**
 * Creates the consumer, or brings an existing durable up to date with the settings (its position
 * is kept). Returns the consumer's name. Safe to call again after the server lost the consumer.
 */
export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<string> {
  const config = consumerConfig(spec);
  if (spec.durable) {
    const existing = await jsm.consumers.info(spec.stream, spec.durable).catch((err: unknown) => {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
      throw err;
    });
    if (existing) {
      const { ack_wait, max_deliver, max_ack_pending } = config;
      // Only when something changed: a member may read through a consumer the administrator
      // provisioned, but not update it (docs/security.md).
      const current = existing.config;
      if (current.ack_wait !== ack_wait || current.max_deliver !== max_deliver || current.max_ack_pending !== max_ack_pending) {
        await jsm.consumers.update(spec.stream, spec.durable, { ack_wait, max_deliver, max_ack_pending });
      }
      return spec.durable;
    }
  }
  if (!spec.durable && spec.readerNames) return (await addNamedReader(jsm, spec.stream, config, spec.readerNames)).name;
  const info = await jsm.consumers.add(spec.stream, config);
  return info.name;
}

/**
 * Creates a short-lived consumer under the first free name of `names`. On nats-server 2.9 creating
 * a consumer under a taken name would change that consumer, so each name is checked first.
 */
export async function addNamedReader(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig>, names: readonly string[]): Promise<ConsumerInfo> {
  // Random order, so that concurrent readers of one identity rarely try the same name first.
  const order = [...names].sort(() => Math.random() - 0.5);
  for (const name of order) {
    const taken = await jsm.consumers.info(stream, name).then(() => true, (err: unknown) => {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return false;
      throw err;
    });
    if (!taken) return jsm.consumers.add(stream, { ...config, name });
  }
  throw new AllianceError(ErrorCode.ReadersBusy, `all ${names.length} reader names on ${stream} are in use (${names.join(", ")}); wait for one to end or raise access.readerSlots`);
}
