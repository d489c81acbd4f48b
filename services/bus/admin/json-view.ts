import type { JetStreamClient } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { retryTransient } from "../core/retry.js";

/**
 * A JetStream KV bucket of JSON documents, for views folded from the streams (v1.1 tracking):
 * a cache that a rebuild from the streams reproduces, never a source of truth. Domain services
 * get this interface, not a KV client.
 */
export interface JsonView {
  put(key: string, value: unknown): Promise<void>;
  get<T>(key: string): Promise<T | undefined>;
  /** Every key and value under `prefix.` (all when no prefix is given). */
  entries<T>(prefix?: string): Promise<[string, T][]>;
}

const encoder = new TextEncoder();
const RETRY = { deadlineMs: 30_000 };

export async function openJsonView(js: JetStreamClient, bucket: string, replicas: number): Promise<JsonView> {
  const kv: KV = await retryTransient(() => new Kvm(js).create(bucket, { history: 1, replicas }), RETRY);
  return {
    async put(key, value) {
      await retryTransient(() => kv.put(key, encoder.encode(JSON.stringify(value))), RETRY);
    },
    async get<T>(key: string) {
      const entry = await retryTransient(() => kv.get(key), RETRY);
      return entry && entry.operation === "PUT" ? entry.json<T>() : undefined;
    },
    async entries<T>(prefix?: string) {
      const out: [string, T][] = [];
      const keys: string[] = [];
      for await (const key of await kv.keys(prefix ? `${prefix}.>` : ">")) keys.push(key);
      for (const key of keys.sort()) {
        const entry = await kv.get(key);
        if (entry && entry.operation === "PUT") out.push([key, entry.json<T>()]);
      }
      return out;
    },
  };
}
