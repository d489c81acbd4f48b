import { DiscardPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamInfo } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { Bounds } from "../../../schemas/config.js";
import { Channel } from "../../../schemas/protocol.js";
import type { Logger } from "../core/logger.js";
import { channelSubject, QUARANTINE_TOKEN, StreamName, streamForChannel } from "../wire/subjects.js";

const DAY_NS = 86_400 * 1e9;

/**
 * The largest message a stream stores. Deliberately above the protocol's body bound, so that an
 * oversize body reaches subscribers and is quarantined as evidence instead of vanishing at the
 * broker; the quarantine copy's extra headers still fit the servers' max_payload (2 MiB).
 */
export const STREAM_MAX_MSG_BYTES = 1024 * 1024;

export type DesiredStream = Pick<StreamConfig,
  "name" | "subjects" | "storage" | "retention" | "discard" | "max_age" | "duplicate_window" | "num_replicas" | "max_msg_size" | "allow_direct">;

/** The five streams of docs/protocol.md §6, their bounds taken from config. */
export function desiredStreams(bounds: Bounds): DesiredStream[] {
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(bounds.duplicateWindowSeconds * 1000),
    num_replicas: bounds.replicas,
    max_msg_size: STREAM_MAX_MSG_BYTES,
    allow_direct: true,
  };
  const maxAge = bounds.streamMaxAgeDays * DAY_NS;
  return [
    ...Channel.options.map((channel) => ({
      ...common,
      name: streamForChannel(channel),
      subjects: [channelSubject(channel)],
      // The governance record is kept for ever: members must be able to replay every decision.
      max_age: channel === "secretariat" ? 0 : maxAge,
    })),
    { ...common, name: StreamName.quarantine, subjects: [channelSubject(QUARANTINE_TOKEN)], max_age: maxAge, max_msg_size: -1 },
  ];
}

export type ProvisionOutcome = { name: string; action: "created" | "updated" | "unchanged"; info: StreamInfo };

/** Creates each stream, or updates it when its config differs from the desired one. Idempotent. */
export async function provisionStreams(jsm: JetStreamManager, bounds: Bounds, log: Logger): Promise<ProvisionOutcome[]> {
  const outcomes: ProvisionOutcome[] = [];
  for (const desired of desiredStreams(bounds)) {
    const existing = await jsm.streams.info(desired.name).catch((err: unknown) => {
      if (isStreamNotFound(err)) return undefined;
      throw err;
    });
    let outcome: ProvisionOutcome;
    if (!existing) {
      outcome = { name: desired.name, action: "created", info: await jsm.streams.add(desired) };
    } else if (differs(existing.config, desired)) {
      outcome = { name: desired.name, action: "updated", info: await jsm.streams.update(desired.name, desired) };
    } else {
      outcome = { name: desired.name, action: "unchanged", info: existing };
    }
    log.info({ stream: desired.name, action: outcome.action }, "stream provisioned");
    outcomes.push(outcome);
  }
  return outcomes;
}

function differs(actual: StreamConfig, desired: DesiredStream): boolean {
  return (Object.keys(desired) as (keyof DesiredStream)[]).some((key) => JSON.stringify(actual[key]) !== JSON.stringify(desired[key]));
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}
