import { DiscardPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamInfo } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { Quotas, type Bounds } from "../../../schemas/config.js";
import { Channel } from "../../../schemas/protocol.js";
import type { Logger } from "../core/logger.js";
import { channelSubject, QUARANTINE_TOKEN, StreamName, streamForChannel } from "../wire/subjects.js";

const DAY_NS = 86_400 * 1e9;

/**
 * The largest message the servers carry (their max_payload, natsd/server.ts): the upper bound of
 * every stream's max_msg_size, which the config's body bound plus header allowance sets below it.
 */
export const STREAM_MAX_MSG_BYTES = 1024 * 1024;

/** Headers a quarantine copy adds to the original (reason, detail, origin, subject, writer). */
const QUARANTINE_HEADER_BYTES = 8 * 1024;

export type DesiredStream = Pick<StreamConfig,
  "name" | "subjects" | "storage" | "retention" | "discard" | "max_age" | "duplicate_window" | "num_replicas" | "max_msg_size" | "allow_direct"
  | "max_bytes" | "max_msgs_per_subject" | "discard_new_per_subject">;

/** The body bound plus headers: a little over the bound still arrives and is quarantined (check 1). */
export function streamMaxMsgSize(bounds: Pick<Bounds, "maxBodyBytes">, quotas: Pick<Quotas, "headerAllowanceBytes">): number {
  return Math.min(bounds.maxBodyBytes + quotas.headerAllowanceBytes, STREAM_MAX_MSG_BYTES);
}

/**
 * The five streams of docs/protocol.md §6, their bounds and quotas taken from config. Every stream
 * refuses new messages when full (discard new) instead of dropping the oldest, and each subject
 * (one member's one kind on one channel) has its own cap, refused per subject: a member that
 * fills its share is refused, the others are not, and nothing already stored is ever discarded
 * to make room — the governance stream is the record.
 */
export function desiredStreams(bounds: Bounds, quotas: Quotas = Quotas.parse({})): DesiredStream[] {
  const maxMsgSize = streamMaxMsgSize(bounds, quotas);
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    duplicate_window: nanos(bounds.duplicateWindowSeconds * 1000),
    num_replicas: bounds.replicas,
    max_msg_size: maxMsgSize,
    allow_direct: true,
  };
  const maxAge = bounds.streamMaxAgeDays * DAY_NS;
  return [
    ...Channel.options.map((channel) => {
      const governance = channel === "secretariat";
      return {
        ...common,
        name: streamForChannel(channel),
        subjects: [channelSubject(channel)],
        // The governance record is kept for ever: members must be able to replay every decision.
        max_age: governance ? 0 : maxAge,
        max_bytes: governance ? quotas.governanceStreamMaxBytes : quotas.channelStreamMaxBytes,
        max_msgs_per_subject: governance ? quotas.governancePerSubjectMaxMsgs : quotas.channelPerSubjectMaxMsgs,
      };
    }),
    {
      ...common,
      name: StreamName.quarantine,
      subjects: [channelSubject(QUARANTINE_TOKEN)],
      max_age: maxAge,
      // A quarantine copy is the original message with the reason's headers added.
      max_msg_size: Math.min(maxMsgSize + QUARANTINE_HEADER_BYTES, STREAM_MAX_MSG_BYTES + QUARANTINE_HEADER_BYTES),
      max_bytes: quotas.quarantineStreamMaxBytes,
      max_msgs_per_subject: quotas.quarantinePerSubjectMaxMsgs,
    },
  ];
}

export type ProvisionOutcome = { name: string; action: "created" | "updated" | "unchanged"; info: StreamInfo };

/** Creates each stream, or updates it when its config differs from the desired one. Idempotent. */
export async function provisionStreams(jsm: JetStreamManager, bounds: Bounds, log: Logger, quotas?: Quotas): Promise<ProvisionOutcome[]> {
  const outcomes: ProvisionOutcome[] = [];
  for (const desired of desiredStreams(bounds, quotas)) {
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
