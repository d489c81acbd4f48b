import { Kvm, type KV, type KvStatus } from "@nats-io/kv";
import { JetStreamApiCodes, type JetStreamClient } from "@nats-io/jetstream";
import { JetStreamStatusError } from "@nats-io/jetstream/internal";
import type { Msg } from "@nats-io/transport-node";
import { connectionOf, parseApiReply, requesterFor } from "../core/requests.js";
import type { Bounds } from "../../../schemas/config.js";
import { retryTransient } from "../core/retry.js";
import { Header } from "../wire/headers.js";

/**
 * What a subscriber has already handled, by event id (check 9 of docs/protocol.md §5). A record is
 * written after the handler succeeds and before the ack, so a redelivery after a crash, or a
 * re-send after the duplicate window, never runs the handler twice.
 */
export interface ProcessedRecord {
  /** `at` names the stream position handled (`<stream>:<seq>`), so a redelivery can be told from a replay. */
  add(id: string, at?: string): Promise<void>;
  /**
   * The position recorded for `id` ("" when it was recorded without one), or undefined if never
   * handled. `legacyId` is asked when `id` has no record: the key the same event had before
   * records were keyed by origin (`recordKeyOf`).
   */
  handledAt(id: string, legacyId?: string): Promise<string | undefined>;
}

/**
 * The key of an event's record: its origin and its id. CloudEvents make `source` + `id` an
 * event's identity, and one consumer name spans several streams (every `<code>-tracking`, a
 * declared consumer with several channels): keyed by id alone, a member that re-published another
 * member's id on another stream had the genuine event refused as a duplicate wherever the copy
 * arrived first (red team; test/integration/attack-id-copy.test.ts).
 */
export function recordKeyOf(event: { readonly source: string; readonly id: string }): string {
  return `${event.source}.${event.id}`;
}

/** The position a record names: redelivering the same stored message has the same one, a replay another. */
export function streamPosition(stream: string, seq: number): string {
  return `${stream}:${seq}`;
}

/** How long a record read or write keeps retrying while the bucket's replicas elect a leader. */
const RECORD_DEADLINE_MS = 60_000;

/** The prefix of every processed-record bucket: `ALLIANCE_PROCESSED_<owner>`. */
export const PROCESSED_BUCKET = "ALLIANCE_PROCESSED";

/**
 * The bucket of one owner's records. One per owner, not one shared: reads of a record go by the
 * leader with the key in the request body, out of the permissions' sight, so a shared bucket let
 * any consumer owner read (and list, and count) which events every other member's consumers
 * handled. Per-owner buckets let permissions confine all of it (docs/security.md).
 */
export function processedBucket(owner: string): string {
  return `${PROCESSED_BUCKET}_${owner}`;
}

/** The owner of a consumer, from its name's `<code>-` prefix (docs/protocol.md §6, deployment rules). */
export function ownerOfConsumer(consumer: string): string {
  const dash = consumer.indexOf("-");
  return dash > 0 ? consumer.slice(0, dash) : consumer;
}

/** Durable record in the owner's JetStream KV bucket, one key per consumer and id. */
export async function openProcessedRecord(js: JetStreamClient, consumer: string, bounds: Pick<Bounds, "replicas" | "streamMaxAgeDays">, owner = ownerOfConsumer(consumer)): Promise<ProcessedRecord> {
  const kv: KV = await new Kvm(js).create(processedBucket(owner), {
    history: 1,
    replicas: bounds.replicas,
    // With replicas, reads go to the bucket's leader. A direct get is answered by any replica, and
    // one that lags (or has just woken from a freeze) can say "never handled" for an id it has not
    // caught up with: the fault suite saw handlers run twice that way on a 3-node cluster. With
    // one replica, the one that answers a direct get is the one that stored the write.
    allow_direct: bounds.replicas === 1,
    // As long as the streams keep a message, its record must outlive any redelivery of it.
    ttl: bounds.streamMaxAgeDays * 86_400_000,
  });
  const key = (id: string) => `${consumer}.${id}`;
  const fast = lightRecordPath(js, processedBucket(owner), directReadsSafe(await kv.status()));
  // Records of the layout before origins were in the key hold one token after the consumer's name
  // (`<consumer>.<id>`), which `*` matches and today's keys (`<consumer>.<source>.<id>`) do not:
  // their keys are asked only where some exist, so a backlog read after a restart costs one
  // lookup per message, not two. Any doubt (an error) counts as "some exist".
  const legacyLayout = fast ? await retryTransient(() => fast.any(`${consumer}.*`), { deadlineMs: RECORD_DEADLINE_MS }).catch(() => true) : true;
  const lookUp = async (id: string) => {
    if (fast) return retryTransient(() => fast.get(key(id)), { deadlineMs: RECORD_DEADLINE_MS });
    const entry = await retryTransient(() => kv.get(key(id)), { deadlineMs: RECORD_DEADLINE_MS });
    if (entry === null || entry.operation !== "PUT") return undefined;
    return positionOf(entry.string());
  };
  return {
    async handledAt(id, legacyId) {
      return (await lookUp(id)) ?? (legacyId === undefined || !legacyLayout ? undefined : lookUp(legacyId));
    },
    async add(id, at = "") {
      // A failed write after a successful handler would let a redelivery run the handler again,
      // so the write is retried through elections; writing the same value twice is harmless.
      if (fast) await retryTransient(() => fast.put(key(id), at), { deadlineMs: RECORD_DEADLINE_MS });
      else await retryTransient(() => kv.put(key(id), at), { deadlineMs: RECORD_DEADLINE_MS });
    },
  };
}

