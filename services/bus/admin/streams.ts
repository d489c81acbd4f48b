import { DiscardPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamInfo } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { Quotas, type Bounds } from "../../../schemas/config.js";
import { serverMaxFileStoreBytes, STREAM_MAX_MSG_BYTES, streamMessageSizes } from "../../../schemas/quotas.js";
import { Channel } from "../../../schemas/protocol.js";
import type { Logger } from "../core/logger.js";
import { AllianceError, ErrorCode } from "../core/errors.js";
import { channelSubject, QUARANTINE_TOKEN, StreamName, streamForChannel } from "../wire/subjects.js";

const DAY_NS = 86_400 * 1e9;

export { STREAM_MAX_MSG_BYTES };

export type DesiredStream = Pick<StreamConfig,
  "name" | "subjects" | "storage" | "retention" | "discard" | "max_age" | "duplicate_window" | "num_replicas" | "max_msg_size" | "allow_direct"
  | "max_bytes" | "max_msgs_per_subject" | "discard_new_per_subject">;

/** The body bound plus headers: a little over the bound still arrives and is quarantined (check 1). */
export function streamMaxMsgSize(bounds: Pick<Bounds, "maxBodyBytes">, quotas: Pick<Quotas, "headerAllowanceBytes" | "governanceMaxBodyBytes">): number {
  return streamMessageSizes(bounds.maxBodyBytes, quotas).channel;
}

/**
 * The five streams of docs/protocol.md §6, their bounds and quotas taken from config. Every stream
 * refuses new messages when full (discard new) instead of dropping the oldest, and each subject
 * (one member's one kind on one channel) has its own cap, refused per subject: a member that
 * fills its share is refused, the others are not, and nothing already stored is ever discarded
 * to make room — the governance stream is the record.
 */
export function desiredStreams(bounds: Bounds, quotas: Quotas = Quotas.parse({})): DesiredStream[] {
  const size = streamMessageSizes(bounds.maxBodyBytes, quotas);
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    duplicate_window: nanos(bounds.duplicateWindowSeconds * 1000),
    num_replicas: bounds.replicas,
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
        // Governance events are small (the founding declaration in five languages is ~8 KiB): a
        // smaller bound keeps one member's stored junk ahead of a vote quick to refuse.
        max_msg_size: governance ? size.governance : size.channel,
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
      max_msg_size: size.quarantine,
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
      outcome = { name: desired.name, action: "created", info: await reserving(desired, bounds, quotas, () => jsm.streams.add(desired)) };
    } else if (differs(existing.config, desired)) {
      await refuseShrinkingBelowContent(jsm, existing, desired);
      outcome = { name: desired.name, action: "updated", info: await reserving(desired, bounds, quotas, () => jsm.streams.update(desired.name, desired)) };
    } else {
      outcome = { name: desired.name, action: "unchanged", info: existing };
    }
    log.info({ stream: desired.name, action: outcome.action }, "stream provisioned");
    outcomes.push(outcome);
  }
  return outcomes;
}

/**
 * Gives a KV bucket a byte limit of its own (its stream's max_bytes; KV buckets refuse new values
 * when full): reserved in the account like a stream's, so that what its writer puts there cannot
 * take the space of any other bucket or stream. The bucket must exist.
 */
export async function limitBucketBytes(jsm: JetStreamManager, bucket: string, maxBytes: number): Promise<void> {
  const name = `KV_${bucket}`;
  const info = await jsm.streams.info(name);
  if (info.config.max_bytes === maxBytes) return;
  if (info.state.bytes > maxBytes) {
    throw new AllianceError(ErrorCode.ConfigInvalid, `bucket ${bucket} holds ${info.state.bytes} bytes, more than quotas.processedBucketMaxBytes = ${maxBytes}: lowering its limit would delete the oldest records; raise the quota`);
  }
  await jsm.streams.update(name, { ...info.config, max_bytes: maxBytes });
}

/**
 * Creates or updates a stream, explaining the server's refusal to reserve its max_bytes: a server
 * started with `nats-server -js` offers 75 % of the free disk, less than the default quotas
 * reserve, and the client's error says only "insufficient storage resources available".
 */
async function reserving(desired: DesiredStream, bounds: Bounds, quotas: Quotas | undefined, write: () => Promise<StreamInfo>): Promise<StreamInfo> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof JetStreamApiError) || err.code !== INSUFFICIENT_STORAGE) throw err;
    const needed = serverMaxFileStoreBytes(quotas ?? Quotas.parse({}), bounds.replicas);
    throw new AllianceError(ErrorCode.StoreTooSmall, `stream ${desired.name} reserves ${desired.max_bytes} bytes and the server cannot reserve them (insufficient storage resources): this config's streams and buckets reserve ${needed} bytes on each server (docs/security.md, "Quotas"). Give nats-server a JetStream max_file_store of at least ${needed} (a limit, not an allocation: config/nats/dev.conf for development), or lower the quotas in the config`, { cause: err });
  }
}

/** JetStream's "insufficient storage resources available": the store or the account cannot reserve a stream's max_bytes. */
const INSUFFICIENT_STORAGE = 10047;

/**
 * Lets a single-replica processed-record bucket made before direct reads be read by direct get
 * (consume/idempotency.ts: cheaper for nats-server, and the one replica is the one that stored
 * every write). Subscribers opened afterwards read that way; a replicated bucket is left alone.
 */
export async function allowDirectReadsOfSingleReplica(jsm: JetStreamManager, bucket: string): Promise<void> {
  const name = `KV_${bucket}`;
  const info = await jsm.streams.info(name);
  if (info.config.num_replicas !== 1 || info.config.allow_direct) return;
  await jsm.streams.update(name, { ...info.config, allow_direct: true });
}

/**
 * nats-server applies a lowered max_bytes or max_msgs_per_subject to what a stream already holds
 * by deleting the oldest messages, whatever the discard policy: lowering the quotas below what is
 * stored would erase part of the governance record (or members' messages). Refused instead,
 * naming the stream, the subject and the quota; the operator raises the quota or removes the
 * messages first (docs/operations.md, "After a flood").
 */
async function refuseShrinkingBelowContent(jsm: JetStreamManager, existing: StreamInfo, desired: DesiredStream): Promise<void> {
  const name = desired.name;
  if (desired.max_bytes !== undefined && desired.max_bytes > 0 && existing.state.bytes > desired.max_bytes) {
    throw new AllianceError(ErrorCode.ConfigInvalid, `stream ${name} holds ${existing.state.bytes} bytes, more than its new max_bytes ${desired.max_bytes}: updating would delete the oldest messages; raise the quota or remove messages first`);
  }
  const cap = desired.max_msgs_per_subject ?? -1;
  if (cap <= 0 || existing.state.messages <= cap || ((existing.config.max_msgs_per_subject ?? -1) > 0 && existing.config.max_msgs_per_subject! <= cap)) return;
  const info = await jsm.streams.info(name, { subjects_filter: ">" });
  const over = Object.entries(info.state.subjects ?? {}).find(([, n]) => n > cap);
  if (over) {
    throw new AllianceError(ErrorCode.ConfigInvalid, `stream ${name} holds ${over[1]} messages on ${over[0]}, more than its new per-subject cap ${cap}: updating would delete the oldest; raise the quota or remove messages first`);
  }
}

function differs(actual: StreamConfig, desired: DesiredStream): boolean {
  return (Object.keys(desired) as (keyof DesiredStream)[]).some((key) => JSON.stringify(actual[key]) !== JSON.stringify(desired[key]));
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}
