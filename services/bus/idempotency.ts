import { Kvm, type KV } from "@nats-io/kv";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { Bounds } from "../../schemas/config.js";

/**
 * What a subscriber has already handled, by event id (check 9 of docs/protocol.md §5). A record is
 * written after the handler succeeds and before the ack, so a redelivery after a crash, or a
 * re-send after the duplicate window, never runs the handler twice.
 */
export interface ProcessedRecord {
  has(id: string): Promise<boolean>;
  add(id: string): Promise<void>;
}

export const PROCESSED_BUCKET = "ALLIANCE_PROCESSED";

/** Durable record in a JetStream KV bucket shared by all subscribers, one key per consumer and id. */
export async function openProcessedRecord(js: JetStreamClient, consumer: string, bounds: Pick<Bounds, "replicas" | "streamMaxAgeDays">): Promise<ProcessedRecord> {
  const kv: KV = await new Kvm(js).create(PROCESSED_BUCKET, {
    history: 1,
    replicas: bounds.replicas,
    // As long as the streams keep a message, its record must outlive any redelivery of it.
    ttl: bounds.streamMaxAgeDays * 86_400_000,
  });
  const key = (id: string) => `${consumer}.${id}`;
  return {
    async has(id) {
      const entry = await kv.get(key(id));
      return entry !== null && entry.operation === "PUT";
    },
    async add(id) {
      await kv.put(key(id), String(Date.now()));
    },
  };
}

/** For ephemeral readers (`alliance tail` without --durable): forgotten when the process ends. */
export function memoryProcessedRecord(): ProcessedRecord {
  const seen = new Set<string>();
  return {
    async has(id) {
      return seen.has(id);
    },
    async add(id) {
      seen.add(id);
    },
  };
}