/**
 * Direct gets only where the bucket has a single replica and allows them: a bucket made by an
 * earlier version (`allow_direct` off) keeps its leader reads until provisioning turns them on
 * (services/identity/provision.ts), and any replicated bucket reads by the leader.
 */
function directReadsSafe(status: KvStatus): boolean {
  const { config } = status.streamInfo;
  return config.allow_direct === true && config.num_replicas === 1 && !config.mirror;
}

/** Records written before positions were kept hold a timestamp: handled, position unknown. */
function positionOf(value: string): string {
  return value.includes(":") ? value : "";
}

/** The KV client's rule for a key (nats.js kv.ts validateKey): no wildcard, no empty token. */
const VALID_KEY = /^[-/=.\w]+$/;
function validKey(k: string): string {
  if (k.startsWith(".") || k.endsWith(".") || k.includes("..") || !VALID_KEY.test(k)) throw new Error(`invalid key: ${k}`);
  return k;
}

/**
 * The bucket's reads and writes as the KV client makes them (a get of the key's last message: a
 * direct get where `direct`, else a STREAM.MSG.GET from the leader; a publish to
 * `$KV.<bucket>.<key>`), through the connection's light requester (core/requests.ts): the same
 * requests and the same errors, without nats.js's per-request error objects. Undefined where the
 * plain layout does not hold (a JetStream domain or another API prefix): the KV client is used there.
 */
function lightRecordPath(js: JetStreamClient, bucket: string, direct: boolean): { get(k: string): Promise<string | undefined>; put(k: string, value: string): Promise<void>; any(pattern: string): Promise<boolean> } | undefined {
  const nc = connectionOf(js);
  if (!nc || js.apiPrefix !== "$JS.API") return undefined;
  const timeoutMs = js.getOptions().timeout ?? 10_000;
  const getSubject = `$JS.API.STREAM.MSG.GET.KV_${bucket}`;
  const directGetPrefix = `$JS.API.DIRECT.GET.KV_${bucket}.`;
  return {
    async get(k) {
      const subject = `$KV.${bucket}.${validKey(k)}`;
      if (direct) return directValue(await requesterFor(nc).request(directGetPrefix + subject, "", { timeoutMs }), subject);
      const reply = await requesterFor(nc).request(getSubject, JSON.stringify({ last_by_subj: subject }), { timeoutMs });
      // "No message" is the common answer (an id never handled): told by its code, without
      // building the client's error for it.
      const answer = JSON.parse(reply.string()) as { error?: { err_code?: number }; message?: { subject: string; data?: string; hdrs?: string } };
      if (answer.error?.err_code === JetStreamApiCodes.NoMessageFound) return undefined;
      const { message } = parseApiReply<{ message: { subject: string; data?: string; hdrs?: string } }>(reply, answer);
      if (message.subject !== subject) return undefined;
      // A delete or purge marker (KV-Operation header): not handled.
      if (message.hdrs && KV_REMOVED.test(Buffer.from(message.hdrs, "base64").toString("latin1"))) return undefined;
      return positionOf(message.data ? Buffer.from(message.data, "base64").toString("utf8") : "");
    },
    async any(pattern) {
      const reply = await requesterFor(nc).request(getSubject, JSON.stringify({ last_by_subj: `$KV.${bucket}.${pattern}` }), { timeoutMs });
      const answer = JSON.parse(reply.string()) as { error?: { err_code?: number } };
      if (answer.error?.err_code === JetStreamApiCodes.NoMessageFound) return false;
      parseApiReply(reply, answer);
      return true;
    },
    async put(k, value) {
      const reply = await requesterFor(nc).request(`$KV.${bucket}.${validKey(k)}`, value, { timeoutMs });
      const ack = parseApiReply<{ stream?: string }>(reply);
      if (!ack.stream) throw new Error(`invalid ack response for the processed record ${k}`);
    },
  };
}

/** The KV client's operation header on a delete or purge marker. */
const KV_REMOVED = new RegExp(`^${Header.KvOperation}:\\s*(DEL|PURGE)\\s*$`, "im");

/**
 * A direct get's answer: the stored message itself (its headers name the subject; a delete or
 * purge marker carries `KV-Operation`), or a status without a body: 404, no message under the key
 * (the common answer, not an error); any other status is the server's refusal, thrown as the
 * client's `JetStreamStatusError` with its code (a 503 is `NoRespondersError`, from the requester).
 */
function directValue(reply: Msg, subject: string): string | undefined {
  const status = reply.headers?.code ?? 0;
  if (status === 404) return undefined;
  if (status !== 0 && reply.data.length === 0) throw new JetStreamStatusError(`direct get of ${subject}: ${status} ${reply.headers?.description ?? ""}`.trim(), status);
  if (reply.headers?.get(Header.StoredSubject) !== subject) return undefined;
  const operation = reply.headers.get(Header.KvOperation);
  if (operation === "DEL" || operation === "PURGE") return undefined;
  return positionOf(reply.string());
}

/** For ephemeral readers (`alliance tail` without --durable): forgotten when the process ends. */
export function memoryProcessedRecord(): ProcessedRecord {
  const seen = new Map<string, string>();
  return {
    async add(id, at = "") {
      seen.set(id, at);
    },
    async handledAt(id, legacyId) {
      return seen.get(id) ?? (legacyId === undefined ? undefined : seen.get(legacyId));
    },
  };
}
