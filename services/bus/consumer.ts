import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerConfig, type JetStreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { SubscriberConfig } from "../../schemas/config.js";

/** Where a new consumer starts: the whole retained history, or only what arrives from now on. */
export type StartFrom = "all" | "new";

export interface ConsumerSpec {
  readonly stream: string;
  /** A durable name survives restarts; without one, the server forgets the consumer when idle. */
  readonly durable?: string;
  readonly filterSubject?: string;
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
    max_deliver: spec.settings.maxDeliver,
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
      await jsm.consumers.update(spec.stream, spec.durable, { ack_wait, max_deliver, max_ack_pending });
      return spec.durable;
    }
  }
  const info = await jsm.consumers.add(spec.stream, config);
  return info.name;
}
